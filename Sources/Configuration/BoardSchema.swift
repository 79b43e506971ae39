import Boards
import YAML

/// The `board` key: which buses the agent opens and which header profile names the pins.
struct BoardSetting {
    var kind: GatewayConfiguration.BoardKind
    var headerProfile: GatewayConfiguration.HeaderProfile
    var pins: HeaderPinContext
}

extension SchemaReader {
    /// `simulated`, `linux`, `auto`, a profile name (the Linux board with that header), or
    /// `{ simulated: { profile: NAME } }` (the simulated board with a header, so pins by number
    /// work in a demo).
    func board(_ node: Node, path: String) throws(ConfigurationError) -> BoardSetting {
        let catalog = try builtInBoards(path: path, at: node.mark)
        if case .mapping = node { return try simulatedBoard(node, path: path, catalog: catalog) }
        let text = try reader.string(node, path: path)
        switch text {
        case "simulated": return BoardSetting(kind: .simulated, headerProfile: .none, pins: .none)
        case "linux": return BoardSetting(kind: .linux, headerProfile: .none, pins: .none)
        case "auto":
            guard case .deviceTree(let root) = boardDetection else {
                return BoardSetting(kind: .linux, headerProfile: .undetected, pins: .anyOf(catalog.profiles))
            }
            do {
                let profile = try catalog.resolve("auto", root: root)
                return BoardSetting(kind: .linux, headerProfile: .detected(profile.name), pins: .profile(profile))
            } catch {
                throw fail(path, at: node.mark, "auto: \(error.message)")
            }
        default:
            guard let profile = catalog.profile(named: text) else {
                throw fail(path, at: node.mark, "unknown board '\(NodeReader.excerpt(text))'; expected simulated, linux, "
                           + "auto or a board profile: \(catalog.profiles.map(\.name).joined(separator: ", "))")
            }
            return BoardSetting(kind: .linux, headerProfile: .named(profile.name), pins: .profile(profile))
        }
    }

    private func simulatedBoard(_ node: Node, path: String, catalog: BoardCatalog) throws(ConfigurationError) -> BoardSetting {
        var setting = BoardSetting(kind: .simulated, headerProfile: .none, pins: .none)
        try reader.forEachEntry(of: node, path: path, allowed: ["simulated"]) { (_, value, _, simulatedPath) throws(ConfigurationError) in
            try reader.forEachEntry(of: value, path: simulatedPath, allowed: ["profile"]) {
                (_, name, _, profilePath) throws(ConfigurationError) in
                let text = try reader.string(name, path: profilePath)
                guard let profile = catalog.profile(named: text) else {
                    throw fail(profilePath, at: name.mark, "unknown board profile '\(NodeReader.excerpt(text))'; expected one of: "
                               + catalog.profiles.map(\.name).joined(separator: ", "))
                }
                setting = BoardSetting(kind: .simulated, headerProfile: .named(profile.name), pins: .profile(profile))
            }
        }
        return setting
    }

    /// The pin context of the file's `board` entry, read before the sensors (which may come
    /// first in the file) so their `pin:` options resolve; nil when `board` is missing or wrong,
    /// which the walk in file order then reports where it is.
    func prescannedHeaderPins(_ root: Node) -> HeaderPinContext? {
        guard case .mapping(let mapping) = root else { return nil }
        for pair in mapping {
            guard case .scalar(let key) = pair.key, key.string == "board" else { continue }
            return try? board(pair.value, path: "board").pins
        }
        return nil
    }

    /// A profile that does not parse is a build mistake BoardsTests catch; here it is reported.
    private func builtInBoards(path: String, at mark: Mark?) throws(ConfigurationError) -> BoardCatalog {
        switch GatewayConfiguration.boardCatalog {
        case .success(let catalog): return catalog
        case .failure(let error): throw fail(path, at: mark, "the built-in board profiles do not load: \(error)")
        }
    }
}
