import Commands
import Crypto
import Envelope
import Testing

/// Fixed operator keys: raw private keys are SHA-256 of a label.
enum OperatorKeys {
    static func key(_ label: String) -> Curve25519.Signing.PrivateKey {
        // A 32-byte SHA-256 digest is always a valid Ed25519 private key.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array(label.utf8))))
    }

    static let trusted = key("sensorgw command test operator")
    static let stranger = key("sensorgw command other operator")
}

@Suite("Command layout")
struct CommandLayoutTests {
    /// docs/COMMANDS.md "Layout": version 1, kind 'C', signer key id, issued and expires as
    /// big-endian u64, id and target length-prefixed, command code and its arguments, then 64
    /// bytes of Ed25519 signature over all before it.
    @Test func setOutputBytesMatchTheSpec() throws {
        let command = RemoteCommand(id: "c-1", target: "gh", issued: 0x0102, expires: 0x0304,
                                    action: .setOutput(output: "pump", on: true))
        let bytes = try command.signed(with: OperatorKeys.trusted)
        let keyID = Array(SHA256.hash(data: OperatorKeys.trusted.publicKey.rawRepresentation).prefix(8))
        // Built in steps: Swift 6.2.3 cannot type-check it as one expression in reasonable time.
        var body: [UInt8] = [0x01, 0x43]
        body += keyID
        body += [0, 0, 0, 0, 0, 0, 0x01, 0x02]
        body += [0, 0, 0, 0, 0, 0, 0x03, 0x04]
        body += [3] + Array("c-1".utf8)
        body += [2] + Array("gh".utf8)
        body += [4, 4] + Array("pump".utf8)
        body += [1]
        #expect(Array(bytes.dropLast(64)) == body)
        #expect(bytes.count == body.count + 64)
        #expect(OperatorKeys.trusted.publicKey.isValidSignature(Array(bytes.suffix(64)), for: body))
    }

    @Test func codesOfTheOtherCommands() throws {
        let keyID = EnvelopeKeyID(OperatorKeys.trusted.publicKey)
        func tail(_ action: CommandAction) throws -> [UInt8] {
            let body = try RemoteCommand(id: "a", target: "g", issued: 1, expires: 2, action: action).body(signer: keyID)
            return Array(body.dropFirst(26 + 2 + 2))
        }
        #expect(try tail(.status) == [1])
        #expect(try tail(.reload) == [2])
        #expect(try tail(.probe(sensor: "air")) == [3, 3] + Array("air".utf8))
        #expect(try tail(.setOutput(output: "fan", on: false)) == [4, 3] + Array("fan".utf8) + [0])
    }

    @Test func parsingGivesBackEveryAction() throws {
        for action in [CommandAction.status, .reload, .probe(sensor: "air"), .setOutput(output: "fan", on: false)] {
            let command = RemoteCommand(id: "id.1:x", target: "greenhouse-1", issued: 100, expires: 200, action: action)
            let parsed = try ParsedCommand(parsing: try command.signed(with: OperatorKeys.trusted))
            #expect(parsed.command == command)
            #expect(parsed.signerKeyID == EnvelopeKeyID(OperatorKeys.trusted.publicKey))
            #expect(parsed.signature?.count == 64)
        }
    }

    @Test func idsOutsideTheAlphabetAreRefusedWhenSigning() {
        for id in ["", String(repeating: "a", count: 65), "a b", "a/b", "ü"] {
            #expect(throws: MalformedCommand.self) {
                try RemoteCommand(id: id, target: "g", issued: 1, expires: 2, action: .status).signed(with: OperatorKeys.trusted)
            }
        }
    }
}

@Suite("Command verifier")
struct CommandVerifierTests {
    static let now: Int64 = 1_780_000_000
    let clock = CommandClock(seconds: now, isSynchronized: true)
    let verifier = CommandVerifier(
        operatorKeys: [OperatorKeys.trusted.publicKey],
        target: "greenhouse-1",
        allowList: CommandAllowList(commands: [.status, .probe, .setOutput], outputs: ["pump"]))

    func command(id: String = "c1", target: String = "greenhouse-1", issued: Int64 = now - 10, expires: Int64 = now + 300,
                 _ action: CommandAction = .status) -> RemoteCommand {
        RemoteCommand(id: id, target: target, issued: issued, expires: expires, action: action)
    }

    func verdict(_ bytes: [UInt8], clock: CommandClock? = nil) -> CommandVerdict {
        var memory = ReplayMemory()
        return verifier.verify(bytes, now: clock ?? self.clock, memory: &memory)
    }

    func reason(_ verdict: CommandVerdict) -> CommandRefusal? {
        if case .refused(let reason, _) = verdict { return reason }
        return nil
    }

    @Test func goodCommandIsAcceptedAndRemembered() throws {
        var memory = ReplayMemory()
        let good = command()
        let verdict = verifier.verify(try good.signed(with: OperatorKeys.trusted), now: clock, memory: &memory)
        #expect(verdict == .accepted(good))
        #expect(memory.expiries == ["c1": Self.now + 300])
    }

    @Test func sameBytesAgainAreReplayed() throws {
        var memory = ReplayMemory()
        let bytes = try command().signed(with: OperatorKeys.trusted)
        #expect(verifier.verify(bytes, now: clock, memory: &memory) == .accepted(command()))
        #expect(verifier.verify(bytes, now: clock, memory: &memory) == .refused(.replayed, command: command()))
        // A fresh signature over the same id is a replay too: the id is the key.
        let resigned = try command(expires: Self.now + 600).signed(with: OperatorKeys.trusted)
        #expect(reason(verifier.verify(resigned, now: clock, memory: &memory)) == .replayed)
    }

    @Test func replayMemoryForgetsIdsOnceTheyExpire() throws {
        var memory = ReplayMemory()
        memory.remember("old", until: Self.now - 1)
        memory.remember("c1", until: Self.now + 5)
        _ = verifier.verify(try command(id: "c2").signed(with: OperatorKeys.trusted), now: clock, memory: &memory)
        #expect(memory.expiries == ["c1": Self.now + 5, "c2": Self.now + 300])
    }

    @Test func garbageIsMalformed() throws {
        let good = try command().signed(with: OperatorKeys.trusted)
        #expect(verdict([]) == .refused(.malformed, command: nil))
        #expect(reason(verdict(Array("{\"command\":\"status\"}".utf8))) == .malformed)
        #expect(reason(verdict(Array(good.dropLast(1)))) == .malformed)
        #expect(reason(verdict(good + [0])) == .malformed)
        var version = good
        version[0] = 2
        #expect(reason(verdict(version)) == .malformed)
        var kind = good
        kind[1] = 1  // a payload envelope's suite byte
        #expect(reason(verdict(kind)) == .malformed)
    }

    @Test func bodyWithoutSignatureIsUnsigned() throws {
        let body = try command().body(signer: EnvelopeKeyID(OperatorKeys.trusted.publicKey))
        #expect(verdict(body) == .refused(.unsigned, command: command()))
    }

    @Test func otherOperatorIsUnknownSigner() throws {
        #expect(reason(verdict(try command().signed(with: OperatorKeys.stranger))) == .unknownSigner)
    }

    @Test func tamperedOrForgedIsBadSignature() throws {
        var bytes = try command(.setOutput(output: "pump", on: false)).signed(with: OperatorKeys.trusted)
        bytes[bytes.count - 65] = 1  // off → on
        #expect(verdict(bytes) == .refused(.badSignature, command: command(.setOutput(output: "pump", on: true))))
        // Signed by a stranger but naming the trusted key's id.
        let body = try command().body(signer: EnvelopeKeyID(OperatorKeys.trusted.publicKey))
        let forged = body + Array(try OperatorKeys.stranger.signature(for: body))
        #expect(reason(verdict(forged)) == .badSignature)
    }

    @Test func otherGatewayIsWrongTarget() throws {
        #expect(reason(verdict(try command(target: "greenhouse-2").signed(with: OperatorKeys.trusted))) == .wrongTarget)
    }

    @Test func unsynchronizedClockRefusesEverything() throws {
        let bytes = try command().signed(with: OperatorKeys.trusted)
        #expect(reason(verdict(bytes, clock: CommandClock(seconds: Self.now, isSynchronized: false))) == .clockNotSynchronized)
    }

    @Test func expiryBoundaries() throws {
        func at(_ issued: Int64, _ expires: Int64) throws -> CommandRefusal? {
            reason(verdict(try command(issued: issued, expires: expires).signed(with: OperatorKeys.trusted)))
        }
        #expect(try at(Self.now - 100, Self.now) == .expired)
        #expect(try at(Self.now - 100, Self.now + 1) == nil)
        #expect(try at(Self.now + 61, Self.now + 100) == .notYetValid)
        #expect(try at(Self.now + 60, Self.now + 100) == nil)
        #expect(try at(Self.now, Self.now + 24 * 3600) == nil)
        #expect(try at(Self.now, Self.now + 24 * 3600 + 1) == .expiryTooFar)
    }

    @Test func allowListNamesCommandsAndOutputs() throws {
        #expect(reason(verdict(try command(.reload).signed(with: OperatorKeys.trusted))) == .notAllowed)
        #expect(reason(verdict(try command(.setOutput(output: "heater", on: true)).signed(with: OperatorKeys.trusted))) == .notAllowed)
        #expect(reason(verdict(try command(.setOutput(output: "pump", on: true)).signed(with: OperatorKeys.trusted))) == nil)
        #expect(reason(verdict(try command(.probe(sensor: "air")).signed(with: OperatorKeys.trusted))) == nil)
    }

    @Test func refusedCommandsAreNotRemembered() throws {
        var memory = ReplayMemory()
        _ = verifier.verify(try command(.reload).signed(with: OperatorKeys.trusted), now: clock, memory: &memory)
        #expect(memory.expiries.isEmpty)
    }

    @Test func fullMemoryRefusesNewIds() throws {
        var memory = ReplayMemory()
        for index in 0..<ReplayMemory.capacity { memory.remember("x\(index)", until: Self.now + 10) }
        let verdict = verifier.verify(try command().signed(with: OperatorKeys.trusted), now: clock, memory: &memory)
        #expect(reason(verdict) == .replayMemoryFull)
    }

    @Test func reasonsAreSpelledAsTheSpecSays() {
        #expect(CommandRefusal.allCases.map(\.rawValue) == [
            "malformed", "unsigned", "unknown_signer", "bad_signature", "wrong_target", "clock_not_synchronized",
            "not_yet_valid", "expired", "expiry_too_far", "replayed", "not_allowed", "replay_memory_full",
        ])
    }
}

@Suite("Replay memory file")
struct ReplayMemoryTests {
    @Test func bytesMatchTheSpecAndRoundTrip() throws {
        var memory = ReplayMemory()
        memory.remember("b", until: 0x0102)
        memory.remember("a", until: 7)
        #expect(memory.encoded() == [1, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0x61, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0x62])
        #expect(ReplayMemory(decoding: memory.encoded()) == memory)
        #expect(ReplayMemory(decoding: [1]) == ReplayMemory())
    }

    @Test func damagedFilesAreNotMemories() {
        #expect(ReplayMemory(decoding: []) == nil)
        #expect(ReplayMemory(decoding: [2]) == nil)
        #expect(ReplayMemory(decoding: [1, 0, 0, 0, 0, 0, 0, 0, 7, 2, 0x61]) == nil)
        #expect(ReplayMemory(decoding: [1, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0x20]) == nil)
    }
}
