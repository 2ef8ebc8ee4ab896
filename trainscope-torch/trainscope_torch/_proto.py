"""The protobuf messages of TensorBoard's event files, encoded by hand.

Only what the writer needs, with proto3's rules as Trainscope's Java writer applies them: a
scalar field at its default (0, empty) is left out, packed repeated numbers, fields in number
order. Field numbers are those of TensorFlow's ``event.proto``, ``summary.proto``,
``tensor.proto``, ``tensor_shape.proto``, ``graph.proto``, ``node_def.proto`` and
``attr_value.proto``::

    Event           wall_time=1 (double)  step=2 (int64)  file_version=3  graph_def=4 (bytes)
                    summary=5  source_metadata=10 {writer=1}
    Summary         value=1 (repeated)
    Summary.Value   tag=1  tensor=8  metadata=9
    SummaryMetadata plugin_data=1 {plugin_name=1, content=2}  display_name=2
                    summary_description=3  data_class=4
    TensorProto     dtype=1  tensor_shape=2  float_val=5 (packed)  double_val=6 (packed)
                    string_val=8 (repeated bytes)
    TensorShapeProto dim=2 (repeated) {size=1}
    GraphDef        node=1 (repeated)  versions=4 {producer=1}
    NodeDef         name=1  op=2  input=3 (repeated)  attr=5 (map<string, AttrValue>)
    AttrValue       list=1 {s=2, i=3, shape=7}  s=2  i=3  shape=7
"""

import struct

VARINT = 0
I64 = 1
LEN = 2
I32 = 5

DT_FLOAT = 1
DT_DOUBLE = 2
DT_STRING = 7

DATA_CLASS_SCALAR = 1
DATA_CLASS_TENSOR = 2
DATA_CLASS_BLOB_SEQUENCE = 3


def varint(n):
    """An unsigned varint; negative numbers as their 64-bit two's complement (int64's encoding)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def length_delimited(field, payload):
    """A LEN field, written even when ``payload`` is empty."""
    return key(field, LEN) + varint(len(payload)) + payload


def bytes_field(field, payload):
    """A bytes or string field; left out when empty."""
    if not payload:
        return b""
    return length_delimited(field, payload)


def string_field(field, text):
    return bytes_field(field, text.encode("utf-8")) if text else b""


def int_field(field, n):
    return key(field, VARINT) + varint(n) if n else b""


def double_field(field, x):
    b = struct.pack("<d", x)
    return key(field, I64) + b if b != b"\0" * 8 else b""


def packed_floats(field, values):
    return length_delimited(field, struct.pack("<%df" % len(values), *values)) if values else b""


def packed_doubles(field, values):
    return length_delimited(field, struct.pack("<%dd" % len(values), *values)) if values else b""


# ---- tensors ----

def tensor_shape(dims):
    return b"".join(length_delimited(2, int_field(1, d)) for d in dims)


def tensor(dtype, dims, floats=None, doubles=None, strings=None):
    """A TensorProto; its shape is written even for a scalar (an empty message), as TensorFlow does."""
    out = int_field(1, dtype) + length_delimited(2, tensor_shape(dims))
    if floats:
        out += packed_floats(5, floats)
    if doubles:
        out += packed_doubles(6, doubles)
    if strings:
        out += b"".join(length_delimited(8, s) for s in strings)
    return out


def summary_metadata(plugin_name, display_name, description, data_class):
    plugin = length_delimited(1, string_field(1, plugin_name)) if plugin_name else b""
    return plugin + string_field(2, display_name) + string_field(3, description) + int_field(4, data_class)


def summary_value(tag, tensor_bytes, metadata_bytes=None):
    """A Summary.Value: tag, tensor and (for a tag's first value) metadata."""
    out = length_delimited(1, tag.encode("utf-8")) + length_delimited(8, tensor_bytes)
    if metadata_bytes is not None:
        out += length_delimited(9, metadata_bytes)
    return out


# ---- events ----

def event_head(wall_time, step):
    return double_field(1, wall_time) + int_field(2, step)


def summary_event(wall_time, step, value_bytes):
    return event_head(wall_time, step) + length_delimited(5, length_delimited(1, value_bytes))


def file_version_event(wall_time, version, writer):
    return (double_field(1, wall_time) + length_delimited(3, version.encode("ascii"))
            + length_delimited(10, string_field(1, writer)))


def graph_event(wall_time, graph_def_bytes):
    return double_field(1, wall_time) + length_delimited(4, graph_def_bytes)


# ---- graphs ----

def attr_str(text):
    return length_delimited(2, text.encode("utf-8"))


def attr_int(n):
    return key(3, VARINT) + varint(n)


def attr_shapes(shapes):
    """A list of shapes, as ``_output_shapes`` holds them."""
    return length_delimited(1, b"".join(length_delimited(7, tensor_shape(s)) for s in shapes))


def node_def(name, op, inputs, attrs):
    """``attrs``: (name, encoded AttrValue) pairs, in the order given."""
    out = string_field(1, name) + string_field(2, op)
    out += b"".join(length_delimited(3, i.encode("utf-8")) for i in inputs)
    for k, v in attrs:
        out += length_delimited(5, string_field(1, k) + length_delimited(2, v))
    return out


def graph_def(nodes, producer=0):
    out = b"".join(length_delimited(1, n) for n in nodes)
    if producer:
        out += length_delimited(4, int_field(1, producer))
    return out
