import Crypto
import Pipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encryption of the outbox at rest (`storage.encryption_key`, docs/SECURITY.md).
///
/// Each row's private part (sensor, quantity, unit, value) is sealed with ChaCha20-Poly1305
/// under a 32-byte key, with a fresh random nonce per row: a sequence number cannot be the nonce,
/// because a database moved aside after corruption starts its numbers again under the same key.
/// The columns SQLite must read to order, age and drop rows (sequence, both timestamps, clock
/// state, priority, boot) stay in clear and are bound to the ciphertext as associated data, so
/// a row moved to another sequence number or re-dated does not open.
///
/// SQLCipher would encrypt whole pages, but Debian 12 ships SQLCipher 3.4 (SQLite 3.15, older
/// than the upserts and `RETURNING` the outbox relies on).
public struct OutboxSealing: Sendable {
    /// The key's length in bytes.
    public static let keyBytes = 32
    private let key: SymmetricKey

    /// A sealing with this key; nil unless it is exactly ``keyBytes`` long.
    public init?(key bytes: [UInt8]) {
        guard bytes.count == Self.keyBytes else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// Reads the key file (32 raw bytes: `head -c 32 /dev/urandom > FILE`). The error names
    /// the file and what is wrong with it, never a byte of it.
    public init(keyFile path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StorageError(code: 14 /* SQLITE_CANTOPEN */, message: String(cString: strerror(errno)),
                               operation: "read the outbox key \(path)")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: Self.keyBytes + 1)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { room in
                room.baseAddress.map { read(descriptor, $0 + count, room.count - count) } ?? 0
            }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                throw StorageError(code: 10 /* SQLITE_IOERR */, message: String(cString: strerror(errno)),
                                   operation: "read the outbox key \(path)")
            }
            if n == 0 { break }
            count += n
        }
        guard count == Self.keyBytes, let sealing = OutboxSealing(key: Array(buffer[..<count])) else {
            throw StorageError(code: 23 /* SQLITE_AUTH */,
                               message: "it holds \(count == buffer.count ? "more than \(Self.keyBytes)" : "\(count)") bytes, not \(Self.keyBytes) (head -c 32 /dev/urandom > FILE)",
                               operation: "read the outbox key \(path)")
        }
        self = sealing
    }

    /// The clear columns of a row that its seal is bound to.
    struct RowContext: Equatable {
        var sequence: UInt64
        var wallSeconds: Double
        var monotonicNanoseconds: UInt64
        var synchronized: Bool
        var priority: Int64
        var boot: Int64

        /// Domain, version and the columns, little-endian: a seal made for another purpose or
        /// another row never opens as this one.
        var associatedData: [UInt8] {
            var bytes = Array("sensorgw outbox row 1".utf8)
            bytes.reserveCapacity(bytes.count + 41)
            OutboxRecord.append(sequence, to: &bytes)
            OutboxRecord.append(wallSeconds.bitPattern, to: &bytes)
            OutboxRecord.append(monotonicNanoseconds, to: &bytes)
            bytes.append(synchronized ? 1 : 0)
            OutboxRecord.append(UInt64(bitPattern: priority), to: &bytes)
            OutboxRecord.append(UInt64(bitPattern: boot), to: &bytes)
            return bytes
        }
    }

    /// nonce ‖ ciphertext ‖ tag of the reading's private part.
    func seal(_ reading: Reading, context: RowContext) throws(StorageError) -> [UInt8] {
        try sealBytes(OutboxRecord.encode(reading), associatedData: context.associatedData)
    }

    /// The sensor, quantity, unit and value of a sealed row; nil when it does not open (another
    /// key, a flipped bit, a row moved or re-dated) or its contents are not a record.
    func openRow(_ sealed: [UInt8], context: RowContext) -> OutboxRecord? {
        unseal(sealed, associatedData: context.associatedData).flatMap(OutboxRecord.decode)
    }

    /// What the `outbox_key` table holds: a seal of a fixed text, so that a wrong key is told
    /// apart from damaged rows before any row is read.
    func keyCheck() throws(StorageError) -> [UInt8] {
        try sealBytes(Self.keyCheckText, associatedData: Self.keyCheckText)
    }

    /// Whether `stored` is a ``keyCheck()`` made with this key.
    func opensKeyCheck(_ stored: [UInt8]) -> Bool {
        unseal(stored, associatedData: Self.keyCheckText) == Self.keyCheckText
    }

    private static let keyCheckText = Array("sensorgw outbox key check 1".utf8)

    private func sealBytes(_ plaintext: [UInt8], associatedData: [UInt8]) throws(StorageError) -> [UInt8] {
        do {
            return Array(try ChaChaPoly.seal(plaintext, using: key, nonce: ChaChaPoly.Nonce(), authenticating: associatedData).combined)
        } catch {
            throw StorageError(code: 1 /* SQLITE_ERROR */, message: "\(error)", operation: "seal a reading")
        }
    }

    private func unseal(_ combined: [UInt8], associatedData: [UInt8]) -> [UInt8]? {
        guard let box = try? ChaChaPoly.SealedBox(combined: combined),
              let plaintext = try? ChaChaPoly.open(box, using: key, authenticating: associatedData) else { return nil }
        return Array(plaintext)
    }
}

/// The private part of a reading as it is sealed: version 1, the value's kind, the number's
/// bits, then sensor, quantity, unit (each a 16-bit length and UTF-8) and the text or bytes (a
/// 32-bit length), little-endian.
struct OutboxRecord: Equatable {
    var sensorID: String
    var quantity: String
    var unit: String
    var value: ReadingValue

    private static let version: UInt8 = 1

    static func encode(_ reading: Reading) -> [UInt8] {
        let column = StoredValue(reading.value)
        var bytes: [UInt8] = [version, UInt8(truncatingIfNeeded: column.kind)]
        append(column.number.bitPattern, to: &bytes)
        for text in [reading.sensorID, reading.quantity, reading.unit.rawValue] {
            let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
            bytes.append(UInt8(truncatingIfNeeded: utf8.count))
            bytes.append(UInt8(truncatingIfNeeded: utf8.count >> 8))
            bytes.append(contentsOf: utf8)
        }
        let data = column.data ?? []
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: data.count >> shift)) }
        bytes.append(contentsOf: data)
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> OutboxRecord? {
        var cursor = 0
        func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, bytes.count - cursor >= count else { return nil }
            defer { cursor += count }
            return bytes[cursor..<cursor + count]
        }
        func integer(_ width: Int) -> UInt64? {
            take(width).map { $0.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        }
        guard integer(1) == UInt64(version), let kind = integer(1), let bits = integer(8) else { return nil }
        var texts: [String] = []
        for _ in 0..<3 {
            guard let length = integer(2), let utf8 = take(Int(length)) else { return nil }
            texts.append(String(decoding: utf8, as: UTF8.self))
        }
        guard let length = integer(4), let data = take(Int(length)), cursor == bytes.count else { return nil }
        let value = StoredValue.value(kind: Int64(kind), number: Double(bitPattern: bits), data: Array(data))
        return OutboxRecord(sensorID: texts[0], quantity: texts[1], unit: texts[2], value: value)
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
