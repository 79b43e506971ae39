import Commands
import Configuration
import Crypto
import Logging
import Pipeline
import ServiceLifecycle
import Uplink

#if canImport(Glibc)
import Glibc
#endif

/// Verifies and performs remote commands (docs/COMMANDS.md), one at a time in arrival order,
/// and answers each on the reply topic. The uplink only hands the bytes over
/// (``UplinkCommands``), so a slow command (a reload) never holds up publishing.
struct CommandService: Service, CustomStringConvertible {
    let commands: AsyncStream<[UInt8]>
    var performer: CommandPerformer

    /// What ServiceLifecycle logs at start: no keys, no memory.
    var description: String { "CommandService(reply_topic: \(performer.replyTopic))" }

    func run() async throws {
        let commands = self.commands
        let performer = self.performer
        await cancelWhenGracefulShutdown {
            await Self.serve(commands, performer)
        }
    }

    private static func serve(_ commands: AsyncStream<[UInt8]>, _ start: CommandPerformer) async {
        var performer = start
        for await bytes in commands {
            await performer.handle(bytes)
        }
    }
}

/// What the agent can do for a command; each closure is the same path a local request takes.
struct CommandActions: Sendable {
    /// The status JSON, as `sensorgw status --json` reads it.
    var status: @Sendable () async -> [UInt8]
    /// A reload as SIGHUP does it; nil when the agent was started without a file to reload.
    var reload: (@Sendable () async -> ReloadOutcome)?
    /// The running sensors, for `probe` and `set_output`.
    var targets: CommandTargets?
}

/// The verifier, the replay memory and its file, and the reply: a command's whole handling.
struct CommandPerformer: Sendable {
    let verifier: CommandVerifier
    let memoryPath: String
    let replyTopic: String
    let actions: CommandActions
    let send: @Sendable (SessionMessage) -> Void
    let logger: Logger
    /// nil when the file could not be read back: every command is refused until one is stored.
    private var memory: ReplayMemory?
    /// The clock the verifier judges by; tests give a fixed one.
    let clock: @Sendable () -> CommandClock

    init(section: GatewayConfiguration.CommandsSection, target: String, memoryPath: String, replyTopic: String,
         actions: CommandActions, send: @escaping @Sendable (SessionMessage) -> Void, logger: Logger,
         clock: @escaping @Sendable () -> CommandClock = CommandPerformer.systemClock) {
        // The schema checked every key is 32 bytes; one that swift-crypto still refuses trusts nothing.
        let keys = section.operatorKeys.compactMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        verifier = CommandVerifier(operatorKeys: keys, target: target,
                                   allowList: CommandAllowList(commands: section.allow, outputs: Set(section.outputs)))
        self.memoryPath = memoryPath
        self.replyTopic = replyTopic
        self.actions = actions
        self.send = send
        self.logger = logger
        self.clock = clock
        memory = Self.loadMemory(memoryPath, logger: logger)
    }

    @Sendable static func systemClock() -> CommandClock {
        let now = SystemClock.now()
        return CommandClock(seconds: Int64(now.wallSeconds.rounded(.down)), isSynchronized: SystemClock.isWallClockSynchronized())
    }

    /// The system clock, said to be synchronized whatever the kernel says (a debug test hook).
    @Sendable static func assumedSynchronizedClock() -> CommandClock {
        var clock = systemClock()
        clock.isSynchronized = true
        return clock
    }

    /// An absent file is an empty memory; one that exists but does not read back is not
    /// silently forgotten (a replay window would open).
    static func loadMemory(_ path: String, logger: Logger) -> ReplayMemory? {
        if let bytes = SessionStateFile.load(path, limit: ReplayMemory.maxEncodedSize) {
            if let memory = ReplayMemory(decoding: bytes) { return memory }
            logger.error("the command replay memory does not read back; commands are refused until it is removed",
                         metadata: ["path": "\(path)"])
            return nil
        }
        guard access(path, F_OK) != 0 else {
            logger.error("cannot read the command replay memory; commands are refused", metadata: ["path": "\(path)"])
            return nil
        }
        return ReplayMemory()
    }

    mutating func handle(_ bytes: [UInt8]) async {
        guard var memory else {
            answer(CommandReply(id: nil, command: nil, outcome: .refused("replay_memory_unreadable")))
            return
        }
        let verdict = verifier.verify(bytes, now: clock(), memory: &memory)
        switch verdict {
        case .refused(let reason, let command):
            // The memory may have forgotten expired ids; nothing new was added, so no write is needed.
            self.memory = memory
            answer(CommandReply(id: command?.id, command: command?.action.name.rawValue, outcome: .refused(reason.rawValue)))
        case .accepted(let command):
            // Stored before performing: a power cut after the action must not let the same bytes run again.
            if let error = SessionStateFile.store(memory.encoded(), to: memoryPath) {
                logger.error("cannot store the command replay memory; the command is refused",
                             metadata: ["path": "\(memoryPath)", "error": "\(error)"])
                answer(CommandReply(id: command.id, command: command.action.name.rawValue, outcome: .refused("replay_memory_unwritable")))
                return
            }
            self.memory = memory
            let outcome = await perform(command.action)
            answer(CommandReply(id: command.id, command: command.action.name.rawValue, outcome: outcome))
        }
    }

    private func perform(_ action: CommandAction) async -> CommandReply.Outcome {
        switch action {
        case .status:
            return .accepted(result: await actions.status())
        case .reload:
            guard let reload = actions.reload else { return .refused("not_supported") }
            return .accepted(result: (await reload()).json)
        case .probe(let sensor):
            guard let targets = actions.targets else { return .refused("not_supported") }
            return await targets.probe(sensor)
        case .setOutput(let output, let on):
            guard let targets = actions.targets else { return .refused("not_supported") }
            return await targets.setOutput(output, on: on)
        }
    }

    private func answer(_ reply: CommandReply) {
        var metadata: Logger.Metadata = ["id": "\(reply.id ?? "-")", "command": "\(reply.command ?? "-")"]
        switch reply.outcome {
        case .accepted:
            logger.notice("command accepted", metadata: metadata)
        case .failed(let error):
            metadata["error"] = "\(error)"
            logger.warning("command accepted but failed", metadata: metadata)
        case .refused(let reason):
            metadata["reason"] = "\(reason)"
            logger.warning("command refused", metadata: metadata)
        }
        send(SessionMessage(topic: replyTopic, payload: reply.json, contentType: "application/json", qos: 1))
    }
}

/// One answer on the reply topic: `{"id": ..., "command": ..., "accepted": true, "result": ...}`
/// or `{"id": ..., "command": ..., "accepted": false, "reason": "..."}` (id and command null when
/// the bytes did not parse), or `{"id": ..., "command": ..., "accepted": true, "error": "..."}`
/// when an accepted command could not be performed (the sensor did not answer).
struct CommandReply: Sendable, Hashable {
    enum Outcome: Sendable, Hashable {
        /// Performed; `result` is a JSON document.
        case accepted(result: [UInt8])
        /// Accepted, but performing it failed.
        case failed(String)
        case refused(String)
    }

    var id: String?
    var command: String?
    var outcome: Outcome

    var json: [UInt8] {
        var writer = JSONObjectWriter()
        writer.string("id", id)
        writer.string("command", command)
        switch outcome {
        case .accepted(let result):
            writer.bool("accepted", true)
            writer.raw("result", result)
        case .refused(let reason):
            writer.bool("accepted", false)
            writer.string("reason", reason)
        case .failed(let error):
            writer.bool("accepted", true)
            writer.string("error", error)
        }
        return writer.finish()
    }
}

/// What a reload did, for a command's reply.
enum ReloadOutcome: Sendable, Hashable {
    case applied(restartedSampler: Bool, reconnectedUplink: Bool, warnings: [String])
    case refused([String])

    var json: [UInt8] {
        var writer = JSONObjectWriter()
        switch self {
        case .applied(let sampler, let uplink, let warnings):
            writer.bool("applied", true)
            writer.bool("sampler_restarted", sampler)
            writer.bool("uplink_reconnected", uplink)
            writer.strings("warnings", warnings)
        case .refused(let reasons):
            writer.bool("applied", false)
            writer.strings("refusals", reasons)
        }
        return writer.finish()
    }
}
