#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The board's model string from the device tree (`Raspberry Pi 4 Model B Rev 1.4`).
public enum DeviceTreeModel {
    /// Where the kernel shows it under a root: `/proc/device-tree/model`, then the same file
    /// under `/sys/firmware/devicetree/base` (procfs may be missing in a container).
    public static func paths(root: String) -> [String] {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return [base + "/proc/device-tree/model", base + "/sys/firmware/devicetree/base/model"]
    }

    /// The model under `root` (`/` on a board; a fake tree in tests), without the device tree's
    /// trailing NUL; nil when neither file exists or holds text.
    public static func read(root: String = "/") -> String? {
        for path in paths(root: root) {
            if let text = readSmallFile(path) {
                let model = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
                    .trimmingSuffix { $0 == "\n" || $0 == " " }
                if !model.isEmpty { return model }
            }
        }
        return nil
    }

    /// Up to 4 KiB of a file (a model string is a few dozen bytes).
    private static func readSmallFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        return Array(buffer.prefix(count))
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var result = Substring(self)
        while let last = result.last, predicate(last) { result = result.dropLast() }
        return String(result)
    }
}
