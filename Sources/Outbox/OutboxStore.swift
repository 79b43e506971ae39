import Pipeline
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The durable queue between the sensors and the broker.
///
/// Contract (docs/RELIABILITY.md):
/// - A reading gets its per-gateway sequence number here, from SQLite's AUTOINCREMENT counter,
///   so numbers are never reused, even after every row was deleted.
/// - Once `append` returns, the reading is on disk: SQLite in WAL mode with `synchronous=FULL`
///   fsyncs the write-ahead log at every commit, so neither `kill -9` nor a power cut loses it.
/// - It is deleted only when the broker acknowledged it (``acknowledge(_:)``), or when a limit
///   forces a drop: oldest first, normal priority before critical, every drop counted by reason
///   and the counts kept in the database until reported upstream.
/// - A database that fails SQLite's `quick_check` at start-up is moved aside (renamed with a
///   `.corrupt-<unix time>` suffix, kept for the user) and a fresh one is started; nothing is
///   ever silently wiped.
///
/// - With a key (``OutboxSealing``), each row's sensor, quantity, unit and value are sealed
///   before they are written; a wrong key is refused at open, before any row is read, and a row
///   that does not open is dropped and counted as `unreadable` (docs/SECURITY.md).
///
/// All SQLite calls run on the store's own serial executor, never on the cooperative pool.
public actor OutboxStore {
    private var connection: SQLiteConnection
    private let executor: DispatchQueueExecutor
    private let limits: OutboxLimits
    private var drops: DropCounts
    private var reported: DropCounts
    /// Acknowledged readings whose delete is not yet committed (see ``acknowledge(_:)``).
    ///
    /// Behind a lock rather than the actor, so that the uplink records a PUBACK without a hop to
    /// the outbox's thread and back (``recordAcknowledged(_:)``); the actor takes them when it
    /// deletes.
    private let acknowledgements = Mutex(SequenceRanges())
    /// Deletes are committed once this many acknowledgements are waiting, or at the next
    /// ``commitAcknowledgements()`` (every flush interval), whichever comes first.
    public nonisolated let deleteBatch: Int
    /// Size of the reserve file kept beside the database and given up when the disk is full
    /// (1 MiB: as large as the write-ahead log the outbox lets SQLite keep).
    public nonisolated let reserveBytes: Int

    /// Runs the actor on its own dispatch queue (see ``DispatchQueueExecutor``).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// The database file.
    public nonisolated let path: String
    /// Where a corrupt database found at start-up was moved, if one was.
    public nonisolated let movedAsideCorruptDatabase: String?
    /// This boot's number in the `boots` table; readings stored now get it.
    private let bootNumber: Int64
    /// Every boot id the database knows, by number.
    private var bootIDs: [Int64: String]
    /// This boot's clock offset once a reading was stored with the clock synced.
    private var rebase: ClockRebase?
    /// Seals new rows and opens sealed ones; nil stores rows in clear.
    private let sealing: OutboxSealing?
    /// Whether this database holds rows in clear from before encryption was turned on (sent
    /// as they are; new rows are sealed).
    public nonisolated let holdsRowsInClear: Bool
    /// Rows dropped because they did not open, since this store was opened: read without a hop
    /// to the outbox's thread by whoever reads ``pending(after:through:limit:)``, to log them.
    private let unreadable = Atomic<Int>(0)
    /// Rows dropped as `unreadable` since this store was opened.
    public nonisolated var unreadableDropped: Int { unreadable.load(ordering: .relaxed) }

    /// Opens (or creates) the outbox at `path`.
    ///
    /// A file that is not a database or fails its integrity check is moved aside and replaced
    /// (see ``movedAsideCorruptDatabase``); a file that cannot be opened at all (a missing
    /// directory, no permission) is an error. `bootID` names this boot (default: the kernel's
    /// boot id); readings are re-based only within their own boot.
    public init(path: String, limits: OutboxLimits = OutboxLimits(), deleteBatch: Int = 1000,
                reserveBytes: Int = 1 << 20, testingMaxPageCount: Int? = nil,
                bootID: String? = SystemClock.bootID(), sealing: OutboxSealing? = nil) throws(StorageError) {
        self.path = path
        self.sealing = sealing
        self.limits = limits
        self.deleteBatch = max(1, deleteBatch)
        self.reserveBytes = reserveBytes
        executor = DispatchQueueExecutor(label: "sensorgw.outbox")
        var movedAside: String?
        var opened: SQLiteConnection
        do {
            opened = try Self.open(path: path)
        } catch let error where error.isCorruption {
            movedAside = try Self.moveAside(path)
            opened = try Self.open(path: path)
        }
        if let testingMaxPageCount {
            try opened.execute("PRAGMA max_page_count=\(testingMaxPageCount)")
        }
        do {
            holdsRowsInClear = try Self.checkKey(opened, sealing: sealing, path: path)
        } catch {
            opened.close()
            throw error
        }
        connection = opened
        movedAsideCorruptDatabase = movedAside
        ReserveFile.make(at: path + ".reserve", bytes: reserveBytes)
        drops = try Self.readCounts(opened, prefix: "dropped_")
        reported = try Self.readCounts(opened, prefix: "reported_")
        // Without a kernel boot id the process stands for its boot: re-basing still holds
        // within it, and readings of an earlier run are never re-based with this run's offset.
        var startedAt = timespec()
        clock_gettime(CLOCK_MONOTONIC, &startedAt)
        let thisBoot = bootID ?? "process-\(getpid())-\(startedAt.tv_sec)-\(startedAt.tv_nsec)"
        try opened.query("INSERT INTO boots(id) VALUES(?) ON CONFLICT(id) DO NOTHING", [.text(thisBoot)])
        var known: [Int64: String] = [:]
        var number: Int64 = 0
        var offset: ClockRebase?
        try opened.query("SELECT number, id, sync_offset FROM boots") { row throws(StorageError) in
            let id = row.text(1)
            known[row.integer(0)] = id
            if id == thisBoot {
                number = row.integer(0)
                if !row.isNull(2) { offset = ClockRebase(offsetSeconds: row.real(2)) }
            }
        }
        bootNumber = number
        bootIDs = known
        rebase = offset
    }

    /// Opens, checks and prepares one database file.
    private static func open(path: String) throws(StorageError) -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path)
        var verdict = ""
        try connection.query("PRAGMA quick_check") { row throws(StorageError) in
            if verdict.isEmpty { verdict = row.text(0) }
        }
        guard verdict == "ok" else {
            connection.close()
            throw StorageError(code: 11 /* SQLITE_CORRUPT */, message: verdict, operation: "integrity check of \(path)")
        }
        // No auto_vacuum: its pointer-map pages cost about a fifth more bytes written per
        // reading, and the pages a drop frees are reused by the next inserts anyway.
        // No secure_delete (Debian's SQLite turns it on): it zeroes every deleted reading,
        // data the broker already has, and wrote about a tenth more at 1000 readings per
        // commit (`sensorgw bench storage`: 1.0x to 0.9x of the encoded size).
        try connection.query("PRAGMA journal_mode=WAL") { _ throws(StorageError) in }
        try connection.execute(
            """
            PRAGMA synchronous=FULL;
            PRAGMA secure_delete=OFF;
            PRAGMA wal_autocheckpoint=256;
            PRAGMA journal_size_limit=1048576;
            CREATE TABLE IF NOT EXISTS readings(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                sensor TEXT NOT NULL,
                quantity TEXT NOT NULL,
                unit TEXT NOT NULL,
                value REAL NOT NULL,
                wall REAL NOT NULL,
                mono INTEGER NOT NULL,
                synced INTEGER NOT NULL,
                priority INTEGER NOT NULL DEFAULT 0,
                kind INTEGER NOT NULL DEFAULT 0,
                data BLOB,
                rebased REAL,
                boot INTEGER NOT NULL DEFAULT 0,
                sealed BLOB
            );
            CREATE TABLE IF NOT EXISTS outbox_key(id INTEGER PRIMARY KEY CHECK (id = 1), check_value BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS dropped_ranges(first INTEGER NOT NULL, last INTEGER NOT NULL,
                                                      reason TEXT NOT NULL, at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS boots(number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sync_offset REAL);
            """)
        // Older outboxes lack later columns; ADD COLUMN keeps their rows, read back with the
        // defaults: 0.1 had no priority (all normal), 0.2 no kind, data, rebased and boot (every
        // value a number, never re-based, boot unknown), 0.3 no sealed (every row in clear).
        var columns: Set<String> = []
        try connection.query("PRAGMA table_info(readings)") { row throws(StorageError) in
            columns.insert(row.text(1))
        }
        for (column, declaration) in [("priority", "INTEGER NOT NULL DEFAULT 0"), ("kind", "INTEGER NOT NULL DEFAULT 0"),
                                      ("data", "BLOB"), ("rebased", "REAL"), ("boot", "INTEGER NOT NULL DEFAULT 0"),
                                      ("sealed", "BLOB")]
        where !columns.contains(column) {
            try connection.execute("ALTER TABLE readings ADD COLUMN \(column) \(declaration)")
        }
        return connection
    }

    /// Checks the key against the database before any row is read; returns whether rows in
    /// clear are stored.
    ///
    /// Sealed rows and a different key (or none) are refused with an error, never dropped: the
    /// right key may still be found. With no sealed row left, a new key (or none) simply takes
    /// over, which is how a key is rotated (docs/SECURITY.md).
    private static func checkKey(_ connection: SQLiteConnection, sealing: OutboxSealing?, path: String) throws(StorageError) -> Bool {
        // Rows in clear are always older than sealed ones (a key is only given up with no sealed
        // row left), so the newest and the oldest row tell, without a scan of a large outbox.
        var sealedRows = false, clearRows = false
        var check: [UInt8]?
        try connection.query("SELECT sealed IS NOT NULL FROM readings ORDER BY seq DESC LIMIT 1") { row throws(StorageError) in
            sealedRows = row.integer(0) != 0
        }
        try connection.query("SELECT sealed IS NULL FROM readings ORDER BY seq LIMIT 1") { row throws(StorageError) in
            clearRows = row.integer(0) != 0
        }
        try connection.query("SELECT check_value FROM outbox_key WHERE id = 1") { row throws(StorageError) in
            check = row.bytes(0)
        }
        if let check, let sealing, sealing.opensKeyCheck(check) { return clearRows }
        if sealedRows {
            let problem = sealing == nil
                ? "the outbox holds encrypted readings but storage.encryption_key is not set"
                : "storage.encryption_key does not open this outbox: its readings were encrypted with another key"
            throw StorageError(code: 23 /* SQLITE_AUTH */,
                               message: "\(problem); nothing was deleted. Configure the key it was written with, or move \(path) aside to start a new outbox",
                               operation: "open the outbox \(path)")
        }
        if let sealing {
            try connection.query("INSERT INTO outbox_key(id, check_value) VALUES(1, ?) ON CONFLICT(id) DO UPDATE SET check_value = excluded.check_value",
                                 [.blob(try sealing.keyCheck())])
        } else if check != nil {
            try connection.query("DELETE FROM outbox_key") { _ throws(StorageError) in }
        }
        return clearRows && sealing != nil
    }

    /// Renames a damaged database and its WAL files; returns the new name of the main file.
    private static func moveAside(_ path: String) throws(StorageError) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let target = "\(path).corrupt-\(now.tv_sec)"
        for suffix in ["", "-wal", "-shm"] where access(path + suffix, F_OK) == 0 {
            guard rename(path + suffix, target + suffix) == 0 else {
                throw StorageError(code: 10 /* SQLITE_IOERR */, message: String(cString: strerror(errno)),
                                   operation: "move corrupt \(path + suffix) aside")
            }
        }
        return target
    }

    private static func readCounts(_ connection: SQLiteConnection, prefix: String) throws(StorageError) -> DropCounts {
        var counts = DropCounts()
        try connection.query("SELECT name, value FROM counters WHERE name LIKE ?", [.text(prefix + "%")]) { row throws(StorageError) in
            let name = row.text(0)
            if let reason = DropReason(rawValue: String(name.dropFirst(prefix.count))) {
                counts[reason] = Int(row.integer(1))
            }
        }
        return counts
    }

    // MARK: Writing

    /// Stores readings of normal priority in one transaction; see ``append(pending:)``.
    public func append(_ readings: [Reading]) throws(StorageError) -> [Reading] {
        try append(pending: readings.map { PendingReading($0) })
    }

    /// Stores readings in one transaction and returns them with their sequence numbers, then
    /// applies the limits.
    ///
    /// When the disk is full, the oldest readings are dropped (normal priority first) and the
    /// write is tried once more; if it still does not fit, the new readings are dropped and
    /// counted as `disk_full`, and an empty array is returned. Other storage errors are thrown.
    public func append(pending readings: [PendingReading]) throws(StorageError) -> [Reading] {
        guard !readings.isEmpty else { return [] }
        do {
            let stored = try insert(readings)
            try enforceLimits()
            return stored
        } catch let error where error.isDiskFull {
            // Make room: a tenth of what is stored, at least twice as many rows as we add.
            do {
                try makeRoom(rows: max(readings.count * 2, (try count()) / 10))
                let result = try insert(readings)
                try enforceLimits()
                return result
            } catch let again where again.isDiskFull {
                // Still no room: these readings are dropped and counted; the agent goes on.
                try? record(readings.count, as: .diskFull)
                return []
            }
        }
    }

    /// Frees file-system space when the disk is full.
    ///
    /// On a full disk SQLite cannot even delete: a delete needs room in the WAL, and emptying
    /// the WAL (a checkpoint) needs room in the database file. So the outbox keeps a reserve file
    /// (``reserveBytes``) beside the database and gives it up here: the checkpoint then fits, the
    /// oldest readings are dropped (their pages are reused by the next inserts, so the database
    /// file stops growing), the WAL is truncated again, and the reserve is made again once there
    /// is room.
    private func makeRoom(rows: Int) throws(StorageError) {
        unlink(reservePath)
        try? connection.query("PRAGMA wal_checkpoint(TRUNCATE)") { _ throws(StorageError) in }
        _ = try dropOldest(rows, reason: .capacity)
        try? connection.query("PRAGMA wal_checkpoint(TRUNCATE)") { _ throws(StorageError) in }
        ReserveFile.make(at: reservePath, bytes: reserveBytes)
    }

    /// The file given up when the disk is full.
    private nonisolated var reservePath: String { path + ".reserve" }

    private func insert(_ readings: [PendingReading]) throws(StorageError) -> [Reading] {
        let knewOffsetBefore = rebase != nil
        try connection.execute("BEGIN IMMEDIATE")
        var stored: [Reading] = []
        stored.reserveCapacity(readings.count)
        var deleted = SequenceRanges()
        do {
            // Acknowledged deletes ride along: one commit writes the shared pages (the b-tree's
            // interior, its rightmost leaf, sqlite_sequence) once instead of twice.
            deleted = try deleteAcknowledged()
            let knewOffset = rebase != nil
            // AUTOINCREMENT's counter, read inside this write transaction: never a number given before.
            var lastSequence: Int64 = sealing == nil ? 0 : Int64(clamping: try highestSequence())
            for item in readings {
                var reading = item.reading
                if !reading.timestamp.clockSynchronized, let rebase {
                    reading.timestamp.rebasedWallSeconds = rebase.rebasedWallSeconds(for: reading.timestamp)
                }
                if let sealing {
                    // Assigned here, not by SQLite: the seal is bound to the row's number.
                    lastSequence += 1
                    try insertSealed(reading, priority: item.priority, sequence: lastSequence, with: sealing)
                    reading.sequence = UInt64(lastSequence)
                } else {
                    reading.sequence = try insertInClear(reading, priority: item.priority)
                }
                if !reading.timestamp.clockSynchronized { reading.timestamp.bootID = bootIDs[bootNumber] }
                if rebase == nil, let observed = ClockRebase(observedAt: reading.timestamp) {
                    rebase = observed
                }
                stored.append(reading)
            }
            if !knewOffset, let rebase {
                try rebaseUnsynchronized(with: rebase)
                // Readings of this batch stored before the synced one were re-based just now.
                for index in stored.indices where stored[index].timestamp.rebasedWallSeconds == nil {
                    stored[index].timestamp.rebasedWallSeconds = rebase.rebasedWallSeconds(for: stored[index].timestamp)
                }
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            restoreAcknowledged(deleted)
            if !knewOffsetBefore { rebase = nil }
            throw error
        }
        return stored
    }

    private func insertInClear(_ reading: Reading, priority: ReadingPriority) throws(StorageError) -> UInt64 {
        let column = StoredValue(reading.value)
        var sequence: UInt64 = 0
        try connection.run(
            """
            INSERT INTO readings(sensor, quantity, unit, value, wall, mono, synced, priority, kind, data, rebased, boot)
            VALUES(?,?,?,?,?,?,?,?,?,?,?,?) RETURNING seq
            """,
            bind: { statement throws(StorageError) in
                try statement.bind(reading.sensorID, at: 1)
                try statement.bind(reading.quantity, at: 2)
                try statement.bind(reading.unit.rawValue, at: 3)
                try statement.bind(column.number, at: 4)
                try statement.bind(reading.timestamp.wallSeconds, at: 5)
                try statement.bind(Int64(bitPattern: reading.timestamp.monotonicNanoseconds), at: 6)
                try statement.bind(Int64(reading.timestamp.clockSynchronized ? 1 : 0), at: 7)
                try statement.bind(Int64(priority.rawValue), at: 8)
                try statement.bind(column.kind, at: 9)
                if let data = column.data { try statement.bind(bytes: data, at: 10) } else { try statement.bindNull(at: 10) }
                try bindRebased(reading, at: 11, in: statement)
                try statement.bind(bootNumber, at: 12)
            }
        ) { row throws(StorageError) in
            sequence = UInt64(row.integer(0))
        }
        return sequence
    }

    /// Stores the clear columns and the seal; sensor, quantity and unit are empty, value 0.
    private func insertSealed(_ reading: Reading, priority: ReadingPriority, sequence: Int64,
                              with sealing: OutboxSealing) throws(StorageError) {
        let sealed = try sealing.seal(reading, context: rowContext(sequence: sequence, reading.timestamp, priority: Int64(priority.rawValue),
                                                                  boot: bootNumber))
        try connection.run(
            """
            INSERT INTO readings(seq, sensor, quantity, unit, value, wall, mono, synced, priority, kind, data, rebased, boot, sealed)
            VALUES(?,'','','',0,?,?,?,?,0,NULL,?,?,?)
            """,
            bind: { statement throws(StorageError) in
                try statement.bind(sequence, at: 1)
                try statement.bind(reading.timestamp.wallSeconds, at: 2)
                try statement.bind(Int64(bitPattern: reading.timestamp.monotonicNanoseconds), at: 3)
                try statement.bind(Int64(reading.timestamp.clockSynchronized ? 1 : 0), at: 4)
                try statement.bind(Int64(priority.rawValue), at: 5)
                try bindRebased(reading, at: 6, in: statement)
                try statement.bind(bootNumber, at: 7)
                try statement.bind(bytes: sealed, at: 8)
            })
    }

    private func bindRebased(_ reading: Reading, at position: Int32, in statement: SQLiteBinder) throws(StorageError) {
        if let rebased = reading.timestamp.rebasedWallSeconds {
            try statement.bind(rebased, at: position)
        } else {
            try statement.bindNull(at: position)
        }
    }

    private func rowContext(sequence: Int64, _ timestamp: Timestamp, priority: Int64, boot: Int64) -> OutboxSealing.RowContext {
        OutboxSealing.RowContext(sequence: UInt64(bitPattern: sequence), wallSeconds: timestamp.wallSeconds,
                                 monotonicNanoseconds: timestamp.monotonicNanoseconds,
                                 synchronized: timestamp.clockSynchronized, priority: priority, boot: boot)
    }

    /// Stores this boot's clock offset and the re-based time of every reading of this boot taken
    /// before the clock synced, inside the caller's transaction. The original wall time is never
    /// rewritten; the re-based one is computed once and kept beside it.
    private func rebaseUnsynchronized(with rebase: ClockRebase) throws(StorageError) {
        try connection.query("UPDATE boots SET sync_offset = ? WHERE number = ?",
                             [.real(rebase.offsetSeconds), .integer(bootNumber)])
        var pending: [(sequence: Int64, timestamp: Timestamp)] = []
        try connection.query(
            "SELECT seq, wall, mono FROM readings WHERE boot = ? AND synced = 0 AND rebased IS NULL",
            [.integer(bootNumber)]
        ) { row throws(StorageError) in
            pending.append((row.integer(0), Timestamp(wallSeconds: row.real(1), monotonicNanoseconds: UInt64(bitPattern: row.integer(2)),
                                                      clockSynchronized: false)))
        }
        for (sequence, timestamp) in pending {
            guard let rebased = rebase.rebasedWallSeconds(for: timestamp) else { continue }
            try connection.query("UPDATE readings SET rebased = ? WHERE seq = ?", [.real(rebased), .integer(sequence)])
        }
    }

    // MARK: Limits

    /// Bytes of database pages holding data (not free pages).
    public func storedBytes() throws(StorageError) -> Int {
        var pages = 0, free = 0, size = 0
        try connection.query("PRAGMA page_count") { row throws(StorageError) in pages = Int(row.integer(0)) }
        try connection.query("PRAGMA freelist_count") { row throws(StorageError) in free = Int(row.integer(0)) }
        try connection.query("PRAGMA page_size") { row throws(StorageError) in size = Int(row.integer(0)) }
        return (pages - free) * size
    }

    /// Applies the age limit, then the byte cap (down to 90 % of it, so that a full outbox does
    /// not drop a few rows at every single write).
    private func enforceLimits() throws(StorageError) {
        if let maxAge = limits.maxAge {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let cutoff = Double(now.tv_sec) - Double(maxAge.components.seconds)
            try connection.execute("BEGIN IMMEDIATE")
            do {
                var removed: [UInt64] = []
                try connection.query("DELETE FROM readings WHERE synced = 1 AND wall < ? RETURNING seq", [.real(cutoff)]) {
                    row throws(StorageError) in removed.append(UInt64(row.integer(0)))
                }
                // An acknowledged reading that aged out was delivered, not dropped.
                let acknowledged = acknowledgements.withLock { $0 }
                removed.removeAll { acknowledged.contains($0) }
                try recordRanges(of: removed, reason: .age)
                try connection.execute("COMMIT")
                if !removed.isEmpty { try record(removed.count, as: .age) }
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        if let maxBytes = limits.maxBytes {
            var used = try storedBytes()
            guard used > maxBytes else { return }
            let target = maxBytes * 9 / 10
            while used > target {
                let rows = try count()
                guard rows > 0 else { return }
                // Rows are stored in sequence order, so dropping the oldest frees whole pages.
                let perRow = max(1, used / rows)
                let removed = try dropOldest(max(16, (used - target) / perRow), reason: .capacity)
                if removed == 0 { return }
                used = try storedBytes()
            }
        }
    }

    /// Deletes the `count` oldest readings, normal priority before critical; returns how many.
    private func dropOldest(_ count: Int, reason: DropReason) throws(StorageError) -> Int {
        var removed: [UInt64] = []
        var deleted = SequenceRanges()
        try connection.execute("PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE")
        do {
            // Readings the broker already acknowledged go first, and are not drops.
            deleted = try deleteAcknowledged()
            for priority in ReadingPriority.allCases where removed.count < count {
                try connection.query(
                    "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings WHERE priority = ? ORDER BY seq LIMIT ?) RETURNING seq",
                    [.integer(Int64(priority.rawValue)), .integer(Int64(count - removed.count))]
                ) { row throws(StorageError) in removed.append(UInt64(row.integer(0))) }
            }
            try recordRanges(of: removed, reason: reason)
            try connection.execute("COMMIT; PRAGMA synchronous=FULL")
        } catch {
            try? connection.execute("ROLLBACK; PRAGMA synchronous=FULL")
            restoreAcknowledged(deleted)
            throw error
        }
        if !removed.isEmpty { try record(removed.count, as: reason) }
        return removed.count
    }

    /// Keeps which sequence numbers were dropped, as ranges (one row per run), so that a gap
    /// upstream can be told apart from a loss.
    private func recordRanges(of sequences: [UInt64], reason: DropReason) throws(StorageError) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        for range in Self.runs(of: sequences) {
            try connection.query(
                "INSERT INTO dropped_ranges(first, last, reason, at) VALUES(?, ?, ?, ?)",
                [.integer(Int64(clamping: range.lowerBound)), .integer(Int64(clamping: range.upperBound)),
                 .text(reason.rawValue), .integer(Int64(now.tv_sec))])
        }
    }

    /// Consecutive runs of sorted-or-not sequence numbers.
    static func runs(of sequences: [UInt64]) -> [ClosedRange<UInt64>] {
        var result: [ClosedRange<UInt64>] = []
        for sequence in sequences.sorted() {
            if let last = result.last, last.upperBound &+ 1 == sequence {
                result[result.count - 1] = last.lowerBound...sequence
            } else {
                result.append(sequence...sequence)
            }
        }
        return result
    }

    /// The sequence numbers dropped by policy, as ranges, oldest first.
    public func droppedRanges() throws(StorageError) -> [(range: ClosedRange<UInt64>, reason: DropReason)] {
        var result: [(range: ClosedRange<UInt64>, reason: DropReason)] = []
        try connection.query("SELECT first, last, reason FROM dropped_ranges ORDER BY first") { row throws(StorageError) in
            let first = UInt64(row.integer(0)), last = UInt64(row.integer(1))
            if first <= last, let reason = DropReason(rawValue: row.text(2)) { result.append((first...last, reason)) }
        }
        return result
    }

    /// Adds to a drop counter, in memory and in the database.
    private func record(_ count: Int, as reason: DropReason) throws(StorageError) {
        drops[reason] += count
        try? connection.query(
            "INSERT INTO counters(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [.text("dropped_" + reason.rawValue), .integer(Int64(drops[reason]))])
    }

    /// Every reading dropped since the database was created, by reason.
    public var droppedTotal: DropCounts { drops }

    /// Drops not yet reported upstream.
    public var unreportedDrops: DropCounts { drops - reported }

    /// Records that the broker acknowledged a status message carrying `counts` as the totals.
    public func markReported(_ counts: DropCounts) throws(StorageError) {
        reported = counts
        for reason in DropReason.allCases {
            try connection.query(
                "INSERT INTO counters(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                [.text("reported_" + reason.rawValue), .integer(Int64(counts[reason]))])
        }
    }

    // MARK: Reading and acknowledging

    /// Up to `limit` stored readings with a sequence number above `sequence` (and at most
    /// `through`, when given), oldest first.
    ///
    /// A sealed row that does not open (a flipped bit on the card, a row moved or re-dated) is
    /// deleted, its number recorded in the dropped ranges and counted as `unreadable`; the read
    /// goes on past it, so one bad row never hides the rows after it.
    public func pending(after sequence: UInt64, through last: UInt64 = UInt64(Int64.max), limit: Int) throws(StorageError) -> [Reading] {
        var result: [Reading] = []
        result.reserveCapacity(min(limit, 4096))
        let acknowledged = acknowledgements.withLock { $0 }
        var cursor = sequence
        while result.count < limit {
            let wanted = limit - result.count
            var scanned = 0
            var unopened: [UInt64] = []
            try connection.run(
                """
                SELECT seq, sensor, quantity, unit, value, wall, mono, synced, kind, data, rebased, boot, priority, sealed
                FROM readings WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                """,
                bind: { statement throws(StorageError) in
                    // Clamped: a `through` of UInt64.max must mean "no upper bound", not -1.
                    try statement.bind(Int64(clamping: cursor), at: 1)
                    try statement.bind(Int64(clamping: last), at: 2)
                    try statement.bind(Int64(wanted), at: 3)
                }
            ) { row throws(StorageError) in
                scanned += 1
                let sequence = UInt64(row.integer(0))
                cursor = sequence
                guard acknowledged.isEmpty || !acknowledged.contains(sequence) else { return }
                if let reading = try reading(from: row) {
                    result.append(reading)
                } else {
                    unopened.append(sequence)
                }
            }
            guard !unopened.isEmpty else { break }
            try dropUnreadable(unopened)
            // Fewer rows than asked for: there are no more.
            if scanned < wanted { break }
        }
        return result
    }

    /// The reading of one row of ``pending(after:through:limit:)``'s query; nil for a sealed row
    /// that does not open.
    private func reading(from row: SQLiteRow) throws(StorageError) -> Reading? {
        let synchronized = row.integer(7) != 0
        let timestamp = Timestamp(
            wallSeconds: row.real(5), monotonicNanoseconds: UInt64(bitPattern: row.integer(6)),
            clockSynchronized: synchronized,
            rebasedWallSeconds: synchronized || row.isNull(10) ? nil : row.real(10),
            bootID: synchronized ? nil : bootIDs[row.integer(11)])
        let sequence = row.integer(0)
        guard !row.isNull(13) else {
            let kind = row.integer(8)
            let value = StoredValue.value(kind: kind, number: row.real(4), data: kind >= StoredValue.textKind ? row.bytes(9) : [])
            return Reading(sensorID: row.text(1), quantity: row.text(2), value: value, unit: SenMLUnit(rawValue: row.text(3)),
                           timestamp: timestamp, sequence: UInt64(sequence))
        }
        // Unreachable through `init`, which refuses sealed rows without their key; never a drop.
        guard let sealing else {
            throw StorageError(code: 23 /* SQLITE_AUTH */, message: "a sealed reading and no key", operation: "read the outbox \(path)")
        }
        let context = rowContext(sequence: sequence, timestamp, priority: row.integer(12), boot: row.integer(11))
        guard let record = sealing.openRow(row.bytes(13), context: context) else { return nil }
        return Reading(sensorID: record.sensorID, quantity: record.quantity, value: record.value,
                       unit: SenMLUnit(rawValue: record.unit), timestamp: timestamp, sequence: UInt64(sequence))
    }

    /// Deletes sealed rows that did not open, records their numbers and counts them.
    private func dropUnreadable(_ sequences: [UInt64]) throws(StorageError) {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            for sequence in sequences {
                try connection.query("DELETE FROM readings WHERE seq = ?", [.integer(Int64(clamping: sequence))])
            }
            try recordRanges(of: sequences, reason: .unreadable)
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        try record(sequences.count, as: .unreadable)
        unreadable.add(sequences.count, ordering: .relaxed)
    }

    /// Records that the broker acknowledged these readings; they are no longer pending.
    ///
    /// The delete is committed in batches (``deleteBatch``, or at the next
    /// ``commitAcknowledgements()``), because every commit rewrites at least one 4 KiB page of
    /// the SD card: deleting per acknowledgement made the outbox write several times more than
    /// the readings themselves. A crash before the commit makes those readings go out once more,
    /// with their original sequence numbers; a duplicate, never a loss.
    public func acknowledge(_ sequences: [UInt64]) throws(StorageError) {
        if recordAcknowledged(sequences) {
            try commitAcknowledgements()
        }
    }

    /// Records acknowledgements at once, from any thread, without waiting for the outbox's
    /// executor; the deletes are committed with the next flush (or by
    /// ``commitAcknowledgements()``). Returns true when ``deleteBatch`` acknowledgements are
    /// waiting, so the caller should commit them.
    public nonisolated func recordAcknowledged(_ sequences: [UInt64]) -> Bool {
        acknowledgements.withLock { acknowledged in
            acknowledged.insert(contentsOf: sequences)
            return acknowledged.count >= deleteBatch
        }
    }

    /// Commits the deletes of acknowledged readings.
    ///
    /// Runs with `synchronous=NORMAL`: if power is cut before the next full sync, the delete may
    /// roll back and those readings are sent again, which the contract allows; what is never
    /// allowed is losing an unacknowledged reading, and no delete can do that.
    public func commitAcknowledgements() throws(StorageError) {
        guard !(acknowledgements.withLock { $0.isEmpty }) else { return }
        var deleted = SequenceRanges()
        try connection.execute("PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE")
        do {
            deleted = try deleteAcknowledged()
            try connection.execute("COMMIT; PRAGMA synchronous=FULL")
        } catch {
            try? connection.execute("ROLLBACK; PRAGMA synchronous=FULL")
            restoreAcknowledged(deleted)
            throw error
        }
    }

    /// Takes the recorded acknowledgements and deletes their readings inside the caller's
    /// transaction; returns what it took, which the caller gives back with
    /// ``restoreAcknowledged(_:)`` if the transaction does not commit.
    private func deleteAcknowledged() throws(StorageError) -> SequenceRanges {
        let batch = acknowledgements.withLock { acknowledged in
            defer { acknowledged = SequenceRanges() }
            return acknowledged
        }
        // Acknowledgements arrive nearly in order: mostly one range, which touches each page once.
        for range in batch.ranges {
            do {
                try connection.run("DELETE FROM readings WHERE seq BETWEEN ? AND ?", bind: { statement throws(StorageError) in
                    try statement.bind(Int64(clamping: range.lowerBound), at: 1)
                    try statement.bind(Int64(clamping: range.upperBound), at: 2)
                })
            } catch {
                restoreAcknowledged(batch)
                throw error
            }
        }
        return batch
    }

    /// Gives back acknowledgements whose delete was rolled back; they are deleted next time.
    private func restoreAcknowledged(_ batch: SequenceRanges) {
        guard !batch.isEmpty else { return }
        acknowledgements.withLock { $0.formUnion(batch) }
    }

    /// How many readings wait for an acknowledgement.
    public func count() throws(StorageError) -> Int {
        var count = 0
        try connection.query("SELECT count(*) FROM readings") { row throws(StorageError) in
            count = Int(row.integer(0))
        }
        return count - acknowledgements.withLock { $0.count }
    }

    /// The highest sequence number ever assigned (0 when none was).
    public func highestSequence() throws(StorageError) -> UInt64 {
        var highest: UInt64 = 0
        try connection.query("SELECT seq FROM sqlite_sequence WHERE name = 'readings'") { row throws(StorageError) in
            highest = UInt64(row.integer(0))
        }
        return highest
    }

    /// Commits pending deletes and closes the database; later calls fail.
    public func close() {
        try? commitAcknowledgements()
        connection.close()
    }
}

/// A reading's value as the `readings` table holds it: `kind` 0 is a number in `value` (every row
/// of an outbox older than typed values), 1 a boolean as 0 or 1 in `value`, 2 a text and 3 bytes
/// in `data` (UTF-8 for a text).
struct StoredValue {
    static let numberKind: Int64 = 0
    static let booleanKind: Int64 = 1
    static let textKind: Int64 = 2
    static let bytesKind: Int64 = 3

    var kind: Int64
    var number: Double
    var data: [UInt8]?

    init(_ value: ReadingValue) {
        switch value {
        case .number(let number): (kind, self.number, data) = (Self.numberKind, number, nil)
        case .boolean(let flag): (kind, number, data) = (Self.booleanKind, flag ? 1 : 0, nil)
        case .text(let text): (kind, number, data) = (Self.textKind, 0, Array(text.utf8))
        case .bytes(let bytes): (kind, number, data) = (Self.bytesKind, 0, bytes)
        }
    }

    /// The value of a stored row; an unknown kind (a newer gateway's) reads as its number.
    static func value(kind: Int64, number: Double, data: [UInt8]) -> ReadingValue {
        switch kind {
        case booleanKind: .boolean(number != 0)
        case textKind: .text(String(decoding: data, as: UTF8.self))
        case bytesKind: .bytes(data)
        default: .number(number)
        }
    }
}

/// The space the outbox holds in reserve for a full disk.
enum ReserveFile {
    /// Writes the reserve file if it is missing; a failure (no room yet) is retried next time.
    static func make(at path: String, bytes: Int) {
        guard bytes > 0, access(path, F_OK) != 0 else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return }
        // Real blocks, not a sparse hole: the point is to hold space.
        let chunk = [UInt8](repeating: 0, count: 65_536)
        var written = 0
        while written < bytes {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, min($0.count, bytes - written)) }
            if n <= 0 { break }
            written += n
        }
        close(fd)
        if written < bytes { unlink(path) }
    }
}
