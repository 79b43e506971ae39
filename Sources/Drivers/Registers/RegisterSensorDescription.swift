import Pipeline

/// A chip described in the configuration instead of in code (`type: registers`): where its
/// values sit in its register map, how to turn their bytes into physical quantities, and
/// optionally how to start a conversion and how to recognise the chip.
///
/// Plain data, decoded and checked by ``RegistersKind``; ``RegisterSensor`` runs it.
public struct RegisterSensorDescription: Sendable, Equatable {
    /// How the bytes of a multi-byte value are ordered on the wire.
    public enum ByteOrder: String, Sendable, Equatable, CaseIterable {
        /// Most significant byte first (at the lowest register).
        case big
        /// Least significant byte first.
        case little
    }

    /// One quantity: a value of `length` bytes at `register`, an optional bit field of it, and
    /// the linear conversion `physical = field × scale + offset`.
    public struct Field: Sendable, Equatable {
        /// The reading's quantity name, e.g. `temperature`.
        public var quantity: String
        /// The first register of the value.
        public var register: UInt8
        /// Bytes, 1...4.
        public var length: Int
        /// The byte order of the value.
        public var byteOrder: ByteOrder
        /// Bits the value is shifted right by before `mask` is applied.
        public var shift: Int
        /// The field's bits after the shift, a run of ones from bit 0 (`0x7FF` for 11 bits);
        /// nil for every bit left after the shift.
        public var mask: UInt32?
        /// Whether the field is two's complement (its top bit is the sign).
        public var signed: Bool
        /// Physical units per count.
        public var scale: Double
        /// Added after scaling.
        public var offset: Double
        /// The SenML unit of the result (a primary unit of the registry).
        public var unit: SenMLUnit
        /// The values the chip can report, if known; others are dropped by validation.
        public var validRange: ClosedRange<Double>?

        /// Creates a field; the defaults are a big-endian unsigned value, all bits, unscaled.
        public init(quantity: String, register: UInt8, length: Int, byteOrder: ByteOrder = .big, shift: Int = 0,
                    mask: UInt32? = nil, signed: Bool = false, scale: Double = 1, offset: Double = 0,
                    unit: SenMLUnit, validRange: ClosedRange<Double>? = nil) {
            self.quantity = quantity
            self.register = register
            self.length = length
            self.byteOrder = byteOrder
            self.shift = shift
            self.mask = mask
            self.signed = signed
            self.scale = scale
            self.offset = offset
            self.unit = unit
            self.validRange = validRange
        }

        /// The registers the value occupies.
        public var registers: ClosedRange<Int> { Int(register)...(Int(register) + length - 1) }

        /// How many bits the field has after shift and mask.
        public var bitWidth: Int {
            if let mask { return UInt32.bitWidth - mask.leadingZeroBitCount }
            return max(length * 8 - shift, 0)
        }
    }

    /// A register whose value identifies the chip (`WHO_AM_I`, a device id), read when the
    /// sensor starts and after every failure.
    public struct IdentityCheck: Sendable, Equatable {
        /// The first register of the id.
        public var register: UInt8
        /// Bytes, 1...4.
        public var length: Int
        /// The byte order of a multi-byte id.
        public var byteOrder: ByteOrder
        /// The expected value after `mask`.
        public var expected: UInt32
        /// Bits compared (a revision field can be left out); nil for all.
        public var mask: UInt32?

        /// Creates a check.
        public init(register: UInt8, length: Int = 1, byteOrder: ByteOrder = .big, expected: UInt32, mask: UInt32? = nil) {
            self.register = register
            self.length = length
            self.byteOrder = byteOrder
            self.expected = expected
            self.mask = mask
        }
    }

    /// A write that starts a conversion (a one-shot bit), then a wait before the values are read.
    public struct Trigger: Sendable, Equatable {
        /// The register written.
        public var register: UInt8
        /// The bytes written to it and the registers after it.
        public var bytes: [UInt8]
        /// The datasheet's conversion time, waited on the board's clock.
        public var delay: Duration

        /// Creates a trigger.
        public init(register: UInt8, bytes: [UInt8], delay: Duration = .zero) {
            self.register = register
            self.bytes = bytes
            self.delay = delay
        }
    }

    /// The chip's name for messages, e.g. `ST LPS22HB`.
    public var chip: String?
    /// The quantities, in file order.
    public var fields: [Field]
    /// The id check, if any.
    public var identity: IdentityCheck?
    /// The conversion trigger, if any.
    public var trigger: Trigger?
    /// Whether a read continues into the next register (most chips), so neighbouring values
    /// share one transaction; false for chips whose register pointer names a whole word (LM75).
    public var autoIncrement: Bool

    /// Creates a description.
    public init(chip: String? = nil, fields: [Field], identity: IdentityCheck? = nil, trigger: Trigger? = nil,
                autoIncrement: Bool = true) {
        self.chip = chip
        self.fields = fields
        self.identity = identity
        self.trigger = trigger
        self.autoIncrement = autoIncrement
    }

    /// The quantities as the pipeline's validation sees them.
    public var quantityRules: [QuantityRule] {
        fields.map { QuantityRule($0.quantity, unit: $0.unit, validRange: $0.validRange) }
    }
}
