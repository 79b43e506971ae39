#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole (small) file with POSIX calls, so loading a configuration needs no Foundation.
enum FileReading {
    /// What reading a file gave.
    enum Outcome: Equatable {
        case bytes([UInt8])
        /// Longer than the limit; `byteCount` is the size when `fstat` knows it (not for a pipe).
        case tooLarge(byteCount: Int?)
        /// `open` or `read` failed with this errno.
        case failed(errno: Int32)
    }

    /// The file's bytes, reading no more than `limit + 1` of them whatever the file is.
    static func contents(of path: String, limit: Int) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failed(errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, Int(info.st_size) > limit {
            return .tooLarge(byteCount: Int(info.st_size))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if count == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<count])
        }
        // A pipe or a file that grew while it was read.
        return .tooLarge(byteCount: nil)
    }

    /// The process's working directory, or `nil` if it has been removed.
    static func currentDirectory() -> String? {
        guard let pointer = getcwd(nil, 0) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// The C library's text for an errno, e.g. "Input/output error".
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
