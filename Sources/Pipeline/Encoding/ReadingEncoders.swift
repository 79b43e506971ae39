/// Every payload format the gateway can publish readings in.
///
/// Adding a format is one new file (a ``ReadingEncoder`` with a `factory`) and one line in
/// ``all``.
public enum ReadingEncoders {
    /// Every format, the default first.
    public static let all: [ReadingEncoderFactory] = [
        SenMLJSONEncoder.factory,
        SenMLCBOREncoder.factory,
        SparkplugBEncoder.factory,
        HomeAssistantEncoder.factory,
    ]

    /// The format used when the configuration names none: SenML JSON, one reading per message.
    public static var `default`: ReadingEncoderFactory { SenMLJSONEncoder.factory }

    /// The default format's name, `senml-json`, for configuration schemas.
    public static var defaultName: String { `default`.name }

    /// The format called `name`, or nil when there is none.
    public static func named(_ name: String) -> ReadingEncoderFactory? {
        all.first { $0.name == name }
    }

    /// The names of every format, for configuration checks and error messages.
    public static var names: [String] { all.map(\.name) }
}
