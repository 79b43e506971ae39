#if os(Linux)
import HAL
@testable import HALLinux
import Testing

/// errno numbers are restated from asm-generic/errno*.h (the same on x86_64, arm and arm64), so a
/// mapping keyed on the wrong constant fails here.
@Suite("errno to HALError.Kind")
struct LinuxErrnoTests {
    static let table: [(errno: Int32, name: String, kind: HALError.Kind)] = [
        (6, "ENXIO", .addressNACK),
        (121, "EREMOTEIO", .addressNACK),
        (110, "ETIMEDOUT", .timeout),
        (11, "EAGAIN", .arbitrationLoss),
        (95, "EOPNOTSUPP/ENOTSUP", .unsupported),
        (13, "EACCES", .permissionDenied),
        (1, "EPERM", .permissionDenied),
        (2, "ENOENT", .noSuchDevice),
        (19, "ENODEV", .noSuchDevice),
        (16, "EBUSY", .busy),
        (5, "EIO", .busError),
        (71, "EPROTO", .busError),
        (75, "EOVERFLOW", .overrun),
        (22, "EINVAL", .invalidArgument),
        (90, "EMSGSIZE", .invalidArgument),
        (12, "ENOMEM", .other),
        (0, "0", .other),
    ]

    @Test("each listed errno maps to its kind", arguments: table.indices)
    func mapping(_ index: Int) {
        let row = Self.table[index]
        #expect(LinuxErrno.kind(for: row.errno) == row.kind, "\(row.name)")
    }

    @Test func errorKeepsErrnoAndOperation() {
        let error = LinuxErrno.error(121, operation: "i2c transaction @0x76 on /dev/i2c-1")
        #expect(error.kind == .addressNACK)
        #expect(error.errno == 121)
        #expect(error.operation == "i2c transaction @0x76 on /dev/i2c-1")
        #expect(error.detail?.isEmpty == false)
    }

    @Test func transferENODEVIsAnAddressNACK() {
        // i2c-stub answers ENODEV for every address without a chip (seen in the HIL stage).
        let error = LinuxErrno.transferError(19, operation: "i2c transaction @0x03 on /dev/i2c-1")
        #expect(error.kind == .addressNACK)
        #expect(error.errno == 19)
        #expect(LinuxErrno.transferError(5, operation: "x").kind == .busError)
    }

    @Test("EACCES on open names the group to join", arguments: [
        ("/dev/i2c-1", "i2c"), ("/dev/spidev0.0", "spi"), ("/dev/gpiochip0", "gpio"),
    ])
    func permissionHint(path: String, group: String) {
        let error = LinuxErrno.openError(13, path: path, group: group, missingHint: nil)
        #expect(error.kind == .permissionDenied)
        #expect(error.operation == "open \(path)")
        #expect(error.detail?.contains("'\(group)' group") == true)
        #expect(error.detail?.contains("usermod -aG \(group) ") == true)
    }

    @Test func missingDeviceUsesTheHint() {
        let error = LinuxErrno.openError(2, path: "/dev/i2c-7", group: "i2c", missingHint: "enable it")
        #expect(error.kind == .noSuchDevice)
        #expect(error.detail == "enable it")
    }
}
#endif
