import Benchmark
import Drivers
import Logging
import Outbox
import Pipeline
import Sampling
#if canImport(Glibc)
import Glibc
#endif

/// The gateway's per-reading costs, each with its allocation count, so a regression shows in
/// numbers: `cd Benchmarks/Micro && swift package benchmark`.
/// Figures are per iteration; an iteration handles `BenchData.batch` readings where the name says so.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 100_000)

    Benchmark("BME280 compensation (one sample, three quantities)") { benchmark in
        let calibration = BenchData.calibration
        let settings = BME280Settings()
        for _ in benchmark.scaledIterations {
            blackHole(try calibration.compensate(BenchData.rawSample, settings: settings))
        }
    }

    Benchmark("SenML JSON encode, 1 reading per message") { benchmark in
        let encoder = SenMLJSONEncoder(context: BenchData.context)
        var buffer: [UInt8] = []
        let one = BenchData.readings(1)[...]
        for _ in benchmark.scaledIterations {
            blackHole(encoder.encode(one, into: &buffer))
        }
    }

    Benchmark("SenML JSON encode, 100 readings per message") { benchmark in
        let encoder = SenMLJSONEncoder(context: BenchData.context, maxReadingsPerMessage: 100)
        var buffer: [UInt8] = []
        let batch = BenchData.readings(100)[...]
        for _ in benchmark.scaledIterations {
            blackHole(encoder.encode(batch, into: &buffer))
        }
    }

    Benchmark("SenML CBOR encode, 100 readings per message") { benchmark in
        let encoder = SenMLCBOREncoder(context: BenchData.context, maxReadingsPerMessage: 100)
        var buffer: [UInt8] = []
        let batch = BenchData.readings(100)[...]
        for _ in benchmark.scaledIterations {
            blackHole(encoder.encode(batch, into: &buffer))
        }
    }

    // The outbox on a real file (WAL, synchronous=FULL): one commit of 100 readings, the read
    // of 100 pending readings, and 100 acknowledgements with their delete committed.
    Benchmark("Outbox insert 100 readings (one commit, fsync)", configuration: .init(maxIterations: 2_000)) { benchmark in
        let store = try OutboxStore(path: BenchData.temporaryPath())
        let batch = BenchData.readings(100).map { PendingReading($0) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await store.append(pending: batch))
        }
        benchmark.stopMeasurement()
        await store.close()
    }

    Benchmark("Outbox read 100 pending readings") { benchmark in
        let store = try OutboxStore(path: BenchData.temporaryPath())
        _ = try await store.append(pending: BenchData.readings(1000).map { PendingReading($0) })
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await store.pending(after: 0, limit: 100))
        }
        benchmark.stopMeasurement()
        await store.close()
    }

    Benchmark("Outbox acknowledge 100 readings and commit the delete", configuration: .init(maxIterations: 2_000)) { benchmark in
        let store = try OutboxStore(path: BenchData.temporaryPath())
        let batch = BenchData.readings(100).map { PendingReading($0) }
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            let stored = try await store.append(pending: batch).map(\.sequence)
            benchmark.startMeasurement()
            for sequence in stored { _ = store.recordAcknowledged([sequence]) }
            try await store.commitAcknowledgements()
        }
        await store.close()
    }

    Benchmark("Sampler, 100 ticks of one sensor through validation to storage") { benchmark in
        let rule = QuantityRule("counter", unit: SenMLUnit(rawValue: "count"))
        for _ in benchmark.scaledIterations {
            let ticks = TickCounter(stopAfter: 100)
            let sampler = Sampler(
                schedules: [SensorSchedule(sensor: CounterSensor(), interval: .milliseconds(1),
                                           pipeline: ReadingPipeline([ValidationStage(rules: [rule])]))],
                clock: ImmediateClock(), timestamp: { BenchData.timestamp },
                logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
            ) { readings in ticks.add(readings.count) }
            let run = Task { await sampler.run() }
            await ticks.finished()
            run.cancel()
            await run.value
        }
    }
}
