/// The board profiles this binary knows: those in `Boards/`, embedded at build time.
public struct BoardCatalog: Sendable {
    /// The profiles, sorted by name.
    public let profiles: [BoardProfile]

    /// A catalog of the given profiles.
    public init(profiles: [BoardProfile]) {
        self.profiles = profiles.sorted { $0.name < $1.name }
    }

    /// The profiles embedded in the binary. A profile that does not parse is a build mistake that
    /// BoardsTests catches; at run time it is reported, not trapped on.
    public static func builtIn() throws(BoardProfileError) -> BoardCatalog {
        var profiles: [BoardProfile] = []
        for file in EmbeddedBoardProfiles.files {
            profiles.append(try BoardProfileLoader.load(yaml: file.text, source: "Boards/\(file.file)"))
        }
        return BoardCatalog(profiles: profiles)
    }

    /// The profile of that name.
    public func profile(named name: String) -> BoardProfile? {
        profiles.first { $0.name == name }
    }

    /// The profile whose model prefix matches the device tree's model string; the longest
    /// matching prefix wins, so a more specific model beats a general one.
    public func profile(forModel model: String) -> BoardProfile? {
        var best: (profile: BoardProfile, length: Int)?
        for profile in profiles {
            for prefix in profile.models where model.hasPrefix(prefix) {
                if prefix.count > (best?.length ?? -1) { best = (profile, prefix.count) }
            }
        }
        return best?.profile
    }

    /// The profile for a configuration's or command line's `board:` value: a profile name, or
    /// `auto` to read the device tree's model under `root`.
    public func resolve(_ choice: String, root: String = "/") throws(BoardProfileError) -> BoardProfile {
        if choice == "auto" {
            guard let model = DeviceTreeModel.read(root: root) else {
                throw BoardProfileError(source: "board: auto", message:
                    "no device-tree model under \(DeviceTreeModel.paths(root: root).joined(separator: " or ")); name the board")
            }
            guard let profile = profile(forModel: model) else {
                throw BoardProfileError(source: "board: auto", message:
                    "no profile for the model '\(model)'; known boards: \(profiles.map(\.name).joined(separator: ", "))")
            }
            return profile
        }
        guard let profile = profile(named: choice) else {
            throw BoardProfileError(source: "board", message:
                "unknown board '\(choice)'; expected auto or one of \(profiles.map(\.name).joined(separator: ", "))")
        }
        return profile
    }
}
