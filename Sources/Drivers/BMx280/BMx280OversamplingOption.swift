import Configuration

/// The `oversampling:` option of the `bmp280` and `bme280` kinds: a map from quantity to a
/// sample count, e.g. `oversampling: { temperature: 2, pressure: 16 }`.
public enum BMx280OversamplingOption {
    /// Decodes the option's entries into counts per quantity; quantities not named are absent.
    /// - Parameter quantities: the keys the chip measures, in the order the message lists them.
    /// - Throws: ``ConfigurationError`` naming file, line and key for an unknown quantity or a
    ///   count the chip does not offer.
    public static func decode(_ entries: [ConfigValue], quantities: [String]) throws(ConfigurationError) -> [String: Int] {
        var counts: [String: Int] = [:]
        let allowed = BMx280Oversampling.allowedCounts
        for entry in entries {  // only `oversampling` reaches here
            for value in try entry.entries(allowed: quantities) {
                counts[value.key] = try value.integer(
                    oneOf: allowed, message: "oversampling must be one of \(allowed.map(String.init).joined(separator: ", "))")
            }
        }
        return counts
    }

    /// The register code for a count already validated by ``decode(_:quantities:)``.
    static func code(_ count: Int) -> BMx280Oversampling {
        BMx280Oversampling(sampleCount: count) ?? .x1
    }
}
