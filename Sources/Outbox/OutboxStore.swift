import Pipeline

/// The durable queue between the sensors and the broker.
///
/// Contract: a reading is written here before anything tries to send it, gets its per-gateway
/// sequence number here (from SQLite's AUTOINCREMENT counter, so numbers are never reused, even
/// after every row was deleted), and is deleted only after the broker acknowledged it. A crash or
/// `kill -9` at any moment loses nothing that `append` returned for: SQLite in WAL mode with
/// `synchronous=FULL` has the reading on disk when the commit returns.
///
/// All SQLite calls run on the store's own serial executor, never on the cooperative pool.
public actor OutboxStore {
    private let connection: SQLiteConnection
    private let executor: DispatchQueueExecutor

    /// Runs the actor on its own dispatch queue (see ``DispatchQueueExecutor``).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// The database file.
    public nonisolated let path: String

    /// Opens (or creates) the outbox at `path`.
    public init(path: String) throws(StorageError) {
        self.path = path
        executor = DispatchQueueExecutor(label: "sensorgw.outbox")
        connection = try SQLiteConnection(path: path)
        try connection.query("PRAGMA journal_mode=WAL") { _ throws(StorageError) in }
        try connection.execute(
            """
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS readings(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                sensor TEXT NOT NULL,
                quantity TEXT NOT NULL,
                unit TEXT NOT NULL,
                value REAL NOT NULL,
                wall REAL NOT NULL,
                mono INTEGER NOT NULL,
                synced INTEGER NOT NULL
            );
            """)
    }

    /// Stores readings in one transaction and returns them with their sequence numbers.
    public func append(_ readings: [Reading]) throws(StorageError) -> [Reading] {
        guard !readings.isEmpty else { return [] }
        try connection.execute("BEGIN IMMEDIATE")
        var stored: [Reading] = []
        stored.reserveCapacity(readings.count)
        do {
            for var reading in readings {
                try connection.query(
                    "INSERT INTO readings(sensor, quantity, unit, value, wall, mono, synced) VALUES(?,?,?,?,?,?,?) RETURNING seq",
                    [.text(reading.sensorID), .text(reading.quantity), .text(reading.unit.rawValue),
                     .real(reading.value), .real(reading.timestamp.wallSeconds),
                     .integer(Int64(bitPattern: reading.timestamp.monotonicNanoseconds)),
                     .integer(reading.timestamp.clockSynchronized ? 1 : 0)]
                ) { row throws(StorageError) in
                    reading.sequence = UInt64(row.integer(0))
                }
                stored.append(reading)
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        return stored
    }

    /// Up to `limit` stored readings with a sequence number above `sequence`, oldest first.
    public func pending(after sequence: UInt64, limit: Int) throws(StorageError) -> [Reading] {
        var result: [Reading] = []
        try connection.query(
            "SELECT seq, sensor, quantity, unit, value, wall, mono, synced FROM readings WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(Int64(bitPattern: sequence)), .integer(Int64(limit))]
        ) { row throws(StorageError) in
            result.append(
                Reading(
                    sensorID: row.text(1), quantity: row.text(2), value: row.real(4),
                    unit: SenMLUnit(rawValue: row.text(3)),
                    timestamp: Timestamp(
                        wallSeconds: row.real(5), monotonicNanoseconds: UInt64(bitPattern: row.integer(6)),
                        clockSynchronized: row.integer(7) != 0),
                    sequence: UInt64(row.integer(0))))
        }
        return result
    }

    /// Deletes acknowledged readings.
    ///
    /// Runs with `synchronous=NORMAL`: if power is cut before the next full sync, the delete may
    /// roll back and those readings are sent again with their original sequence numbers, which
    /// the contract allows; what is never allowed is losing an unacknowledged reading, and no
    /// delete can do that.
    public func acknowledge(_ sequences: [UInt64]) throws(StorageError) {
        guard !sequences.isEmpty else { return }
        try connection.execute("PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE")
        do {
            for sequence in sequences {
                try connection.query("DELETE FROM readings WHERE seq = ?", [.integer(Int64(bitPattern: sequence))])
            }
            try connection.execute("COMMIT; PRAGMA synchronous=FULL")
        } catch {
            try? connection.execute("ROLLBACK; PRAGMA synchronous=FULL")
            throw error
        }
    }

    /// How many readings wait for an acknowledgement.
    public func count() throws(StorageError) -> Int {
        var count = 0
        try connection.query("SELECT count(*) FROM readings") { row throws(StorageError) in
            count = Int(row.integer(0))
        }
        return count
    }

    /// The highest sequence number ever assigned (0 when none was).
    public func highestSequence() throws(StorageError) -> UInt64 {
        var highest: UInt64 = 0
        try connection.query("SELECT seq FROM sqlite_sequence WHERE name = 'readings'") { row throws(StorageError) in
            highest = UInt64(row.integer(0))
        }
        return highest
    }

    /// Closes the database; later calls fail.
    public func close() {
        connection.close()
    }
}
