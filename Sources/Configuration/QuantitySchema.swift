import Pipeline
import YAML

/// The `quantities:` section of a sensor entry: per quantity the kind declares, `unit`,
/// `calibration` and `filters` (`docs/PIPELINE.md`).
extension SchemaReader {
    /// The longest window a window filter may keep (values held in memory per quantity).
    static let filterWindow = 1...1000
    /// What a time-based filter's period may be.
    static let filterPeriod = Duration.milliseconds(1)...Duration.seconds(7 * 86_400)

    func quantities(_ node: Node, path: String, kind: any SensorKindSchema,
                    options: any SensorOptions) throws(ConfigurationError) -> [QuantitySettings] {
        let rules = kind.quantities(for: options)
        var result: [QuantitySettings] = []
        // forEachEntry refuses an undeclared quantity with the kind's list; YAML itself refuses
        // a repeated key, so each quantity appears once.
        try reader.forEachEntry(of: node, path: path, allowed: rules.map(\.quantity), unknownKeyNote: "for type \(kind.name)") {
            (name, value, _, keyPath) throws(ConfigurationError) in
            guard let rule = rules.first(where: { $0.quantity == name }) else { return }
            result.append(try quantity(value, path: keyPath, rule: rule))
        }
        return result
    }

    private func quantity(_ node: Node, path: String, rule: QuantityRule) throws(ConfigurationError) -> QuantitySettings {
        var settings = QuantitySettings(quantity: rule.quantity)
        try reader.forEachEntry(of: node, path: path, allowed: ["unit", "calibration", "filters", "coarsen", "redact"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            switch key {
            case "unit": settings.unit = try unit(value, path: keyPath, rule: rule)
            case "calibration": settings.calibration = try calibration(value, path: keyPath)
            case "coarsen": settings.coarsening = try coarsening(value, path: keyPath)
            case "redact": settings.redacted = try boolean(value, path: keyPath)
            default: settings.filters = try filters(value, path: keyPath)
            }
        }
        return settings
    }

    // MARK: unit

    private func unit(_ node: Node, path: String, rule: QuantityRule) throws(ConfigurationError) -> SenMLUnit {
        let text = try reader.nonEmptyString(node, path: path)
        let unit = SenMLUnit(rawValue: text)
        let family = SenMLUnitRegistry.units(convertibleFrom: rule.unit).map(\.rawValue).joined(separator: ", ")
        guard SenMLUnitRegistry.isRegistered(unit) else {
            throw fail(path, at: node.mark,
                       "unknown unit '\(NodeReader.excerpt(text))': not a SenML unit (RFC 8428, RFC 8798); \(rule.quantity) in \(rule.unit) converts to: \(family)")
        }
        guard SenMLUnitRegistry.conversion(from: rule.unit, to: unit) != nil else {
            throw fail(path, at: node.mark,
                       "\(rule.quantity) is measured in \(rule.unit), which does not convert exactly to \(text); it converts to: \(family)")
        }
        return unit
    }

    /// Every unit a kind declares must be a SenML primary unit: a reading is labelled with it.
    func checkDeclaredUnits(of kind: any SensorKindSchema, options: any SensorOptions, at mark: Mark?,
                            path: String) throws(ConfigurationError) {
        for rule in kind.quantities(for: options) where !SenMLUnitRegistry.primaryUnits.contains(rule.unit.rawValue) {
            throw fail("\(path).type", at: mark,
                       "type \(kind.name) declares \(rule.quantity) in '\(rule.unit)', which is not a SenML primary unit; this build is broken")
        }
    }

    // MARK: calibration

    func calibration(_ node: Node, path: String) throws(ConfigurationError) -> Calibration {
        var result: Calibration?
        try reader.forEachEntry(of: node, path: path, allowed: ["offset", "linear", "polynomial", "table"]) {
            (key, value, keyMark, keyPath) throws(ConfigurationError) in
            guard result == nil else {
                throw fail(keyPath, at: keyMark, "give one calibration: offset, linear, polynomial or table")
            }
            switch key {
            case "offset":
                result = .offset(try reader.number(value, path: keyPath))
            case "linear":
                result = try linear(value, path: keyPath, anchor: keyMark)
            case "polynomial":
                let coefficients = try reader.numbers(value, path: keyPath)
                guard coefficients.count <= 10 else {
                    throw fail(keyPath, at: value.mark, "at most 10 coefficients (degree 9), found \(coefficients.count)")
                }
                result = .polynomial(coefficients)
            default:
                result = try table(value, path: keyPath)
            }
        }
        guard let result else {
            throw fail(path, at: node.mark, "give one calibration: offset, linear, polynomial or table")
        }
        return result
    }

    private func linear(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> Calibration {
        var from: [Double]?
        var to: [Double]?
        var fromMark: Mark?
        try reader.forEachEntry(of: node, path: path, allowed: ["from", "to"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            let pair = try reader.numbers(value, path: keyPath, count: 2)
            if key == "from" {
                from = pair
                fromMark = value.mark
            } else {
                to = pair
            }
        }
        guard let from else { throw reader.missing("\(path).from", in: anchor) }
        guard let to else { throw reader.missing("\(path).to", in: anchor) }
        guard from[0] != from[1] else {
            throw fail("\(path).from", at: fromMark, "the two raw values must differ to define a line")
        }
        return .linear(CalibrationPoint(raw: from[0], calibrated: to[0]), CalibrationPoint(raw: from[1], calibrated: to[1]))
    }

    private func table(_ node: Node, path: String) throws(ConfigurationError) -> Calibration {
        let rows = try reader.items(node, path: path)
        guard rows.count >= 2 else {
            throw fail(path, at: node.mark, "a table needs at least two [raw, calibrated] points, found \(rows.count)")
        }
        guard rows.count <= 1000 else {
            throw fail(path, at: node.mark, "a table has at most 1000 points, found \(rows.count)")
        }
        var points: [CalibrationPoint] = []
        for (index, row) in rows.enumerated() {
            let rowPath = "\(path)[\(index)]"
            let pair = try reader.numbers(row, path: rowPath, count: 2)
            if let previous = points.last, pair[0] <= previous.raw {
                throw fail(rowPath, at: row.mark,
                           "raw values must increase down the table: \(format(pair[0])) follows \(format(previous.raw))")
            }
            points.append(CalibrationPoint(raw: pair[0], calibrated: pair[1]))
        }
        return .table(points)
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: filters

    private func filters(_ node: Node, path: String) throws(ConfigurationError) -> [FilterSetting] {
        let items = try reader.items(node, path: path)
        guard items.count <= 32 else {
            throw fail(path, at: node.mark, "at most 32 filters per quantity, found \(items.count)")
        }
        var result: [FilterSetting] = []
        var heartbeatSeen = false
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let setting = try filter(item, path: itemPath)
            if case .heartbeat = setting {
                guard !heartbeatSeen else { throw fail(itemPath, at: item.mark, "heartbeat is given twice") }
                heartbeatSeen = true
            }
            result.append(setting)
        }
        return result
    }

    /// One item: `- on_change`, or a mapping of one filter name to its settings.
    private func filter(_ node: Node, path: String) throws(ConfigurationError) -> FilterSetting {
        let names = FilterSetting.names.joined(separator: ", ")
        if case .scalar(let scalar) = node {
            let name = scalar.string
            if name == "on_change" { return .onChange }
            guard FilterSetting.names.contains(name) else {
                throw fail(path, at: node.mark, "unknown filter '\(NodeReader.excerpt(name))'; expected one of: \(names)")
            }
            throw fail(path, at: node.mark, "\(name) needs a setting, e.g. - \(Self.filterExample(name))")
        }
        guard case .mapping(let mapping) = node, mapping.count == 1, let pair = mapping.first else {
            throw fail(path, at: node.mark, "expected one filter, like - median: { window: 5 } or - on_change")
        }
        guard case .scalar(let keyScalar) = pair.key else {
            throw fail(path, at: pair.key.mark, "a filter is named by a plain name, found \(reader.kind(of: pair.key))")
        }
        let name = keyScalar.string
        let keyPath = "\(path).\(name)"
        guard FilterSetting.names.contains(name) else {
            throw fail(keyPath, at: pair.key.mark, "unknown filter '\(NodeReader.excerpt(name))'; expected one of: \(names)")
        }
        return try filterSetting(name, pair.value, path: keyPath, anchor: pair.key.mark)
    }

    private func filterSetting(_ name: String, _ value: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> FilterSetting {
        switch name {
        case "moving_average":
            let (window, every) = try window(value, path: path, anchor: anchor)
            return .movingAverage(window: window, sendEvery: every)
        case "median":
            let (window, every) = try window(value, path: path, anchor: anchor)
            return .median(window: window, sendEvery: every)
        case "min":
            let (window, every) = try window(value, path: path, anchor: anchor)
            return .min(window: window, sendEvery: every)
        case "max":
            let (window, every) = try window(value, path: path, anchor: anchor)
            return .max(window: window, sendEvery: every)
        case "exponential_moving_average":
            var alpha: Double?
            try reader.forEachEntry(of: value, path: path, allowed: ["alpha"]) { (_, node, _, keyPath) throws(ConfigurationError) in
                let number = try reader.number(node, path: keyPath)
                guard number > 0, number <= 1 else {
                    throw fail(keyPath, at: node.mark, "alpha must be greater than 0 and at most 1, found \(format(number))")
                }
                alpha = number
            }
            guard let alpha else { throw reader.missing("\(path).alpha", in: anchor) }
            return .exponentialMovingAverage(alpha: alpha)
        case "quantile":
            var window: Int?
            var quantile: Double?
            var every = 1
            try reader.forEachEntry(of: value, path: path, allowed: ["window", "quantile", "send_every"]) {
                (key, node, _, keyPath) throws(ConfigurationError) in
                if key == "window" {
                    window = try reader.integer(node, path: keyPath, in: Self.filterWindow)
                } else if key == "send_every" {
                    every = try reader.integer(node, path: keyPath, in: Self.filterWindow)
                } else {
                    let number = try reader.number(node, path: keyPath)
                    guard (0...1).contains(number) else {
                        throw fail(keyPath, at: node.mark, "a quantile is between 0 and 1, found \(format(number))")
                    }
                    quantile = number
                }
            }
            guard let window else { throw reader.missing("\(path).window", in: anchor) }
            guard let quantile else { throw reader.missing("\(path).quantile", in: anchor) }
            return .quantile(window: window, quantile: quantile, sendEvery: every)
        case "delta":
            return .delta(try deltaThreshold(value, path: path))
        case "throttle":
            return .throttle(try reader.duration(value, path: path, in: Self.filterPeriod))
        case "heartbeat":
            return .heartbeat(try reader.duration(value, path: path, in: Self.filterPeriod))
        case "debounce":
            return .debounce(try reader.duration(value, path: path, in: Self.filterPeriod))
        case "timeout":
            return .timeout(try reader.duration(value, path: path, in: Self.filterPeriod))
        case "clamp":
            return try clamp(value, path: path)
        case "round":
            return .round(decimals: try reader.integer(value, path: path, in: 0...10))
        default:  // on_change, written as a mapping
            guard reader.tagName(value) == .null else {
                throw fail(path, at: value.mark, "on_change takes no setting; write - on_change")
            }
            return .onChange
        }
    }

    /// `{ window: N }` or `{ window: N, send_every: K }` (K defaults to 1: every reading).
    private func window(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> (window: Int, sendEvery: Int) {
        var window: Int?
        var every = 1
        try reader.forEachEntry(of: node, path: path, allowed: ["window", "send_every"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            if key == "window" {
                window = try reader.integer(value, path: keyPath, in: Self.filterWindow)
            } else {
                every = try reader.integer(value, path: keyPath, in: Self.filterWindow)
            }
        }
        guard let window else { throw reader.missing("\(path).window", in: anchor) }
        return (window, every)
    }

    /// `0.5` (in the quantity's unit) or `"5%"` (of the last value passed).
    private func deltaThreshold(_ node: Node, path: String) throws(ConfigurationError) -> DeltaFilter.Threshold {
        if case .scalar(let scalar) = node, scalar.string.hasSuffix("%") {
            let digits = String(scalar.string.dropLast())
            guard let percent = Double(digits), percent.isFinite, percent > 0 else {
                throw fail(path, at: node.mark, "expected a percentage greater than 0 like \"5%\", found '\(NodeReader.excerpt(scalar.string))'")
            }
            return .percent(percent)
        }
        let amount = try reader.number(node, path: path)
        guard amount > 0 else {
            throw fail(path, at: node.mark, "a delta must be greater than 0, found \(format(amount))")
        }
        return .absolute(amount)
    }

    private func clamp(_ node: Node, path: String) throws(ConfigurationError) -> FilterSetting {
        var minimum: Double?
        var maximum: Double?
        var maxMark: Mark?
        try reader.forEachEntry(of: node, path: path, allowed: ["min", "max"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            let number = try reader.number(value, path: keyPath)
            if key == "min" {
                minimum = number
            } else {
                maximum = number
                maxMark = value.mark
            }
        }
        guard minimum != nil || maximum != nil else {
            throw fail(path, at: node.mark, "give min, max or both")
        }
        if let minimum, let maximum, minimum > maximum {
            throw fail("\(path).max", at: maxMark, "max (\(format(maximum))) must not be less than min (\(format(minimum)))")
        }
        return .clamp(min: minimum, max: maximum)
    }

    static func filterExample(_ name: String) -> String {
        switch name {
        case "moving_average", "median", "min", "max": "\(name): { window: 5 }"
        case "exponential_moving_average": "\(name): { alpha: 0.1 }"
        case "quantile": "\(name): { window: 5, quantile: 0.9 }"
        case "delta": "\(name): 0.5"
        case "throttle", "debounce": "\(name): 10s"
        case "heartbeat", "timeout": "\(name): 5m"
        case "clamp": "\(name): { min: 0, max: 100 }"
        case "round": "\(name): 1"
        default: name
        }
    }
}
