import Testing
@testable import Uplink

/// A refused login names the keys to check, in MQTT 5 reason codes and MQTT 3.1.1 return codes.
@Suite struct LoginRefusalTests {
    @Test(arguments: [(Int32(0x86), MQTTSettings.ProtocolOptions.Version.v5), (0x87, .v5), (4, .v311), (5, .v311)])
    func aRefusedLoginSaysToCheckTheUsernameAndPassword(code: Int32, version: MQTTSettings.ProtocolOptions.Version) {
        let failure = ConnectionFailure.brokerRefused(reasonCode: code, clientID: "gw-1", version: version, withUsername: true)
        #expect(failure.kind == .brokerRefused)
        #expect(failure.detail.contains("check mqtt.username and the password in mqtt.password_file"), "\(failure.detail)")
    }

    @Test func mqtt311ReturnCodesAreNamedAsSuchNotAsMQTT5ReasonCodes() {
        let failure = ConnectionFailure.brokerRefused(reasonCode: 4, clientID: "gw-1", version: .v311, withUsername: true)
        #expect(failure.detail.hasPrefix("the broker refused the connection: Connection Refused: bad user name or password (return code 4)"),
                "\(failure.detail)")
        let identifier = ConnectionFailure.brokerRefused(reasonCode: 2, clientID: "gw-1", version: .v311)
        #expect(identifier.detail.hasSuffix("(return code 2); check mqtt.client_id"), "\(identifier.detail)")
    }

    @Test func withoutAUsernameTheHintNamesTheCertificateAndTheLoginKeys() {
        let failure = ConnectionFailure.brokerRefused(reasonCode: 0x87, clientID: "gw-1")
        #expect(failure.detail.contains("(reason 0x87)"))
        #expect(failure.detail.contains("client gw-1 (its certificate's CN)"))
        #expect(failure.detail.contains("(mqtt.username, mqtt.password_file)"))
    }
}
