#if os(Linux) && canImport(CGPIOD)
import CGPIOD
import HAL
@testable import HALLinux
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Which libgpiod backend was compiled, and what it hands libgpiod. The expected numbers are
/// libgpiod's own enum values, copied from each version's gpiod.h, so a swapped mapping fails.
@Suite("GPIO: libgpiod backend selection and settings")
struct GPIOBackendTests {
    @Test func compiledAPIIsTheExpectedOne() throws {
        let version = LinuxGPIOController.libgpiodAPIVersion
        #expect(version == 1 || version == 2)
        #expect(LinuxGPIOController.backendName.contains("v\(version) API"))
        // Scripts/test-libgpiod2.sh sets 2; a 1.6 run sets 1. Unset: nothing to compare against.
        if let expected = ProcessInfoEnvironment.value("SENSORGW_EXPECT_LIBGPIOD") {
            let number = try #require(Int(expected), "SENSORGW_EXPECT_LIBGPIOD must be 1 or 2, not '\(expected)'")
            #expect(version == number, "built against libgpiod API \(version), expected \(number)")
        }
    }

    @Test func kernelFeaturesFollowTheAPI() {
        let v2 = LinuxGPIOController.libgpiodAPIVersion == 2
        #expect(LinuxGPIOController.hasKernelDebounce == v2)
        #expect(LinuxGPIOController.hasKernelSequenceNumbers == v2)
    }

    @Test func debounceGoesToTheKernelOrToSoftwareNeverBoth() {
        #expect(LinuxGPIOController.debounceSplit(microseconds: 5_000, kernelDebounce: true) == (5_000, 0))
        #expect(LinuxGPIOController.debounceSplit(microseconds: 5_000, kernelDebounce: false) == (0, 5_000))
        #expect(LinuxGPIOController.debounceSplit(microseconds: 0, kernelDebounce: true) == (0, 0))
    }

    private func applied(_ config: sgw_gpio_line_config) throws -> sgw_gpio_applied_settings {
        var config = config
        var out = sgw_gpio_applied_settings()
        let result = sgw_gpio_applied_settings_for(&config, &out)
        try #require(result == 0, "errno \(-result)")
        return out
    }

    private func input(edges: Int32, bias: Int32, activeLow: Bool = false, debounce: UInt32 = 0) -> sgw_gpio_line_config {
        var config = sgw_gpio_line_config()
        config.direction = Int32(SGW_GPIO_DIRECTION_INPUT)
        config.edges = edges
        config.bias = bias
        config.active_low = activeLow ? 1 : 0
        config.debounce_us = debounce
        return config
    }

    private func output(value: Bool, activeLow: Bool) -> sgw_gpio_line_config {
        var config = sgw_gpio_line_config()
        config.direction = Int32(SGW_GPIO_DIRECTION_OUTPUT)
        config.output_value = value ? 1 : 0
        config.active_low = activeLow ? 1 : 0
        // Bias is an input setting here (as in the v1 backend); it must not reach an output.
        config.bias = Int32(SGW_GPIO_BIAS_PULL_UP)
        return config
    }

    @Test func inputSettingsMapToLibgpiod() throws {
        let rising = try applied(input(edges: Int32(SGW_GPIO_EDGE_RISING), bias: Int32(SGW_GPIO_BIAS_PULL_UP),
                                       activeLow: true, debounce: 2_500))
        let falling = try applied(input(edges: Int32(SGW_GPIO_EDGE_FALLING), bias: Int32(SGW_GPIO_BIAS_PULL_DOWN)))
        let both = try applied(input(edges: Int32(SGW_GPIO_EDGE_BOTH), bias: Int32(SGW_GPIO_BIAS_DISABLED)))
        let plain = try applied(input(edges: Int32(SGW_GPIO_EDGE_NONE), bias: Int32(SGW_GPIO_BIAS_AS_IS)))
        if LinuxGPIOController.libgpiodAPIVersion == 2 {
            // gpiod.h 2.x: DIRECTION_INPUT 2; EDGE_NONE 1, RISING 2, FALLING 3, BOTH 4;
            // BIAS_AS_IS 1, DISABLED 3, PULL_UP 4, PULL_DOWN 5.
            #expect([rising.direction, falling.direction, both.direction, plain.direction] == [2, 2, 2, 2])
            #expect([rising.edge, falling.edge, both.edge, plain.edge] == [2, 3, 4, 1])
            #expect([rising.bias, falling.bias, both.bias, plain.bias] == [4, 5, 3, 1])
            #expect([rising.active_low, falling.active_low] == [1, 0])
            #expect(rising.debounce_us == 2_500)
            #expect(plain.debounce_us == 0)
        } else {
            // gpiod.h 1.6: request types DIRECTION_INPUT 2, EVENT_FALLING 4, EVENT_RISING 5,
            // EVENT_BOTH 6; flags ACTIVE_LOW 1<<2, BIAS_DISABLE 1<<3, PULL_DOWN 1<<4, PULL_UP 1<<5.
            #expect([rising.direction, falling.direction, both.direction, plain.direction] == [5, 4, 6, 2])
            let activeLow: Int32 = 1 << 2, biasDisable: Int32 = 1 << 3, pullDown: Int32 = 1 << 4, pullUp: Int32 = 1 << 5
            let expectedFlags: [Int32] = [pullUp | activeLow, pullDown, biasDisable, 0]
            #expect([rising.flags, falling.flags, both.flags, plain.flags] == expectedFlags)
            // The v1 API cannot debounce: nothing of the period reaches libgpiod.
            #expect(rising.debounce_us == 0)
        }
    }

    @Test func outputSettingsMapToLibgpiod() throws {
        let high = try applied(output(value: true, activeLow: false))
        let lowActiveLow = try applied(output(value: false, activeLow: true))
        if LinuxGPIOController.libgpiodAPIVersion == 2 {
            // DIRECTION_OUTPUT 3; VALUE_ACTIVE 1, INACTIVE 0; EDGE_NONE 1; BIAS_AS_IS 1.
            #expect([high.direction, lowActiveLow.direction] == [3, 3])
            #expect([high.output_value, lowActiveLow.output_value] == [1, 0])
            #expect([high.active_low, lowActiveLow.active_low] == [0, 1])
            #expect([high.edge, high.bias] == [1, 1])
        } else {
            // DIRECTION_OUTPUT 3; only ACTIVE_LOW among the flags.
            #expect([high.direction, lowActiveLow.direction] == [3, 3])
            #expect([high.output_value, lowActiveLow.output_value] == [1, 0])
            let activeLowFlag: Int32 = 1 << 2
            #expect([high.flags, lowActiveLow.flags] == [0, activeLowFlag])
        }
    }

    @Test func aConfigurationWithoutDirectionIsRefused() {
        var config = sgw_gpio_line_config()
        var out = sgw_gpio_applied_settings()
        #expect(sgw_gpio_applied_settings_for(&config, &out) == -EINVAL)
    }

    @Test func aChipThatDoesNotExistIsNoSuchDevice() async {
        let controller = LinuxGPIOController()
        for chip in ["/dev/gpiochip-sgw-none", "gpiochip987", "sgw-no-such-label"] {
            await #expect {
                _ = try await controller.requestInput(GPIOLineAddress(chip: chip, line: .offset(0)), consumer: "test",
                                                      configuration: .init())
            } throws: { ($0 as? HALError)?.kind == .noSuchDevice }
        }
    }
}

/// The process environment without Foundation (HALLinux's tests do not link it).
enum ProcessInfoEnvironment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}

@Suite("GPIO: kernel sequence numbers")
struct GPIOKernelSequenceTests {
    let address = GPIOLineAddress(chip: "gpiochip0", line: .offset(4))

    private func take(_ count: Int, from stream: AsyncThrowingStream<GPIOEdgeEvent, any Error>) async throws
        -> [GPIOEdgeEvent] {
        var events: [GPIOEdgeEvent] = []
        for try await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test func kernelNumbersAreKeptSoKernelDropsShowAsGaps() async throws {
        let fake = FakeGPIOLine()
        // As requestInput builds it on libgpiod 2.x: the kernel debounces, software does not.
        let input = LinuxGPIOInput(request: GPIOLineRequest(backend: fake, address: address), address: address,
                                   configuration: GPIOInputConfiguration(edges: .both, debounceMicroseconds: 1_000),
                                   softwareDebounceMicroseconds: 0)
        let stream = input.edges()
        fake.emit(.rising, at: 1_000, lineSeqno: 1)
        fake.emit(.falling, at: 2_000, lineSeqno: 2)  // closer than 1 ms: the kernel already decided
        fake.emit(.rising, at: 9_000_000, lineSeqno: 7)  // 3-6 overflowed the kernel's queue
        let events = try await take(3, from: stream)
        #expect(events.map(\.sequence) == [1, 2, 7])
        #expect(events.map(\.timestampNanoseconds) == [1_000, 2_000, 9_000_000])
        await input.release()
    }

    @Test func softwareDebounceRenumbersSoBouncesAreNotGaps() async throws {
        let fake = FakeGPIOLine()
        let input = LinuxGPIOInput(request: GPIOLineRequest(backend: fake, address: address), address: address,
                                   configuration: GPIOInputConfiguration(edges: .both, debounceMicroseconds: 1_000))
        let stream = input.edges()
        fake.emit(.rising, at: 10_000_000, lineSeqno: 1)
        fake.emit(.falling, at: 10_100_000, lineSeqno: 2)  // bounce
        fake.emit(.falling, at: 20_000_000, lineSeqno: 3)
        let events = try await take(2, from: stream)
        #expect(events.map(\.sequence) == [1, 2])
        #expect(events.map(\.timestampNanoseconds) == [10_000_000, 20_000_000])
        await input.release()
    }
}
#endif
