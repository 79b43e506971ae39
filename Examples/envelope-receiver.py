#!/usr/bin/env python3
"""Opens sensorgw payload envelopes (docs/ENVELOPE.md) with nothing but PyPI's `cryptography`.

An independent receiver: HPKE base mode (RFC 9180, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
ChaCha20-Poly1305) is written out here from X25519, HMAC-SHA256 and ChaCha20-Poly1305, so it
needs no HPKE library and shows the format can be implemented from its spec.

    envelope-receiver.py VECTORS.json     opens every vector, prints `name: ok <plaintext hex>`
                                          or `name: <error>`; exits 1 if any result differs
                                          from the vector's `expect`.
"""
import hashlib
import hmac
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION, SUITE = 1, 1
KEM_SUITE = b"KEM" + struct.pack(">H", 0x0020)
HPKE_SUITE = b"HPKE" + struct.pack(">HHH", 0x0020, 0x0001, 0x0003)


def extract(salt, ikm):
    return hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()


def expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:length]


def labeled_extract(suite, salt, label, ikm):
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite, prk, label, info, length):
    return expand(prk, struct.pack(">H", length) + b"HPKE-v1" + suite + label + info, length)


def hpke_open(sk_r, enc, info, aad, ciphertext):
    """RFC 9180 section 5.1.1 (base mode) and 4.1 (DHKEM decap), first message (seq 0)."""
    pk_rm = sk_r.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    dh = sk_r.exchange(X25519PublicKey.from_public_bytes(enc))
    eae_prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    shared = labeled_expand(KEM_SUITE, eae_prk, b"shared_secret", enc + pk_rm, 32)
    psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE, shared, b"secret", b"")
    key = labeled_expand(HPKE_SUITE, secret, b"key", context, 32)
    nonce = labeled_expand(HPKE_SUITE, secret, b"base_nonce", context, 12)
    return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad)


def key_id(raw_public_key):
    return hashlib.sha256(raw_public_key).digest()[:8]


def open_envelope(data, sk_r, trusted):
    """Returns (header dict, plaintext) or raises ValueError naming the failed check."""
    if len(data) < 2:
        raise ValueError("truncated")
    if data[0] != VERSION:
        raise ValueError("unsupported_version")
    if data[1] != SUITE:
        raise ValueError("unsupported_suite")
    pos = 2
    def take(n):
        nonlocal pos
        if len(data) - pos < n:
            raise ValueError("truncated")
        pos += n
        return data[pos - n:pos]
    recipient_kid, signer_kid = take(8), take(8)
    (counter,) = struct.unpack(">Q", take(8))
    device_id = take(take(1)[0]).decode("utf-8")
    content_type = take(take(1)[0]).decode("utf-8")
    header = data[:pos]
    enc = take(32)
    sig_start = len(data) - 64
    if sig_start - pos < 16:
        raise ValueError("truncated")
    ciphertext, signature = data[pos:sig_start], data[sig_start:]
    pk_r = sk_r.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    if recipient_kid != key_id(pk_r):
        raise ValueError("unknown_recipient_key")
    signer = next((k for k in trusted if key_id(k) == signer_kid), None)
    if signer is None:
        raise ValueError("unknown_signer")
    try:
        Ed25519PublicKey.from_public_bytes(signer).verify(signature, data[:sig_start])
    except InvalidSignature:
        raise ValueError("bad_signature")
    try:
        plaintext = hpke_open(sk_r, enc, header, b"", ciphertext)
    except InvalidTag:
        raise ValueError("decryption_failed")
    return {"counter": counter, "device_id": device_id, "content_type": content_type}, plaintext


def self_check():
    """RFC 9180 A.2.1 (the same suite): the HPKE part above decrypts the RFC's first message."""
    sk = X25519PrivateKey.from_private_bytes(bytes.fromhex(
        "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb"))
    pt = hpke_open(sk, bytes.fromhex("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a"),
                   bytes.fromhex("4f6465206f6e2061204772656369616e2055726e"), b"Count-0",
                   bytes.fromhex("1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db"
                                 "21993c62ce81883d2dd1b51a28"))
    assert pt == b"Beauty is truth, truth beauty", pt


def main(path):
    self_check()
    with open(path) as f:
        vectors = json.load(f)["vectors"]
    failures = 0
    for v in vectors:
        sk_r = X25519PrivateKey.from_private_bytes(bytes.fromhex(v["recipient_private_key"]))
        trusted = [bytes.fromhex(v["signer_public_key"])]
        try:
            header, plaintext = open_envelope(bytes.fromhex(v["envelope"]), sk_r, trusted)
            result = "ok"
            print(f"{v['name']}: ok {plaintext.hex()} {header['content_type']} {header['device_id']} {header['counter']}")
            if "plaintext" in v and plaintext.hex() != v["plaintext"]:
                result = "wrong_plaintext"
        except ValueError as error:
            result = str(error)
            print(f"{v['name']}: {result}")
        if result != v.get("expect", "ok"):
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
