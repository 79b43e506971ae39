#!/usr/bin/env python3
"""Decodes SenML packs with implementations independent of the gateway's and resolves them.

Usage: senml-cbor-check.py [--json] [--resolved] [--check-names] PAYLOAD_FILE...
CBOR (default) is decoded by cbor2, JSON (--json) by Python's json. Each pack is checked against
RFC 8428 and resolved by its section 4.6 rules, done here rather than trusting the gateway: base
name, base time and base unit hold from the record that sets them until a later one sets them
again; a record's name is bn + n, its time bt + t, its unit u or else bu. The gateway's extension
fields (docs/FORMATS.md) are resolved by their own documented rule: `seq` is the previous
record's plus one unless given, `mono_ns` and `synced` are the previous record's unless given,
`boot` holds among records that are not synced and carry no `t_rebased`.

For each file prints `pack N` and then one JSON object per record, keys sorted:
  "int:<label>" / "text:<label>"  each label as decoded (CBOR's integer labels; JSON's as text)
  "resolved:name", "resolved:time", "resolved:unit", "resolved:<v|vb|vs|vd>",
  "resolved:seq", "resolved:mono_ns", "resolved:synced", and "resolved:t_rebased" /
  "resolved:boot" where they apply.
Floats print as "f:<16 hex digits>", the big-endian IEEE 754 double bits, so comparisons are
exact; bytes print as "b:<hex>". With --resolved only the "resolved:" keys are printed;
with --check-names a resolved name outside RFC 8428 section 4.5.1's characters is an error. Exits 1 (with a message) on anything that is not a valid pack.
"""
import base64
import io
import json
import re
import struct
import sys

import cbor2

# RFC 8428 section 6, table 4 (CBOR labels) and the JSON labels of section 4.1.
CBOR_LABELS = {-1: "bver", -2: "bn", -3: "bt", -4: "bu", -5: "bv", -6: "bs", 0: "n", 1: "u", 2: "v", 3: "vs",
               4: "vb", 5: "s", 6: "t", 7: "ut", 8: "vd"}
SENML_LABELS = set(CBOR_LABELS.values())
EXTENSIONS = {"seq", "mono_ns", "synced", "t_rebased", "boot"}
CHECK_NAMES = "--check-names" in sys.argv
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-:./_]*$")  # RFC 8428 section 4.5.1


def show(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return "f:" + struct.pack(">d", v).hex()
    if isinstance(v, (bytes, bytearray)):
        return "b:" + bytes(v).hex()
    if isinstance(v, (int, str)):
        return v
    raise ValueError(f"unexpected value {v!r} of type {type(v).__name__}")


def number(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{what} is not a number: {v!r}")
    return v


def base64url(text):
    if not isinstance(text, str) or "=" in text or not re.fullmatch(r"[A-Za-z0-9\-_]*", text):
        raise ValueError(f"vd is not base64url without padding: {text!r}")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check(data, is_json, resolved_only):
    if is_json:
        pack = json.loads(data.decode("utf-8"))
    else:
        stream = io.BytesIO(data)
        pack = cbor2.CBORDecoder(stream).decode()
        rest = stream.read()
        if rest:
            raise ValueError(f"{len(rest)} bytes after the pack")
    if not isinstance(pack, list) or not pack:
        raise ValueError("the pack is not a non-empty array")
    print(f"pack {len(pack)}")
    base = {"bn": "", "bt": 0, "bu": None}
    held = {"seq": None, "mono_ns": None, "synced": None, "boot": None}
    for index, raw in enumerate(pack):
        if not isinstance(raw, dict):
            raise ValueError(f"a record is a {type(raw).__name__}, not a map")
        out = {}
        record = {}
        for k, v in raw.items():
            if isinstance(k, bool):
                raise ValueError(f"boolean map key {k!r}")
            if isinstance(k, int) and not is_json:
                if k not in CBOR_LABELS:
                    raise ValueError(f"unknown integer label {k}")
                record[CBOR_LABELS[k]] = v
                out[f"int:{k}"] = show(v)
            elif isinstance(k, str):
                if k in SENML_LABELS and not is_json:
                    raise ValueError(f"SenML label {k!r} as text in CBOR")
                if k.endswith("_"):
                    raise ValueError(f"must-understand field {k!r}")
                if k not in SENML_LABELS and k not in EXTENSIONS:
                    raise ValueError(f"unknown field {k!r}")
                record[k] = v
                out[f"text:{k}"] = show(v)
            else:
                raise ValueError(f"unexpected key {k!r}")
        for field in ("bn", "bu", "n", "u", "vs", "boot"):
            if field in record and not isinstance(record[field], str):
                raise ValueError(f"{field} is not text")
        for field in ("bn", "bt", "bu"):
            if field in record:
                base[field] = record[field]
        values = [f for f in ("v", "vb", "vs", "vd") if f in record]
        if len(values) != 1:
            raise ValueError(f"record {index} has {len(values)} values")
        value = values[0]
        resolved = record[value]
        if value == "v":
            number(resolved, "v")
        elif value == "vb" and not isinstance(resolved, bool):
            raise ValueError("vb is not a boolean")
        elif value == "vd":
            resolved = base64url(resolved) if is_json else resolved
            if not isinstance(resolved, (bytes, bytearray)):
                raise ValueError("vd is not a byte string")
        name = base["bn"] + record.get("n", "")
        if CHECK_NAMES and not NAME.match(name):
            raise ValueError(f"resolved name {name!r} is not a valid SenML name")
        out["resolved:name"] = name
        out["resolved:time"] = show(float(number(base["bt"], "bt") + number(record.get("t", 0), "t")))
        unit = record.get("u", base["bu"])
        if unit is not None:
            out["resolved:unit"] = unit
        out["resolved:" + value] = show(float(resolved) if value == "v" else resolved)
        # The gateway's held extension fields.
        if "seq" in record:
            held["seq"] = record["seq"]
        elif held["seq"] is None:
            raise ValueError("the first record has no seq")
        else:
            held["seq"] += 1
        for field in ("mono_ns", "synced"):
            if field in record:
                held[field] = record[field]
            elif held[field] is None:
                raise ValueError(f"the first record has no {field}")
        if not isinstance(held["seq"], int) or isinstance(held["seq"], bool) or held["seq"] < 0:
            raise ValueError("seq is not an unsigned integer")
        if not isinstance(held["synced"], bool):
            raise ValueError("synced is not a boolean")
        out["resolved:seq"] = held["seq"]
        out["resolved:mono_ns"] = held["mono_ns"]
        out["resolved:synced"] = held["synced"]
        if "t_rebased" in record:
            out["resolved:t_rebased"] = show(float(number(record["t_rebased"], "t_rebased")))
        elif not held["synced"]:
            if "boot" in record:
                held["boot"] = record["boot"]
            if held["boot"] is not None:
                out["resolved:boot"] = held["boot"]
        if resolved_only:
            out = {k: v for k, v in out.items() if k.startswith("resolved:")}
        print(json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def main():
    args = sys.argv[1:]
    is_json = "--json" in args
    resolved_only = "--resolved" in args
    args = [a for a in args if a not in ("--json", "--resolved", "--check-names")]
    try:
        for path in args:
            with open(path, "rb") as f:
                check(f.read(), is_json, resolved_only)
    except Exception as error:  # the Swift test shows this text
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


main()
