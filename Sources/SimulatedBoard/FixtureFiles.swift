import Configuration
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension DeviceFixture {
    /// The largest fixture read: a full 256-register dump with many commands is a few kB.
    public static let maximumFileBytes = 1 << 20

    /// Reads and parses the fixture file at `path`.
    /// - Throws: ``ConfigurationError`` naming the file (and line, column and key for content).
    public static func load(path: String) throws(ConfigurationError) -> DeviceFixture {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigurationError(file: path, message: "cannot open the fixture: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigurationError(file: path, message: "cannot read the fixture: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maximumFileBytes else {
                throw ConfigurationError(file: path, message: "more than \(maximumFileBytes) bytes; not a fixture")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(file: path, message: "the fixture is not UTF-8 text")
        }
        return try parse(text, file: path)
    }
}
