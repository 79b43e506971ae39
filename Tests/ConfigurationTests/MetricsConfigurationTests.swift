import Testing
@testable import Configuration

/// `metrics: { listen: ... }`: loopback only, errors with file, line, column and key.
@Suite struct MetricsConfigurationTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    func parse(_ listen: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: minimal(inserting: "metrics:", "  listen: \"\(listen)\"", before: 13),
                                       file: configName, baseDirectory: sandbox.path, kinds: testKinds)
    }

    @Test func withoutTheSectionNothingIsServed() throws {
        let configuration = try GatewayConfiguration.parse(yaml: minimalYAML, file: configName,
                                                           baseDirectory: sandbox.path, kinds: testKinds)
        #expect(configuration.metrics.listen == nil)
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464),
        ("127.1.2.3:80", "127.1.2.3", 80),
        ("localhost:9464", "127.0.0.1", 9464),
        ("[::1]:9464", "::1", 9464),
    ])
    func loopbackAddressesAreAccepted(text: String, host: String, port: Int) throws {
        #expect(try parse(text).metrics.listen == .init(host: host, port: port))
    }

    @Test(arguments: ["0.0.0.0:9464", "192.168.1.20:9464", "[::]:9464", "example.com:9464", "128.0.0.1:9464",
                      "[fe80::1]:9464", "10.0.0.1:9464"])
    func anyOtherAddressIsRefusedBecauseTheEndpointIsLocalOnly(text: String) {
        #expect(errorDescription(minimal(inserting: "metrics:", "  listen: \"\(text)\"", before: 13), base: sandbox.path)
            == "sensorgw.yaml:14:11: metrics.listen: '\(text)' is not a loopback address; the metrics endpoint listens on "
            + "this board only (127.0.0.1, [::1] or localhost): scrape it from a local Prometheus agent or through an SSH tunnel")
    }

    @Test func aBadPortOrShapeIsNamed() {
        func error(_ text: String) -> String? {
            errorDescription(minimal(inserting: "metrics:", "  listen: \(text)", before: 13), base: sandbox.path)
        }
        #expect(error("127.0.0.1:0")
            == "sensorgw.yaml:14:11: metrics.listen: '127.0.0.1:0' has no valid port; use 1 to 65535, e.g. 127.0.0.1:9464")
        #expect(error("127.0.0.1:65536")?.contains("has no valid port") == true)
        #expect(error("127.0.0.1")
            == "sensorgw.yaml:14:11: metrics.listen: '127.0.0.1' is not an address and port; write 127.0.0.1:9464 or [::1]:9464")
        #expect(error("9464") == "sensorgw.yaml:14:11: metrics.listen: '9464' is not an address and port; write 127.0.0.1:9464 or [::1]:9464")
        #expect(errorDescription(minimal(inserting: "metrics:", "  port: 9464", before: 13), base: sandbox.path)
            == "sensorgw.yaml:14:3: metrics.port: unknown key; expected one of: listen")
    }
}
