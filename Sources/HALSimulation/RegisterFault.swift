import HAL

/// A fault pinned to one register of a ``SimulatedRegisterDevice``: it fires when a bus access
/// reaches that register, whichever transaction that is, unlike the bus-wide "next n
/// transactions" faults of ``SimulatedI2CBus``.
public enum RegisterFault: Sendable, Hashable {
    /// The access that reaches the register fails with this kind. A write segment is refused at
    /// the byte that addresses or fills the register (bytes before it were taken, as on a chip
    /// that NACKs mid-write); a read segment fails when it would return the register (the
    /// registers before it were read, so the pointer has moved).
    case fail(HALError.Kind)
    /// A read segment that reaches the register ends just before it: fewer bytes than asked, as
    /// when a transfer is cut short. Writes are not affected.
    case shortRead
    /// A read returns the register's value XOR this mask (the stored value is unchanged), as a
    /// flipped bit on the wire. Writes are not affected.
    case corrupt(xor: UInt8)

    /// The chip refuses the byte: `.fail(.dataNACK)`.
    public static var nack: RegisterFault { .fail(.dataNACK) }
}

/// A fault with the number of times it still fires (`nil`: until cleared).
struct ArmedRegisterFault: Sendable {
    var fault: RegisterFault
    var remaining: Int?

    /// Uses up one firing; returns whether any are left.
    mutating func fire() -> Bool {
        guard let left = remaining else { return true }
        remaining = left - 1
        return left - 1 > 0
    }
}
