import Configuration

/// What a reload (SIGHUP, `systemctl reload`) does with a new, valid configuration: a pure
/// comparison of the running configuration with the new one.
///
/// Applied live: the sensors (added, removed, retimed, their options and pipelines) by
/// restarting the sampler on the same reading buffer, and the `mqtt` section by stopping the
/// uplink (it drains what is in flight) and starting one with the new settings on the same
/// outbox. Refused as a whole, the running configuration kept: a change to `storage` (the
/// outbox is never closed or reopened by a reload), `board` or `gateway.id` (the identity the
/// stored readings were taken under), `mqtt.envelope` and `commands`; those need `systemctl restart`. `log.level` is read at
/// start only: a change is reported and takes effect at the next restart; so is `metrics`.
public struct ReloadPlan: Sendable, Equatable {
    /// Why the reload is refused; empty when it is applied.
    public var refusals: [String]
    /// Restart the sampler with the new sensors.
    public var restartSampler: Bool
    /// Reconnect the uplink with the new `mqtt` settings.
    public var reconnectUplink: Bool
    /// What is accepted but waits for a restart.
    public var warnings: [String]

    /// Whether anything changes at all.
    public var changesNothing: Bool { refusals.isEmpty && !restartSampler && !reconnectUplink }

    /// Compares the running configuration with the new one.
    public init(running: GatewayConfiguration, new: GatewayConfiguration) {
        var refusals: [String] = []
        if running.storage != new.storage {
            refusals.append("storage changed; the outbox is never reopened by a reload: restart the service to apply it")
        }
        if running.board != new.board {
            refusals.append("board changed: restart the service to apply it")
        }
        if running.mqtt.envelope != new.mqtt.envelope {
            refusals.append("mqtt.envelope changed: restart the service to apply it")
        }
        if running.commands != new.commands {
            // Who may command the board is set up once, with the subscription and the replay
            // memory; a remote `reload` must not be able to widen its own allow-list.
            refusals.append("commands changed: restart the service to apply it")
        }
        if running.gateway.id != new.gateway.id {
            refusals.append("gateway.id changed: restart the service to apply it")
        } else if running.gateway != new.gateway {
            // The same local name, another identity on the wire or wire-time resolution.
            refusals.append("gateway.pseudonym or gateway.privacy changed: restart the service to apply it")
        }
        self.refusals = refusals
        restartSampler = running.sensors != new.sensors
        reconnectUplink = running.mqtt != new.mqtt
        warnings = running.logLevel != new.logLevel
            ? ["log.level changed: it takes effect at the next restart"] : []
        if running.metrics != new.metrics { warnings.append("metrics changed: it takes effect at the next restart") }
    }
}
