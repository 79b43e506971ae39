import Configuration

extension ConfigValue {
    /// A number above 0 (a shunt's resistance, an expected current); `message` otherwise.
    func positiveNumber(_ message: String) throws(ConfigurationError) -> Double {
        let value = try number()
        guard value > 0 else { throw error(message) }
        return value
    }
}
