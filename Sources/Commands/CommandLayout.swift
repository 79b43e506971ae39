/// The version 1 byte layout of a signed command (docs/COMMANDS.md, "Layout"); integers big-endian.
///
///     version(1) kind(1) signer_kid(8) issued(8) expires(8)
///     id_len(1) id target_len(1) target code(1) arguments        <- body
///     signature(64)                                              <- Ed25519 over the body
public enum CommandLayout {
    /// The only version this code writes and reads.
    public static let version: UInt8 = 1
    /// `'C'`: tells a command from a payload envelope (whose second byte is its suite, 1), so a
    /// signature made for one can never pass as the other.
    public static let kind: UInt8 = 0x43
    /// Bytes of an Ed25519 signature.
    public static let signatureSize = 64
    /// Longest command id, sensor id or output id, in bytes.
    public static let maxIDSize = 64
    /// Longest target (the gateway's wire id), in bytes.
    public static let maxTargetSize = 255
}
