import Outbox
import Pipeline

/// The gateway's report of what it had to give up, published to `<prefix>/<gateway>/status`
/// when the link is up and something is unreported:
/// `{"gateway":"g","dropped_total":{"capacity":N,"age":N,"disk_full":N,"unreadable":N},"dropped_since_last_report":{...},"pending":N,"outbox_recovered_from":"/var/lib/...corrupt-1764..."|null,"time":1764...}`.
struct StatusReport {
    var gatewayID: String
    var totals: DropCounts
    var sinceLastReport: DropCounts
    var pending: Int
    var recoveredFrom: String?
    var time: Double

    var json: String {
        func counts(_ c: DropCounts) -> String {
            "{\"capacity\":\(c.capacity),\"age\":\(c.age),\"disk_full\":\(c.diskFull),\"unreadable\":\(c.unreadable)}"
        }
        let recovered = recoveredFrom.map { JSONText.quoted($0) } ?? "null"
        return "{\"gateway\":\(JSONText.quoted(gatewayID)),\"dropped_total\":\(counts(totals)),"
            + "\"dropped_since_last_report\":\(counts(sinceLastReport)),\"pending\":\(pending),"
            + "\"outbox_recovered_from\":\(recovered),\"time\":\(time)}"
    }
}
