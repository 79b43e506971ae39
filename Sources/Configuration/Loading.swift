#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HAL
import Yams

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
        guard FileChecks.isReadable(path), let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the file: permission denied")
        }
        guard let yaml = String(validating: data, as: UTF8.self) else {
            throw ConfigurationError(file: path, message: "the file is not valid UTF-8 text")
        }
        // Absolute, so the paths in the result stay right if the agent changes directory later.
        let directory = FileChecks.directory(of: path)
        let cwd = FileManager.default.currentDirectoryPath
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
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error, yaml: yaml, file: file)
        }
        guard let root else {
            throw ConfigurationError(
                file: file, message: "the file is empty; expected gateway, board, sensors, storage and mqtt")
        }
        return try SchemaReader(reader: NodeReader(file: file), baseDirectory: baseDirectory, kinds: kinds).configuration(root)
    }

    private static func syntaxError(_ error: any Error, yaml: String, file: String) -> ConfigurationError {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> ConfigurationError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ConfigurationError(file: file, line: mark.line, column: mark.column, message: message)
        }
        guard let yamlError = error as? YamlError else {
            return ConfigurationError(file: file, message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationError(file: file, line: context.mark.line, column: context.mark.column,
                                      message: "duplicate key \(names) in one mapping")
        case .reader(let problem, let offset, _, _):
            guard let offset else { return ConfigurationError(file: file, message: "invalid YAML: \(problem)") }
            let before = yaml.prefix(offset)
            let line = before.count(where: { $0 == "\n" }) + 1
            let column = before.reversed().prefix(while: { $0 != "\n" }).count + 1
            return ConfigurationError(file: file, line: line, column: column, message: "invalid YAML: \(problem)")
        default:
            return ConfigurationError(file: file, message: "invalid YAML: \(yamlError)")
        }
    }
}
