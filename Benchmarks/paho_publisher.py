#!/usr/bin/env python3
"""The paho-mqtt peer of the side-by-side benchmark: publishes every line of a file at QoS 1
over mutual TLS, with at most WINDOW messages in flight, and exits once every PUBACK is in.

Usage: paho_publisher.py HOST PORT CERT_DIR TOPIC WINDOW LINES_FILE
Prints nothing; exits 0 when every message was acknowledged. No storage (messages live in
memory only), which is what the gateway is compared against.
"""
import ssl
import sys
import threading
import time

import paho.mqtt.client as mqtt


def main():
    host, port, certs, topic, window, lines_file = sys.argv[1:7]
    window = int(window)
    with open(lines_file, "rb") as f:
        payloads = f.read().splitlines()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-paho", protocol=mqtt.MQTTv5)
    client.tls_set(ca_certs=f"{certs}/ca.pem", certfile=f"{certs}/client.pem", keyfile=f"{certs}/client.key",
                   tls_version=ssl.PROTOCOL_TLS_CLIENT)
    client.max_inflight_messages_set(window)
    client.max_queued_messages_set(0)
    connected = threading.Event()
    done = threading.Event()
    acked = [0]

    def on_connect(client, userdata, flags, reason_code, properties):
        connected.set()

    def on_publish(client, userdata, mid, reason_code, properties):
        acked[0] += 1
        if acked[0] == len(payloads):
            done.set()

    client.on_connect = on_connect
    client.on_publish = on_publish
    client.connect(host, int(port), keepalive=30)
    client.loop_start()
    if not connected.wait(20):
        sys.exit("no CONNACK")
    # The benchmark measures idle memory here, connected and before the first message.
    time.sleep(float(sys.argv[7]) if len(sys.argv) > 7 else 0)
    # The window is kept here, not by paho's queue: paho numbers a message when it is queued,
    # so 100,000 queued messages wrap the 16-bit message id and collide with ones in flight.
    free = threading.Semaphore(window)
    client.on_publish = lambda *args: (free.release(), on_publish(*args))
    for payload in payloads:
        free.acquire()
        client.publish(topic, payload, qos=1)
    if not done.wait(600):
        sys.exit(f"only {acked[0]} of {len(payloads)} acknowledged")
    client.disconnect()
    client.loop_stop()


if __name__ == "__main__":
    main()
