/// Drops the readings the configuration redacts, before anything else sees them: a redacted
/// reading is never stored in the outbox, so no encoding can ever send it (docs/PRIVACY.md).
///
/// Each drop is reported with the reason `redacted`, so it is counted in
/// `sensorgw_readings_rejected_total{sensor,reason="redacted"}` like every other drop; the
/// sampler logs it at debug level only, since it is what the user asked for.
public struct RedactionStage: ReadingStage {
    /// Which readings it drops.
    public enum Scope: Sendable, Hashable {
        /// Every reading of the sensor (`privacy: { redact: true }`).
        case allQuantities
        /// The readings of these quantities (`redact: [q, ...]`, or `redact: true` on a quantity).
        case quantities(Set<String>)
    }

    /// The reason every drop carries, fit for a metric label.
    public static let reason = "redacted"

    /// Which readings it drops.
    public let scope: Scope

    public var name: String { "privacy" }

    /// Creates the stage.
    public init(_ scope: Scope) {
        self.scope = scope
    }

    /// Whether a reading of `quantity` is redacted.
    public func redacts(_ quantity: String) -> Bool {
        switch scope {
        case .allQuantities: true
        case .quantities(let names): names.contains(quantity)
        }
    }

    public func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        readings.filter { reading in
            guard redacts(reading.quantity) else { return true }
            dropped.append(DroppedReading(reading: reading, stage: name, reason: Self.reason))
            return false
        }
    }
}

extension QuantitySettings {
    /// Marks `names` redacted in `settings`, adding settings for a quantity that has none.
    public static func redact(_ names: [String], in settings: inout [QuantitySettings]) {
        for name in names {
            if let index = settings.firstIndex(where: { $0.quantity == name }) {
                settings[index].redacted = true
            } else {
                settings.append(QuantitySettings(quantity: name, redacted: true))
            }
        }
    }
}
