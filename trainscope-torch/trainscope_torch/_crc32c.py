"""CRC-32C (Castagnoli), as TFRecord frames need it, in pure Python.

The standard byte-at-a-time table (reflected polynomial 0x82F63B78) is extended to slicing by
four with two 16-bit tables: ``crc ^= word; crc = LOW[crc & 0xFFFF] ^ HIGH[crc >> 16]`` takes
four bytes per step, which is what makes a pure-Python checksum cheap enough for a record per
logged scalar. ``crc32c_bytewise`` is the plain definition, kept as the tests' reference.
"""

import struct

_POLY = 0x82F63B78


def _byte_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        table.append(c)
    return table


_T0 = _byte_table()


def _advance(table):
    return [(c >> 8) ^ _T0[c & 0xFF] for c in table]


_T1 = _advance(_T0)
_T2 = _advance(_T1)
_T3 = _advance(_T2)
# For a 32-bit word w xored into the CRC: bytes 0 and 1 still pass through 3 and 2 more bytes of
# shifting, bytes 2 and 3 through 1 and 0.
_LOW = [_T3[x & 0xFF] ^ _T2[x >> 8] for x in range(1 << 16)]
_HIGH = [_T1[x & 0xFF] ^ _T0[x >> 8] for x in range(1 << 16)]
del _T1, _T2, _T3

_MASK_DELTA = 0xA282EAD8


def crc32c(data):
    """The CRC-32C of ``data`` (bytes-like)."""
    crc = 0xFFFFFFFF
    n = len(data)
    words = n >> 2
    low = _LOW
    high = _HIGH
    if words:
        for w in struct.unpack_from("<%dI" % words, data):
            crc ^= w
            crc = low[crc & 0xFFFF] ^ high[crc >> 16]
    t0 = _T0
    for b in bytes(data[words << 2:]):
        crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32c_bytewise(data):
    """The CRC-32C of ``data``, one byte at a time: the definition the fast one must agree with."""
    crc = 0xFFFFFFFF
    for b in bytes(data):
        crc = _T0[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: ``((crc >> 15) | (crc << 17)) + 0xa282ead8`` in 32 bits."""
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF
