import HALSimulation
import SimulatedBoard
import Synchronization

/// A model of a hwmon directory on the simulated board, in hwmon's units: `temp1_input`
/// (m°C, labelled `SoC`, 25 °C above the air), `in0_input` (mV, a 5.1 V supply), `curr1_input`
/// (mA), `power1_input` (µW, their product) and `fan1_input` (RPM, rising with temperature).
public final class SimulatedHwmonDevice: Sendable {
    /// The `name` attribute.
    public let name: String
    private let state = Mutex(SimulatedWeather.at(wallSeconds: 0))

    /// Creates a device called `name`.
    public init(name: String) { self.name = name }

    /// What the device measures next.
    public var weather: SimulatedWeather {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// Puts the device's files at the first free `hwmonN` and returns that directory.
    @discardableResult
    public func install(in files: SimulatedSystemFiles) -> String {
        var index = 0
        while files.hasEntries(under: "/sys/class/hwmon/hwmon\(index)") { index += 1 }
        let directory = "/sys/class/hwmon/hwmon\(index)"
        files.set("\(directory)/name", name + "\n")
        files.set("\(directory)/temp1_label", "SoC\n")
        files.set("\(directory)/temp1_input") { [self] in "\(Int(((weather.temperatureCelsius + 25) * 1000).rounded()))\n" }
        files.set("\(directory)/in0_input", "5100\n")
        // 600 mA ± 100 mA with the light (a lamp on the same supply).
        files.set("\(directory)/curr1_input") { [self] in "\(Int((400 + weather.illuminanceLux / 2).rounded()))\n" }
        files.set("\(directory)/power1_input") { [self] in "\(Int((5.1 * (400 + weather.illuminanceLux / 2) * 1000).rounded()))\n" }
        files.set("\(directory)/fan1_input") { [self] in "\(Int((1000 + weather.temperatureCelsius * 40).rounded()))\n" }
        return directory
    }
}
