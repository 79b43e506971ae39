/// The kernel's file interfaces (sysfs, procfs) as a sensor reads them: small text files and
/// directory listings under an absolute path, plus the usage of a mounted filesystem.
///
/// On a board the real root (`LinuxSystemFiles` in HALLinux), on the simulated board and in
/// tests a fake tree. Every failure is a ``HALError``: a file or directory that is not there (a
/// device that was unplugged or whose driver was unbound) is ``HALError/Kind/noSuchDevice``, a
/// device that fails while the kernel reads it (EIO from a 1-Wire or IIO driver) is
/// ``HALError/Kind/busError``.
public protocol SystemFiles: Sendable {
    /// The whole content of the file at `path` (at most ``maximumFileSize`` bytes).
    func read(_ path: String) async throws -> [UInt8]
    /// The names in the directory at `path`, without `.` and `..`, sorted.
    func list(_ directory: String) async throws -> [String]
    /// The size and free space of the filesystem holding `path` (`statvfs`).
    func fileSystemUsage(_ path: String) async throws -> FileSystemUsage
}

/// The largest file ``SystemFiles/read(_:)`` returns: a sysfs attribute is at most one page,
/// `/proc/meminfo` about 1.5 KiB; a longer file is not one of those and is refused.
public let maximumFileSize = 65_536

/// The size of a mounted filesystem, in bytes.
public struct FileSystemUsage: Sendable, Hashable {
    /// The filesystem's size (`f_blocks × f_frsize`).
    public var totalBytes: UInt64
    /// What an unprivileged process may still write (`f_bavail × f_frsize`): what the outbox gets.
    public var availableBytes: UInt64
    /// Free including the blocks reserved for root (`f_bfree × f_frsize`).
    public var freeBytes: UInt64

    /// Creates a usage value.
    public init(totalBytes: UInt64, availableBytes: UInt64, freeBytes: UInt64) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.freeBytes = freeBytes
    }

    /// The share in use as `df` counts it: used / (used + available), in %; 0 for an empty size.
    public var usedPercent: Double {
        let used = totalBytes >= freeBytes ? totalBytes - freeBytes : 0
        let denominator = used + availableBytes
        return denominator == 0 ? 0 : Double(used) / Double(denominator) * 100
    }
}

extension SystemFiles {
    /// The file as text with trailing white space (sysfs's newline) removed.
    /// - Throws: ``HALError``; `.badData` when the file is not UTF-8.
    public func readText(_ path: String) async throws -> String {
        let bytes = try await read(path)
        var end = bytes.endIndex
        while end > bytes.startIndex, [0x0A, 0x0D, 0x20, 0x09, 0x00].contains(bytes[end - 1]) { end -= 1 }
        guard let text = String(validating: bytes[..<end], as: UTF8.self) else {
            throw HALError(.badData, operation: "read \(path)", detail: "not UTF-8 text")
        }
        return text
    }

    /// Whether `path` can be read now (a probe for optional attributes). It reads the file, so
    /// never use it on an attribute whose read starts a conversion (a DS18B20's `w1_slave`).
    public func exists(_ path: String) async -> Bool {
        do {
            _ = try await read(path)
            return true
        } catch {
            return false
        }
    }
}

/// The files of a board that has none (a test board with only buses): every call fails with
/// ``HALError/Kind/unsupported``.
public struct NoSystemFiles: SystemFiles {
    /// Creates the empty tree.
    public init() {}

    public func read(_ path: String) async throws -> [UInt8] { throw Self.error("read \(path)") }
    public func list(_ directory: String) async throws -> [String] { throw Self.error("list \(directory)") }
    public func fileSystemUsage(_ path: String) async throws -> FileSystemUsage { throw Self.error("statvfs \(path)") }

    private static func error(_ operation: String) -> HALError {
        HALError(.unsupported, operation: operation, detail: "this board has no kernel files")
    }
}
