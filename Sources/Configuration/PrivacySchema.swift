import Pipeline
import YAML

/// The privacy keys (docs/PRIVACY.md): `gateway.pseudonym`, `gateway.privacy`,
/// `sensors[].privacy` and a quantity's `redact` and `coarsen`.
extension SchemaReader {
    /// What a time resolution may be: a millisecond to a day.
    static let timeResolution = Duration.milliseconds(1)...Duration.seconds(86_400)

    /// `gateway.privacy: { time_resolution: N }`.
    func gatewayPrivacy(_ node: Node, path: String) throws(ConfigurationError) -> Duration? {
        var resolution: Duration?
        try reader.forEachEntry(of: node, path: path, allowed: ["time_resolution"]) { (_, value, _, keyPath) throws(ConfigurationError) in
            resolution = try reader.duration(value, path: keyPath, in: Self.timeResolution)
        }
        return resolution
    }

    /// A sensor's `privacy: { redact: true | [quantity, ...], time_resolution: N }`: the
    /// sensor-wide part, and the quantities a `redact:` list names (each one the kind declares).
    func sensorPrivacy(_ node: Node, path: String, kind: any SensorKindSchema, options: any SensorOptions)
        throws(ConfigurationError) -> (privacy: GatewayConfiguration.SensorPrivacy, redacted: [String]) {
        var privacy = GatewayConfiguration.SensorPrivacy()
        var redacted: [String] = []
        try reader.forEachEntry(of: node, path: path, allowed: ["redact", "time_resolution"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            if key == "time_resolution" {
                privacy.timeResolution = try reader.duration(value, path: keyPath, in: Self.timeResolution)
                return
            }
            if case .sequence = value {
                let names = kind.quantities(for: options).map(\.quantity)
                for (index, item) in try reader.items(value, path: keyPath).enumerated() {
                    let itemPath = "\(keyPath)[\(index)]"
                    let name = try reader.nonEmptyString(item, path: itemPath)
                    guard names.contains(name) else {
                        throw fail(itemPath, at: item.mark,
                                   "unknown quantity '\(NodeReader.excerpt(name))' for type \(kind.name); expected one of: \(names.joined(separator: ", "))")
                    }
                    if !redacted.contains(name) { redacted.append(name) }
                }
            } else {
                privacy.redactAll = try boolean(value, path: keyPath, or: "a list of quantities")
            }
        }
        return (privacy, redacted)
    }

    /// A quantity's `coarsen: STEP`: a finite number greater than zero.
    func coarsening(_ node: Node, path: String) throws(ConfigurationError) -> ValueCoarsening {
        let step = try reader.number(node, path: path)
        guard let coarsening = ValueCoarsening(step: step) else {
            let written = if case .scalar(let scalar) = node { scalar.string } else { "\(step)" }
            throw fail(path, at: node.mark, "the step must be greater than zero, found \(NodeReader.excerpt(written))")
        }
        return coarsening
    }

    /// `true` or `false`; YAML 1.1's `yes`/`no` are refused as ambiguous, as everywhere.
    func boolean(_ node: Node, path: String, or alternative: String? = nil) throws(ConfigurationError) -> Bool {
        if case .scalar(let scalar) = node {
            if scalar.string == "true" { return true }
            if scalar.string == "false" { return false }
        }
        let expected = alternative.map { "true, false or \($0)" } ?? "true or false"
        throw fail(path, at: node.mark, "expected \(expected), found \(reader.kind(of: node))")
    }

    // MARK: pseudonym

    /// `gateway.pseudonym: { key: PATH | "%d/NAME", hardware_id: auto | "<literal>" }`: the id
    /// the broker sees, ``Pseudonym/deviceID(key:hardwareID:)``.
    func pseudonym(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> String {
        var key: [UInt8]?
        var hardwareID: String?
        try reader.forEachEntry(of: node, path: path, allowed: ["key", "hardware_id"]) {
            (name, value, _, keyPath) throws(ConfigurationError) in
            if name == "key" {
                key = try pseudonymKey(value, path: keyPath)
                return
            }
            let text = try reader.nonEmptyString(value, path: keyPath)
            if text == "auto" {
                switch HardwareIdentity.read() {
                case .success(let found): hardwareID = found
                case .failure(let problem): throw fail(keyPath, at: value.mark, problem.description)
                }
            } else {
                hardwareID = text
            }
        }
        guard let key else { throw reader.missing("\(path).key", in: anchor) }
        guard let hardwareID else { throw reader.missing("\(path).hardware_id", in: anchor) }
        return Pseudonym.deviceID(key: key, hardwareID: hardwareID)
    }

    /// The key's bytes, as the file holds them: 16 or more, in a file neither its group nor other
    /// users can read (like the TLS client key, a systemd credential is the way to share it).
    private func pseudonymKey(_ node: Node, path: String) throws(ConfigurationError) -> [UInt8] {
        let file = try secretFile(node, path: path, what: "the pseudonym key: head -c 32 /dev/urandom > FILE; chmod 600 FILE")
        switch FileReading.contents(of: file, limit: 4096) {
        case .bytes(let bytes) where bytes.count >= Pseudonym.minimumKeyBytes:
            return bytes
        case .bytes(let bytes):
            throw fail(path, at: node.mark,
                       "\(file) holds \(bytes.count) bytes; a pseudonym key needs at least \(Pseudonym.minimumKeyBytes) (head -c 32 /dev/urandom > \(file))")
        case .tooLarge:
            throw fail(path, at: node.mark, "\(file) is larger than 4096 bytes: not a pseudonym key")
        case .failed(let code):
            throw fail(path, at: node.mark, "cannot read \(file): \(FileReading.describe(errno: code))")
        }
    }
}

/// The board's hardware id for `hardware_id: auto`: the first of ``Pseudonym/hardwareIDFiles``
/// that holds one.
enum HardwareIdentity {
    /// Why no hardware id was found.
    struct Missing: Error, CustomStringConvertible {
        var tried: [String]
        var description: String {
            "no hardware id found (tried \(tried.joined(separator: ", "))); give one: hardware_id: \"<serial number>\""
        }
    }

    static func read(files: [String] = Pseudonym.hardwareIDFiles) -> Result<String, Missing> {
        for file in files {
            guard case .bytes(let bytes) = FileReading.contents(of: file, limit: 4096),
                  let id = Pseudonym.hardwareID(fromFile: bytes) else { continue }
            return .success(id)
        }
        return .failure(Missing(tried: files))
    }
}
