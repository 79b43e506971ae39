#!/usr/bin/env python3
"""Parses Home Assistant discovery payloads with Python's json module (not the gateway's code).

Usage: ha-discovery-check.py PAYLOAD_FILE...
For each file prints one line: `empty` for an empty payload (which removes an entity), else the
parsed object re-serialized with sorted keys and compact separators. Exits 1 on anything that is
not a JSON object, or on an object without the keys MQTT discovery requires for a sensor
(state_topic, unique_id, device.identifiers).
"""
import json
import sys

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        print("empty")
        continue
    config = json.loads(data.decode("utf-8"))
    if not isinstance(config, dict):
        raise SystemExit(f"{path}: not a JSON object")
    for key in ("state_topic", "unique_id"):
        if not isinstance(config.get(key), str):
            raise SystemExit(f"{path}: no {key}")
    if not config.get("device", {}).get("identifiers"):
        raise SystemExit(f"{path}: no device.identifiers")
    print(json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
