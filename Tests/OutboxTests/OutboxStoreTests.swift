import Testing
import Outbox
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory for one test's database files.
func temporaryDatabasePath(_ name: String = "outbox.sqlite") -> String {
    var template = Array("/tmp/sensorgw-outbox-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return "/tmp" }
        return String(cString: result)
    }
    return directory + "/" + name
}

func makeReadings(_ count: Int, sensor: String = "air") -> [Reading] {
    (0..<count).map { (index: Int) -> Reading in
        let stamp = Timestamp(wallSeconds: 1_700_000_000 + Double(index),
                              monotonicNanoseconds: UInt64(index) * 1_000,
                              clockSynchronized: index % 2 == 0)
        let value: Double = 20 + Double(index) / 10
        return Reading(sensorID: sensor, quantity: "temperature", value: value, unit: .celsius, timestamp: stamp)
    }
}

@Suite struct OutboxStoreTests {
    @Test func appendAssignsConsecutiveSequenceNumbersFromOne() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath())
        let first = try await store.append(makeReadings(3))
        let second = try await store.append(makeReadings(2))
        #expect(first.map(\.sequence) == [1, 2, 3])
        #expect(second.map(\.sequence) == [4, 5])
        #expect(try await store.count() == 5)
    }

    @Test func pendingReturnsOldestFirstAndRoundTripsEveryField() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath())
        let stored = try await store.append(makeReadings(5))
        let page = try await store.pending(after: 2, limit: 2)
        #expect(page == Array(stored[2...3]))
        #expect(try await store.pending(after: 0, limit: 100) == stored)
    }

    @Test func acknowledgedReadingsLeaveAndOthersStay() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath())
        _ = try await store.append(makeReadings(4))
        try await store.acknowledge([1, 3])
        #expect(try await store.pending(after: 0, limit: 10).map(\.sequence) == [2, 4])
    }

    @Test func readingsAndTheSequenceSurviveReopening() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try OutboxStore(path: path)
            _ = try await store.append(makeReadings(3))
            try await store.acknowledge([1, 2, 3])
            _ = try await store.append(makeReadings(1))
            await store.close()
        }
        let reopened = try OutboxStore(path: path)
        #expect(try await reopened.pending(after: 0, limit: 10).map(\.sequence) == [4])
        // Numbers are never reused, even after every earlier row was deleted.
        #expect(try await reopened.append(makeReadings(1)).map(\.sequence) == [5])
    }

    @Test func usesWriteAheadLogging() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path)
        _ = try await store.append(makeReadings(1))
        #expect(access(path + "-wal", F_OK) == 0)
    }

    @Test func unopenablePathIsAnErrorValue() {
        #expect(throws: StorageError.self) {
            _ = try OutboxStore(path: "/nonexistent-dir/sub/outbox.sqlite")
        }
    }
}

@Suite struct OutboxLimitTests {
    @Test func byteCapDropsOldestNormalReadingsFirstAndCountsThem() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath(), limits: OutboxLimits(maxBytes: 64 * 1024))
        // 100 critical readings first (the oldest), then a stream of normal ones.
        _ = try await store.append(pending: makeReadings(100, sensor: "alarm").map { PendingReading($0, priority: .critical) })
        for _ in 0..<40 {
            _ = try await store.append(pending: makeReadings(100).map { PendingReading($0) })
        }
        #expect(try await store.storedBytes() <= 64 * 1024)
        let remaining = try await store.pending(after: 0, limit: 100_000)
        // The critical readings are older than everything dropped, and all survived.
        #expect(remaining.filter { $0.sensorID == "alarm" }.count == 100)
        let dropped = await store.droppedTotal
        #expect(dropped.capacity > 0 && dropped.age == 0 && dropped.diskFull == 0)
        // Every sequence number is either still stored or counted as dropped.
        #expect(remaining.count + dropped.capacity == 4_100)
        // The survivors among normal readings are the newest ones, in order.
        let normal = remaining.filter { $0.sensorID == "air" }.map(\.sequence)
        #expect(normal == Array((4_100 - UInt64(normal.count) + 1)...4_100))
        // The outbox says exactly which numbers it dropped: the normal ones before the survivors.
        let ranges = try await store.droppedRanges()
        #expect(ranges.allSatisfy { $0.reason == .capacity })
        let droppedNumbers = ranges.flatMap { Array($0.range) }
        #expect(droppedNumbers == Array(101...(4_100 - UInt64(normal.count))))
    }

    @Test func ageLimitDropsOldSynchronizedReadingsButKeepsUnsynchronizedOnes() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath(), limits: OutboxLimits(maxAge: .seconds(3600)))
        func reading(wall: Double, synced: Bool) -> Reading {
            Reading(sensorID: "s", quantity: "t", value: 1, unit: .celsius,
                    timestamp: Timestamp(wallSeconds: wall, monotonicNanoseconds: 1, clockSynchronized: synced))
        }
        let now = SystemClock.now().wallSeconds
        _ = try await store.append([reading(wall: now - 7200, synced: true), reading(wall: 0, synced: false),
                                    reading(wall: now - 60, synced: true)])
        let kept = try await store.pending(after: 0, limit: 10).map(\.timestamp.wallSeconds)
        #expect(kept == [0, now - 60])
        #expect(await store.droppedTotal == DropCounts(age: 1))
    }

    @Test func aFullDiskDropsOldestToMakeRoomAndCountsWhatDoesNotFit() async throws {
        // max_page_count makes SQLite answer SQLITE_FULL exactly as a full file system does.
        let store = try OutboxStore(path: temporaryDatabasePath(), testingMaxPageCount: 12)
        var stored = 0
        for _ in 0..<60 {
            stored += try await store.append(makeReadings(50)).count
        }
        let dropped = await store.droppedTotal
        #expect(dropped.total > 0, "the small database must have filled up")
        let remaining = try await store.count()
        // Nothing vanished silently: stored = kept + dropped to make room; the rest was counted.
        #expect(remaining + dropped.capacity == stored)
        #expect(stored + dropped.diskFull == 3_000)
        // It keeps accepting new readings after being full.
        #expect(try await store.append(makeReadings(1)).count == 1)
    }

    @Test func dropCountsSurviveRestartUntilReported() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try OutboxStore(path: path, limits: OutboxLimits(maxBytes: 16 * 1024))
            for _ in 0..<20 { _ = try await store.append(makeReadings(100)) }
            #expect(await store.unreportedDrops.capacity > 0)
            await store.close()
        }
        let reopened = try OutboxStore(path: path)
        let drops = await reopened.droppedTotal
        #expect(drops.capacity > 0)
        #expect(await reopened.unreportedDrops == drops)
        try await reopened.markReported(drops)
        #expect(await reopened.unreportedDrops.total == 0)
        await reopened.close()
        #expect(try await OutboxStore(path: path).unreportedDrops.total == 0)
    }

    @Test func aCorruptDatabaseIsMovedAsideKeptAndReplaced() async throws {
        let path = temporaryDatabasePath()
        let garbage = Array("this is not an SQLite database, it is what a power cut left behind".utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = garbage.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)

        let store = try OutboxStore(path: path)
        let aside = try #require(store.movedAsideCorruptDatabase)
        #expect(aside.hasPrefix(path + ".corrupt-"))
        // The damaged file is kept, byte for byte, for the user.
        var buffer = [UInt8](repeating: 0, count: 256)
        let kept = open(aside, O_RDONLY)
        let count = read(kept, &buffer, buffer.count)
        close(kept)
        #expect(Array(buffer[0..<max(0, count)]) == garbage)
        // And the agent goes on with a fresh outbox.
        #expect(try await store.append(makeReadings(2)).map(\.sequence) == [1, 2])
    }

    @Test func aDatabaseDamagedInsideItsPagesIsMovedAside() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try OutboxStore(path: path)
            for _ in 0..<20 { _ = try await store.append(makeReadings(100)) }
            await store.close()
        }
        // Checkpointed into the main file by close; now scribble over a data page.
        let fd = open(path, O_WRONLY)
        let noise = [UInt8](repeating: 0xA5, count: 4096)
        _ = noise.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 4096 * 3) }
        close(fd)
        let store = try OutboxStore(path: path)
        #expect(store.movedAsideCorruptDatabase != nil)
        #expect(try await store.count() == 0)
    }
}

@Suite struct OutboxAcknowledgementTests {
    @Test func acknowledgedReadingsAreNotCountedAsDroppedWhenTheCapHits() async throws {
        let store = try OutboxStore(path: temporaryDatabasePath(), limits: OutboxLimits(maxBytes: 64 * 1024))
        let first = try await store.append(makeReadings(500))
        // Delivered, delete not yet committed: the cap must not call them drops.
        try await store.acknowledge(first.map(\.sequence))
        for _ in 0..<40 { _ = try await store.append(makeReadings(100)) }
        let dropped = try await store.droppedRanges().flatMap { Array($0.range) }
        #expect(dropped.allSatisfy { $0 > 500 })
        #expect(await store.droppedTotal.capacity == dropped.count)
    }

    @Test func acknowledgedReadingsAreGoneAtOnceAndDeletedInBatches() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, deleteBatch: 3)
        _ = try await store.append(makeReadings(5))
        try await store.acknowledge([1, 2])
        // No longer pending for the uplink, though the delete is not committed yet.
        #expect(try await store.pending(after: 0, limit: 10).map(\.sequence) == [3, 4, 5])
        #expect(try await store.count() == 3)
        // The third acknowledgement reaches the batch size: the deletes are committed.
        try await store.acknowledge([4])
        let other = try OutboxStore(path: path)
        #expect(try await other.pending(after: 0, limit: 10).map(\.sequence) == [3, 5])
    }

    @Test func acknowledgementsNotYetCommittedComeBackAfterACrashNeverTheOthers() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path)
        _ = try await store.append(makeReadings(4))
        try await store.acknowledge([1])
        try await store.commitAcknowledgements()
        try await store.acknowledge([2])
        // A second connection sees the disk as a restarted agent would after kill -9.
        let afterCrash = try OutboxStore(path: path)
        #expect(try await afterCrash.pending(after: 0, limit: 10).map(\.sequence) == [2, 3, 4])
    }

    @Test func acknowledgementsRecordedFromOutsideTheActorAreHonouredAndSayWhenABatchIsDue() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path, deleteBatch: 4)
        _ = try await store.append(makeReadings(6))
        // Recorded without awaiting the store, out of order, as PUBACKs may come.
        #expect(store.recordAcknowledged([3, 1]) == false)
        #expect(try await store.pending(after: 0, limit: 10).map(\.sequence) == [2, 4, 5, 6])
        #expect(try await store.count() == 4)
        #expect(store.recordAcknowledged([2, 5]) == true, "four waiting: the batch is due")
        try await store.commitAcknowledgements()
        let other = try OutboxStore(path: path)
        #expect(try await other.pending(after: 0, limit: 10).map(\.sequence) == [4, 6])
    }

    @Test func aKeptStatementRunsAgainWithFreshBindingsAndSeesLaterWrites() async throws {
        // Prepared statements are kept between calls: each use must bind anew and must not keep
        // an old read transaction open (it would hide later writes and stop checkpoints).
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path)
        _ = try await store.append(makeReadings(3))
        #expect(try await store.pending(after: 1, limit: 1).map(\.sequence) == [2])
        #expect(try await store.pending(after: 0, through: 3, limit: 10).map(\.sequence) == [1, 2, 3])
        try await store.acknowledge([1, 2, 3])
        try await store.commitAcknowledgements()
        #expect(try await store.pending(after: 0, limit: 10).isEmpty)
        _ = try await store.append(makeReadings(2))
        #expect(try await store.pending(after: 0, limit: 10).map(\.sequence) == [4, 5])
    }

    @Test func theNextAppendCommitsWaitingDeletesInTheSameTransaction() async throws {
        let path = temporaryDatabasePath()
        let store = try OutboxStore(path: path)
        _ = try await store.append(makeReadings(3))
        try await store.acknowledge([1, 2, 3])
        _ = try await store.append(makeReadings(1))
        let other = try OutboxStore(path: path)
        #expect(try await other.pending(after: 0, limit: 10).map(\.sequence) == [4])
    }
}
