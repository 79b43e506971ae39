import Testing
@testable import Outbox
import Pipeline

/// Typed values and clock re-basing in the outbox, on real SQLite files.
@Suite struct TypedValuesAndRebaseTests {
    let unsynced = Timestamp(wallSeconds: 946_684_800, monotonicNanoseconds: 12_500_000_000, clockSynchronized: false)
    let synced = Timestamp(wallSeconds: 1_764_218_430.75, monotonicNanoseconds: 42_750_000_000, clockSynchronized: true)

    @Test func everyKindOfValueIsStoredAsSuchAndReadBack() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath(), bootID: "boot-a")
        let values: [ReadingValue] = [.number(21.53), .number(-0.0), .boolean(true), .boolean(false), .text(""),
                                      .text("fw 1.4 — ünïcode\u{0}after-nul"), .bytes([]), .bytes([0, 255, 7])]
        let readings = values.map { Reading(sensorID: "s", quantity: "q", value: $0, unit: SenMLUnit(rawValue: "/"), timestamp: synced) }
        let stored = try await store.append(readings)
        let back = try await store.pending(after: 0, limit: 100)
        #expect(back.map(\.value) == values)
        #expect(back == stored)
        // SQLite stores an integral REAL as an integer, so -0.0 comes back as 0.0 (equal by ==).
        #expect(back[1].number == 0)
    }

    @Test func readingsBeforeSyncAreRebasedOnceTheClockSyncsAndKeepTheirOriginalTime() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, bootID: "boot-a")
        let early = try await store.append([Reading(sensorID: "s", quantity: "q", value: 1, unit: .celsius, timestamp: unsynced)])
        #expect(early[0].timestamp.rebasedWallSeconds == nil, "no offset known yet")
        #expect(early[0].timestamp.bootID == "boot-a")
        // The first synced reading: offset = 1_764_218_430.75 - 42.75 = 1_764_218_388.
        _ = try await store.append([Reading(sensorID: "s", quantity: "q", value: 2, unit: .celsius, timestamp: synced)])
        let later = Timestamp(wallSeconds: 946_684_900, monotonicNanoseconds: 50_000_000_000, clockSynchronized: false)
        let third = try await store.append([Reading(sensorID: "s", quantity: "q", value: 3, unit: .celsius, timestamp: later)])
        #expect(third[0].timestamp.rebasedWallSeconds == 1_764_218_438, "after sync, an unsynced reading is re-based as it is stored")
        let back = try await store.pending(after: 0, limit: 10)
        #expect(back.map(\.timestamp.wallSeconds) == [946_684_800, 1_764_218_430.75, 946_684_900], "the original is never rewritten")
        #expect(back.map(\.timestamp.rebasedWallSeconds) == [1_764_218_400.5, nil, 1_764_218_438])
        #expect(back.map(\.timestamp.clockSynchronized) == [false, true, false], "the flag stays")
        await store.close()
        // Reopened in the same boot: same values, and the offset is remembered.
        let again = try OutboxStore(path: path, bootID: "boot-a")
        #expect(try await again.pending(after: 0, limit: 10) == back)
        let fourth = try await again.append([Reading(sensorID: "s", quantity: "q", value: 4, unit: .celsius, timestamp: unsynced)])
        #expect(fourth[0].timestamp.rebasedWallSeconds == 1_764_218_400.5)
    }

    @Test func readingsOfABootThatEndedBeforeSyncKeepTheFlagAndTheBootID() async throws {
        let path = temporaryDatabasePath()
        let first = try OutboxStore(path: path, bootID: "boot-a")
        _ = try await first.append([Reading(sensorID: "s", quantity: "q", value: 1, unit: .celsius, timestamp: unsynced)])
        await first.close()
        // Rebooted: monotonic time restarted, so boot-a's readings cannot be re-based.
        let second = try OutboxStore(path: path, bootID: "boot-b")
        let mine = try await second.append([
            Reading(sensorID: "s", quantity: "q", value: 2, unit: .celsius, timestamp: unsynced),
            Reading(sensorID: "s", quantity: "q", value: 3, unit: .celsius, timestamp: synced),
        ])
        #expect(mine[0].timestamp.rebasedWallSeconds == 1_764_218_400.5, "boot-b's own earlier reading, same batch")
        let back = try await second.pending(after: 0, limit: 10)
        #expect(back.map(\.timestamp.rebasedWallSeconds) == [nil, 1_764_218_400.5, nil])
        #expect(back.map(\.timestamp.bootID) == ["boot-a", "boot-b", nil])
        #expect(back.map(\.timestamp.clockSynchronized) == [false, false, true])
    }

    /// The `CREATE` statements exactly as the outbox on main had them before typed values
    /// (copied from `OutboxStore.open`, commit 7770ae9): an outbox written by that version.
    static let schemaBeforeTypedValues = """
        CREATE TABLE IF NOT EXISTS readings(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            sensor TEXT NOT NULL,
            quantity TEXT NOT NULL,
            unit TEXT NOT NULL,
            value REAL NOT NULL,
            wall REAL NOT NULL,
            mono INTEGER NOT NULL,
            synced INTEGER NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS dropped_ranges(first INTEGER NOT NULL, last INTEGER NOT NULL,
                                                  reason TEXT NOT NULL, at INTEGER NOT NULL);
        """

    @Test func anOutboxWrittenBeforeTypedValuesOpensAndReadsBackAsNumbers() async throws {
        let path = temporaryDatabasePath()
        do {
            let old = try SQLiteConnection(path: path)
            try old.execute("PRAGMA journal_mode=WAL;" + Self.schemaBeforeTypedValues)
            try old.execute("""
                INSERT INTO readings(sensor, quantity, unit, value, wall, mono, synced, priority) VALUES
                    ('air', 'temperature', 'Cel', 21.5, 1764218400.25, 987654321, 1, 0),
                    ('air', 'pressure', 'Pa', 101325, 1764218400.25, 987654321, 1, 1),
                    ('soil', 'moisture', '%RH', -0.5, 946684800, 5000, 0, 0);
                INSERT INTO counters(name, value) VALUES('dropped_capacity', 4);
                """)
            old.close()
        }
        let store = try OutboxStore(path: path, bootID: "boot-new")
        let back = try await store.pending(after: 0, limit: 10)
        #expect(back.map(\.sequence) == [1, 2, 3])
        #expect(back.map(\.value) == [.number(21.5), .number(101_325), .number(-0.5)])
        #expect(back.map(\.unit.rawValue) == ["Cel", "Pa", "%RH"])
        #expect(back.map(\.timestamp.wallSeconds) == [1_764_218_400.25, 1_764_218_400.25, 946_684_800])
        #expect(back.map(\.timestamp.monotonicNanoseconds) == [987_654_321, 987_654_321, 5_000])
        #expect(back.map(\.timestamp.clockSynchronized) == [true, true, false])
        #expect(back[2].timestamp.rebasedWallSeconds == nil && back[2].timestamp.bootID == nil,
                "an old unsynced reading's boot is unknown: never re-based")
        #expect(await store.droppedTotal[.capacity] == 4)
        // New readings go on from the old sequence, typed.
        let added = try await store.append([Reading(sensorID: "door", quantity: "open", value: .boolean(true),
                                                    unit: SenMLUnit(rawValue: "/"), timestamp: synced)])
        #expect(added.map(\.sequence) == [4])
        #expect(try await store.pending(after: 3, limit: 10).map(\.value) == [.boolean(true)])
        // The synced reading of the new boot does not re-base the old boot's reading.
        #expect(try await store.pending(after: 2, limit: 1).first?.timestamp.rebasedWallSeconds == nil)
    }
}
