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
