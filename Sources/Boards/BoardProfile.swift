import HAL

/// A board's header as data: which header pin is which GPIO line (by chip label and line name),
/// and where its usual I2C and SPI buses appear. Loaded from `Boards/*.yaml`.
public struct BoardProfile: Sendable, Hashable {
    /// The profile's name, e.g. `raspberry-pi-4` (what `--board` and `board:` take).
    public var name: String
    /// A human title, e.g. `Raspberry Pi 4 Model B, Pi 400`.
    public var title: String
    /// Prefixes of the device tree's model string that identify the board.
    public var models: [String]
    /// The label of the GPIO chip a pin is on unless the pin names another.
    public var defaultChipLabel: String
    /// The header pins in the file's order.
    public var pins: [HeaderPin]
    /// The board's usual I2C buses.
    public var i2c: [BusDefault]
    /// The board's usual SPI devices.
    public var spi: [BusDefault]

    /// Creates a profile.
    public init(name: String, title: String, models: [String], defaultChipLabel: String, pins: [HeaderPin],
                i2c: [BusDefault], spi: [BusDefault]) {
        self.name = name
        self.title = title
        self.models = models
        self.defaultChipLabel = defaultChipLabel
        self.pins = pins
        self.i2c = i2c
        self.spi = spi
    }
}

/// One pin of a header.
public struct HeaderPin: Sendable, Hashable {
    /// Where the pin is on the header: `11` on a Pi, `P9_12` on a BeagleBone.
    public var position: String
    /// What the pin is called: `GPIO17`, `3V3`, `GND`.
    public var name: String
    /// The GPIO chip's label, when the pin is a GPIO line.
    public var chipLabel: String?
    /// The names the line has had in device trees, tried in order; empty for power pins.
    public var lineNames: [String]
    /// What the pin is usually used for (`I2C1 SDA`), if anything.
    public var function: String?

    /// Creates a pin.
    public init(position: String, name: String, chipLabel: String?, lineNames: [String], function: String?) {
        self.position = position
        self.name = name
        self.chipLabel = chipLabel
        self.lineNames = lineNames
        self.function = function
    }

    /// Whether the pin is a GPIO line (it has a chip and at least one line name).
    public var isGPIO: Bool { chipLabel != nil && !lineNames.isEmpty }

    /// The line's addresses, one per known line name, in the order to try them.
    public var lineAddresses: [GPIOLineAddress] {
        guard let chipLabel else { return [] }
        return lineNames.map { GPIOLineAddress(chip: chipLabel, line: .name($0)) }
    }
}

/// A bus the board usually has: its device node and the header pins it is on.
public struct BusDefault: Sendable, Hashable {
    /// A short name, e.g. `i2c-1` or `spi0.0`.
    public var name: String
    /// The device node, e.g. `/dev/i2c-1`.
    public var device: String
    /// The header positions of its signals (SDA, SCL; or MOSI, MISO, SCLK, CS).
    public var pins: [String]
    /// How to switch it on, e.g. `dtparam=i2c_arm=on`.
    public var enable: String?

    /// Creates a bus default.
    public init(name: String, device: String, pins: [String], enable: String?) {
        self.name = name
        self.device = device
        self.pins = pins
        self.enable = enable
    }

    /// The bus number of an `/dev/i2c-N` device, if it is one.
    public var i2cBusNumber: Int? {
        let prefix = "/dev/i2c-"
        guard device.hasPrefix(prefix) else { return nil }
        return Int(device.dropFirst(prefix.count))
    }
}
