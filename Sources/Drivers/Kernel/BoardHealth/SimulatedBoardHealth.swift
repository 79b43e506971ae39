import HAL
import HALSimulation
import SimulatedBoard

/// The simulated board's own files: a Raspberry Pi 4 with 4 GiB at light load, a 32 GB SD card
/// a quarter full, a good power supply (`get_throttled` 0) and its SoC thermal zone.
public enum SimulatedBoardHealth {
    /// `MemTotal` of the simulated board, kB.
    public static let memoryTotalKB = 3_884_376
    /// `MemAvailable`, kB.
    public static let memoryAvailableKB = 3_201_520

    /// Puts `/proc/loadavg`, `/proc/meminfo`, `get_throttled`, the zone and the usage of
    /// `diskPath`'s filesystem on the board.
    public static func install(in files: SimulatedSystemFiles, thermalZone: String, diskPath: String,
                               following board: inout SimulatedBoardLayout) {
        files.set("/proc/loadavg", "0.32 0.21 0.14 2/187 4242\n")
        files.set("/proc/meminfo", """
            MemTotal:        \(memoryTotalKB) kB
            MemFree:         2714312 kB
            MemAvailable:    \(memoryAvailableKB) kB
            Buffers:           52880 kB
            Cached:           501352 kB

            """)
        files.set("/sys/devices/platform/soc/soc:firmware/get_throttled", "0\n")
        files.setUsage(FileSystemUsage(totalBytes: 31_914_983_424, availableBytes: 22_466_854_912,
                                       freeBytes: 23_978_786_816), for: diskPath)
        SimulatedThermalZone.install(type: thermalZone, in: files, following: &board)
    }
}
