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
        "mqtt.tls is false: readings cross the network unencrypted, and the broker gets no client certificate, "
        + "so it cannot tell this gateway from anyone else who connects"

    /// Reads and validates the configuration file at `path`.
    ///
    /// Relative paths in the file are resolved against the file's own directory, so the agent
    /// behaves the same whatever its working directory is.
    /// - Throws: ``ConfigurationError`` for a missing, unreadable or invalid file; its
    ///   `description` names the file, line, column and key.
    ///   `clock` is what the client certificate's dates are judged against.
    ///   `boardDetection`: `.deviceTree(root: "/")` when the agent starts, so `board: auto` and
    ///   the header pins are resolved then; the default leaves them for the start.
    ///   `credentialsDirectory`: what `%d/` in a key or certificate path stands for (systemd's
    ///   `$CREDENTIALS_DIRECTORY`, read when the file is loaded; nil: not running with credentials).
    public static func load(path: String, kinds: SensorKindCatalog, clock: CertificateClock = .system,
                            boardDetection: BoardDetection = .deferred,
                            credentialsDirectory: String? = credentialsDirectoryFromEnvironment())
        throws(ConfigurationError) -> GatewayConfiguration {
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
        return try parse(yaml: yaml, file: path, baseDirectory: base, kinds: kinds, clock: clock,
                         boardDetection: boardDetection, credentialsDirectory: credentialsDirectory)
    }

    /// Validates configuration text.
    ///
    /// - Parameters:
    ///   - yaml: The file's contents.
    ///   - file: The name to put into errors.
    ///   - baseDirectory: What relative paths in the file are resolved against.
    ///   - kinds: The sensor kinds `sensors[].type` may name; each reads its own options.
    ///   - clock: What the client certificate's dates are judged against (tests pin it).
    /// - Throws: ``ConfigurationError`` for the first problem in file order, YAML syntax errors
    ///   included.
    ///   - boardDetection: Whether `board: auto` reads the device tree (under a root) now.
    ///   - credentialsDirectory: What `%d/` in a path stands for (systemd's `$CREDENTIALS_DIRECTORY`);
    ///     an input rather than read here, so a caller (or a test) need not change the process's
    ///     environment to choose it.
    public static func parse(yaml: String, file: String, baseDirectory: String,
                             kinds: SensorKindCatalog, clock: CertificateClock = .system,
                             boardDetection: BoardDetection = .deferred,
                             credentialsDirectory: String? = credentialsDirectoryFromEnvironment())
        throws(ConfigurationError) -> GatewayConfiguration {
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
        var configuration = try SchemaReader(
            reader: NodeReader(file: file), baseDirectory: baseDirectory, kinds: kinds, clock: clock,
            boardDetection: boardDetection, credentialsDirectory: credentialsDirectory).configuration(root)
        configuration.warnings += PlatformRules.warnings(configuration, file: file)
        return configuration
    }

    /// `$CREDENTIALS_DIRECTORY`, which systemd sets for a service with `LoadCredential=`; nil
    /// when unset or empty.
    public static func credentialsDirectoryFromEnvironment() -> String? {
        guard let value = getenv("CREDENTIALS_DIRECTORY"), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    private static func tooLarge(_ byteCount: Int?, file: String) -> ConfigurationError {
        let size = byteCount.map { "\($0) bytes" } ?? "larger than that"
        return ConfigurationError(
            file: file, message: "the file is \(size); a configuration may be at most \(YAMLLimits.maximumInputBytes) bytes (1 MiB)")
    }

    /// The texts Yams-era sensorgw printed where they were right; the duplicate-key and limit
    /// texts say where and what more precisely than Yams did.
    private static func configurationError(_ error: YAMLError, file: String) -> ConfigurationError {
        switch error {
        case .syntax(let syntax):
            var message = "invalid YAML: \(syntax.problem)"
            if let context = syntax.context, let contextMark = syntax.contextMark {
                message += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
            }
            return ConfigurationError(file: file, line: syntax.mark.line, column: syntax.mark.column, message: message)
        case .duplicateKeys(let duplicates):
            // At the repeat, which is the line to delete or rename, with the key's path; the
            // first repeat in the file (fix it and the next one is reported).
            guard let duplicate = duplicates.first else {
                return ConfigurationError(file: file, message: "invalid YAML: duplicate key")
            }
            return ConfigurationError(
                file: file, line: duplicate.mark.line, column: duplicate.mark.column, key: duplicate.path,
                message: "duplicate key; first at line \(duplicate.firstMark.line), column \(duplicate.firstMark.column)")
        case .inputTooLarge(let byteCount, _):
            return tooLarge(byteCount, file: file)
        case .nestingTooDeep(let mark, let limit):
            return ConfigurationError(file: file, line: mark.line, column: mark.column,
                                      message: "invalid YAML: mappings and lists nest more than \(limit) deep, the limit")
        case .aliasExpansionTooLarge(let mark, let limit):
            return ConfigurationError(file: file, line: mark.line, column: mark.column,
                                      message: "invalid YAML: aliases stand for more than \(limit) values in all, the limit")
        case .keyTooLong(let mark, let limit):
            return ConfigurationError(
                file: file, line: mark.line, column: mark.column,
                message: "invalid YAML: a key longer than \(limit) characters; YAML reads at most \(limit) before the ':'")
        }
    }
}
