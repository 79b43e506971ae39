#!/usr/bin/env bash
# The main job on a laptop: the agent on a simulated board (two BME280s, one on I2C and one on
# SPI) publishing over mutual TLS to a local mosquitto with throwaway certificates, and a
# subscriber printing the readings as they arrive.
# Usage: Scripts/demo.sh [SECONDS]   (default 30; 0 runs until Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
bash Scripts/install-packages.sh
echo "== building sensorgw"
swift build --product sensorgw
bin="$(swift build --show-bin-path)/sensorgw"

run=run
mkdir -p "$run"
[ -f "$run/certs/client.pem" ] || bash Scripts/make-test-certs.sh "$run/certs" dev-laptop >/dev/null
port=18883
bash Scripts/mosquitto-tls.conf.sh "$run/certs" "$port" "$run/broker-data" > "$run/mosquitto.conf"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "== starting mosquitto with mutual TLS on 127.0.0.1:$port (log: $run/mosquitto.log)"
mosquitto -c "$run/mosquitto.conf" > "$run/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

echo "== checking the configuration"
"$bin" config check Examples/simulated.yaml

echo "== subscriber (mutual TLS) prints what the broker receives:"
mosquitto_sub -h localhost -p "$port" --cafile "$run/certs/ca.pem" --cert "$run/certs/subscriber.pem" \
  --key "$run/certs/subscriber.key" -t 'sensorgw/#' -q 1 -v > >(sed -u 's/^/   received: /') &
pids+=($!)  # the subscriber itself (in a pipeline, $! would be sed and the subscriber would outlive us)

echo "== agent (log: $run/agent.log)"
"$bin" run --config Examples/simulated.yaml 2> "$run/agent.log" &
agent=$!
pids+=($agent)
if [ "$seconds" -eq 0 ]; then
  wait "$agent"
else
  sleep "$seconds"
  kill -TERM "$agent"
  wait "$agent" && status=0 || status=$?
  echo "== agent stopped (exit status $status); its last lines:"
  tail -n 3 "$run/agent.log"
fi
