import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import Synchronization
import Testing
@testable import Drivers

/// A board with only a fake sysfs tree and a manual clock.
private struct FilesBoard: Board {
    let simulated = SimulatedSystemFiles()
    let manualClock = ManualClock()
    var files: any SystemFiles { simulated }
    var clock: any Clock<Duration> { manualClock }
    func i2cBus(_ number: Int) async throws -> any I2CBus { throw HALError(.noSuchDevice, operation: "i2c") }
    func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        throw HALError(.noSuchDevice, operation: "spi")
    }
}

private final class Stored: Sendable {
    private let sensorIDs = Mutex<[String]>([])
    func add(_ batch: [String]) { sensorIDs.withLock { $0 += batch } }
    func count(_ id: String) -> Int { sensorIDs.withLock { $0.filter { $0 == id }.count } }
}

/// Issue 10 item 7: an IIO or w1 device that disappears backs off and is reported unhealthy
/// while the others keep their schedule, and recovers when it comes back (under a new number).
/// The real sampler and drivers on the fake tree, in virtual time: 100 ms slots.
@Suite(.serialized) struct KernelVanishedDeviceTests {
    @Test func aVanishedIIODeviceIsUnhealthyWhileTheDS18B20KeepsItsSchedule() async throws {
        let board = FilesBoard()
        let files = board.simulated
        func dht22(at entry: String) {
            files.set("/sys/bus/iio/devices/\(entry)/name", "dht11\n")
            files.set("/sys/bus/iio/devices/\(entry)/in_temp_input", "23100\n")
            files.set("/sys/bus/iio/devices/\(entry)/in_humidityrelative_input", "45600\n")
        }
        dht22(at: "iio:device0")
        SimulatedDS18B20(id: "28-0316a2795bff").install(in: files)
        let iio = GatewayConfiguration.SensorConfiguration(id: "dht", kind: "iio", bus: .none,
                                                           options: IIOKind.Options(device: "dht11"))
        let w1 = GatewayConfiguration.SensorConfiguration(id: "tank", kind: "ds18b20", bus: .none,
                                                          options: DS18B20Kind.Options())
        let stored = Stored()
        let clock = board.manualClock
        let sampler = Sampler(
            schedules: [SensorSchedule(sensor: IIOKind().makeSensor(iio, board: board), interval: .milliseconds(100)),
                        SensorSchedule(sensor: DS18B20Kind().makeSensor(w1, board: board), interval: .milliseconds(100))],
            clock: clock, timestamp: { SystemClock.now() }, logger: .init(label: "test")) { batch in stored.add(batch.map(\.reading.sensorID)) }
        let task = Task(executorPreference: clock.executor) { await sampler.run() }
        defer { task.cancel() }
        await clock.waitForSleepers(2)
        func advance(until condition: () -> Bool, limit: Duration) async -> Bool {
            var elapsed = Duration.zero
            while elapsed < limit, !condition() {
                await clock.advance(by: .milliseconds(100))
                elapsed += .milliseconds(100)
            }
            return condition()
        }
        await clock.advance(by: .seconds(1))
        #expect(stored.count("dht") >= 9 * 2)
        #expect(sampler.sensorHealth["dht"] == .healthy)

        files.remove("/sys/bus/iio/devices/iio:device0")  // unplugged: the directory is gone
        #expect(await advance(until: { sampler.sensorHealth["dht"] == .unhealthy }, limit: .seconds(30)))
        let dhtAtFault = stored.count("dht")
        let tankAtFault = stored.count("tank")
        await clock.advance(by: .seconds(2))
        // 20 slots of 100 ms; one of slack for the instant the other started.
        #expect(stored.count("tank") - tankAtFault >= 19)
        #expect(stored.count("dht") == dhtAtFault)
        #expect(sampler.sensorHealth["tank"] == .healthy)

        dht22(at: "iio:device1")  // plugged back, probed under the next number
        #expect(await advance(until: { sampler.sensorHealth["dht"] == .healthy }, limit: .seconds(310)))
        await clock.advance(by: .milliseconds(200))
        #expect(stored.count("dht") > dhtAtFault)
    }
}
