#!/usr/bin/env python3
"""Regenerates the LatchkeyQRCode golden fixtures. See PROVENANCE.md.

Needs `pip install qrcode==8.2 segno==1.6.6`. Every matrix is built by both libraries, in byte mode, at a fixed
version, level and mask, and the script stops if they disagree.
"""
import json
import os
import zlib

import qrcode
import qrcode.util
import segno
import segno.encoder



def _segno_padding_bits(buff, version, length):
    """segno 1.6.6 adds 8 zero bits when the terminator already ends on a byte boundary
    (heuer/segno issues #123 and #148, open); ISO/IEC 18004:2015 7.4.10 adds none. Corrected here."""
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
        buff.extend([0] * (-length % 8))


segno.encoder.write_padding_bits = _segno_padding_bits

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


def python_qrcode(data, version, level, mask):
    qr = qrcode.QRCode(version=version, error_correction=LEVELS[level], border=0, mask_pattern=mask)
    qr.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE))
    qr.make(fit=False)
    return [[bool(m) for m in row] for row in qr.modules]


def segno_qrcode(data, version, level, mask):
    qr = segno.make_qr(data, version=version, error=level, mask=mask, mode="byte", boost_error=False)
    assert qr.version == version and qr.error == level and qr.mask == mask
    return [[bool(m) for m in row] for row in qr.matrix]


def matrix(data, version, level, mask):
    a = python_qrcode(data, version, level, mask)
    b = segno_qrcode(data, version, level, mask)
    assert a == b, f"qrcode and segno disagree: version {version} {level} mask {mask}"
    return a


def smallest_version(data, level):
    qr = segno.make_qr(data, error=level, mode="byte", boost_error=False)
    return qr.version


def packed_crc32(rows):
    bits = [m for row in rows for m in row]
    packed = bytearray((len(bits) + 7) // 8)
    for i, m in enumerate(bits):
        if m:
            packed[i >> 3] |= 0x80 >> (i & 7)
    return zlib.crc32(bytes(packed))


def capacity(version, level):
    """Largest byte count that fits, found by asking python-qrcode (it raises DataOverflowError beyond)."""
    n = 0
    step = 4096
    while step:
        try:
            python_qrcode(b"U" * (n + step), version, level, 0)
            n += step
        except qrcode.exceptions.DataOverflowError:
            step //= 2
    return n


CASES = [
    ("hello-world-M", "HELLO WORLD", "M"),
    ("hello-world-H", "HELLO WORLD", "H"),
    ("otpauth-M", "otpauth://totp/latchkey-mfa@123456789012?secret="
                  "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "M"),
    ("otpauth-short-L", "otpauth://totp/alice@111122223333?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "L"),
    ("utf8-Q", "Grüße, 世界 — ✓ otpauth", "Q"),
    ("long-H", " ".join(f"line{i:03d} of a longer text for a version above ten" for i in range(8)), "H"),
]


def main():
    manifest = []
    for name, text, level in CASES:
        data = text.encode("utf-8")
        version = smallest_version(data, level)
        scores = []
        for mask in range(8):
            rows = matrix(data, version, level, mask)
            scores.append(list(segno.encoder.mask_scores(tuple(bytearray(row) for row in rows), len(rows), len(rows))))
        totals = [sum(s) for s in scores]
        best = totals.index(min(totals))
        rows = matrix(data, version, level, best)
        with open(os.path.join(HERE, f"{name}.txt"), "w") as f:
            f.write("".join("".join("#" if m else "." for m in row) + "\n" for row in rows))
        manifest.append({"name": name, "text": text, "level": level, "version": version,
                         "mask": best, "penalties": scores})
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

    lines = ["# version level mask capacity crc32 -- payload: bytes (7 * i + version) % 256, i < capacity\n"]
    for version in range(1, 41):
        for index, level in enumerate("LMQH"):
            cap = capacity(version, level)
            data = bytes((7 * i + version) % 256 for i in range(cap))
            mask = (version + index) % 8
            rows = matrix(data, version, level, mask)
            lines.append(f"{version} {level} {mask} {cap} {packed_crc32(rows):08x}\n")
    with open(os.path.join(HERE, "versions.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
