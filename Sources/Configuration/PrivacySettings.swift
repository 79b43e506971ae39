import Pipeline

extension GatewayConfiguration {
    /// A sensor's `privacy:` section beyond what it says of single quantities (those go into
    /// the quantity's ``QuantitySettings/redacted``).
    public struct SensorPrivacy: Sendable, Equatable {
        /// `redact: true`: no reading of the sensor is stored or sent.
        public var redactAll: Bool
        /// `time_resolution`: the times its readings carry on the wire are floored to it; nil
        /// takes the gateway's.
        public var timeResolution: Duration?

        /// Creates the section; the default keeps everything.
        public init(redactAll: Bool = false, timeResolution: Duration? = nil) {
            self.redactAll = redactAll
            self.timeResolution = timeResolution
        }
    }

    /// What the wire must not show, for the encoder (``PrivateEncoder``): redacted sensors and
    /// quantities, and each sensor's time resolution (its own, else the gateway's).
    public var wirePrivacy: WirePrivacy {
        var privacy = WirePrivacy(defaultTimeResolution: gateway.timeResolution.flatMap(TimeCoarsening.init))
        for sensor in sensors {
            if sensor.privacy.redactAll { privacy.redactedSensors.insert(sensor.id) }
            for settings in sensor.quantities where settings.redacted {
                privacy.redactedQuantities.insert(WirePrivacy.SensorQuantity(sensorID: sensor.id, quantity: settings.quantity))
            }
            if let resolution = (sensor.privacy.timeResolution ?? gateway.timeResolution).flatMap(TimeCoarsening.init) {
                privacy.timeResolutions[sensor.id] = resolution
            }
        }
        return privacy
    }
}
