import Crypto
import Envelope
import FoundationEssentials

/// A command's bytes cut into its parts, the signature not yet checked.
public struct ParsedCommand: Sendable, Hashable {
    /// The key id of the operator key that signed it.
    public var signerKeyID: EnvelopeKeyID
    /// The fields.
    public var command: RemoteCommand
    /// The bytes the signature covers.
    public var body: [UInt8]
    /// The Ed25519 signature; nil when the bytes end with the body.
    public var signature: [UInt8]?
}

/// Why bytes are not a command at all (before any key is looked at).
public struct MalformedCommand: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming a field, never quoting bytes.
    public var description: String
}

extension RemoteCommand {
    /// The body bytes for `signer` (docs/COMMANDS.md, "Layout"); throws if a field does not fit.
    public func body(signer: EnvelopeKeyID) throws(MalformedCommand) -> [UInt8] {
        guard Self.isValidID(id) else { throw MalformedCommand(description: "id") }
        let targetBytes = Array(target.utf8)
        guard (1...CommandLayout.maxTargetSize).contains(targetBytes.count) else { throw MalformedCommand(description: "target") }
        guard expires > issued, issued >= 0 else { throw MalformedCommand(description: "expires") }
        var out: [UInt8] = [CommandLayout.version, CommandLayout.kind]
        out += signer.bytes
        Self.append(UInt64(issued), to: &out)
        Self.append(UInt64(expires), to: &out)
        out.append(UInt8(id.utf8.count))
        out += id.utf8
        out.append(UInt8(targetBytes.count))
        out += targetBytes
        out.append(action.name.code)
        switch action {
        case .status, .reload: break
        case .probe(let sensor):
            guard Self.isValidID(sensor) else { throw MalformedCommand(description: "sensor") }
            out.append(UInt8(sensor.utf8.count))
            out += sensor.utf8
        case .setOutput(let output, let on):
            guard Self.isValidID(output) else { throw MalformedCommand(description: "output") }
            out.append(UInt8(output.utf8.count))
            out += output.utf8
            out.append(on ? 1 : 0)
        }
        return out
    }

    /// The body signed with `key`: what an operator publishes to the command topic.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        let body = try body(signer: EnvelopeKeyID(key.publicKey))
        return body + Array(try key.signature(for: body))
    }

    private static func append(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

extension ParsedCommand {
    /// Cuts `bytes` into body and signature; checks only the layout. The body is
    /// self-delimiting, so bytes that end with it are an unsigned command, and anything but
    /// exactly one signature after it is malformed.
    public init(parsing bytes: [UInt8]) throws(MalformedCommand) {
        var cursor = 0
        func take(_ count: Int, _ field: String) throws(MalformedCommand) -> ArraySlice<UInt8> {
            guard bytes.count - cursor >= count else { throw MalformedCommand(description: "truncated at \(field)") }
            defer { cursor += count }
            return bytes[cursor..<(cursor + count)]
        }
        func byte(_ field: String) throws(MalformedCommand) -> UInt8 { try take(1, field).first ?? 0 }
        func text(_ field: String, max: Int) throws(MalformedCommand) -> String {
            let length = Int(try byte(field))
            guard (1...max).contains(length), let value = String(validating: try take(length, field), as: UTF8.self) else {
                throw MalformedCommand(description: field)
            }
            return value
        }
        func identifier(_ field: String) throws(MalformedCommand) -> String {
            let value = try text(field, max: CommandLayout.maxIDSize)
            guard RemoteCommand.isValidID(value) else { throw MalformedCommand(description: field) }
            return value
        }
        func seconds(_ field: String) throws(MalformedCommand) -> Int64 {
            let value = try take(8, field).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard value <= UInt64(Int64.max) else { throw MalformedCommand(description: field) }
            return Int64(value)
        }
        let version = try byte("version")
        guard version == CommandLayout.version else { throw MalformedCommand(description: "unsupported version \(version)") }
        guard try byte("kind") == CommandLayout.kind else { throw MalformedCommand(description: "not a command") }
        guard let signer = EnvelopeKeyID(bytes: try take(8, "signer key id")) else { throw MalformedCommand(description: "signer key id") }
        let issued = try seconds("issued")
        let expires = try seconds("expires")
        guard expires > issued else { throw MalformedCommand(description: "expires not after issued") }
        let id = try identifier("id")
        let target = try text("target", max: CommandLayout.maxTargetSize)
        let action: CommandAction
        switch try byte("command") {
        case CommandName.status.code: action = .status
        case CommandName.reload.code: action = .reload
        case CommandName.probe.code: action = .probe(sensor: try identifier("sensor"))
        case CommandName.setOutput.code:
            let output = try identifier("output")
            switch try byte("state") {
            case 0: action = .setOutput(output: output, on: false)
            case 1: action = .setOutput(output: output, on: true)
            default: throw MalformedCommand(description: "state")
            }
        default: throw MalformedCommand(description: "unknown command")
        }
        let bodyEnd = cursor
        switch bytes.count - bodyEnd {
        case 0: signature = nil
        case CommandLayout.signatureSize: signature = Array(bytes[bodyEnd...])
        default: throw MalformedCommand(description: "trailing bytes")
        }
        signerKeyID = signer
        command = RemoteCommand(id: id, target: target, issued: issued, expires: expires, action: action)
        body = Array(bytes[..<bodyEnd])
    }
}
