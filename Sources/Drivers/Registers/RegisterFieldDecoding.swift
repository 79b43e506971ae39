extension RegisterSensorDescription.ByteOrder {
    /// The unsigned integer `bytes` spell (at most four).
    public func integer(_ bytes: [UInt8]) -> UInt32 {
        let ordered = self == .big ? bytes : bytes.reversed()
        return ordered.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

extension RegisterSensorDescription.Field {
    /// The field's count: the value's bits shifted right and masked, sign-extended when signed.
    public func count(from bytes: [UInt8]) -> Int64 {
        let whole = byteOrder.integer(bytes)
        let width = bitWidth
        guard width > 0 else { return 0 }
        let fieldMask: UInt32 = mask ?? (width >= 32 ? UInt32.max : (1 << UInt32(width)) - 1)
        let raw = (whole >> UInt32(shift)) & fieldMask
        guard signed else { return Int64(raw) }
        let sign = UInt32(1) << UInt32(width - 1)
        return raw & sign == 0 ? Int64(raw) : Int64(raw) - (Int64(1) << Int64(width))
    }

    /// The physical value: count × scale + offset.
    public func value(from bytes: [UInt8]) -> Double {
        Double(count(from: bytes)) * scale + offset
    }
}

extension RegisterSensorDescription.IdentityCheck {
    /// Whether `bytes` carry the expected id.
    public func matches(_ bytes: [UInt8]) -> Bool {
        let value = byteOrder.integer(bytes)
        let compared = mask ?? UInt32.max
        return bytes.count == length && value & compared == expected & compared
    }
}
