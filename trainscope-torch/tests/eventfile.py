"""An event-file reader for the tests, written apart from the package's writer: its own CRC-32C
(bit by bit), its own protobuf wire decoding, and the field numbers of TensorFlow's protos."""

import struct


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    out = []
    while pos < len(data):
        if len(data) - pos < 12:
            raise AssertionError("truncated record header at %d" % pos)
        n = struct.unpack_from("<Q", data, pos)[0]
        (lcrc,) = struct.unpack_from("<I", data, pos + 8)
        if lcrc != masked(crc32c(data[pos:pos + 8])):
            raise AssertionError("bad length CRC at %d" % pos)
        body = data[pos + 12:pos + 12 + n]
        (dcrc,) = struct.unpack_from("<I", data, pos + 12 + n)
        if dcrc != masked(crc32c(body)):
            raise AssertionError("bad data CRC at %d" % pos)
        out.append(body)
        pos += 16 + n
    return out


def fields(buf):
    """field number -> list of values (int for varint, bytes for LEN, raw bytes for I64/I32)."""
    out = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        f, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = _varint(buf, pos)
        elif wire == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise AssertionError("wire type %d" % wire)
        out.setdefault(f, []).append(v)
    return out


def _varint(buf, pos):
    shift = 0
    n = 0
    while True:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, pos


class Value:
    def __init__(self, step, wall, tag, tensor, metadata):
        self.step = step
        self.wall = wall
        self.tag = tag
        self.tensor = tensor
        self.metadata = metadata


def one(f, n, default=None):
    v = f.get(n)
    return v[0] if v else default


def metadata(buf):
    f = fields(buf)
    plugin = fields(one(f, 1, b""))
    return {"plugin_name": one(plugin, 1, b"").decode(), "plugin_content": one(plugin, 2, b""),
            "display_name": one(f, 2, b"").decode(), "description": one(f, 3, b"").decode(),
            "data_class": one(f, 4, 0)}


def tensor(buf):
    f = fields(buf)
    dims = [one(fields(d), 1, 0) for d in fields(one(f, 2, b"")).get(2, [])]
    out = {"dtype": one(f, 1, 0), "shape": dims}
    if 5 in f:
        raw = b"".join(f[5])
        out["values"] = list(struct.unpack("<%df" % (len(raw) // 4), raw))
    if 6 in f:
        raw = b"".join(f[6])
        out["values"] = list(struct.unpack("<%dd" % (len(raw) // 8), raw))
    if 8 in f:
        out["strings"] = f[8]
    return out


def read(path):
    """(events, values, graphs): the decoded events' field maps, every Summary.Value, the graph_defs."""
    events = [fields(r) for r in records(path)]
    values = []
    graphs = []
    for e in events:
        step = one(e, 2, 0)
        wall = struct.unpack("<d", one(e, 1, b"\0" * 8))[0]
        if 4 in e:
            graphs.append(e[4][0])
        for s in e.get(5, []):
            for v in fields(s).get(1, []):
                vf = fields(v)
                values.append(Value(step, wall, one(vf, 1).decode(), tensor(one(vf, 8, b"")),
                                    metadata(vf[9][0]) if 9 in vf else None))
    return events, values, graphs


def series(values, tag):
    """[(step, value)] of a scalar tag."""
    return [(v.step, v.tensor["values"][0]) for v in values if v.tag == tag]


def graph_nodes(buf):
    """[(name, op, inputs, {attr: decoded fields})]."""
    out = []
    for n in fields(buf).get(1, []):
        f = fields(n)
        attrs = {}
        for a in f.get(5, []):
            af = fields(a)
            attrs[one(af, 1).decode()] = fields(one(af, 2, b""))
        out.append((one(f, 1, b"").decode(), one(f, 2, b"").decode(), [i.decode() for i in f.get(3, [])], attrs))
    return out
