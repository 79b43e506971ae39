import Crypto
import Envelope
import FoundationEssentials

/// Why a command was refused; the raw value is what the reply and the log say.
public enum CommandRefusal: String, Sendable, Hashable, CaseIterable, Error {
    /// The bytes are not a command of a known version.
    case malformed
    /// A well-formed body with no signature after it.
    case unsigned
    /// Signed by a key that is not among `commands.operator_keys`.
    case unknownSigner = "unknown_signer"
    /// The signature does not verify: the bytes were changed, or signed by another key.
    case badSignature = "bad_signature"
    /// Meant for another gateway.
    case wrongTarget = "wrong_target"
    /// The board's clock is not synchronized, so expiry cannot be judged.
    case clockNotSynchronized = "clock_not_synchronized"
    /// Issued later than now (beyond the allowed clock skew).
    case notYetValid = "not_yet_valid"
    /// Its expiry has passed.
    case expired
    /// Its expiry is further away than the gateway accepts.
    case expiryTooFar = "expiry_too_far"
    /// Its id was accepted before and has not expired.
    case replayed
    /// The command, or the output it names, is not in the configuration's allow-list.
    case notAllowed = "not_allowed"
    /// The replay memory holds as many ids as it may; try again when some have expired.
    case replayMemoryFull = "replay_memory_full"
}

/// The wall clock as the verifier sees it.
public struct CommandClock: Sendable, Hashable {
    /// Unix seconds.
    public var seconds: Int64
    /// Whether the kernel says the clock is synchronized (NTP); an unsynchronized board may be
    /// years off, and cannot tell expired from valid.
    public var isSynchronized: Bool

    /// Creates a reading.
    public init(seconds: Int64, isSynchronized: Bool) {
        self.seconds = seconds
        self.isSynchronized = isSynchronized
    }
}

/// Which commands, and which outputs for `set_output`, the configuration allows.
public struct CommandAllowList: Sendable, Hashable {
    /// The commands that may be performed.
    public var commands: Set<CommandName>
    /// The relay sensor ids `set_output` may drive.
    public var outputs: Set<String>

    /// Creates an allow-list.
    public init(commands: Set<CommandName>, outputs: Set<String>) {
        self.commands = commands
        self.outputs = outputs
    }

    /// Whether `action` is allowed.
    public func allows(_ action: CommandAction) -> Bool {
        guard commands.contains(action.name) else { return false }
        if case .setOutput(let output, _) = action { return outputs.contains(output) }
        return true
    }
}

/// The verdict on one command's bytes.
public enum CommandVerdict: Sendable, Hashable {
    /// Authentic, fresh, for this gateway and allowed: perform it. Its id is now in the memory.
    case accepted(RemoteCommand)
    /// Refused; `command` is what the bytes said when they could be parsed (for the reply's
    /// id and the log), authentic or not.
    case refused(CommandRefusal, command: RemoteCommand?)
}

/// Checks a command's bytes (docs/COMMANDS.md, "Verifying, in this order"); pure, so every
/// refusal is tested without a broker.
public struct CommandVerifier: Sendable {
    /// The longest a command may be valid from now: ids are remembered until expiry, so this
    /// bounds the replay memory.
    public static let maxLifetime: Int64 = 24 * 3600
    /// How far in the future `issued` may be: operator and board clocks differ a little.
    public static let allowedSkew: Int64 = 60

    /// The operator public keys trusted to sign commands.
    public var operatorKeys: [Curve25519.Signing.PublicKey]
    /// This gateway's wire id.
    public var target: String
    /// What may be performed.
    public var allowList: CommandAllowList

    /// Creates a verifier.
    public init(operatorKeys: [Curve25519.Signing.PublicKey], target: String, allowList: CommandAllowList) {
        self.operatorKeys = operatorKeys
        self.target = target
        self.allowList = allowList
    }

    /// Checks `bytes` at `now`; an accepted command's id is added to `memory`, and expired ids
    /// are dropped from it.
    public func verify(_ bytes: [UInt8], now: CommandClock, memory: inout ReplayMemory) -> CommandVerdict {
        let parsed: ParsedCommand
        do { parsed = try ParsedCommand(parsing: bytes) } catch { return .refused(.malformed, command: nil) }
        let command = parsed.command
        func refuse(_ reason: CommandRefusal) -> CommandVerdict { .refused(reason, command: command) }
        guard let signature = parsed.signature else { return refuse(.unsigned) }
        guard let key = operatorKeys.first(where: { EnvelopeKeyID($0) == parsed.signerKeyID }) else { return refuse(.unknownSigner) }
        guard key.isValidSignature(signature, for: parsed.body) else { return refuse(.badSignature) }
        guard command.target == target else { return refuse(.wrongTarget) }
        guard now.isSynchronized else { return refuse(.clockNotSynchronized) }
        guard command.issued <= now.seconds + Self.allowedSkew else { return refuse(.notYetValid) }
        guard command.expires > now.seconds else { return refuse(.expired) }
        guard command.expires - now.seconds <= Self.maxLifetime else { return refuse(.expiryTooFar) }
        memory.forget(expiredAt: now.seconds)
        guard !memory.contains(command.id) else { return refuse(.replayed) }
        guard allowList.allows(command.action) else { return refuse(.notAllowed) }
        guard !memory.isFull else { return refuse(.replayMemoryFull) }
        memory.remember(command.id, until: command.expires)
        return .accepted(command)
    }
}
