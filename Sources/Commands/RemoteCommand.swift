/// What a command asks the gateway to do, with its arguments.
public enum CommandAction: Sendable, Hashable {
    /// Reply with the status JSON (`sensorgw status`).
    case status
    /// Reload the configuration, as SIGHUP does, and reply with the outcome.
    case reload
    /// Read the named sensor once and reply with its readings.
    case probe(sensor: String)
    /// Drive a relay output on or off.
    case setOutput(output: String, on: Bool)

    /// The command's name, as the configuration's `commands.allow` and the replies spell it.
    public var name: CommandName {
        switch self {
        case .status: .status
        case .reload: .reload
        case .probe: .probe
        case .setOutput: .setOutput
        }
    }
}

/// The commands there are, by the name `commands.allow` lists.
public enum CommandName: String, Sendable, Hashable, CaseIterable {
    case status
    case reload
    case probe
    case setOutput = "set_output"

    /// The byte that names the command in the layout.
    var code: UInt8 {
        switch self {
        case .status: 1
        case .reload: 2
        case .probe: 3
        case .setOutput: 4
        }
    }
}

/// A command's fields, as the operator signed them.
public struct RemoteCommand: Sendable, Hashable {
    /// 1 to 64 of `[A-Za-z0-9_.:-]`, unique among the commands the gateway has not yet seen expire.
    public var id: String
    /// The gateway's wire id (its pseudonym if it has one) the command is meant for.
    public var target: String
    /// When the operator signed it, Unix seconds.
    public var issued: Int64
    /// When it stops being valid, Unix seconds; later than `issued`.
    public var expires: Int64
    /// What to do.
    public var action: CommandAction

    /// Creates a command.
    public init(id: String, target: String, issued: Int64, expires: Int64, action: CommandAction) {
        self.id = id
        self.target = target
        self.issued = issued
        self.expires = expires
        self.action = action
    }

    /// Whether `text` may be a command id, sensor id or output id: short, and safe in a log
    /// line, a JSON string and a topic level without escaping.
    public static func isValidID(_ text: some StringProtocol) -> Bool {
        (1...CommandLayout.maxIDSize).contains(text.utf8.count) && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-" || $0 == "." || $0 == ":"
        }
    }
}
