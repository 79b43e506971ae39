import HAL
import Synchronization

/// A fake sysfs/procfs tree in memory for the simulated board and for tests that need faults a
/// real directory cannot show (EIO while reading).
///
/// A file holds fixed text or a closure that makes its text at each read (a model whose value
/// follows the simulated weather). Directories are implied by the files under them. Removing a
/// file or a whole subtree is a device that disappeared: later reads fail with
/// ``HALError/Kind/noSuchDevice``, as the kernel's ENOENT does.
public final class SimulatedSystemFiles: SystemFiles {
    private enum Content {
        case text(String)
        case made(@Sendable () -> String)
    }

    private struct State {
        var files: [String: Content] = [:]
        var faults: [String: HALError] = [:]
        var usage: [String: FileSystemUsage] = [:]
        var reads: [String] = []
    }

    private let state = Mutex(State())

    /// Creates an empty tree.
    public init() {}

    /// Puts `text` at `path` (an absolute path such as `/sys/class/thermal/thermal_zone0/temp`).
    public func set(_ path: String, _ text: String) {
        state.withLock { $0.files[path] = .text(text) }
    }

    /// Puts a file at `path` whose text `make` returns at each read.
    public func set(_ path: String, making make: @escaping @Sendable () -> String) {
        state.withLock { $0.files[path] = .made(make) }
    }

    /// Removes the file at `path` and everything under it as a directory.
    public func remove(_ path: String) {
        state.withLock { state in
            state.files = state.files.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
        }
    }

    /// Makes every read of `path` (or of files under it) fail with `error`; `nil` clears it.
    public func fail(_ path: String, with error: HALError?) {
        state.withLock { $0.faults[path] = error }
    }

    /// Sets what ``fileSystemUsage(_:)`` answers for `path` and paths under it.
    public func setUsage(_ usage: FileSystemUsage, for path: String) {
        state.withLock { $0.usage[path] = usage }
    }

    /// The fixed text at `path`; `nil` for a made or absent file.
    public func text(at path: String) -> String? {
        state.withLock { state in
            if case .text(let text) = state.files[path] { return text }
            return nil
        }
    }

    /// Every file's path, sorted.
    public var paths: [String] { state.withLock { $0.files.keys.sorted() } }

    /// Every path read so far, oldest first: tests count the reads a sample costs.
    public var reads: [String] { state.withLock { $0.reads } }

    public func read(_ path: String) async throws -> [UInt8] {
        let content: Content = try state.withLock { state in
            state.reads.append(path)
            if let fault = Self.fault(for: path, in: state) { throw fault }
            guard let content = state.files[path] else {
                throw HALError(.noSuchDevice, errno: 2, operation: "open \(path)", detail: "No such file or directory")
            }
            return content
        }
        switch content {
        case .text(let text): return Array(text.utf8)
        case .made(let make): return Array(make().utf8)
        }
    }

    public func list(_ directory: String) async throws -> [String] {
        try state.withLock { state in
            if let fault = Self.fault(for: directory, in: state) { throw fault }
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            var names = Set<String>()
            for path in state.files.keys where path.hasPrefix(prefix) {
                let rest = path.dropFirst(prefix.count)
                if let name = rest.split(separator: "/", omittingEmptySubsequences: true).first {
                    names.insert(String(name))
                }
            }
            guard !names.isEmpty else {
                throw HALError(.noSuchDevice, errno: 2, operation: "list \(directory)", detail: "No such file or directory")
            }
            return names.sorted()
        }
    }

    public func fileSystemUsage(_ path: String) async throws -> FileSystemUsage {
        try state.withLock { state in
            var probe = path
            while true {
                if let usage = state.usage[probe.isEmpty ? "/" : probe] { return usage }
                guard let slash = probe.lastIndex(of: "/"), !probe.isEmpty else { break }
                probe = String(probe[..<slash])
            }
            throw HALError(.noSuchDevice, errno: 2, operation: "statvfs \(path)", detail: "No such file or directory")
        }
    }

    /// The fault set on `path` or on a directory above it.
    private static func fault(for path: String, in state: State) -> HALError? {
        var probe = path
        while !probe.isEmpty {
            if let fault = state.faults[probe] { return fault }
            guard let slash = probe.lastIndex(of: "/") else { break }
            probe = String(probe[..<slash])
        }
        return nil
    }
}

extension SimulatedSystemFiles {
    /// Whether any file lies under the directory `path` (models pick the first free device number).
    public func hasEntries(under path: String) -> Bool {
        paths.contains { $0.hasPrefix(path + "/") }
    }
}
