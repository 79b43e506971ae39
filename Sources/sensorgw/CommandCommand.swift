import ArgumentParser
import Commands
import Crypto
import Envelope

#if canImport(Glibc)
import Glibc
#endif

/// `sensorgw command keygen|sign`: the operator's side of docs/COMMANDS.md.
struct CommandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command",
        abstract: "Make operator keys and sign remote commands (docs/COMMANDS.md).",
        subcommands: [CommandKeygenCommand.self, CommandSignCommand.self])
}

/// `sensorgw command keygen --out DIR`
struct CommandKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write an operator key pair: operator.key (Ed25519, 0600) and operator.pub.",
        discussion: "Keys are 64 hex digits on one line; files are never overwritten. Put operator.pub in commands.operator_keys.")

    @Option(name: .long, help: "The directory to write operator.key and operator.pub into.")
    var out: String

    func run() throws {
        let key = Curve25519.Signing.PrivateKey()
        if mkdir(out, 0o700) != 0 && errno != EEXIST {
            throw KeyFile.Failure(description: "\(out): cannot create: \(String(cString: strerror(errno)))")
        }
        try KeyFile.write(Hex.encode(key.rawRepresentation) + "\n", to: out + "/operator.key", mode: 0o600)
        print("wrote \(out)/operator.key")
        try KeyFile.write(Hex.encode(key.publicKey.rawRepresentation) + "\n", to: out + "/operator.pub", mode: 0o644)
        print("wrote \(out)/operator.pub")
    }
}

/// `sensorgw command sign --key operator.key --target GW --expires 5m [--id ID] status|reload|probe S|set-output O on|off`
struct CommandSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign one command; its bytes go to stdout (send them with mosquitto_pub -f FILE).",
        discussion: "Commands: status, reload, probe SENSOR, set-output OUTPUT on|off.")

    @Option(name: .long, help: "The operator's Ed25519 private key file (operator.key, 0600).")
    var key: String

    @Option(name: .long, help: "The gateway's wire id (its gateway.pseudonym if it has one, else gateway.id).")
    var target: String

    @Option(name: .long, help: "How long the command stays valid: 30s, 5m, 2h (at most 24h).")
    var expires: String

    @Option(name: .long, help: "The command id (1-64 of A-Z a-z 0-9 _ . : -); random when not given.")
    var id: String?

    @Option(name: .long, help: "When it is issued, Unix seconds; default now.")
    var issued: Int64?

    @Argument(help: "The command and its arguments.")
    var words: [String]

    func run() throws {
        let signer = try Curve25519.Signing.PrivateKey(rawRepresentation: KeyFile.readKey(key, isPrivate: true))
        let lifetime = try Self.seconds(expires)
        let issued = self.issued ?? Int64(time(nil))
        var random = SystemRandomNumberGenerator()
        let id = self.id ?? Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255, using: &random) })
        guard RemoteCommand.isValidID(id) else { throw ValidationError("--id '\(id)': use 1 to 64 of A-Z a-z 0-9 _ . : -") }
        let command = RemoteCommand(id: id, target: target, issued: issued, expires: issued + lifetime, action: try action())
        let bytes: [UInt8]
        do {
            bytes = try command.signed(with: signer)
        } catch {
            throw ValidationError("cannot sign: \(error)")
        }
        KeyFile.writeAll(bytes, to: STDOUT_FILENO)
        KeyFile.standardError("command \(id) for \(target), valid until \(issued + lifetime)\n")
    }

    private func action() throws -> CommandAction {
        func identifier(_ text: String, _ what: String) throws -> String {
            guard RemoteCommand.isValidID(text) else { throw ValidationError("'\(text)' is not a \(what) id") }
            return text
        }
        switch words {
        case ["status"]: return .status
        case ["reload"]: return .reload
        case let w where w.count == 2 && w[0] == "probe": return .probe(sensor: try identifier(w[1], "sensor"))
        case let w where w.count == 3 && w[0] == "set-output" && (w[2] == "on" || w[2] == "off"):
            return .setOutput(output: try identifier(w[1], "output"), on: w[2] == "on")
        default:
            throw ValidationError("expected: status | reload | probe SENSOR | set-output OUTPUT on|off")
        }
    }

    /// `30s`, `5m`, `2h`: 1 s to 24 h, as the gateway accepts.
    static func seconds(_ text: String) throws -> Int64 {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit: Int64? = switch text.dropFirst(digits.count) {
        case "s": 1
        case "m": 60
        case "h": 3600
        default: nil
        }
        guard let unit, let number = Int64(digits), digits.count <= 6, (1...CommandVerifier.maxLifetime).contains(number * unit) else {
            throw ValidationError("--expires '\(text)': give 30s, 5m or 2h, at most 24h")
        }
        return number * unit
    }
}
