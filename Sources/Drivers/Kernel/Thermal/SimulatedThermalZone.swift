import HALSimulation
import SimulatedBoard
import Synchronization

/// A model of a thermal zone on the simulated board: `type` and `temp` in m°C, the SoC running
/// 25 °C above the simulated air, as a passively cooled Raspberry Pi at light load does.
public enum SimulatedThermalZone {
    /// Adds a zone of `type` at the first free `thermal_zoneN`, unless one of that type is
    /// already there (the board kind and a thermal zone sensor may both ask for `cpu-thermal`);
    /// returns its directory.
    @discardableResult
    public static func install(type: String, in files: SimulatedSystemFiles,
                               following board: inout SimulatedBoardLayout) -> String {
        var index = 0
        while files.hasEntries(under: "/sys/class/thermal/thermal_zone\(index)") {
            if files.text(at: "/sys/class/thermal/thermal_zone\(index)/type") == type + "\n" {
                return "/sys/class/thermal/thermal_zone\(index)"
            }
            index += 1
        }
        let directory = "/sys/class/thermal/thermal_zone\(index)"
        let air = AirTemperature()
        files.set("\(directory)/type", type + "\n")
        files.set("\(directory)/temp") { "\(Int(((air.celsius + 25) * 1000).rounded()))\n" }
        board.followWeather { weather in air.celsius = weather.temperatureCelsius }
        return directory
    }
}

/// The simulated air temperature a zone follows.
private final class AirTemperature: Sendable {
    private let value = Mutex(21.5)
    var celsius: Double {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
