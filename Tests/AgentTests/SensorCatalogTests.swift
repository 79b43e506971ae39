#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Configuration
import Drivers
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard
import Testing
@testable import Agent

@Suite struct SensorCatalogTests {
    @Test func everyKindIsListedOnceWithItsDocumentedRowAndQuantities() {
        let names = SensorRegistry.builtIn.kinds.map(\.name)
        #expect(Set(names).count == names.count)
        let table = SensorListing.table(.builtIn)
        // A block per kind, each starting with its name at the left margin.
        let heads = table.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.split(separator: " ")[0]) }
        #expect(heads == names)
        let block = table.split(separator: "\n\n").first { $0.hasPrefix("bme280 ") } ?? ""
        #expect(block.hasPrefix("bme280  [i2c,spi]\n  chip        Bosch BME280\n"))
        #expect(block.contains("  per sample  3: one register/value-pair write"))
        #expect(block.contains("  checked as  temperature [Cel -40..85]"))
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 100 || !$0.contains(" ") }, "wrapped at 100 columns")
        #expect(SensorListing.json(.builtIn).contains(#"{"kind":"bme280","buses":["i2c","spi"],"quantities":[{"name":"temperature","unit":"Cel","min":-40.0,"max":85.0}"#))
    }

    @Test func everyKindHasExactlyOneRowInDocsSensorsMd() {
        let names = SensorRegistry.builtIn.kinds.map(\.name)
        let documented = SensorCatalogTable.rows.map { $0[0] }
        #expect(Set(documented).count == documented.count, "one row each")
        #expect(Set(documented) == Set(names.map { "`\($0)`" }), "a row for every kind and a kind for every row")
        #expect(SensorCatalogTable.rows.allSatisfy { $0.count == SensorCatalogTable.header.count })
    }

    @Test func theBuiltInTableIsTheOneInDocsSensorsMd() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/SENSORS.md"), encoding: .utf8)
        let lines = doc.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("| kind |") })
        let table = lines[start...].prefix { $0.hasPrefix("|") }
        #expect(SensorListing.markdown() == table.joined(separator: "\n") + "\n",
                "docs/SENSORS.md's table changed: run Scripts/gen-sensor-table.py")
    }

    @Test func schedulesAreBuiltByEachSensorsKindWithItsPipeline() async throws {
        let address = try #require(I2CAddress(0x76))
        let sensors: [GatewayConfiguration.SensorConfiguration] = [
            .init(id: "air", kind: "bme280", bus: .i2c(bus: 1, address: address), interval: .seconds(2),
                  priority: .critical, options: BME280Kind.Options()),
            .init(id: "load", kind: "synthetic", bus: .none, options: SyntheticKind.Options(readingsPerSample: 3)),
        ]
        let board = SimulatedBoard(sensors: sensors, registry: .builtIn)
        let schedules = try GatewayAgent.schedules(for: sensors, registry: .builtIn, board: board)
        #expect(schedules.map(\.sensor.id) == ["air", "load"])
        #expect(schedules.map(\.interval) == [.seconds(2), .seconds(10)])
        #expect(schedules.map(\.priority) == [.critical, .normal])
        // The bus for journald's BUS= field: as /dev/i2c-1 names it; none for a kind on no bus.
        #expect(schedules.map(\.bus) == ["i2c-1", nil])
        let load = try await schedules[1].sensor.measure(at: SystemClock.now())
        #expect(load.map(\.number) == [1, 2, 3])
        var pipeline = schedules[0].pipeline
        let hot = Reading(sensorID: "air", quantity: "temperature", value: 90, unit: .celsius, timestamp: SystemClock.now())
        #expect(pipeline.process([hot]).dropped.map(\.reason) == ["out_of_range"])
    }

    @Test func aKindTheRegistryLacksIsAnErrorNotACrash() {
        let sensors = [GatewayConfiguration.SensorConfiguration(id: "x", kind: "sht99", bus: .none)]
        #expect(throws: UnknownSensorKind.self) {
            _ = try GatewayAgent.schedules(for: sensors, registry: .builtIn, board: LinuxBoard())
        }
    }

    @Test func aProbeReadsAnyKindThroughItsDescriptor() async throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "bme280"))
        let bus = GatewayConfiguration.SensorConfiguration.SensorBus.spi(device: "/dev/spidev0.1",
                                                                         configuration: Probes.probeSPIConfiguration)
        let board = SimulatedBoard(probing: kind, on: bus, registry: .builtIn)
        let result = try await Probes.read(kind, on: bus, board: board)
        #expect(result.readings.map(\.quantity) == ["temperature", "pressure", "humidity"])
        #expect(result.dropped.isEmpty)
        let table = SensorListing.readingsTable(result)
        #expect(table.hasPrefix("quantity     value"))
        #expect(table.split(separator: "\n").count == 4)
    }
}
