import Testing
@testable import Agent

/// The metrics endpoint's HTTP (RFC 9112 request line, RFC 9110 status codes), without sockets.
@Suite struct MetricsHTTPTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Status code, headers by lower-cased name, and body of a response.
    func split(_ response: [UInt8]) -> (status: Int, headers: [String: String], body: String) {
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        let lines = parts[0].split(separator: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? -1
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers[pair[0].lowercased()] = pair[1].trimmingPrefix(" ").description
        }
        return (status, headers, parts.count > 1 ? String(parts[1]) : "")
    }

    @Test func aScrapersRequestParses() {
        let request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nUser-Agent: Prometheus/2.53\r\nAccept: text/plain\r\n\r\n"
        #expect(MetricsHTTP.parse(bytes(request)) == .request(.init(method: "GET", path: "/metrics", version: "HTTP/1.1")))
        // A query string does not change the path; bare LF line ends are accepted (RFC 9112 section 2.2).
        #expect(MetricsHTTP.parse(bytes("GET /metrics?x=1 HTTP/1.0\n\n"))
                    == .request(.init(method: "GET", path: "/metrics", version: "HTTP/1.0")))
    }

    @Test func aHeadInPiecesIsIncompleteUntilTheBlankLine() {
        #expect(MetricsHTTP.parse([]) == .incomplete)
        #expect(MetricsHTTP.parse(bytes("GET /metrics HTTP/1.1\r\n")) == .incomplete)
        #expect(MetricsHTTP.parse(bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n")) == .incomplete)
        var connection = MetricsHTTPConnection(openedAt: .zero)
        for piece in ["GET /met", "rics HTTP/1.1\r\nHo", "st: x\r\n", "\r\n"] {
            #expect(connection.isReading)
            connection.receive(bytes(piece)[...], metrics: { "m 1\n" })
        }
        #expect(!connection.isReading)
        let response = split(connection.pending ?? [])
        #expect(response.status == 200)
        #expect(response.body == "m 1\n")
    }

    @Test(arguments: [
        ("GET /metrics\r\n\r\n", 400),
        ("GET  /metrics HTTP/1.1\r\n\r\n", 400),
        ("GET metrics HTTP/1.1\r\n\r\n", 400),
        ("GET /metrics HTTP/2.0\r\n\r\n", 505),
        ("GET /metrics FTP/1.0\r\n\r\n", 400),
        ("GET /m\u{01}etrics HTTP/1.1\r\n\r\n", 400),
    ])
    func malformedRequestLinesAreRefused(request: String, status: Int) {
        #expect(MetricsHTTP.parse(bytes(request)) == .invalid(status: status))
    }

    @Test func anOversizedHeadIsRefusedWithoutReadingMore() {
        let huge = "GET /metrics HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: MetricsHTTP.maximumRequestSize)
        #expect(MetricsHTTP.parse(bytes(huge)) == .invalid(status: 431))
        var connection = MetricsHTTPConnection(openedAt: .zero)
        connection.receive(bytes(huge)[...], metrics: { Issue.record("no body for a refused request"); return "" })
        #expect(split(connection.pending ?? []).status == 431)
        // A complete head just over the limit is refused too.
        let long = "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: MetricsHTTP.maximumRequestSize) + "\r\n\r\n"
        #expect(MetricsHTTP.parse(bytes(long)) == .invalid(status: 431))
    }

    @Test func getMetricsIsThePrometheusTextFormat() {
        let body = "# TYPE x counter\nx 3\n"
        let response = split(MetricsHTTP.response(to: .request(.init(method: "GET", path: "/metrics", version: "HTTP/1.1")),
                                                  metrics: { body }))
        #expect(response.status == 200)
        // Prometheus's text format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats).
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["content-length"] == "\(body.utf8.count)")
        #expect(response.headers["connection"] == "close")
        #expect(response.body == body)
        let head = split(MetricsHTTP.response(to: .request(.init(method: "HEAD", path: "/metrics", version: "HTTP/1.1")),
                                              metrics: { body }))
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "\(body.utf8.count)")
    }

    @Test func otherPathsAre404AndOtherMethods405() {
        var rendered = false
        let notFound = split(MetricsHTTP.response(to: .request(.init(method: "GET", path: "/", version: "HTTP/1.1")),
                                                  metrics: { rendered = true; return "" }))
        #expect(notFound.status == 404)
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let response = split(MetricsHTTP.response(to: .request(.init(method: method, path: "/metrics", version: "HTTP/1.1")),
                                                      metrics: { rendered = true; return "" }))
            #expect(response.status == 405, "\(method)")
            #expect(response.headers["allow"] == "GET, HEAD")
        }
        #expect(!rendered, "the metrics are rendered only for a GET or HEAD of /metrics")
    }

    @Test func aSlowClientGets408AndIsDroppedIfItDoesNotRead() {
        var connection = MetricsHTTPConnection(openedAt: .seconds(100))
        connection.receive(bytes("GET /metrics HT")[...], metrics: { "" })
        var close = connection.checkTimeout(now: .seconds(105))
        #expect(!close)
        #expect(connection.isReading, "5 s is still within the timeout")
        close = connection.checkTimeout(now: .seconds(105) + .milliseconds(1))
        #expect(!close)
        #expect(split(connection.pending ?? []).status == 408)
        // It never reads the 408 either: given up at twice the timeout.
        close = connection.checkTimeout(now: .seconds(110))
        #expect(!close)
        close = connection.checkTimeout(now: .seconds(110) + .milliseconds(1))
        #expect(close)
    }

    @Test func aResponseIsSentInPartsUntilItIsAllOut() {
        var connection = MetricsHTTPConnection(openedAt: .zero)
        connection.receive(bytes("GET /metrics HTTP/1.1\r\n\r\n")[...], metrics: { "abc\n" })
        let total = connection.pending?.count ?? 0
        #expect(total > 10)
        let allSentAfterTen = connection.sent(10)
        #expect(!allSentAfterTen)
        #expect(connection.pending?.count == total - 10)
        let allSent = connection.sent(total - 10)
        #expect(allSent)
    }
}
