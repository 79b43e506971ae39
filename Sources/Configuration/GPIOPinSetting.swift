import Boards
import HAL

/// A GPIO sensor's line as the configuration gave it: a header pin of the board's profile
/// (`pin: 11`, `pin: GPIO17`) or a chip label and line (`line: { chip: pinctrl-bcm2711, line: GPIO17 }`).
public struct GPIOPinSetting: Sendable, Hashable, CustomStringConvertible {
    /// As written, for logs and errors: `pin 11 (GPIO17)` or `line pinctrl-bcm2711:GPIO17`.
    public var written: String
    /// The addresses to request, in order: a header pin's line has had several names across
    /// kernels, and the first one the running kernel knows is the one. Empty only for a header
    /// pin of `board: auto` that `config check` did not resolve.
    public var candidates: [GPIOLineAddress]

    /// Creates a setting.
    public init(written: String, candidates: [GPIOLineAddress]) {
        self.written = written
        self.candidates = candidates
    }

    /// One line by chip label and line (tests, `line:`).
    public init(_ address: GPIOLineAddress) {
        self.init(written: "line \(address)", candidates: [address])
    }

    public var description: String { written }
}

extension ConfigValue {
    /// The option keys a GPIO kind lists for its line: give exactly one.
    public static let gpioPinKeys = ["pin", "line"]

    /// A `pin:` (header position or name, resolved against the board's profile) or `line:`
    /// (`{ chip: LABEL, line: NAME or OFFSET }`) option; under another key (a kind with two
    /// lines, such as `trigger:` and `echo:`), a scalar is a header pin and a mapping a line.
    public func gpioPin() throws(ConfigurationError) -> GPIOPinSetting {
        if key == "line" { return try gpioLine() }
        if key != "pin", case .mapping = node { return try gpioLine() }
        return try headerPin()
    }

    private func headerPin() throws(ConfigurationError) -> GPIOPinSetting {
        let text = try reader.nonEmptyString(node, path: path)
        switch reader.headerPins ?? .none {
        case .none:
            throw error("pin '\(NodeReader.excerpt(text))' is a header pin, which needs the board's header: set board: to a "
                        + "profile (\(Self.profileNames)) or auto, or give line: { chip: LABEL, line: NAME } instead")
        case .profile(let profile):
            do {
                let resolved = try profile.resolvePin(text)
                return GPIOPinSetting(written: "pin \(resolved.pin.position) (\(resolved.pin.name)) of \(profile.name)",
                                      candidates: resolved.candidates)
            } catch {
                throw self.error(error.message)
            }
        case .anyOf(let profiles):
            guard profiles.contains(where: { (try? $0.resolvePin(text)) != nil }) else {
                throw error("no known board has a GPIO header pin '\(NodeReader.excerpt(text))' (board: auto)")
            }
            return GPIOPinSetting(written: "pin \(text)", candidates: [])
        }
    }

    private func gpioLine() throws(ConfigurationError) -> GPIOPinSetting {
        var chip: String?
        var line: GPIOLineAddress.Line?
        for entry in try entries(allowed: ["chip", "line"]) {
            if entry.key == "chip" {
                chip = try entry.chipLabel()
            } else {
                let text = try entry.reader.nonEmptyString(entry.node, path: entry.path)
                if let offset = UInt32(text) {
                    line = .offset(offset)
                } else {
                    line = .name(text)
                }
            }
        }
        guard let chip else { throw reader.missing("\(path).chip", in: node.mark) }
        guard let line else { throw reader.missing("\(path).line", in: node.mark) }
        return GPIOPinSetting(GPIOLineAddress(chip: chip, line: line))
    }

    /// A chip's label. `gpiochipN` (or its /dev path, or a bare number) is refused: the numbers
    /// follow probe order, which the Raspberry Pi 5 and kernel 6.6 changed (the header's chip
    /// went from gpiochip0 to gpiochip4 and back), so a number that worked once can silently
    /// name another chip after an upgrade.
    private func chipLabel() throws(ConfigurationError) -> String {
        let text = try reader.nonEmptyString(node, path: path)
        let bare = text.hasPrefix("/dev/") ? String(text.dropFirst(5)) : text
        let number = bare.hasPrefix("gpiochip") ? String(bare.dropFirst(8)) : bare
        if !number.isEmpty, number.allSatisfy(\.isNumber) {
            throw error("'\(NodeReader.excerpt(text))' is a gpiochip number, which is not stable: kernel 6.6 and the "
                        + "Raspberry Pi 5 renumbered the chips, so give the chip's label (e.g. pinctrl-bcm2711, "
                        + "pinctrl-rp1; `gpiodetect` or `sensorgw probe board` shows them) or use pin: with board:")
        }
        return text
    }

    private static var profileNames: String {
        (try? GatewayConfiguration.boardCatalog.get())?.profiles.map(\.name).joined(separator: ", ") ?? "none built in"
    }
}
