import Foundation
import Testing
@testable import Configuration
import Pipeline

/// The `quantities:` section of a sensor entry. Line numbers refer to `minimalYAML` with lines
/// inserted before its line 8 (the BME280 entry ends on line 7).
@Suite("Quantities: units, calibration, filters")
struct QuantitiesConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    private func expectError(_ lines: String..., is expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.insert(contentsOf: ["    quantities:"] + lines, at: 7)
        #expect(errorDescription(all.joined(separator: "\n"), base: d) == expected, sourceLocation: sourceLocation)
    }

    private func parse(_ lines: String...) throws -> [QuantitySettings] {
        var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.insert(contentsOf: ["    quantities:"] + lines, at: 7)
        let config = try GatewayConfiguration.parse(yaml: all.joined(separator: "\n"), file: configName,
                                                    baseDirectory: d, kinds: testKinds)
        return config.sensors[0].quantities
    }

    @Test func everyFormIsRead() throws {
        let settings = try parse(
            "      temperature:",
            "        unit: K",
            "        calibration: { linear: { from: [0.4, 99.2], to: [0, 100] } }",
            "        filters:",
            "          - timeout: 5m",
            "          - median: { window: 5 }",
            "          - quantile: { window: 7, quantile: 0.9 }",
            "          - moving_average: { window: 3, send_every: 3 }",
            "          - exponential_moving_average: { alpha: 0.25 }",
            "          - min: { window: 2 }",
            "          - max: { window: 2 }",
            "          - clamp: { min: -10, max: 40 }",
            "          - round: 1",
            "          - delta: 0.5",
            "          - heartbeat: 10m",
            "      pressure:",
            "        unit: hPa",
            "        calibration: { table: [[30000, 30010], [110000, 109990]] }",
            "        filters: [ { delta: \"5%\" }, { throttle: 30s }, { debounce: 2s } ]",
            "      humidity:",
            "        calibration: { polynomial: [1, 0.98] }",
            "        filters:",
            "          - on_change")
        #expect(settings == [
            QuantitySettings(
                quantity: "temperature", unit: SenMLUnit(rawValue: "K"),
                calibration: .linear(CalibrationPoint(raw: 0.4, calibrated: 0), CalibrationPoint(raw: 99.2, calibrated: 100)),
                filters: [.timeout(.seconds(300)), .median(window: 5), .quantile(window: 7, quantile: 0.9),
                          .movingAverage(window: 3, sendEvery: 3), .exponentialMovingAverage(alpha: 0.25), .min(window: 2),
                          .max(window: 2), .clamp(min: -10, max: 40), .round(decimals: 1), .delta(.absolute(0.5)),
                          .heartbeat(.seconds(600))]),
            QuantitySettings(
                quantity: "pressure", unit: SenMLUnit(rawValue: "hPa"),
                calibration: .table([CalibrationPoint(raw: 30000, calibrated: 30010),
                                     CalibrationPoint(raw: 110_000, calibrated: 109_990)]),
                filters: [.delta(.percent(5)), .throttle(.seconds(30)), .debounce(.seconds(2))]),
            QuantitySettings(quantity: "humidity", calibration: .polynomial([1, 0.98]), filters: [.onChange]),
        ])
    }

    @Test("docs/PIPELINE.md's example parses to what the page says")
    func documentedExample() throws {
        let page = try String(contentsOfFile: "\(examplesDirectory)/../docs/PIPELINE.md", encoding: .utf8)
        let block = try #require(page.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let yaml = "gateway:\n  id: gw\nboard: simulated\n" + block
            + "storage:\n  path: outbox.sqlite\nmqtt:\n  host: localhost\n  tls: false\n"
        let config = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.sensors[0].quantities == [
            QuantitySettings(quantity: "temperature", calibration: .offset(-0.8),
                             filters: [.median(window: 5), .delta(.absolute(0.1)), .heartbeat(.seconds(600))]),
            QuantitySettings(quantity: "pressure", unit: SenMLUnit(rawValue: "hPa"),
                             filters: [.movingAverage(window: 6, sendEvery: 6), .round(decimals: 2)]),
            QuantitySettings(quantity: "humidity", calibration: .table([
                CalibrationPoint(raw: 10, calibrated: 12.5), CalibrationPoint(raw: 50, calibrated: 51),
                CalibrationPoint(raw: 90, calibrated: 88),
            ])),
        ])
    }

    @Test func offsetAndNoQuantitiesAtAll() throws {
        #expect(try parse("      temperature: { calibration: { offset: -0.5 } }")
            == [QuantitySettings(quantity: "temperature", calibration: .offset(-0.5))])
        let config = try GatewayConfiguration.parse(yaml: minimalYAML, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.sensors[0].quantities.isEmpty)
    }

    @Test func aQuantityTheKindDoesNotDeclareNamesTheKindsQuantities() {
        expectError("      temprature: { unit: K }",
                    is: "sensorgw.yaml:9:7: sensors[0].quantities.temprature: unknown key for type bme280; expected one of: temperature, pressure, humidity")
    }

    @Test func anUnknownUnit() {
        // SenML has no Fahrenheit: RFC 8428 registers Cel and K only.
        expectError("      temperature: { unit: degF }",
                    is: "sensorgw.yaml:9:28: sensors[0].quantities.temperature.unit: unknown unit 'degF': not a SenML unit (RFC 8428, RFC 8798); temperature in Cel converts to: Cel, K")
    }

    @Test func aRegisteredUnitOfAnotherQuantity() {
        expectError("      pressure: { unit: m }",
                    is: "sensorgw.yaml:9:25: sensors[0].quantities.pressure.unit: pressure is measured in Pa, which does not convert exactly to m; it converts to: Pa, hPa")
    }

    @Test func anUnknownFilter() {
        expectError("      humidity:", "        filters:", "          - medain: { window: 5 }",
                    is: "sensorgw.yaml:11:13: sensors[0].quantities.humidity.filters[0].medain: unknown filter 'medain'; expected one of: moving_average, exponential_moving_average, median, quantile, min, max, delta, throttle, heartbeat, debounce, clamp, timeout, round, on_change")
        expectError("      humidity:", "        filters:", "          - smooth",
                    is: "sensorgw.yaml:11:13: sensors[0].quantities.humidity.filters[0]: unknown filter 'smooth'; expected one of: moving_average, exponential_moving_average, median, quantile, min, max, delta, throttle, heartbeat, debounce, clamp, timeout, round, on_change")
    }

    @Test func aFilterWithoutItsSetting() {
        expectError("      humidity:", "        filters:", "          - delta",
                    is: "sensorgw.yaml:11:13: sensors[0].quantities.humidity.filters[0]: delta needs a setting, e.g. - delta: 0.5")
    }

    @Test func filterSettingsOutOfRange() {
        expectError("      humidity:", "        filters:", "          - quantile: { window: 5, quantile: 1.5 }",
                    is: "sensorgw.yaml:11:46: sensors[0].quantities.humidity.filters[0].quantile.quantile: a quantile is between 0 and 1, found 1.5")
        expectError("      humidity:", "        filters:", "          - median: { window: 0 }",
                    is: "sensorgw.yaml:11:31: sensors[0].quantities.humidity.filters[0].median.window: 0 is out of range 1...1000")
        expectError("      humidity:", "        filters:", "          - delta: -1",
                    is: "sensorgw.yaml:11:20: sensors[0].quantities.humidity.filters[0].delta: a delta must be greater than 0, found -1")
        expectError("      humidity:", "        filters:", "          - delta: \"x%\"",
                    is: "sensorgw.yaml:11:20: sensors[0].quantities.humidity.filters[0].delta: expected a percentage greater than 0 like \"5%\", found 'x%'")
        expectError("      humidity:", "        filters:", "          - clamp: { min: 10, max: 5 }",
                    is: "sensorgw.yaml:11:36: sensors[0].quantities.humidity.filters[0].clamp.max: max (5) must not be less than min (10)")
        expectError("      humidity:", "        filters:", "          - throttle: soon",
                    is: "sensorgw.yaml:11:23: sensors[0].quantities.humidity.filters[0].throttle: invalid duration 'soon'; write a whole number and a unit: 500ms, 10s, 5m, 1h or 7d")
    }

    @Test func aWindowFilterNeedsItsWindow() {
        expectError("      humidity:", "        filters:", "          - moving_average: { send_every: 2 }",
                    is: "sensorgw.yaml:11:13: sensors[0].quantities.humidity.filters[0].moving_average.window: missing required key")
    }

    @Test func heartbeatOnce() {
        expectError("      humidity:", "        filters:", "          - heartbeat: 1m", "          - heartbeat: 2m",
                    is: "sensorgw.yaml:12:13: sensors[0].quantities.humidity.filters[1]: heartbeat is given twice")
    }

    @Test func oneCalibrationOnly() {
        expectError("      humidity:", "        calibration: { offset: 1, polynomial: [0, 1] }",
                    is: "sensorgw.yaml:10:35: sensors[0].quantities.humidity.calibration.polynomial: give one calibration: offset, linear, polynomial or table")
    }

    @Test func calibrationValuesChecked() {
        expectError("      humidity:", "        calibration: { table: [[0, 0], [10, 20], [10, 25]] }",
                    is: "sensorgw.yaml:10:50: sensors[0].quantities.humidity.calibration.table[2]: raw values must increase down the table: 10 follows 10")
        expectError("      humidity:", "        calibration: { offset: .nan }",
                    is: "sensorgw.yaml:10:32: sensors[0].quantities.humidity.calibration.offset: expected a finite number, found '.nan'")
        expectError("      humidity:", "        calibration: { offset: warm }",
                    is: "sensorgw.yaml:10:32: sensors[0].quantities.humidity.calibration.offset: expected a finite number, found 'warm'")
        expectError("      humidity:", "        calibration: { linear: { from: [5, 5], to: [0, 1] } }",
                    is: "sensorgw.yaml:10:40: sensors[0].quantities.humidity.calibration.linear.from: the two raw values must differ to define a line")
        expectError("      humidity:", "        calibration: { table: [[0, 0]] }",
                    is: "sensorgw.yaml:10:31: sensors[0].quantities.humidity.calibration.table: a table needs at least two [raw, calibrated] points, found 1")
    }

    @Test func aKindDeclaringAnUnregisteredUnitIsRefusedAtLoad() {
        struct Mislabelled: SensorKindSchema {
            var name: String { "mislabelled" }
            var buses: [SensorBusKind] { [] }
            var optionKeys: [String] { [] }
            var defaultOptions: any SensorOptions { NoSensorOptions() }
            func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions { NoSensorOptions() }
            var quantities: [QuantityRule] { [QuantityRule("temperature", unit: SenMLUnit(rawValue: "degC"))] }
        }
        let yaml = minimalYAML.replacingOccurrences(of: "type: bme280", with: "type: mislabelled")
            .replacingOccurrences(of: "    i2c: { bus: 1, address: 0x76 }\n", with: "")
        var message: String?
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d,
                                               kinds: SensorKindCatalog([Mislabelled()]))
        } catch {
            message = error.description
        }
        #expect(message == "sensorgw.yaml:5:5: sensors[0].type: type mislabelled declares temperature in 'degC', which is not a SenML primary unit; this build is broken")
    }

    @Test func everyBuiltInKindDeclaresRegisteredPrimaryUnits() {
        // RFC 8428 section 12.1 registers these symbols (restated here, not read from the code);
        // "B" (byte) is RFC 8798 section 2's.
        let registered: Set<String> = ["Cel", "Pa", "%RH", "lx", "count",
                                       "V", "A", "W", "J", "Ohm", "T", "m/s2", "/", "1/s", "B", "m"]
        for kind in testKinds.kinds {
            for rule in kind.quantities {
                #expect(registered.contains(rule.unit.rawValue), "\(kind.name).\(rule.quantity): \(rule.unit)")
            }
        }
    }
}
