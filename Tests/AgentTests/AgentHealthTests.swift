import HALSimulation
import Testing
@testable import Agent

/// The watchdog's verdict, driven through ``HealthMonitor`` on a manual clock.
@Suite struct AgentHealthTests {
    // grace 5 s; flush 1 s; connect 10 s; reconnect at most 60 s; keepalive 30 s.
    let health = AgentHealth(grace: .seconds(5), maximumBackoff: .seconds(300), flushPeriod: .seconds(1),
                             connectTimeout: .seconds(10), reconnectMax: .seconds(60), keepalive: .seconds(30))

    /// door every second, air (unless left out) every 10 s; both with a 2 s timeout.
    func makeMonitor(_ clock: ManualClock, withAir: Bool = true) -> HealthMonitor<ManualClock> {
        HealthMonitor(clock: clock, sensors: [("door", .seconds(1), .seconds(2))]
                        + (withAir ? [("air", .seconds(10), .seconds(2))] : []))
    }

    /// Both sensors measure, the storage flushes and the uplink publishes, every second.
    func runNormally(_ monitor: HealthMonitor<ManualClock>, _ clock: ManualClock, seconds: Int) async {
        for second in 0..<seconds {
            if second % 10 == 0 { monitor.measurementStarted("air"); monitor.measurementEnded("air", failed: false) }
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: true)
            monitor.readingsStored()
            monitor.uplinkActivity(acknowledged: false)
            monitor.uplinkActivity(acknowledged: true)
            await clock.advance(by: .seconds(1))
        }
    }

    func connected(_ monitor: HealthMonitor<ManualClock>) {
        monitor.uplinkConnecting()
        monitor.uplinkConnected()
    }

    @Test func aWorkingAgentIsHealthy() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        #expect(monitor.verdict(health) == .healthy)
        connected(monitor)
        await runNormally(monitor, clock, seconds: 120)
        #expect(monitor.verdict(health) == .healthy)
        #expect(monitor.connections == 1)
        #expect(monitor.lastAcknowledged == .seconds(119))
    }

    @Test func aSensorStuckInMeasureBeyondItsTimeoutIsAStalledSampler() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        connected(monitor)
        await runNormally(monitor, clock, seconds: 3)
        monitor.measurementStarted("door")   // and never returns
        monitor.storagePassed(succeeded: true)
        // Timeout 2 s + grace 5 s: at 7 s still within the bound, at 7.5 s past it.
        await clock.advance(by: .seconds(7))
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health) == .healthy)
        await clock.advance(by: .milliseconds(500))
        monitor.storagePassed(succeeded: true)
        let problems = monitor.verdict(health).problems
        #expect(problems.map(\.component) == [.sampler])
        #expect(problems.first?.description == "sampler: sensor door stuck measuring for 7.5s (bound 7.0s)")
    }

    @Test func aSensorThatNeverComesBackForItsNextSlotIsAStalledSampler() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        connected(monitor)
        monitor.measurementStarted("door")
        monitor.measurementEnded("door", failed: false)
        monitor.measurementStarted("air")
        monitor.measurementEnded("air", failed: false)
        // door's interval is 1 s: after 6 s (1 + grace) with no new measurement it is stuck,
        // e.g. in the hand-off to storage; air (10 s) is not yet.
        await clock.advance(by: .seconds(6) + .milliseconds(1))
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health).problems.map(\.description)
                    == ["sampler: sensor door stuck waiting for its next slot for 6.0s (bound 6.0s)"])
    }

    @Test func aFailingSensorBackingOffIsHealthyUpToTheMaximumBackoff() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        connected(monitor)
        monitor.measurementStarted("air")
        monitor.measurementEnded("air", failed: true)
        for _ in 0..<76 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: true)
            await clock.advance(by: .seconds(4))
        }
        #expect(monitor.verdict(health) == .healthy, "a retry up to 300 s away is what the sampler promises")
        await clock.advance(by: .seconds(2))
        monitor.measurementStarted("door")
        monitor.measurementEnded("door", failed: false)
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health).problems.map(\.component) == [.sampler])
    }

    @Test func aStorageLoopThatStopsIsUnhealthy() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        connected(monitor)
        await runNormally(monitor, clock, seconds: 2)
        // The last pass was at 1 s; flush period 1 s + grace 5 s.
        for _ in 0..<5 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            await clock.advance(by: .seconds(1))
        }
        #expect(monitor.verdict(health) == .healthy)
        await clock.advance(by: .milliseconds(100))
        #expect(monitor.verdict(health).problems.map(\.description) == ["storage: no flush completed for 6.1s"])
    }

    @Test func flushesThatKeepFailingMeanTheOutboxIsNotWritable() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        connected(monitor)
        // Failing from 0 s on, a pass every second: unhealthy past 3 periods + grace = 8 s.
        for _ in 0...8 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: false)
            #expect(monitor.verdict(health) == .healthy)
            await clock.advance(by: .seconds(1))
        }
        monitor.storagePassed(succeeded: false)
        monitor.measurementStarted("door")
        monitor.measurementEnded("door", failed: false)
        #expect(monitor.verdict(health).problems.map(\.description) == ["storage: outbox not writable for 9.0s"])
        // One successful flush clears it.
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health) == .healthy)
    }

    @Test func anUplinkBackingOffIsHealthyUntilItMissesItsNextAttempt() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock, withAir: false)
        monitor.uplinkConnecting()
        monitor.uplinkDisconnected()
        for _ in 0..<66 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: true)
            monitor.readingsStored()
            #expect(monitor.verdict(health) == .healthy, "no broker is not a reason to restart")
            await clock.advance(by: .seconds(1))
        }
        monitor.measurementStarted("door")
        monitor.measurementEnded("door", failed: false)
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health).problems.map(\.description) == ["uplink: no reconnect attempt for 66.0s"])
        monitor.uplinkConnecting()
        #expect(monitor.verdict(health) == .healthy)
        #expect(monitor.connections == 0)
    }

    @Test func aConnectAttemptWithoutAnOutcomeIsUnhealthyAfterItsTimeout() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock, withAir: false)
        monitor.uplinkConnecting()
        for _ in 0..<16 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: true)
            await clock.advance(by: .seconds(1))
        }
        #expect(monitor.verdict(health).problems.map(\.description) == ["uplink: connecting for 16.0s without an outcome"])
    }

    @Test func aConnectedUplinkThatStopsPublishingWhileReadingsWaitIsStalled() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock, withAir: false)
        connected(monitor)
        await runNormally(monitor, clock, seconds: 5)
        // From now on readings are stored every second and the uplink does nothing:
        // twice the keepalive (60 s) + grace from the first reading it ignored.
        for _ in 0..<65 {
            monitor.measurementStarted("door")
            monitor.measurementEnded("door", failed: false)
            monitor.storagePassed(succeeded: true)
            monitor.readingsStored()
            await clock.advance(by: .seconds(1))
        }
        #expect(monitor.verdict(health) == .healthy)
        await clock.advance(by: .seconds(1))
        monitor.measurementStarted("door")
        monitor.measurementEnded("door", failed: false)
        monitor.storagePassed(succeeded: true)
        #expect(monitor.verdict(health).problems.map(\.component) == [.uplink])
        // Idle and connected with nothing to send is healthy, however long.
        monitor.uplinkActivity(acknowledged: true)
        #expect(monitor.verdict(health) == .healthy)
    }

    @Test func everyStalledComponentIsNamed() async {
        let clock = ManualClock()
        let monitor = makeMonitor(clock)
        monitor.uplinkConnecting()
        await clock.advance(by: .seconds(400))
        #expect(monitor.verdict(health).problems.map(\.component) == [.sampler, .sampler, .storage, .uplink])
    }

    @Test func releaseBuildsAndUnsetVariablesHaveNoHooks() {
        #expect(!TestHooks.from(environment: [:]).isActive)
        #expect(!TestHooks.from(environment: ["SENSORGW_TEST_FREEZE": "sampler"]).isActive,
                "the freeze needs SENSORGW_TEST_HOOKS=1 as well")
        #expect(!TestHooks.from(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_FREEZE": "disk"]).isActive)
        #if DEBUG
        #expect(TestHooks.from(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_FREEZE": "uplink"]).isActive)
        #else
        #expect(!TestHooks.from(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_FREEZE": "uplink"]).isActive)
        #endif
    }
}
