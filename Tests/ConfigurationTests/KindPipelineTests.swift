import Foundation
import Testing
@testable import Configuration
import Drivers
import Pipeline
import SensorKit

/// A kind's `pipeline(for:)` from a parsed `quantities:` section: validation on the raw values,
/// then calibration, unit conversion and filters per quantity.
@Suite struct KindPipelineTests {
    let stamp = Timestamp(wallSeconds: 1_764_000_000, monotonicNanoseconds: 5_000_000_000, clockSynchronized: true)

    func pipeline(_ lines: String...) throws -> ReadingPipeline {
        let sandbox = try Sandbox()
        var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.insert(contentsOf: ["    quantities:"] + lines, at: 7)
        let config = try GatewayConfiguration.parse(yaml: all.joined(separator: "\n"), file: configName,
                                                    baseDirectory: sandbox.path, kinds: testKinds)
        return BME280Kind().pipeline(for: config.sensors[0])
    }

    func reading(_ quantity: String, _ value: Double, _ unit: String, at seconds: UInt64 = 5) -> Reading {
        Reading(sensorID: "air", quantity: quantity, value: value, unit: SenMLUnit(rawValue: unit),
                timestamp: Timestamp(wallSeconds: 1_764_000_000, monotonicNanoseconds: seconds * 1_000_000_000,
                                     clockSynchronized: true))
    }

    @Test func calibratedConvertedAndFilteredPerQuantity() throws {
        var stages = try pipeline(
            "      temperature: { unit: K, calibration: { offset: -1.5 } }",
            "      pressure:",
            "        unit: hPa",
            "        filters: [ { delta: 1 } ]")
        #expect(stages.stages.map(\.name) == ["validation", "calibration", "unit", "unit", "filters"])
        let first = stages.process([reading("temperature", 21.5, "Cel"), reading("pressure", 101_325, "Pa"),
                                    reading("humidity", 40, "%RH")])
        // 21.5 − 1.5 = 20 °C = 293.15 K; 101325 Pa = 1013.25 hPa; humidity untouched
        #expect(first.passed.map(\.number) == [293.15, 1013.25, 40])
        #expect(first.passed.map(\.unit.rawValue) == ["K", "hPa", "%RH"])
        // 101350 Pa = 1013.5 hPa: 0.25 hPa from 1013.25, held by delta 1 (not a drop)
        let second = stages.process([reading("pressure", 101_350, "Pa", at: 15)])
        #expect(second.passed.isEmpty)
        #expect(second.dropped.isEmpty)
    }

    @Test func validationJudgesTheRawValueBeforeCalibration() throws {
        // The BME280 reports −40 … 85 °C. A raw 86 °C is a corrupt transfer even though the
        // offset would bring it to 84: dropped by validation, never calibrated.
        var stages = try pipeline("      temperature: { calibration: { offset: -2 } }")
        let result = stages.process([reading("temperature", 86, "Cel")])
        #expect(result.passed.isEmpty)
        #expect(result.dropped.map(\.stage) == ["validation"])
        #expect(result.dropped.map(\.reason) == ["out_of_range"])
    }

    @Test func aTableMissDropsWithItsReason() throws {
        var stages = try pipeline("      humidity: { calibration: { table: [[10, 12], [90, 88]] } }")
        let result = stages.process([reading("humidity", 50, "%RH"), reading("humidity", 95, "%RH")])
        // 50 is halfway from 10 to 90: halfway from 12 to 88 = 50; 95 is past the table's end
        #expect(result.passed.map(\.number) == [50])
        #expect(result.dropped.map(\.reason) == ["calibration_outside_table"])
    }
}
