import HALSimulation

extension DeviceFixture {
    /// The fixture as `sensorgw-fixture/1` YAML: registers in runs of up to 16 consecutive
    /// bytes, one run per line, then the commands.
    public func yaml() -> String {
        var lines = ["format: \(DeviceFixture.format)"]
        if let source { lines.append("source: \"\(source.replacing("\\", with: "\\\\").replacing("\"", with: "\\\""))\"") }
        if let bus { lines.append("bus: \(bus)") }
        if let address { lines.append("address: \(address)") }
        if writeMode == .registerValuePairs { lines.append("write_mode: register_value_pairs") }
        if !registers.isEmpty {
            lines.append("registers:")
            for run in runs() {
                lines.append("  \"0x\(FixtureBytes.hex(run.start))\": \"\(run.bytes.map(FixtureBytes.hex).joined(separator: " "))\"")
            }
        }
        if !commands.isEmpty {
            lines.append("commands:")
            for command in commands {
                lines.append("  - write: \"\(command.write.map(FixtureBytes.hex).joined(separator: " "))\"")
                if command.delay > .zero { lines.append("    delay: \(FixtureBytes.format(command.delay))") }
                if !command.read.isEmpty {
                    lines.append("    read: \"\(command.read.map(FixtureBytes.hex).joined(separator: " "))\"")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Consecutive recorded registers, at most 16 per run.
    func runs() -> [(start: UInt8, bytes: [UInt8])] {
        var runs: [(start: UInt8, bytes: [UInt8])] = []
        for register in registers.keys.sorted() {
            let value = registers[register] ?? 0
            if var last = runs.last, last.bytes.count < 16, Int(last.start) + last.bytes.count == Int(register) {
                last.bytes.append(value)
                runs[runs.count - 1] = last
            } else {
                runs.append((register, [value]))
            }
        }
        return runs
    }
}
