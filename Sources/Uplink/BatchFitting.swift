import Pipeline

/// Cuts a batch so that its PUBLISH packet fits the broker's maximum packet size and its payload
/// the batch byte budget (`mqtt.bytes_per_message`): a batch too large is cut (the rest goes in
/// the next message), never refused whole; a single reading that cannot fit the packet limit
/// alone is reported for dropping, while one larger than the budget alone still goes.
enum BatchFitting {
    enum Outcome: Equatable {
        /// The encoded message (its payload is in the buffer); it may carry a leading part only.
        case fits(EncodedMessage)
        /// This one reading does not fit even alone.
        case tooLarge(dropped: [UInt64], limit: Int)
    }

    /// Encodes `readings` with `encode` on a copy of `state`, taking fewer readings until the
    /// packet fits `limit` bytes and the payload `payloadBudget` bytes (nil: no limit). Each
    /// retry takes the share of readings that the overshoot suggests (so a budget of 3/4 of the
    /// encoded size keeps about 3/4 of the readings, not half), and always fewer than before.
    /// `state` advances only by the encoding that is kept, so a stateful format (Sparkplug's
    /// `seq`) spends no number on a discarded attempt.
    static func fit<State>(
        _ readings: ArraySlice<Reading>, limit: Int?, payloadBudget: Int? = nil, contentType: String?,
        state: inout State, into buffer: inout [UInt8],
        encode: (inout State, ArraySlice<Reading>, inout [UInt8]) -> EncodedMessage
    ) -> Outcome {
        var count = readings.count
        while true {
            var trial = state
            let message = encode(&trial, readings.prefix(count), &buffer)
            guard !message.carried.isEmpty, limit != nil || payloadBudget != nil else {
                state = trial
                return .fits(message)
            }
            let size = publishPacketSize(topic: message.topic, payloadCount: buffer.count, contentType: contentType)
            // What the payload may be under each limit: the packet's overhead comes off the limit.
            let allowed = [limit.map { $0 - (size - buffer.count) }, payloadBudget].compactMap { $0 }.min() ?? buffer.count
            if buffer.count <= allowed {
                state = trial
                return .fits(message)
            }
            if message.carried.count == 1 {
                if let limit, size > limit {
                    // Alone and still too large: only this one is dropped; readings the encoder
                    // skipped before it are skipped as usual by the next attempt.
                    return .tooLarge(dropped: message.carried, limit: limit)
                }
                // Over the budget only: a budget shapes batches, it refuses nothing.
                state = trial
                return .fits(message)
            }
            let taken = min(count, message.carried.count + message.skipped.count)
            let share = Int(Double(taken) * Double(max(allowed, 0)) / Double(buffer.count))
            count = max(1, min(taken - 1, share))
        }
    }

    /// Bytes of an MQTT 5 PUBLISH at QoS 1 (MQTT 5.0 sections 3.3.1-3.3.2): fixed header, topic,
    /// packet identifier, properties (the content type when given), payload.
    static func publishPacketSize(topic: String, payloadCount: Int, contentType: String?) -> Int {
        let propertiesLength = contentType.map { 1 + 2 + $0.utf8.count } ?? 0
        let remaining = 2 + topic.utf8.count + 2 + varintSize(propertiesLength) + propertiesLength + payloadCount
        return 1 + varintSize(remaining) + remaining
    }

    /// MQTT's variable byte integer: 7 bits a byte.
    static func varintSize(_ value: Int) -> Int {
        switch value {
        case ..<128: 1
        case ..<16_384: 2
        case ..<2_097_152: 3
        default: 4
        }
    }
}
