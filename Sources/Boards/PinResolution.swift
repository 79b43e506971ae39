import HAL

/// A header pin named in a configuration, resolved to the GPIO line(s) it is.
public struct ResolvedPin: Sendable, Hashable {
    /// The pin.
    public var pin: HeaderPin
    /// The line to request: the first of the pin's line names that the board's chip has (when
    /// the chip's line names were given), else the first name.
    public var address: GPIOLineAddress
    /// Every address the pin may have, in the order they are tried.
    public var candidates: [GPIOLineAddress]
}

extension BoardProfile {
    /// The pin at a header position (`11`, `P9_12`) or with a name (`GPIO17`), or an error that
    /// says why not. `lineNames(chipLabel)` gives a chip's actual line names when known (from the
    /// running kernel, or a test's fake chips); it picks among a pin's alternative names.
    public func resolvePin(_ text: String,
                           lineNames: (String) -> [String]? = { _ in nil }) throws(BoardProfileError) -> ResolvedPin {
        let source = "board \(name)"
        let trimmed = text.hasPrefix("pin ") ? String(text.dropFirst(4)) : text
        guard let pin = pins.first(where: { $0.position == trimmed }) ?? pins.first(where: { $0.name == trimmed && $0.isGPIO })
                ?? pins.first(where: { $0.lineNames.contains(trimmed) && $0.isGPIO }) else {
            throw BoardProfileError(source: source, message: "no header pin '\(text)' (give a position like \(pins.first?.position ?? "1") or a name like \(pins.first(where: \.isGPIO)?.name ?? "GPIO17"))")
        }
        guard pin.isGPIO, let chip = pin.chipLabel else {
            throw BoardProfileError(source: source, message: "pin \(pin.position) is \(pin.name), not a GPIO line")
        }
        let candidates = pin.lineAddresses
        guard var address = candidates.first else {
            throw BoardProfileError(source: source, message: "pin \(pin.position) has no line name")
        }
        if let actual = lineNames(chip) {
            guard let name = pin.lineNames.first(where: { actual.contains($0) }) else {
                throw BoardProfileError(source: source, message:
                    "pin \(pin.position): the chip \(chip) has no line named \(pin.lineNames.joined(separator: " or "))")
            }
            address = GPIOLineAddress(chip: chip, line: .name(name))
        }
        return ResolvedPin(pin: pin, address: address, candidates: candidates)
    }
}
