import Pipeline

/// Splits a batch so that its PUBLISH packet fits the broker's maximum packet size: a batch
/// too large is halved until it fits (the rest goes in the next message), never refused whole;
/// a single reading that cannot fit alone is reported for dropping.
enum BatchFitting {
    enum Outcome: Equatable {
        /// The encoded message (its payload is in the buffer); it may carry a leading part only.
        case fits(EncodedMessage)
        /// This one reading does not fit even alone.
        case tooLarge(dropped: [UInt64], limit: Int)
    }

    /// Encodes `readings` with `encode` on a copy of `state`, taking fewer readings until the
    /// packet fits `limit` bytes (nil: no limit). `state` advances only by the encoding that is
    /// kept, so a stateful format (Sparkplug's `seq`) spends no number on a discarded attempt.
    static func fit<State>(
        _ readings: ArraySlice<Reading>, limit: Int?, contentType: String?, state: inout State, into buffer: inout [UInt8],
        encode: (inout State, ArraySlice<Reading>, inout [UInt8]) -> EncodedMessage
    ) -> Outcome {
        var count = readings.count
        while true {
            var trial = state
            let message = encode(&trial, readings.prefix(count), &buffer)
            guard let limit, !message.carried.isEmpty else {
                state = trial
                return .fits(message)
            }
            let size = publishPacketSize(topic: message.topic, payloadCount: buffer.count, contentType: contentType)
            if size <= limit {
                state = trial
                return .fits(message)
            }
            let taken = message.carried.count + message.skipped.count
            if message.carried.count == 1 {
                // Alone and still too large: only this one is dropped; readings the encoder
                // skipped before it are skipped as usual by the next attempt.
                return .tooLarge(dropped: message.carried, limit: limit)
            }
            count = max(1, min(count, taken) / 2)
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
