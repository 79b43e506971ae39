import Agent
import ArgumentParser
import Configuration
import Drivers
import HAL
import SensorKit
import SimulatedBoard

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sensorgw probe dump ...`: capture a device's registers (and recorded commands) into a
/// fixture that a simulated board replays (docs/FIXTURES.md).
struct ProbeDumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Capture a device's registers, or a command chip's answers, as a replayable fixture.",
        discussion: """
            Only reads: each register read sends the register number as a pointer, nothing else is \
            written. With --command the given commands are sent (as the chip's driver would), each \
            followed by --delay and a read of --read bytes; registers are then read only when \
            --registers is given. Replay with `simulated: { fixture: FILE }` under the sensor.
            """)

    @Option(help: "I2C bus number N of /dev/i2c-N.")
    var bus: Int?

    @Option(help: "I2C address of the device.", transform: parseAddress)
    var address: I2CAddress?

    @Option(help: "SPI device path, e.g. /dev/spidev0.0 (instead of --bus); reads send register | 0x80.")
    var spi: String?

    @Option(help: "Registers to read, FIRST-LAST in hex (default 0x00-0xff on I2C, 0x00-0x7f on SPI).",
            transform: parseRegisterRange)
    var registers: ClosedRange<UInt8>?

    @Option(help: "A command to send and record, in hex (0x2400); repeat for several.", transform: parseHexBytes)
    var command: [[UInt8]] = []

    @Option(help: "Bytes to read after each command (one value for all, or one per --command).")
    var read: [Int] = []

    @Option(help: "Wait between each command and its read, e.g. 16ms or 500us (one for all, or one per --command).",
            transform: parseDelay)
    var delay: [Duration] = []

    @Flag(help: "Mark the fixture so replayed multi-byte writes are register/value pairs (Bosch BME280/BMP280 on I2C).")
    var registerValuePairs = false

    @Option(help: "Write the fixture to this file instead of standard output.")
    var output: String?

    @Option(help: "Dump a simulated chip of this catalog kind instead of the hardware (for trying it out).")
    var simulated: String?

    func validate() throws {
        guard (bus == nil) != (spi == nil) else { throw ValidationError("give either --bus N --address A or --spi PATH") }
        if bus != nil, address == nil { throw ValidationError("give --address") }
        if spi != nil, !command.isEmpty { throw ValidationError("--command is for I2C command chips") }
        for (name, count) in [("--read", read.count), ("--delay", delay.count)] where count > 1 && count != command.count {
            throw ValidationError("give \(name) once, or once per --command")
        }
        if command.isEmpty, !read.isEmpty || !delay.isEmpty { throw ValidationError("--read and --delay go with --command") }
        if read.contains(where: { !(0...64).contains($0) }) { throw ValidationError("--read is 0...64 bytes") }
        if let simulated, SensorRegistry.builtIn.kind(named: simulated) == nil {
            throw ValidationError("unknown sensor kind '\(simulated)'")
        }
    }

    func run() async throws {
        let fixture = try await withHALErrorExit { try await capture() }
        let text = fixture.yaml()
        guard let output else {
            print(text, terminator: "")
            return
        }
        guard writeFile(output, text) else {
            printError("error: cannot write \(output): \(String(cString: strerror(errno)))")
            throw ExitCode(73)  // EX_CANTCREAT
        }
    }

    private func capture() async throws -> DeviceFixture {
        let location: GatewayConfiguration.SensorConfiguration.SensorBus
        if let spi {
            location = .spi(device: spi, configuration: Probes.probeSPIConfiguration)
        } else if let bus, let address {
            location = .i2c(bus: bus, address: address)
        } else {
            location = .none
        }
        let board: any Board
        if let simulated, let kind = SensorRegistry.builtIn.kind(named: simulated) {
            board = SimulatedBoard(probing: kind, on: location, registry: .builtIn)
        } else {
            board = LinuxBoard()
        }
        var fixture = DeviceFixture(writeMode: registerValuePairs ? .registerValuePairs : .autoIncrement)
        switch location {
        case .i2c(let number, let address):
            let i2c = try await board.i2cBus(number)
            fixture.bus = "i2c"
            fixture.address = address
            fixture.source = (simulated.map { "simulated \($0)" } ?? "device") + " on i2c-\(number) at \(address)"
            for (index, bytes) in command.enumerated() {
                let count = read.count > 1 ? read[index] : read.first ?? 0
                let wait = delay.count > 1 ? delay[index] : delay.first ?? .zero
                fixture.commands.append(try await FixtureCapture.command(bus: i2c, address: address, bytes, delay: wait,
                                                                         read: count, clock: board.clock))
            }
            if command.isEmpty || registers != nil {
                fixture.registers = try await FixtureCapture.registers(bus: i2c, address: address, registers ?? 0x00...0xFF)
            }
        case .spi(let path, let configuration):
            let device = try await board.spiDevice(path, configuration: configuration)
            fixture.bus = "spi"
            fixture.source = (simulated.map { "simulated \($0)" } ?? "device") + " on \(path)"
            fixture.registers = try await FixtureCapture.registers(spi: device, registers ?? 0x00...0x7F)
        case .none:
            break
        }
        return fixture
    }
}

/// `0x00-0xff`, `0x88-0xa1`, or one register `0xd0`.
func parseRegisterRange(_ text: String) throws -> ClosedRange<UInt8> {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
    func register(_ part: String) -> UInt8? {
        let lower = part.lowercased()
        let value = lower.hasPrefix("0x") ? Int(lower.dropFirst(2), radix: 16) : Int(lower)
        return value.flatMap { (0...0xFF).contains($0) ? UInt8($0) : nil }
    }
    guard (1...2).contains(parts.count), let low = register(parts[0]), let high = register(parts.last ?? ""), low <= high else {
        throw ValidationError("'\(text)' is not a register range like 0x00-0xff")
    }
    return low...high
}

/// `0x2400` as [0x24, 0x00]; `0xe1` as [0xe1].
func parseHexBytes(_ text: String) throws -> [UInt8] {
    let lower = text.lowercased()
    let digits = lower.hasPrefix("0x") ? lower.dropFirst(2) : Substring(lower)
    guard !digits.isEmpty, digits.count % 2 == 0, digits.count <= 64, digits.allSatisfy(\.isHexDigit) else {
        throw ValidationError("'\(text)' is not a command in hex like 0x2400")
    }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

/// `16ms`, `500us`, `1s`.
func parseDelay(_ text: String) throws -> Duration {
    let digits = text.prefix { $0.isASCII && $0.isNumber }
    guard let number = Int64(digits), digits.count <= 7 else { throw ValidationError("'\(text)' is not a delay like 16ms") }
    switch text.dropFirst(digits.count) {
    case "us": return .microseconds(number)
    case "ms": return .milliseconds(number)
    case "s": return .seconds(number)
    default: throw ValidationError("'\(text)' is not a delay like 16ms (units: us, ms, s)")
    }
}

/// Writes `text` to `path` (created or truncated, mode 0644); false with errno set on failure.
private func writeFile(_ path: String, _ text: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        bytes = bytes.dropFirst(written)
    }
    return true
}
