#!/usr/bin/env python3
"""Decodes SenML CBOR payloads with cbor2, an implementation independent of the gateway's.

Usage: senml-cbor-check.py PAYLOAD_FILE...
For each file prints `pack N` and then one JSON object per record, keys sorted:
  "int:<label>" / "text:<label>"  each label as decoded (integer labels as in RFC 8428 section 6)
  "resolved:name" / "resolved:time"  the record's name and time after applying base values
Floats print as "f:<16 hex digits>", the big-endian IEEE 754 double bits, so comparisons are
exact. Exits 1 (with a message) on anything that is not one complete CBOR array of maps.
"""
import io
import json
import struct
import sys

import cbor2


def value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return "f:" + struct.pack(">d", v).hex()
    if isinstance(v, (int, str)):
        return v
    raise ValueError(f"unexpected value {v!r} of type {type(v).__name__}")


def key(k):
    if isinstance(k, bool):
        raise ValueError(f"boolean map key {k!r}")
    if isinstance(k, int):
        return f"int:{k}"
    if isinstance(k, str):
        return f"text:{k}"
    raise ValueError(f"unexpected key {k!r}")


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    pack = cbor2.CBORDecoder(stream).decode()
    rest = stream.read()
    if rest:
        raise ValueError(f"{len(rest)} bytes after the pack")
    if not isinstance(pack, list):
        raise ValueError(f"the pack is a {type(pack).__name__}, not an array")
    print(f"pack {len(pack)}")
    base_name, base_time = "", 0.0
    for record in pack:
        if not isinstance(record, dict):
            raise ValueError(f"a record is a {type(record).__name__}, not a map")
        base_name = record.get(-2, base_name)
        base_time = record.get(-3, base_time)
        out = {key(k): value(v) for k, v in record.items()}
        out["resolved:name"] = base_name + record.get(0, "")
        out["resolved:time"] = value(float(base_time + record.get(6, 0)))
        print(json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def main():
    try:
        for path in sys.argv[1:]:
            check(path)
    except Exception as error:  # the Swift test shows this text
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


main()
