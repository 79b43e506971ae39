import Configuration
import HAL
import Pipeline
import SensorKit
@testable import Drivers

/// What the kernel-driven kinds' tests share: a timestamp and a configuration file with one
/// sensor of a bus-less kind.
enum KernelTestSupport {
    static let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    /// A configuration whose only sensor has `type` and the option lines `options` (each
    /// indented by four spaces); the options start at line 7.
    static func yaml(type: String, _ options: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: k", "    type: \(type)"]
            + options.map { "    " + $0 }
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    /// The error text for `yaml`, `nil` when it parses.
    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    /// The HAL error `body` throws, `nil` when it succeeds or throws another error.
    static func halError(_ body: () async throws -> Void) async -> HALError? {
        do {
            try await body()
            return nil
        } catch let error as HALError {
            return error
        } catch {
            return nil
        }
    }
}
