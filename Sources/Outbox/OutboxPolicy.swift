import Pipeline

/// How much the outbox may keep, and what it gives up first when it may not keep more.
public struct OutboxLimits: Sendable, Hashable {
    /// Most bytes the stored readings may take in the database (SQLite pages in use); nil = no cap.
    public var maxBytes: Int?
    /// Oldest reading (by its synchronized wall-clock time) kept; nil = no limit. Readings taken
    /// before the clock was synchronized are bounded by `maxBytes` only: their wall time may be
    /// years off, and an age computed from it would throw away good data.
    public var maxAge: Duration?

    /// Creates limits.
    public init(maxBytes: Int? = nil, maxAge: Duration? = nil) {
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}

/// How important a reading is when the outbox must drop something.
public enum ReadingPriority: Int, Sendable, Hashable, CaseIterable {
    /// Dropped first, oldest first.
    case normal = 0
    /// Dropped only when nothing normal is left, oldest first.
    case critical = 1
}

/// Why readings were dropped without being sent.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    /// The byte cap was reached.
    case capacity
    /// Older than the age limit.
    case age
    /// The disk (or file system) was full even after dropping old readings.
    case diskFull = "disk_full"
    /// An encrypted row did not open (damaged on the card, or altered): it cannot be sent.
    case unreadable
}

/// Counts of dropped readings by reason.
public struct DropCounts: Sendable, Hashable {
    /// Readings dropped by the byte cap.
    public var capacity: Int = 0
    /// Readings dropped by the age limit.
    public var age: Int = 0
    /// Readings dropped because the disk was full.
    public var diskFull: Int = 0
    /// Encrypted rows that did not open.
    public var unreadable: Int = 0

    /// Creates counts.
    public init(capacity: Int = 0, age: Int = 0, diskFull: Int = 0, unreadable: Int = 0) {
        self.capacity = capacity
        self.age = age
        self.diskFull = diskFull
        self.unreadable = unreadable
    }

    /// All drops.
    public var total: Int { capacity + age + diskFull + unreadable }

    /// The count for one reason.
    public subscript(reason: DropReason) -> Int {
        get {
            switch reason {
            case .capacity: capacity
            case .age: age
            case .diskFull: diskFull
            case .unreadable: unreadable
            }
        }
        set {
            switch reason {
            case .capacity: capacity = newValue
            case .age: age = newValue
            case .diskFull: diskFull = newValue
            case .unreadable: unreadable = newValue
            }
        }
    }

    /// Element-wise difference, for "since the last report".
    public static func - (lhs: DropCounts, rhs: DropCounts) -> DropCounts {
        DropCounts(capacity: lhs.capacity - rhs.capacity, age: lhs.age - rhs.age, diskFull: lhs.diskFull - rhs.diskFull,
                   unreadable: lhs.unreadable - rhs.unreadable)
    }
}

/// A reading with its priority, as handed to the outbox.
public struct PendingReading: Sendable, Hashable {
    /// The reading (its sequence is assigned when stored).
    public var reading: Reading
    /// How important it is under pressure.
    public var priority: ReadingPriority

    /// Creates a pending reading.
    public init(_ reading: Reading, priority: ReadingPriority = .normal) {
        self.reading = reading
        self.priority = priority
    }
}
