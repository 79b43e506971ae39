/// Which SenML fields each record of a pack writes, shared by the JSON and CBOR encoders so
/// that both formats compact a batch the same way (docs/FORMATS.md, "SenML").
///
/// SenML's base fields hold from the record that sets them until a later record sets them
/// again (RFC 8428 section 4.6), so a plain resolver gets every record right:
/// - name: `bn` is `<gateway>:<sensor>:` and `n` the quantity; for a run of readings of one
///   quantity of one sensor, `bn` is the whole name `<gateway>:<sensor>:<quantity>` and the
///   records of the run carry no `n` at all;
/// - unit: `bu` is set for a run of readings in one unit, `u` for a reading whose unit differs
///   from both the base unit and the next reading's;
/// - time: the first record's wall time is `bt`; later records carry `t`, the difference,
///   left out when zero, and get a fresh `bt` when the difference would not add back exactly.
///
/// The gateway's own fields (`seq`, `mono_ns`, `synced`, `t_rebased` for a reading re-based
/// after the clock synced, `boot` for one that could not be) are extensions a plain resolver
/// ignores (they do not end in `_`). They hold by this gateway's rule: `seq` is the previous
/// record's plus one unless written, `mono_ns` and `synced` are the previous record's unless
/// written; the first record writes all three. `t_rebased` is written on every record that has
/// one; `boot` on the first unsynced, un-rebased record of each boot and holds for the later
/// unsynced, un-rebased records of the pack.
struct SenMLRecordPlan {
    var baseName: BaseName?
    var name: String?
    var baseTime: Double?
    var time: Double?
    var baseUnit: String?
    var unit: String?
    var sequence: UInt64?
    var monotonicNanoseconds: UInt64?
    var synchronized: Bool?
    var rebasedTime: Double?
    var bootID: String?

    /// How many fields the record has, its value included.
    var fieldCount: Int {
        var count = 1
        if baseName != nil { count += 1 }
        if name != nil { count += 1 }
        if baseTime != nil { count += 1 }
        if time != nil { count += 1 }
        if baseUnit != nil { count += 1 }
        if unit != nil { count += 1 }
        if sequence != nil { count += 1 }
        if monotonicNanoseconds != nil { count += 1 }
        if synchronized != nil { count += 1 }
        if rebasedTime != nil { count += 1 }
        if bootID != nil { count += 1 }
        return count
    }

    /// A base name: the sensor's prefix `<gateway>:<sensor>:`, then the quantity when the name
    /// is whole.
    struct BaseName: Equatable {
        var sensorID: String
        var quantity: String?
    }

    /// The plans for `readings`, in order; each gets one record.
    static func plans(for readings: [Reading]) -> [SenMLRecordPlan] {
        var plans: [SenMLRecordPlan] = []
        plans.reserveCapacity(readings.count)
        var baseName: BaseName?
        var baseUnit: String?
        var baseTime: Double?
        var previous: Reading?
        var heldBoot: String?
        for index in readings.indices {
            let reading = readings[index]
            let next: Reading? = index + 1 < readings.count ? readings[index + 1] : nil
            var plan = SenMLRecordPlan()

            let whole = BaseName(sensorID: reading.sensorID, quantity: reading.quantity)
            let prefix = BaseName(sensorID: reading.sensorID, quantity: nil)
            if baseName == whole {
                // The whole name is the base: nothing to write.
            } else if baseName == prefix {
                plan.name = reading.quantity
            } else if let next, next.sensorID == reading.sensorID, next.quantity == reading.quantity {
                plan.baseName = whole
                baseName = whole
            } else {
                plan.baseName = prefix
                baseName = prefix
                plan.name = reading.quantity
            }

            let unit = reading.unit.rawValue
            if baseUnit != unit {
                if let next, next.unit.rawValue == unit {
                    plan.baseUnit = unit
                    baseUnit = unit
                } else {
                    plan.unit = unit
                }
            }

            let wall = reading.timestamp.wallSeconds
            if let base = baseTime {
                let difference = wall - base
                if difference.isFinite, base + difference == wall {
                    if difference != 0 { plan.time = difference }
                } else {
                    plan.baseTime = wall
                    baseTime = wall
                }
            } else {
                plan.baseTime = wall
                baseTime = wall
            }

            if let previous {
                if reading.sequence != previous.sequence &+ 1 { plan.sequence = reading.sequence }
                if reading.timestamp.monotonicNanoseconds != previous.timestamp.monotonicNanoseconds {
                    plan.monotonicNanoseconds = reading.timestamp.monotonicNanoseconds
                }
                if reading.timestamp.clockSynchronized != previous.timestamp.clockSynchronized {
                    plan.synchronized = reading.timestamp.clockSynchronized
                }
            } else {
                plan.sequence = reading.sequence
                plan.monotonicNanoseconds = reading.timestamp.monotonicNanoseconds
                plan.synchronized = reading.timestamp.clockSynchronized
            }
            if let rebased = reading.timestamp.rebasedWallSeconds, rebased.isFinite {
                plan.rebasedTime = rebased
            } else if !reading.timestamp.clockSynchronized, let boot = reading.timestamp.bootID, boot != heldBoot {
                plan.bootID = boot
                heldBoot = boot
            }
            plans.append(plan)
            previous = reading
        }
        return plans
    }
}
