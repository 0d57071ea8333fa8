#!/usr/bin/env python3
"""XXH64 written from its specification (github.com/Cyan4973/xxHash,
doc/xxhash_spec.md), independent of libxxhash, and the byte encoding of
hash_bucket (docs/EXPRESSIONS_FUNCTIONS.md): the hand computation behind the
expected values of hash_bucket.txt.

    python3 tests/expr/golden/xxh64.py      prints the test vectors and buckets
"""
import struct

P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)
M = (1 << 64) - 1


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def round_(acc, lane):
    acc = (acc + lane * P2) & M
    return (rotl(acc, 31) * P1) & M


def merge(acc, val):
    acc ^= round_(0, val)
    return (acc * P1 + P4) & M


def xxh64(data, seed=0):
    n = len(data)
    i = 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 32 <= n:
            for k in range(4):
                v[k] = round_(v[k], struct.unpack_from('<Q', data, i + 8 * k)[0])
            i += 32
        acc = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
        for k in range(4):
            acc = merge(acc, v[k])
    else:
        acc = (seed + P5) & M
    acc = (acc + n) & M
    while i + 8 <= n:
        acc ^= round_(0, struct.unpack_from('<Q', data, i)[0])
        acc = (rotl(acc, 27) * P1 + P4) & M
        i += 8
    if i + 4 <= n:
        acc ^= (struct.unpack_from('<I', data, i)[0] * P1) & M
        acc = (rotl(acc, 23) * P2 + P3) & M
        i += 4
    while i < n:
        acc ^= (data[i] * P5) & M
        acc = (rotl(acc, 11) * P1) & M
        i += 1
    acc ^= acc >> 33
    acc = (acc * P2) & M
    acc ^= acc >> 29
    acc = (acc * P3) & M
    acc ^= acc >> 32
    return acc


def enc_int(v):
    return struct.pack('<q', v)


def enc_double(v):
    if v != v:
        return struct.pack('<Q', 0x7FF8000000000000)
    if v == 0.0:
        v = 0.0
    return struct.pack('<d', v)


def enc_str(s):
    return s.encode('utf-8')


def bucket(data, n):
    return xxh64(data) % n


if __name__ == '__main__':
    # Published vectors: XXH64("") = EF46DB3751D8E999, XXH64("abc") = 44BC2CF5AD770999.
    assert xxh64(b'') == 0xEF46DB3751D8E999
    assert xxh64(b'abc') == 0x44BC2CF5AD770999
    for label, data in [('int 7', enc_int(7)), ('int -1', enc_int(-1)),
                        ('int64 min', enc_int(-9223372036854775808)),
                        ("''", enc_str('')), ("'abc'", enc_str('abc')),
                        ("'Zürich'", enc_str('Zürich')),
                        ("'x'*100", enc_str('x' * 100)),
                        ('double 1.5', enc_double(1.5)), ('double -0.0', enc_double(-0.0)),
                        ('double 0.0', enc_double(0.0)), ('double nan', enc_double(float('nan'))),
                        ('true', b'\x01'), ('false', b'\x00'),
                        ('ts 1709294400000000', enc_int(1709294400000000))]:
        print(f'{label:24} {xxh64(data):016X}  mod 1000 = {bucket(data, 1000):4}  mod 7 = {bucket(data, 7)}')
