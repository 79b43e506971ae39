import Boards

extension GatewayConfiguration {
    /// The board profile (`Boards/*.yaml`) that names the header pins a GPIO sensor's `pin:` may
    /// give; without one, GPIO sensors name their line by chip label and line (`line:`).
    public enum HeaderProfile: Sendable, Equatable {
        /// `board: simulated` or `board: linux`: no header is known.
        case none
        /// `board: raspberry-pi-4` (the Linux board with that header), or
        /// `board: { simulated: { profile: raspberry-pi-4 } }`.
        case named(String)
        /// `board: auto`, resolved from the device tree's model when the agent started.
        case detected(String)
        /// `board: auto` read by `config check`: the device tree is not read (the file may be
        /// checked on a laptop), so header pins are only checked to exist on some known board and
        /// are resolved when the agent starts.
        case undetected

        /// The profile's name, when one is known.
        public var profileName: String? {
            switch self {
            case .named(let name), .detected(let name): name
            case .none, .undetected: nil
            }
        }
    }

    /// What loading does with `board: auto`.
    public enum BoardDetection: Sendable, Equatable {
        /// Leave it unresolved (`config check`): header pins are resolved at start.
        case deferred
        /// Read the model under `root` (`/` on a board) and resolve every header pin now; a
        /// model no profile knows is an error at the `board` key.
        case deviceTree(root: String)
    }

    /// The board profiles built into this binary, parsed once.
    static let boardCatalog: Result<BoardCatalog, BoardProfileError> = Result { () throws(BoardProfileError) in
        try BoardCatalog.builtIn()
    }
}

/// What a `pin:` option is resolved against while the sensors are read.
enum HeaderPinContext: Sendable {
    /// No profile: `pin:` is refused, with the advice to set `board:`.
    case none
    /// The board's profile.
    case profile(BoardProfile)
    /// `board: auto` not yet detected: any profile that has the pin will do for now.
    case anyOf([BoardProfile])
}
