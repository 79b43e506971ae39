/// The HTTP of the metrics endpoint as pure functions: one request head in, one response out.
///
/// Just enough HTTP/1.x for a Prometheus scraper or `curl`: `GET /metrics`, one request per
/// connection (`Connection: close`), no bodies accepted. A request head larger than
/// ``maximumRequestSize`` or slower than ``requestTimeout`` is answered and closed, so a
/// client cannot hold the agent's memory or its few connection slots. No NIO or Hummingbird:
/// their size on a 512 MB board buys nothing a loopback scrape needs (docs/OPERATIONS.md).
public enum MetricsHTTP {
    /// The largest request head read; a scraper's is a few hundred bytes.
    public static let maximumRequestSize = 8192
    /// A request head must arrive within this from the connection's accept.
    public static let requestTimeout: Duration = .seconds(5)
    /// Prometheus's text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A request line: `GET /metrics HTTP/1.1`.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// The path, without a query string.
        public var path: String
        public var version: String
    }

    /// What the bytes received so far amount to.
    public enum Parse: Sendable, Hashable {
        /// No blank line yet: read more.
        case incomplete
        case request(Request)
        /// Answer with this status and close.
        case invalid(status: Int)
    }

    /// Parses the bytes received on a connection so far.
    public static func parse(_ bytes: [UInt8]) -> Parse {
        guard let end = headEnd(bytes) else {
            return bytes.count >= maximumRequestSize ? .invalid(status: 431) : .incomplete
        }
        guard end <= maximumRequestSize else { return .invalid(status: 431) }
        let head = bytes[..<end]
        // The request line ends at the first CRLF (or LF: RFC 9112 section 2.2 lets a server accept it).
        let lineEnd = head.firstIndex(of: UInt8(ascii: "\n")) ?? head.endIndex
        var line = head[..<lineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 > 0x20 && $0 < 0x7F } }) else {
            return .invalid(status: 400)
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return version.hasPrefix("HTTP/") ? .invalid(status: 505) : .invalid(status: 400)
        }
        guard target.hasPrefix("/") else { return .invalid(status: 400) }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        return .request(Request(method: method, path: path, version: version))
    }

    /// The index just past the blank line ending the head, nil before it arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                // "\n\n" or "\n\r\n"
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }

    /// The response to a parsed request: 200 with the metrics for `GET /metrics` (`HEAD` gets the
    /// headers alone), 405 for another method on it, 404 for any other path.
    public static func response(to parse: Parse, metrics: () -> String) -> [UInt8] {
        switch parse {
        case .incomplete:
            return response(status: 408, body: "request head not received in time\n")
        case .invalid(let status):
            return response(status: status, body: reason(status).lowercased() + "\n")
        case .request(let request):
            guard request.path == "/metrics" else { return response(status: 404, body: "only /metrics is served here\n") }
            switch request.method {
            case "GET": return response(status: 200, body: metrics(), contentType: contentType)
            case "HEAD": return response(status: 200, body: metrics(), contentType: contentType, headOnly: true)
            default: return response(status: 405, body: "only GET\n", extraHeaders: "Allow: GET, HEAD\r\n")
            }
        }
    }

    static func response(status: Int, body: String, contentType: String = "text/plain; charset=utf-8",
                         extraHeaders: String = "", headOnly: Bool = false) -> [UInt8] {
        let bodyBytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(reason(status))\r\n"
            + "Content-Type: \(contentType)\r\n"
            + "Content-Length: \(bodyBytes.count)\r\n"
            + "Connection: close\r\n"
            + extraHeaders
            + "\r\n"
        return Array(head.utf8) + (headOnly ? [] : bodyBytes)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 505: "HTTP Version Not Supported"
        default: "Error"
        }
    }
}

/// One connection of the metrics endpoint as a state machine, driven by the socket loop with
/// the bytes it reads and the time: read the head until it parses, is refused or times out,
/// then write one response and close.
public struct MetricsHTTPConnection: Sendable {
    /// When the connection was accepted (any monotonic origin).
    public let openedAt: Duration
    private var received: [UInt8] = []
    /// Bytes still to send; nil while the request is being read.
    public private(set) var pending: [UInt8]?

    public init(openedAt: Duration) {
        self.openedAt = openedAt
    }

    /// Whether the loop should wait for bytes to read.
    public var isReading: Bool { pending == nil }

    /// Bytes arrived; `metrics` renders the body if the request is complete and wants it.
    public mutating func receive(_ bytes: ArraySlice<UInt8>, metrics: () -> String) {
        guard pending == nil else { return }
        // Never hold more than the limit: what is beyond it can only make the head too large.
        received.append(contentsOf: bytes.prefix(MetricsHTTP.maximumRequestSize + 4 - received.count))
        let parse = MetricsHTTP.parse(received)
        if parse != .incomplete { pending = MetricsHTTP.response(to: parse, metrics: metrics) }
    }

    /// The peer closed its side before a full head came: nothing to answer.
    public var closedEarly: Bool { pending == nil }

    /// At `now`, a connection still reading past ``MetricsHTTP/requestTimeout`` gets a 408;
    /// one still writing past twice it is given up (true: close it).
    public mutating func checkTimeout(now: Duration) -> Bool {
        let age = now - openedAt
        if pending == nil, age > MetricsHTTP.requestTimeout {
            pending = MetricsHTTP.response(to: .incomplete, metrics: { "" })
        }
        return age > MetricsHTTP.requestTimeout * 2
    }

    /// `count` bytes of ``pending`` were sent; true when all are (close it).
    public mutating func sent(_ count: Int) -> Bool {
        guard var rest = pending else { return false }
        rest.removeFirst(min(count, rest.count))
        pending = rest
        return rest.isEmpty
    }
}
