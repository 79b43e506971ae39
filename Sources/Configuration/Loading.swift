#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HAL
import YAML

extension GatewayConfiguration {
    /// The warning added when the file says `tls: false`.
    public static let plaintextWarning =
        "mqtt.tls is false: readings and credentials cross the network in plaintext"

    /// Reads and validates the configuration file at `path`.
    ///
    /// Relative paths in the file are resolved against the file's own directory, so the agent
    /// behaves the same whatever its working directory is.
    /// - Throws: ``ConfigurationError`` for a missing, unreadable or invalid file; its
    ///   `description` names the file, line, column and key.
    public static func load(path: String, kinds: SensorKindCatalog) throws(ConfigurationError) -> GatewayConfiguration {
        switch FileChecks.status(path) {
        case .missing:
            throw ConfigurationError(file: path, message: "no such file")
        case .directory:
            throw ConfigurationError(file: path, message: "is a directory, not a configuration file")
        case .regularFile, .other:
            break
        }
        guard FileChecks.isReadable(path) else {
            throw ConfigurationError(file: path, message: "cannot read the file: permission denied")
        }
        let bytes: [UInt8]
        switch FileReading.contents(of: path, limit: YAMLLimits.maximumInputBytes) {
        case .bytes(let contents):
            bytes = contents
        case .tooLarge(let byteCount):
            throw tooLarge(byteCount, file: path)
        case .failed(let code) where code == EACCES || code == EPERM:
            throw ConfigurationError(file: path, message: "cannot read the file: permission denied")
        case .failed(let code):
            throw ConfigurationError(file: path, message: "cannot read the file: \(FileReading.describe(errno: code))")
        }
        guard let yaml = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(file: path, message: "the file is not valid UTF-8 text")
        }
        // Absolute, so the paths in the result stay right if the agent changes directory later.
        let directory = FileChecks.directory(of: path)
        let cwd = FileReading.currentDirectory() ?? "/"
        let base = directory == "." ? cwd : FileChecks.resolve(directory, against: cwd)
        return try parse(yaml: yaml, file: path, baseDirectory: base, kinds: kinds)
    }

    /// Validates configuration text.
    ///
    /// - Parameters:
    ///   - yaml: The file's contents.
    ///   - file: The name to put into errors.
    ///   - baseDirectory: What relative paths in the file are resolved against.
    ///   - kinds: The sensor kinds `sensors[].type` may name; each reads its own options.
    /// - Throws: ``ConfigurationError`` for the first problem in file order, YAML syntax errors
    ///   included.
    public static func parse(yaml: String, file: String, baseDirectory: String,
                             kinds: SensorKindCatalog) throws(ConfigurationError) -> GatewayConfiguration {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(yaml)
        } catch {
            throw configurationError(error, file: file)
        }
        guard let root else {
            throw ConfigurationError(
                file: file, message: "the file is empty; expected gateway, board, sensors, storage and mqtt")
        }
        return try SchemaReader(reader: NodeReader(file: file), baseDirectory: baseDirectory, kinds: kinds).configuration(root)
    }

    private static func tooLarge(_ byteCount: Int?, file: String) -> ConfigurationError {
        let size = byteCount.map { "\($0) bytes" } ?? "larger than that"
        return ConfigurationError(
            file: file, message: "the file is \(size); a configuration may be at most \(YAMLLimits.maximumInputBytes) bytes (1 MiB)")
    }

    /// The texts Yams-era sensorgw printed, kept word for word: users and scripts read them.
    private static func configurationError(_ error: YAMLError, file: String) -> ConfigurationError {
        switch error {
        case .syntax(let syntax):
            var message = "invalid YAML: \(syntax.problem)"
            if let context = syntax.context, let contextMark = syntax.contextMark {
                message += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
            }
            return ConfigurationError(file: file, line: syntax.mark.line, column: syntax.mark.column, message: message)
        case .duplicateKeys(let duplicates):
            // Yams named every repeated key, sorted, at the first occurrence of the first one.
            let sorted = duplicates.sorted { $0.key < $1.key }
            let names = sorted.map { "'\($0.key)'" }.joined(separator: ", ")
            let mark = sorted.first?.firstMark
            return ConfigurationError(file: file, line: mark?.line, column: mark?.column,
                                      message: "duplicate key \(names) in one mapping")
        case .inputTooLarge(let byteCount, _):
            return tooLarge(byteCount, file: file)
        case .nestingTooDeep(let mark, let limit):
            return ConfigurationError(file: file, line: mark.line, column: mark.column,
                                      message: "invalid YAML: mappings and lists nest more than \(limit) deep, the limit")
        case .tooManyNodes(let mark, let limit):
            return ConfigurationError(file: file, line: mark.line, column: mark.column,
                                      message: "invalid YAML: more than \(limit) values with aliases expanded, the limit")
        }
    }
}
