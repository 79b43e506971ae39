/// The version `sensorgw --version` prints.
public enum SensorGatewayVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
