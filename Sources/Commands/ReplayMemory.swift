/// The ids of commands already accepted, each kept until its expiry: past that, the command
/// is refused as expired anyway. The verifier caps a command's lifetime, so the memory is
/// bounded by how many commands arrive in that time, and by ``capacity``.
///
/// A value; the agent stores ``encoded()`` in a file beside the outbox after each accepted
/// command, so a captured command cannot be replayed after a restart.
public struct ReplayMemory: Sendable, Hashable {
    /// Most ids held at once; a command that would need one more is refused (`replay_memory_full`).
    public static let capacity = 1024

    /// Each remembered id and its command's expiry, Unix seconds.
    public private(set) var expiries: [String: Int64] = [:]

    /// An empty memory.
    public init() {}

    /// Whether `id` was accepted and has not yet expired.
    public func contains(_ id: String) -> Bool { expiries[id] != nil }

    /// Whether the memory is at ``capacity``.
    public var isFull: Bool { expiries.count >= Self.capacity }

    /// Remembers an accepted command's id until `expires`.
    public mutating func remember(_ id: String, until expires: Int64) { expiries[id] = expires }

    /// Forgets the ids whose commands have expired at `now`.
    public mutating func forget(expiredAt now: Int64) { expiries = expiries.filter { $0.value > now } }

    /// The file's bytes: per id, its expiry (8 bytes, big-endian), its length (1) and the id,
    /// in id order so equal memories give equal files.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [CommandLayout.version]
        for (id, expires) in expiries.sorted(by: { $0.key < $1.key }) {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: UInt64(expires) >> UInt64(shift))) }
            out.append(UInt8(id.utf8.count))
            out += id.utf8
        }
        return out
    }

    /// Reads back ``encoded()``; nil if the bytes are not such a file (then the agent refuses
    /// commands until it can write a fresh one, rather than forget what it accepted).
    public init?(decoding bytes: [UInt8]) {
        guard bytes.first == CommandLayout.version else { return nil }
        var cursor = 1
        while cursor < bytes.count {
            guard bytes.count - cursor >= 9 else { return nil }
            let expires = bytes[cursor..<(cursor + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let length = Int(bytes[cursor + 8])
            cursor += 9
            guard expires <= UInt64(Int64.max), bytes.count - cursor >= length,
                  let id = String(validating: bytes[cursor..<(cursor + length)], as: UTF8.self),
                  RemoteCommand.isValidID(id) else { return nil }
            cursor += length
            expiries[id] = Int64(expires)
        }
        guard expiries.count <= Self.capacity else { return nil }
    }

    /// Most bytes a full memory's file takes.
    public static let maxEncodedSize = 1 + capacity * (9 + CommandLayout.maxIDSize)
}
