#!/usr/bin/env python3
"""Writes the seed corpora of the Jazzer fuzz tests (the *Fuzzer classes) from real files.

Sources, all in the checkout (so under a licence that lets the project keep them; see
testdata/tfevents/README.md): the event files of testdata/tfevents, and the ONNX files of
trainscope-graph/src/test/resources/onnx. The Keras configs and API requests are written out here
by hand. Each seed is small (records, values and graphs of at most 16 KiB, larger graphs cut to
their first nodes), so that the fuzzer's inputs stay small and fast.

    python3 benchmarks/fuzz-seeds.py      # from the repository root; rewrites the seed folders

A fuzzer finding (crash-*, timeout-*) that Jazzer writes into the same folders is kept: this
script deletes only files whose names start with "seed-".
"""
import json
import os
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "testdata" / "tfevents"
MAX_PART = 16 * 1024

EVENTS_RES = ROOT / "trainscope-events/src/test/resources/dev/trainscope/events"
GRAPH_RES = ROOT / "trainscope-graph/src/test/resources/dev/trainscope/graph"
SERVER_RES = ROOT / "trainscope-server/src/test/resources/dev/trainscope/server"
TARGETS = {
    "events": EVENTS_RES / "EventFileFuzzerInputs/scan_anyBytes_reportsDamageAndDeliversOnlyFramedRecords",
    "values": EVENTS_RES / "PluginPayloadFuzzerInputs/decode_anySummaryValue_throwsOnlyMalformedProto",
    "graphdef": GRAPH_RES / "GraphDefFuzzerInputs/read_anyGraphDefOrMetaGraph_throwsOnlyBadGraph",
    "onnx": GRAPH_RES / "OnnxFuzzerInputs/read_anyModelProto_throwsOnlyBadGraph",
    "keras": GRAPH_RES / "KerasConfigFuzzerInputs/read_anyJson_throwsOnlyBadGraph",
    "api": SERVER_RES / "ApiFuzzerInputs/request_anyTarget_answersWithoutServerError",
}

# EventFileFuzzer's option byte (see its Javadoc): mostly without checksums, so that mutations reach
# the decoders; some with them; chunked reads, small buffers, a split scan with scalars taken
EVENT_OPTIONS = [0x00, 0x40, 0x01, 0x60, 0x20, 0x0A, 0x13, 0x1C, 0x61, 0x08]


# ---- protobuf wire format, as much as needed ----

def varint(b, i):
    v = shift = 0
    while True:
        x = b[i]
        i += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return v, i


def fields(b):
    """(field number, wire type, value) of a message; a LEN value as bytes."""
    out = []
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wt)
        out.append((f, wt, v))
    return out


def enc_varint(v):
    out = bytearray()
    while True:
        if v < 0x80:
            out.append(v)
            return bytes(out)
        out.append(v & 0x7F | 0x80)
        v >>= 7


def encode(fs):
    out = bytearray()
    for f, wt, v in fs:
        out += enc_varint(f << 3 | wt)
        if wt == 0:
            out += enc_varint(v)
        elif wt == 2:
            out += enc_varint(len(v)) + v
        else:
            out += v
    return bytes(out)


def first(fs, number):
    return next((v for f, _, v in fs if f == number), None)


# ---- TFRecord framing ----

def records(data):
    """(offset, framed bytes, event bytes) of each whole record; stops where the file is cut."""
    i = 0
    while i + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, i)
        if i + 16 + n > len(data):
            return
        yield i, data[i:i + 16 + n], data[i + 12:i + 12 + n]
        i += 16 + n


def plugin_of(value_fields):
    md = first(value_fields, 9)
    pd = first(fields(md), 1) if md is not None else None
    name = first(fields(pd), 1) if pd is not None else None
    return name.decode("utf-8", "replace") if name else ""


def value_key(value):
    fs = fields(value)
    kinds = tuple(sorted(f for f, _, _ in fs if f in (2, 4, 5, 6, 8)))
    tensor = first(fs, 8)
    dtype = first(fields(tensor), 1) if tensor is not None else None
    return kinds, plugin_of(fs), dtype


def event_key(event):
    fs = fields(event)
    kind = next((f for f, _, _ in fs if f >= 3), 0)
    if kind != 5:
        return (kind,)
    values = [v for f, _, v in fields(first(fs, 5)) if f == 1]
    return (5,) + tuple(sorted(set(value_key(v) for v in values)))


def safe_key(event):
    try:
        return event_key(event)
    except (ValueError, IndexError, TypeError):
        return None


def shrink_graph(graph, budget):
    """A GraphDef cut to its first nodes and its other fields, within budget bytes."""
    fs = fields(graph)
    rest = [x for x in fs if x[0] != 1]
    nodes = [x for x in fs if x[0] == 1]
    keep = []
    size = len(encode(rest))
    for n in nodes:
        grown = len(encode([n]))
        if size + grown > budget:
            break
        keep.append(n)
        size += grown
    return encode(keep + rest)


def shrink_meta(meta, budget):
    """A MetaGraphDef with its meta_info_def and its graph_def cut to budget bytes."""
    fs = fields(meta)
    info = [x for x in fs if x[0] == 1]
    graph = first(fs, 2)
    return encode(info + ([(2, 2, shrink_graph(graph, budget - len(encode(info)) - 8))] if graph else []))


def event_files():
    return sorted(p for p in TESTDATA.rglob("*") if p.is_file() and "tfevents" in p.name)


def write(target, name, data):
    d = TARGETS[target]
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + name)).write_bytes(data)


def main():
    for d in TARGETS.values():
        if d.is_dir():
            for f in d.glob("seed-*"):
                f.unlink()

    seen_events = set()
    seen_heads = set()
    seen_values = {}
    seen_graphs = set()
    n = 0
    for path in event_files():
        data = path.read_bytes()
        rel = path.relative_to(TESTDATA)
        stem = "%s-%s-%s" % (rel.parts[0], path.parent.name, path.name.split("tfevents.")[-1][:24])
        recs = list(records(data))
        head = bytearray()
        head_keys = []
        for _, framed, event in recs:
            if head and len(head) + len(framed) > 2048 or len(framed) > MAX_PART:
                break
            head += framed
            head_keys.append(safe_key(event))
        if head and tuple(head_keys) not in seen_heads:
            seen_heads.add(tuple(head_keys))
            write("events", "%s-head" % stem, bytes([EVENT_OPTIONS[n % len(EVENT_OPTIONS)]]) + head)
            n += 1
        end = recs[-1][0] + len(recs[-1][1]) if recs else 0
        if end < len(data):  # cut while a record was written: the tail, as the file has it
            write("events", "%s-tail" % stem, bytes([EVENT_OPTIONS[n % len(EVENT_OPTIONS)]]) + data[-600:])
            n += 1
        for offset, framed, event in recs:
            key = safe_key(event)
            if key is None:
                continue
            if key not in seen_events and len(framed) <= MAX_PART:
                seen_events.add(key)
                write("events", "%s-at%d" % (stem, offset), bytes([EVENT_OPTIONS[n % len(EVENT_OPTIONS)]]) + framed)
                n += 1
            fs = fields(event)
            if key[0] == 5:
                for f, _, v in fields(first(fs, 5)):
                    k = value_key(v) if f == 1 else None
                    if k is not None and seen_values.get(k, 0) < 2 and len(v) <= MAX_PART:
                        seen_values[k] = seen_values.get(k, 0) + 1
                        write("values", "%s-at%d" % (stem, offset), v)
            for field, option, shrink in ((4, 0, shrink_graph), (9, 1, shrink_meta)):
                g = first(fs, field)
                if g is not None and (field, len(g)) not in seen_graphs:
                    seen_graphs.add((field, len(g)))
                    small = g if len(g) <= MAX_PART else shrink(g, MAX_PART)
                    write("graphdef", "%s-at%d%s" % (stem, offset, "" if small is g else "-cut"), bytes([option]) + small)

    onnx = ROOT / "trainscope-graph/src/test/resources/onnx"
    for p in sorted(onnx.glob("*.onnx")):
        model = p.read_bytes()
        if len(model) > MAX_PART:  # the weights' bytes cut to 16: the structure is what the decoder reads
            fs = fields(model)
            graph = fields(first(fs, 7))
            cut = []
            for f, wt, v in graph:
                if f == 5:
                    v = encode([(tf, twt, tv[:16] if tf == 9 else tv) for tf, twt, tv in fields(v)])
                cut.append((f, wt, v))
            model = encode([(f, wt, encode(cut) if f == 7 else v) for f, wt, v in fs])
        write("onnx", p.stem, model)

    for name, config in KERAS.items():
        write("keras", name + ".json", json.dumps(config, indent=None).encode())

    for i, target in enumerate(API_TARGETS):
        write("api", "%02d" % i, target.encode())


def keras_layer(cls, name, inbound=None, **config):
    layer = {"class_name": cls, "config": dict(name=name, **config), "name": name}
    if inbound is not None:
        layer["inbound_nodes"] = inbound
    return layer


def keras3_tensor(layer, shape):
    return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32",
                                                          "keras_history": [layer, 0, 0]}}


KERAS = {
    "sequential": {"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow", "config": {
        "name": "sequential", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 28, 28], "name": "in"}},
            {"class_name": "Flatten", "config": {"name": "flatten"}},
            {"class_name": "Dense", "config": {"name": "dense", "units": 128, "activation": "relu"}},
            {"class_name": "Dropout", "config": {"name": "dropout", "rate": 0.2}},
            {"class_name": "Dense", "config": {"name": "dense_1", "units": 10}}]}},
    "keras2-functional-nested": {"class_name": "Functional", "keras_version": "2.11.0", "config": {
        "name": "model", "layers": [
            keras_layer("InputLayer", "image", [], batch_input_shape=[None, 28, 28, 1]),
            keras_layer("Conv2D", "conv", [[["image", 0, 0, {}]]], filters=8, kernel_size=[3, 3]),
            {"class_name": "Sequential", "name": "head", "inbound_nodes": [[["conv", 0, 0, {}]]], "config": {
                "name": "head", "layers": [{"class_name": "Flatten", "config": {"name": "flat"}},
                                           {"class_name": "Dense", "config": {"name": "fc", "units": 10}}]}},
            keras_layer("Dense", "aux", [[["conv", 0, 0, {}]]], units=1),
            keras_layer("Add", "sum", [[["head", 0, 0, {}], ["aux", 0, 0, {}]]])],
        "input_layers": [["image", 0, 0]], "output_layers": [["sum", 0, 0]]}},
    "keras3-functional": {"class_name": "Functional", "keras_version": "3.3.3", "config": {
        "name": "m", "layers": [
            keras_layer("InputLayer", "x", [], batch_shape=[None, 4]),
            keras_layer("Dense", "d", [{"args": [keras3_tensor("x", [None, 4])], "kwargs": {}}], units=8),
            keras_layer("Concatenate", "c", [{"args": [[keras3_tensor("d", [None, 8]), keras3_tensor("x", [None, 4])]],
                                              "kwargs": {}}], axis=-1)],
        "input_layers": [["x", 0, 0]], "output_layers": [["c", 0, 0]]}},
}

# runs and tags of the store the ApiFuzzer serves (testdata/tfevents/gen-tensorboardX)
API_TARGETS = [
    "/api/runs",
    "/api/tags",
    "/api/tags?run=scalars",
    "/api/scalars?tag=trig&run=scalars/trig/sin&run=scalars/trig/cos",
    "/api/scalars?tag=loss/train&run=scalars&buckets=100&from=-5&to=1000",
    "/api/scalars?tag=special/nan&run=scalars&limit=3&from=10",
    "/api/scalars/download?run=scalars&tag=loss/train&format=json",
    "/api/scalars/download?run=scalars&tag=special/pos_inf",
    "/api/histograms?run=histograms&tag=normal/moving_mean&maxSteps=3",
    "/api/distributions?run=histograms&tag=uniform/auto_bins",
    "/api/blobs?run=media&tag=image/rgb_chw_uint8",
    "/api/blob?run=media&tag=image/rgb_chw_uint8&step=0&index=0",
    "/api/blob?run=media&tag=audio/sine&step=0",
    "/api/text?run=media&tag=text/plain/text_summary",
    "/api/prcurves?run=pr_curves&tag=pr/thresholds_11",
    "/api/hparams",
    "/api/progress",
    "/api/problems?run=scalars",
    "/api/findings",
    "/api/findings?run=scalars",
    "/api/graphs?run=graph",
    "/api/graph?run=graph&source=run_graph&all=1",
    "/api/graph?run=graph&source=run_graph&expand=Net&expanded",
    "/api/graph/search?run=graph&source=run_graph&q=conv&limit=5",
    "/api/graph/node?run=graph&source=run_graph&node=input",
    "/api/layers?run=histograms&columns=20",
    "/api/scalars?tag=%E2%9C%93&run=scalars&from=9223372036854775807",
    "/api/graph\n" + json.dumps({"run": "graph", "source": "run_graph", "expand": ["Net"], "all": False}),
]

if __name__ == "__main__":
    sys.exit(main())
