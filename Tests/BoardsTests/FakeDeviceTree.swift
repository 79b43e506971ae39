#if canImport(Glibc)
import Glibc
#endif

/// A throwaway root directory with a device-tree model file, as the kernel shows it (the string
/// ends with a NUL).
struct FakeDeviceTree {
    let root: String

    /// A root with `model` (NUL-terminated) at `relativePath`, or no model file when nil.
    init(model: String?, at relativePath: String = "proc/device-tree/model") {
        var template = Array("/tmp/sgw-boards-XXXXXX".utf8CString)
        let made: UnsafeMutablePointer<CChar>? = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        root = made.map { String(cString: $0) } ?? "/nonexistent-sgw-root"
        guard let model else { return }
        let path = root + "/" + relativePath
        var directory = ""
        for component in path.split(separator: "/").dropLast() {
            directory += "/" + component
            mkdir(directory, 0o755)
        }
        if let file = fopen(path, "wb") {
            let bytes = Array(model.utf8) + [0]
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }
}

/// The text of a file (the repository's Boards/*.yaml), or nil.
func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count == 0 { break }
        bytes += buffer.prefix(count)
    }
    return String(decoding: bytes, as: UTF8.self)
}
