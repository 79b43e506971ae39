#if os(Linux)
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one place where Linux `errno` values become ``HAL/HALError/Kind``s.
public enum LinuxErrno {
    /// The HAL kind for an errno returned by an open, ioctl, libi2c or libgpiod call.
    ///
    /// `EREMOTEIO` is an address NACK because that is how many i2c-dev adapters (the Raspberry
    /// Pi's i2c-bcm2835 and the DesignWare controllers among them) report that nobody acknowledged
    /// the address, while others use `ENXIO`; a probe must read both as "absent".
    /// Neither can tell a data NACK apart, so ``HAL/HALError/Kind/dataNACK`` is never produced here.
    public static func kind(for errno: Int32) -> HALError.Kind {
        switch errno {
        case ENXIO, EREMOTEIO: return .addressNACK
        case ETIMEDOUT: return .timeout
        case EAGAIN: return .arbitrationLoss
        case EOPNOTSUPP, ENOTSUP: return .unsupported
        case EACCES, EPERM: return .permissionDenied
        case ENOENT, ENODEV: return .noSuchDevice
        case EBUSY: return .busy
        case EIO, EPROTO: return .busError
        case EOVERFLOW: return .overrun
        // spidev answers EMSGSIZE when a message exceeds its buffer: a request the caller can fix.
        case EINVAL, EMSGSIZE: return .invalidArgument
        default: return .other
        }
    }

    /// A HALError for a failed system call, with the errno's text as detail unless one is given.
    static func error(_ errno: Int32, operation: String, detail: String? = nil) -> HALError {
        HALError(kind(for: errno), errno: errno, operation: operation,
                 detail: detail ?? describe(errno))
    }

    /// A HALError for a failed I2C transfer (`I2C_RDWR` or an SMBus call) on an open adapter.
    ///
    /// Like ``error(_:operation:detail:)``, except that `ENODEV` is an address NACK: on an open
    /// i2c-dev node it can only come from the adapter driver about the target address (i2c-stub
    /// answers every address it has no chip at with it), and `i2cdetect` reads it as "absent" too.
    static func transferError(_ errno: Int32, operation: String) -> HALError {
        guard errno == ENODEV else { return error(errno, operation: operation) }
        return HALError(.addressNACK, errno: errno, operation: operation,
                        detail: "no device answered (the adapter reported ENODEV)")
    }

    /// The error for a failed `open` of a device node, with a hint that tells the operator what to
    /// do: join the owning group on EACCES, check that the interface is enabled when absent.
    ///
    /// - Parameters:
    ///   - group: the group that owns such nodes on Raspberry Pi OS and Debian udev rules
    ///     (`i2c`, `spi`, `gpio`).
    ///   - missingHint: what to check when the node does not exist.
    static func openError(_ errno: Int32, path: String, group: String, missingHint: String?) -> HALError {
        let kind = kind(for: errno)
        let detail: String?
        switch kind {
        case .permissionDenied:
            detail = "add the service user to the '\(group)' group (sudo usermod -aG \(group) USER) "
                + "and restart the service, or give \(path) to that group with a udev rule"
        case .noSuchDevice:
            detail = missingHint
        default:
            detail = describe(errno)
        }
        return HALError(kind, errno: errno, operation: "open \(path)", detail: detail)
    }

    /// strerror's text (glibc >= 2.32 keeps its buffer per thread, so this is thread-safe).
    static func describe(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(cString: text)
    }
}
#endif
