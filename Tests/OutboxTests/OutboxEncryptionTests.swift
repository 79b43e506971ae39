import CSQLite
import Testing
@testable import Outbox
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// The outbox encrypted at rest (`storage.encryption_key`, docs/SECURITY.md), on real SQLite
/// files, read back with SQLite itself as an independent reader of what the card holds.
@Suite struct OutboxEncryptionTests {
    let keyA = OutboxSealing(key: (0..<32).map { UInt8($0) })!
    let keyB = OutboxSealing(key: (0..<32).map { UInt8(255 - $0) })!
    let stamp = Timestamp(wallSeconds: 1_764_218_430.75, monotonicNanoseconds: 42_750_000_000, clockSynchronized: true)

    /// Readings whose every private part is a distinctive string or number to search the file for.
    func privateReadings() -> [Reading] {
        [
            Reading(sensorID: "bedroom-presence", quantity: "occupancy_secret", value: .boolean(true),
                    unit: SenMLUnit(rawValue: "unit-marker-xyz"), timestamp: stamp),
            Reading(sensorID: "bedroom-presence", quantity: "note_secret", value: .text("door-left-open-text"),
                    unit: SenMLUnit(rawValue: "/"), timestamp: stamp),
            Reading(sensorID: "bedroom-presence", quantity: "raw_secret", value: .bytes(Array("bytes-marker-777".utf8)),
                    unit: SenMLUnit(rawValue: "/"), timestamp: stamp),
            Reading(sensorID: "bedroom-presence", quantity: "temperature_secret", value: .number(1234.5678),
                    unit: .celsius, timestamp: stamp),
        ]
    }

    /// Every byte of the database and its write-ahead log, where fresh rows are before a checkpoint.
    func fileBytes(_ path: String) -> [UInt8] {
        var all: [UInt8] = []
        for file in [path, path + "-wal"] {
            guard let handle = fopen(file, "rb") else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = fread(&chunk, 1, chunk.count, handle)
                if count <= 0 { break }
                all.append(contentsOf: chunk[..<count])
            }
            fclose(handle)
        }
        return all
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// The private strings, and the number as SQLite stores a REAL (big-endian).
    var markers: [[UInt8]] {
        ["bedroom-presence", "occupancy_secret", "unit-marker-xyz", "door-left-open-text", "bytes-marker-777",
         "temperature_secret"].map { Array($0.utf8) } + [withUnsafeBytes(of: (1234.5678).bitPattern.bigEndian, Array.init)]
    }

    /// The markers that occur in the bytes, by name (never the bytes themselves in a failure).
    func found(in bytes: [UInt8]) -> [String] {
        (markers + [withUnsafeBytes(of: (1234.5678).bitPattern.littleEndian, Array.init)]).filter { contains(bytes, $0) }.map {
            $0.count == 8 ? "the number 1234.5678" : String(decoding: $0, as: UTF8.self)
        }
    }

    @Test func theFileHoldsNoSensorQuantityUnitOrValueWhenEncryptedAndAllOfThemWhenNot() async throws {
        let plainPath = temporaryDatabasePath()
        let plain = try OutboxStore(path: plainPath)
        _ = try await plain.append(privateReadings())
        // The control: the search finds each marker in a plain outbox, so its absence below means something.
        #expect(found(in: fileBytes(plainPath)).count == markers.count)

        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, sealing: keyA)
        _ = try await store.append(privateReadings())
        let bytes = fileBytes(path)
        #expect(bytes.count > 4096, "the rows are written")
        #expect(found(in: bytes) == [])
        await store.close()
        #expect(found(in: fileBytes(path)) == [], "nor after the checkpoint at close")
    }

    @Test func sqliteItselfSeesOnlyEmptyColumnsTheClearTimesAndACiphertext() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, sealing: keyA)
        let stored = try await store.append(privateReadings())
        await store.close()
        let rows = try SQLiteFile(path).rows(
            "SELECT seq, sensor, quantity, unit, value, kind, data IS NULL, wall, synced, length(sealed) FROM readings ORDER BY seq")
        #expect(rows.map { $0[0] } == stored.map { "\($0.sequence)" })
        for (row, reading) in zip(rows, stored) {
            #expect(Array(row[1...6]) == ["", "", "", "0.0", "0", "1"], "sensor, quantity, unit, value, kind and data say nothing")
            #expect(row[7] == "1764218430.75" && row[8] == "1", "the times stay in clear: SQLite ages and orders by them")
            // Nonce 12 + tag 16 around version, kind, number (10), three length-prefixed texts and the data.
            let record = OutboxRecord.encode(reading)
            #expect(row[9] == "\(12 + record.count + 16)")
        }
    }

    @Test func reopenedWithTheSameKeyEveryReadingComesBackWithEveryField() async throws {
        let path = temporaryDatabasePath()
        let unsynced = Timestamp(wallSeconds: 946_684_800, monotonicNanoseconds: 12_500_000_000, clockSynchronized: false)
        var readings = privateReadings()
        readings.append(Reading(sensorID: "s", quantity: "q", value: .number(-0.0), unit: .celsius, timestamp: unsynced))
        let stored: [Reading]
        do {
            let store = try OutboxStore(path: path, bootID: "boot-a", sealing: keyA)
            stored = try await store.append(readings)
            #expect(try await store.pending(after: 0, limit: 100) == stored)
            await store.close()
        }
        let again = try OutboxStore(path: path, bootID: "boot-a", sealing: keyA)
        let back = try await again.pending(after: 0, limit: 100)
        #expect(back == stored)
        #expect(back.map(\.value) == readings.map(\.value))
        #expect(back.last?.timestamp.bootID == "boot-a")
        #expect(back.last?.number?.sign == .minus, "the number's bits are sealed as they are")
        #expect(again.holdsRowsInClear == false)
        #expect(await again.droppedTotal.total == 0)
    }

    @Test func aWrongKeyOrNoKeyIsRefusedAtOpenAndNothingIsDeleted() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try OutboxStore(path: path, sealing: keyA)
            _ = try await store.append(privateReadings())
            await store.close()
        }
        #expect {
            _ = try OutboxStore(path: path, sealing: keyB)
        } throws: { error in
            let text = "\(error)"
            return text.contains("storage.encryption_key does not open this outbox: its readings were encrypted with another key")
                && text.contains("nothing was deleted") && text.contains(path) && (error as? StorageError)?.isCorruption == false
        }
        #expect {
            _ = try OutboxStore(path: path)
        } throws: { error in
            "\(error)".contains("the outbox holds encrypted readings but storage.encryption_key is not set")
        }
        // Not moved aside, nothing dropped: the right key reads everything.
        let right = try OutboxStore(path: path, sealing: keyA)
        #expect(right.movedAsideCorruptDatabase == nil)
        #expect(try await right.pending(after: 0, limit: 100).map(\.sensorID) == Array(repeating: "bedroom-presence", count: 4))
    }

    @Test func aFlippedBitDropsThatRowAloneCountedAndRecordedAsUnreadable() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, sealing: keyA)
        let stored = try await store.append(makeReadings(5))
        await store.close()
        // One bit of seq 3's ciphertext, as a worn card or a tampering hand would change it.
        try SQLiteFile(path).changeSealed(ofSequence: 3) { $0[20] ^= 0x01 }
        let reopened = try OutboxStore(path: path, sealing: keyA)
        let back = try await reopened.pending(after: 0, limit: 100)
        #expect(back.map(\.sequence) == [1, 2, 4, 5])
        #expect(back == stored.filter { $0.sequence != 3 })
        #expect(await reopened.droppedTotal == DropCounts(unreadable: 1))
        #expect(reopened.unreadableDropped == 1)
        let ranges = try await reopened.droppedRanges()
        #expect(ranges.map(\.range) == [3...3] && ranges.map(\.reason) == [.unreadable])
        #expect(try await reopened.count() == 4, "the unreadable row is gone, the others stay")
    }

    @Test func aSealedRowMovedToAnotherNumberOrReDatedDoesNotOpen() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, sealing: keyA)
        _ = try await store.append(makeReadings(4))
        await store.close()
        let file = try SQLiteFile(path)
        // Row 1's seal copied over row 2's: a valid ciphertext, but bound to sequence 1.
        try file.execute("UPDATE readings SET sealed = (SELECT sealed FROM readings WHERE seq = 1) WHERE seq = 2")
        // Row 4 re-dated by a minute.
        try file.execute("UPDATE readings SET wall = wall + 60 WHERE seq = 4")
        let reopened = try OutboxStore(path: path, sealing: keyA)
        #expect(try await reopened.pending(after: 0, limit: 100).map(\.sequence) == [1, 3])
        #expect(await reopened.droppedTotal.unreadable == 2)
    }

    @Test func unreadableRowsDoNotHideTheRowsAfterThemFromAPage() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, sealing: keyA)
        _ = try await store.append(makeReadings(10))
        await store.close()
        try SQLiteFile(path).execute("UPDATE readings SET sealed = zeroblob(40) WHERE seq BETWEEN 2 AND 6")
        let reopened = try OutboxStore(path: path, sealing: keyA)
        #expect(try await reopened.pending(after: 0, limit: 3).map(\.sequence) == [1, 7, 8])
        #expect(try await reopened.pending(after: 8, limit: 3).map(\.sequence) == [9, 10])
        #expect(try await reopened.droppedRanges().flatMap { Array($0.range) } == [2, 3, 4, 5, 6])
    }

    @Test func rowsInClearFromBeforeEncryptionAreSentAsTheyAreAndNumbersGoOn() async throws {
        let path = temporaryDatabasePath()
        do {
            let plain = try OutboxStore(path: path)
            _ = try await plain.append(makeReadings(3, sensor: "old"))
            try await plain.acknowledge([3])
            await plain.close()
        }
        let store = try OutboxStore(path: path, sealing: keyA)
        #expect(store.holdsRowsInClear)
        let new = try await store.append(makeReadings(2, sensor: "new"))
        #expect(new.map(\.sequence) == [4, 5], "3 was given once and is never given again")
        let back = try await store.pending(after: 0, limit: 100)
        #expect(back.map(\.sensorID) == ["old", "old", "new", "new"])
        #expect(back.map(\.sequence) == [1, 2, 4, 5])
        let rows = try SQLiteFile(path).rows("SELECT sensor, sealed IS NULL FROM readings ORDER BY seq")
        #expect(rows == [["old", "1"], ["old", "1"], ["", "0"], ["", "0"]])
    }

    @Test func aDrainedOutboxTakesANewKeyOrNoneAndNumbersNeverRepeat() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try OutboxStore(path: path, sealing: keyA)
            _ = try await store.append(makeReadings(3))
            try await store.acknowledge([1, 2, 3])
            await store.close()
        }
        do {
            let rotated = try OutboxStore(path: path, sealing: keyB)
            #expect(try await rotated.append(makeReadings(1)).map(\.sequence) == [4])
            #expect(try await rotated.pending(after: 0, limit: 10).map(\.sequence) == [4])
            try await rotated.acknowledge([4])
            await rotated.close()
        }
        // The old key no longer opens it (its check was replaced), but nothing sealed is left, so it takes over again.
        let plain = try OutboxStore(path: path)
        #expect(try await plain.append(makeReadings(1)).map(\.sequence) == [5])
        #expect(try SQLiteFile(path).rows("SELECT count(*) FROM outbox_key") == [["0"]])
    }

    @Test func theKeyFileMustHoldExactly32BytesAndItsErrorsShowNoneOfThem() throws {
        let directory = temporaryDatabasePath("")
        let short = directory + "short.key", good = directory + "good.key"
        try writeFile(short, Array("SECRET-key-bytes-not-enough".utf8))
        try writeFile(good, (0..<32).map { UInt8($0) })
        #expect {
            _ = try OutboxSealing(keyFile: short)
        } throws: { error in
            let text = "\(error)"
            return text.contains("read the outbox key \(short)") && text.contains("it holds 27 bytes, not 32") && !text.contains("SECRET")
        }
        #expect(throws: StorageError.self) { _ = try OutboxSealing(keyFile: directory + "missing.key") }
        // The file's key and the same bytes given directly seal interchangeably.
        let fromFile = try OutboxSealing(keyFile: good)
        let context = OutboxSealing.RowContext(sequence: 7, wallSeconds: 1, monotonicNanoseconds: 2, synchronized: true, priority: 0, boot: 1)
        let sealed = try fromFile.seal(makeReadings(1)[0], context: context)
        #expect(keyA.openRow(sealed, context: context)?.sensorID == "air")
        #expect(keyB.openRow(sealed, context: context) == nil)
    }

    @Test func theSealedRecordRoundTripsEveryKindAndRejectsTruncation() {
        for value: ReadingValue in [.number(21.53), .boolean(false), .text("ünï\u{0}x"), .bytes([0, 255]), .bytes([])] {
            let reading = Reading(sensorID: "a", quantity: "b", value: value, unit: SenMLUnit(rawValue: "%RH"), timestamp: stamp)
            let bytes = OutboxRecord.encode(reading)
            #expect(OutboxRecord.decode(bytes) == OutboxRecord(sensorID: "a", quantity: "b", unit: "%RH", value: value))
            #expect(OutboxRecord.decode(Array(bytes.dropLast())) == nil)
            #expect(OutboxRecord.decode(bytes + [0]) == nil)
        }
        // Layout: version 1, kind 0, 21.5's bits little-endian, then "a", "b", "c" and no data.
        let reading = Reading(sensorID: "a", quantity: "b", value: 21.5, unit: SenMLUnit(rawValue: "c"), timestamp: stamp)
        #expect(OutboxRecord.encode(reading) == [1, 0, 0, 0, 0, 0, 0, 0x80, 0x35, 0x40, 1, 0, 0x61, 1, 0, 0x62, 1, 0, 0x63, 0, 0, 0, 0])
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let handle = fopen(path, "wb") else { throw StorageError(code: 14, message: "cannot create", operation: path) }
    _ = fwrite(bytes, 1, bytes.count, handle)
    fclose(handle)
}

/// SQLite's own reading of a database file, outside the outbox.
final class SQLiteFile {
    private var handle: OpaquePointer?

    init(_ path: String) throws {
        guard sqlite3_open(path, &handle) == SQLITE_OK else { throw StorageError(code: 14, message: "cannot open", operation: path) }
    }

    deinit { sqlite3_close(handle) }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw StorageError(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), operation: sql)
        }
    }

    /// Rewrites one row's sealed blob.
    func changeSealed(ofSequence sequence: Int64, _ change: (inout [UInt8]) -> Void) throws {
        guard let blob = try rows("SELECT hex(sealed) FROM readings WHERE seq = \(sequence)").first?.first else { return }
        var bytes = stride(from: 0, to: blob.utf8.count, by: 2).compactMap { index -> UInt8? in
            let start = blob.utf8.index(blob.utf8.startIndex, offsetBy: index)
            return UInt8(String(blob.utf8[start..<blob.utf8.index(start, offsetBy: 2)])!, radix: 16)
        }
        change(&bytes)
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        try execute("UPDATE readings SET sealed = x'\(hex)' WHERE seq = \(sequence)")
    }

    /// Every row, each column as SQLite renders it as text.
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw StorageError(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), operation: sql)
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
            })
        }
        return result
    }
}
