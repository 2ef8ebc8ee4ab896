"""Event files as torch.utils.tensorboard and the Keras TensorBoard callback write them.

torch.utils.tensorboard needs the `tensorboard` package (and protobuf), which this machine does
not have, so this module encodes the few protobuf messages by hand, field by field, in the order
and with the presence rules that protobuf's serializer uses (fields in field-number order; proto3
scalars left out when their bits are all zero; oneof members always written; repeated numbers
packed). The facts come from torch 1.13's torch/utils/tensorboard/{writer,summary}.py, from
TensorBoard's summary_v2 and event_file_writer, and from the real Keras files in
../shared/data/tfevents. No code is taken from those projects.

Also: a TFRecord reader and a minimal protobuf decoder, used to check the files we write.
"""

import io
import math
import os
import socket
import struct
import time

import numpy as np

# ---------------------------------------------------------------------------------------------
# CRC32C (Castagnoli), table-driven, and TFRecord framing

_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)
del _n, _c


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_tfrecords(path):
    """Yields each record's payload; raises ValueError on a bad checksum or a cut record."""
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0
    while pos < len(buf):
        if pos + 12 > len(buf):
            raise ValueError(f"{path}: record header cut at byte {pos}")
        header = buf[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (hcrc,) = struct.unpack("<I", buf[pos + 8:pos + 12])
        if hcrc != masked_crc32c(header):
            raise ValueError(f"{path}: bad length checksum at byte {pos}")
        data = buf[pos + 12:pos + 12 + length]
        if len(data) != length or pos + 16 + length > len(buf):
            raise ValueError(f"{path}: record cut at byte {pos}")
        (dcrc,) = struct.unpack("<I", buf[pos + 12 + length:pos + 16 + length])
        if dcrc != masked_crc32c(data):
            raise ValueError(f"{path}: bad data checksum at byte {pos}")
        yield data
        pos += 16 + length


# ---------------------------------------------------------------------------------------------
# protobuf wire format (encoding)

def _varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def f_varint(field, n, always=False):
    """int32/int64/enum/bool; proto3 leaves 0 out unless the field has presence (always)."""
    if not n and not always:
        return b""
    return _key(field, 0) + _varint(int(n))


def f_double(field, x, always=False):
    packed = struct.pack("<d", float(x))
    if not always and packed == b"\0" * 8:  # protobuf compares the bits: -0.0 is written
        return b""
    return _key(field, 1) + packed


def f_float(field, x, always=False):
    packed = struct.pack("<f", float(x))
    if not always and packed == b"\0" * 4:
        return b""
    return _key(field, 5) + packed


def f_bytes(field, data, always=False):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data and not always:
        return b""
    return _key(field, 2) + _varint(len(data)) + data


def f_packed_doubles(field, values):
    if len(values) == 0:
        return b""
    return f_bytes(field, np.asarray(values, dtype="<f8").tobytes())


# ---------------------------------------------------------------------------------------------
# messages (field numbers of tensorboard/compat/proto and the hparams plugin)

def event_bytes(wall_time, step=None, file_version=None, summary=None, source_writer=None,
                graph_def=None, session_log=None):
    # Event: wall_time 1, step 2, file_version 3, graph_def 4, summary 5, session_log 7,
    # source_metadata 10
    out = f_double(1, wall_time) + f_varint(2, step or 0)
    if file_version is not None:
        out += f_bytes(3, file_version, always=True)
    if graph_def is not None:
        out += f_bytes(4, graph_def, always=True)
    if summary is not None:
        out += f_bytes(5, summary, always=True)
    if session_log is not None:
        out += f_bytes(7, session_log, always=True)
    if source_writer is not None:
        out += f_bytes(10, f_bytes(1, source_writer))  # SourceMetadata.writer = 1
    return out


def summary_metadata(plugin_name, content=b""):
    # SummaryMetadata.plugin_data 1 {plugin_name 1, content 2}
    return f_bytes(1, f_bytes(1, plugin_name) + f_bytes(2, content), always=True)


def summary_value(tag, simple_value=None, image=None, histo=None, tensor=None, metadata=None):
    # Summary.Value: tag 1, simple_value 2, image 4, histo 5, tensor 8, metadata 9
    out = f_bytes(1, tag)
    if simple_value is not None:
        out += f_float(2, simple_value, always=True)
    if image is not None:
        out += f_bytes(4, image, always=True)
    if histo is not None:
        out += f_bytes(5, histo, always=True)
    if tensor is not None:
        out += f_bytes(8, tensor, always=True)
    if metadata is not None:
        out += f_bytes(9, metadata, always=True)
    return out


def summary(*values):
    return b"".join(f_bytes(1, v, always=True) for v in values)


def histogram_proto(hmin, hmax, num, hsum, sum_squares, bucket_limit, bucket):
    return (f_double(1, hmin) + f_double(2, hmax) + f_double(3, num) + f_double(4, hsum)
            + f_double(5, sum_squares) + f_packed_doubles(6, bucket_limit)
            + f_packed_doubles(7, bucket))


def image_proto(height, width, colorspace, png):
    return (f_varint(1, height) + f_varint(2, width) + f_varint(3, colorspace)
            + f_bytes(4, png))


DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7


def tensor_proto(dtype, shape, content=None, float_val=None, string_val=None):
    # TensorProto: dtype 1, tensor_shape 2 {dim 2 {size 1}}, tensor_content 4, float_val 5,
    # string_val 8
    shape_msg = b"".join(f_bytes(2, f_varint(1, d)) for d in shape)
    out = f_varint(1, dtype) + f_bytes(2, shape_msg, always=True)
    if content is not None:
        out += f_bytes(4, content)
    if float_val is not None:
        out += f_bytes(5, np.asarray(float_val, dtype="<f4").tobytes())
    if string_val is not None:
        out += b"".join(f_bytes(8, s, always=True) for s in string_val)
    return out


# ---------------------------------------------------------------------------------------------
# torch's summaries

def torch_default_bins():
    """SummaryWriter.default_bins: +-1e-12 * 1.1^k up to 1e20, and 0."""
    v = 1e-12
    buckets = []
    neg_buckets = []
    while v < 1e20:
        buckets.append(v)
        neg_buckets.append(-v)
        v *= 1.1
    return neg_buckets[::-1] + [0] + buckets


_DEFAULT_BINS = torch_default_bins()


def torch_histogram(values, bins=None):
    """The HistogramProto bytes of summary.make_histogram(values.astype(float), bins)."""
    values = np.asarray(values).astype(float).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(values, bins=_DEFAULT_BINS if bins is None else bins)
    # torch 1.13 calls np.greater(counts, 0, dtype=np.int32), which numpy 1.24 refuses; the
    # cast afterwards gives the same numbers
    cum_counts = np.cumsum(np.greater(counts, 0).astype(np.int32))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start = int(start)
    end = int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty")
    sum_sq = values.dot(values)
    return histogram_proto(values.min(), values.max(), len(values), values.sum(), sum_sq,
                           [float(x) for x in limits.tolist()],
                           [float(x) for x in counts.tolist()])


def _make_grid(arr, ncols=8):
    """torch's _utils.make_grid: N1HW or N3HW -> 3 x (H*rows) x (W*cols)."""
    if arr.shape[1] == 1:
        arr = np.concatenate([arr, arr, arr], 1)
    nimg, _, h, w = arr.shape
    ncols = min(nimg, ncols)
    nrows = int(np.ceil(float(nimg) / ncols))
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=arr.dtype)
    i = 0
    for y in range(nrows):
        for x in range(ncols):
            if i >= nimg:
                break
            canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = arr[i]
            i += 1
    return canvas


def torch_image(img, dataformats="NCHW"):
    """The Summary.Image bytes of summary.image(tag, img, dataformats=...)."""
    from PIL import Image
    arr = np.asarray(img)
    fmt = dataformats.upper()
    if len(fmt) == 4:
        arr = arr.transpose([fmt.find(c) for c in "NCHW"])
        arr = _make_grid(arr).transpose(1, 2, 0)
    elif len(fmt) == 3:
        arr = arr.transpose([fmt.find(c) for c in "HWC"])
        if arr.shape[2] == 1:
            arr = np.concatenate([arr, arr, arr], 2)
    else:
        arr = arr.transpose([fmt.find(c) for c in "HW"])
        arr = np.stack([arr, arr, arr], 2)
    scale = 1 if arr.dtype == np.uint8 else 255
    arr = (arr.astype(np.float32) * scale).astype(np.uint8)
    height, width, channel = arr.shape
    image = Image.fromarray(arr)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return image_proto(height, width, channel, out.getvalue())


def _struct_value(v):
    # google.protobuf.Value: number_value 2, string_value 3, bool_value 4 (a oneof: always written)
    if isinstance(v, bool):
        return f_varint(4, int(v), always=True)
    if isinstance(v, (int, float)):
        return f_double(2, v, always=True)
    if isinstance(v, str):
        return f_bytes(3, v, always=True)
    raise ValueError(f"hparam value of type {type(v).__name__}")


def torch_hparams(hparam_dict, metric_dict, shuffle=None):
    """The three Summary messages of torch.utils.tensorboard.summary.hparams (experiment,
    session_start_info, session_end_info), as bytes.

    HParamsPluginData: version 1 (0, left out), experiment 2, session_start_info 3,
    session_end_info 4. Experiment.hparam_infos 4 {name 1, type 4}, metric_infos 5
    {name 1 {tag 2}}. SessionStartInfo.hparams 1 (map<string, Value>). SessionEndInfo.status 1.

    protobuf's C++ serializer writes the map's entries in the order of its hash table, which
    changes from process to process (the files of ../shared/data/training-runs show it); with
    `shuffle` (a random.Random) the entries come in an order drawn from it, else in dict order.
    """
    hp_infos = b""
    entries = []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, bool):
            dtype = 2  # DATA_TYPE_BOOL
        elif isinstance(v, (int, float)):
            dtype = 3  # DATA_TYPE_FLOAT64
        elif isinstance(v, str):
            dtype = 1  # DATA_TYPE_STRING
        else:
            raise ValueError("value should be one of int, float, str, bool")
        entry = f_bytes(1, k, always=True) + f_bytes(2, _struct_value(v), always=True)
        entries.append(f_bytes(1, entry, always=True))
        hp_infos += f_bytes(4, f_bytes(1, k) + f_varint(4, dtype), always=True)
    metric_infos = b"".join(f_bytes(5, f_bytes(1, f_bytes(2, k)), always=True)
                            for k in metric_dict)
    if shuffle is not None:
        shuffle.shuffle(entries)
    ssi_map = b"".join(entries)
    experiment = f_bytes(2, hp_infos + metric_infos, always=True)
    ssi = f_bytes(3, ssi_map, always=True)
    sei = f_bytes(4, f_varint(1, 1), always=True)  # STATUS_SUCCESS
    out = []
    for tag, content in (("_hparams_/experiment", experiment),
                         ("_hparams_/session_start_info", ssi),
                         ("_hparams_/session_end_info", sei)):
        out.append(summary(summary_value(tag, metadata=summary_metadata("hparams", content))))
    return out


# ---------------------------------------------------------------------------------------------
# writers

class Clock:
    """Wall time of the events: the real clock, or a simulated one that a generator advances
    (so that a process resumed later really starts later in the files)."""

    def __init__(self, start=None):
        self.offset = 0.0 if start is None else start - time.time()

    def now(self):
        return time.time() + self.offset


class _Uid:
    """event_file_writer._global_uid: a process-wide counter in every file name."""
    value = 0

    @classmethod
    def next(cls):
        v = cls.value
        cls.value += 1
        return v


class EventFile:
    """One events.out.tfevents file: name as TensorBoard's EventFileWriter gives it."""

    def __init__(self, logdir, clock, suffix="", source_writer=None, pid=None, host=None,
                 uid=None):
        os.makedirs(logdir, exist_ok=True)
        self.clock = clock
        t = clock.now()
        name = "events.out.tfevents.%010d.%s.%s.%s%s" % (
            t, host or socket.gethostname(), pid if pid is not None else os.getpid(),
            _Uid.next() if uid is None else uid, suffix)
        self.path = os.path.join(logdir, name)
        self._f = open(self.path, "wb")
        self.write_event(event_bytes(t, file_version="brain.Event:2",
                                     source_writer=source_writer))

    def write_event(self, data):
        self._f.write(tfrecord(data))

    def write_summary(self, summary_bytes, step=None, wall_time=None):
        t = self.clock.now() if wall_time is None else wall_time
        self.write_event(event_bytes(t, step=step, summary=summary_bytes))

    def close(self):
        if self._f:
            self._f.close()
            self._f = None


class TorchSummaryWriter:
    """torch.utils.tensorboard.SummaryWriter: one file per log dir, legacy summaries
    (simple_value, HistogramProto, PNG images), file_version event with the source metadata
    that TensorBoard's event_file_writer adds."""

    SOURCE = "tensorboard.summary.writer.event_file_writer"

    def __init__(self, log_dir, clock, pid=None, host=None, purge_step=None):
        self.log_dir = log_dir
        self.clock = clock
        self.pid = pid
        self.host = host
        self.file = EventFile(log_dir, clock, source_writer=self.SOURCE, pid=pid, host=host)
        self.histograms_skipped_nonfinite = 0
        self.sub_files = []
        if purge_step is not None:
            # SummaryWriter(purge_step=T): a second file_version event at step T, then
            # SessionLog(status=START) at step T (Event.session_log 7 {status 1})
            self.file.write_event(event_bytes(clock.now(), step=purge_step,
                                              file_version="brain.Event:2"))
            self.file.write_event(event_bytes(clock.now(), step=purge_step,
                                              session_log=f_varint(1, 1)))

    def add_scalar(self, tag, value, step=None):
        v = float(np.asarray(value, dtype=np.float64).squeeze())
        self.file.write_summary(summary(summary_value(tag, simple_value=v)), step)

    def add_histogram(self, tag, values, step=None):
        arr = np.asarray(values)
        if not np.all(np.isfinite(arr)):
            # np.histogram raises "autodetected range of [nan, nan] is not finite" for these;
            # a user's loop would catch that and go on
            self.histograms_skipped_nonfinite += 1
            return False
        self.file.write_summary(summary(summary_value(tag, histo=torch_histogram(arr))), step)
        return True

    def add_images(self, tag, images, step=None, dataformats="NCHW"):
        self.file.write_summary(summary(summary_value(tag, image=torch_image(images,
                                                                             dataformats))), step)

    def add_image(self, tag, image, step=None, dataformats="CHW"):
        self.add_images(tag, image, step, dataformats)

    def add_summary_bytes(self, summary_bytes, step=None):
        self.file.write_summary(summary_bytes, step)

    def add_hparams(self, hparam_dict, metric_dict, run_name=None, shuffle=None):
        """SummaryWriter.add_hparams: a second writer in <log_dir>/<run_name> (the time by
        default) with the three hparams summaries and each metric as a scalar without step."""
        if not run_name:
            run_name = str(self.clock.now())
        sub = TorchSummaryWriter(os.path.join(self.log_dir, run_name), self.clock, self.pid,
                                 self.host)
        for s in torch_hparams(hparam_dict, metric_dict, shuffle):
            sub.add_summary_bytes(s)
        for k, v in metric_dict.items():
            sub.add_scalar(k, v)
        sub.close()
        self.sub_files.append(sub.file.path)

    def all_files(self):
        return [self.file.path] + self.sub_files

    def close(self):
        self.file.close()


class KerasSummaryWriter:
    """What a TF2 Keras TensorBoard callback's writer (tf.summary.create_file_writer) puts in a
    file: name suffix `.v2`, file_version event with TF's C++ writer as source, scalars as 0-d
    DT_FLOAT tensors under the `scalars` plugin, histograms as [k, 3] DT_DOUBLE tensors (left
    edge, right edge, count) under the `histograms` plugin, each value with its metadata."""

    SOURCE = "tensorflow.core.util.events_writer"

    def __init__(self, log_dir, clock, pid=None, host=None):
        self.clock = clock
        self.file = EventFile(log_dir, clock, suffix=".v2", source_writer=self.SOURCE, pid=pid,
                              host=host)

    def scalar(self, tag, value, step):
        t = tensor_proto(DT_FLOAT, [], content=struct.pack("<f", float(value)))
        self.file.write_summary(summary(summary_value(
            tag, tensor=t, metadata=summary_metadata("scalars"))), step)

    def histogram(self, tag, values, step, buckets=30):
        t = tensor_proto(DT_DOUBLE, [buckets, 3],
                         content=tf2_histogram_buckets(values, buckets).astype("<f8").tobytes())
        self.file.write_summary(summary(summary_value(
            tag, tensor=t, metadata=summary_metadata("histograms"))), step)

    def histogram_v23(self, tag, values, step, buckets=30):
        """TensorBoard <= 2.3's buckets: as above, except that a constant tensor gets a single
        bucket [v - 0.5, v + 0.5] holding every value (shape [1, 3])."""
        data = np.asarray(values, dtype=np.float64).reshape(-1)
        if data.size and data.min() == data.max():
            v = data.min()
            arr = np.array([[v - 0.5, v + 0.5, float(data.size)]])
        else:
            arr = tf2_histogram_buckets(data, buckets)
        t = tensor_proto(DT_DOUBLE, list(arr.shape), content=arr.astype("<f8").tobytes())
        self.file.write_summary(summary(summary_value(
            tag, tensor=t, metadata=summary_metadata("histograms"))), step)

    def close(self):
        self.file.close()


def tf2_histogram_buckets(values, bucket_count=30):
    """tensorboard.plugins.histogram.summary_v2._buckets (TensorBoard >= 2.10): bucket_count
    equal-width buckets over [min, max] of the float64 data, the last edge set to max; all data
    in the first bucket when min == max; zeros for no data."""
    data = np.asarray(values, dtype=np.float64).reshape(-1)
    if data.size == 0:
        return np.zeros((bucket_count, 3))
    lo = data.min()
    hi = data.max()
    rng = hi - lo
    if rng == 0:
        out = np.zeros((bucket_count, 3))
        out[:, 0] = lo
        out[:, 1] = lo
        out[0, 2] = data.size
        return out
    width = rng / bucket_count
    idx = np.floor((data - lo) / width).astype(np.int64)
    idx = np.minimum(idx, bucket_count - 1)
    counts = np.bincount(idx, minlength=bucket_count).astype(np.float64)
    edges = np.linspace(lo, hi, bucket_count + 1)
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


# ---------------------------------------------------------------------------------------------
# decoding, for checks

def parse_fields(data):
    """A message's fields as a list of (field number, wire type, value); value is an int for
    varints, bytes for length-delimited, fixed 8/4 bytes as bytes."""
    out = []
    pos = 0
    n = len(data)

    def varint():
        nonlocal pos
        shift = 0
        result = 0
        while True:
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    while pos < n:
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            out.append((field, wire, varint()))
        elif wire == 1:
            out.append((field, wire, data[pos:pos + 8]))
            pos += 8
        elif wire == 2:
            ln = varint()
            out.append((field, wire, data[pos:pos + ln]))
            pos += ln
        elif wire == 5:
            out.append((field, wire, data[pos:pos + 4]))
            pos += 4
        else:
            raise ValueError(f"wire type {wire}")
    return out


def decode_event(data):
    """A readable dict of one Event: wall_time, step, file_version, source_writer, values
    (tag, kind, value) where kind is simple_value, histo, image, tensor or hparams."""
    ev = {"step": 0, "values": []}
    for field, _, v in parse_fields(data):
        if field == 1:
            ev["wall_time"] = struct.unpack("<d", v)[0]
        elif field == 2:
            ev["step"] = v if v < 1 << 63 else v - (1 << 64)
        elif field == 3:
            ev["file_version"] = v.decode()
        elif field == 4:
            ev["graph_def"] = len(v)
        elif field == 10:
            ev["source_writer"] = parse_fields(v)[0][2].decode()
        elif field == 5:
            for _, _, val in parse_fields(v):
                ev["values"].append(_decode_value(val))
    return ev


def _decode_value(data):
    out = {"tag": None, "plugin": None}
    for field, _, v in parse_fields(data):
        if field == 1:
            out["tag"] = v.decode()
        elif field == 2:
            out["kind"] = "simple_value"
            out["value"] = struct.unpack("<f", v)[0]
        elif field == 4:
            out["kind"] = "image"
            img = {f: x for f, _, x in parse_fields(v)}
            out["value"] = {"height": img.get(1, 0), "width": img.get(2, 0),
                            "colorspace": img.get(3, 0), "png_bytes": len(img.get(4, b""))}
        elif field == 5:
            out["kind"] = "histo"
            h = {"min": 0.0, "max": 0.0, "num": 0.0, "sum": 0.0, "sum_squares": 0.0,
                 "bucket_limit": [], "bucket": []}
            names = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}
            for f, _, x in parse_fields(v):
                if f in names:
                    h[names[f]] = struct.unpack("<d", x)[0]
                elif f == 6:
                    h["bucket_limit"] = list(np.frombuffer(x, dtype="<f8"))
                elif f == 7:
                    h["bucket"] = list(np.frombuffer(x, dtype="<f8"))
            out["value"] = h
        elif field == 8:
            out["kind"] = "tensor"
            t = {"dtype": 0, "shape": [], "content": b"", "float_val": []}
            for f, _, x in parse_fields(v):
                if f == 1:
                    t["dtype"] = x
                elif f == 2:
                    t["shape"] = [dict((ff, xx) for ff, _, xx in parse_fields(d)).get(1, 0)
                                  for ff, _, d in parse_fields(x) if ff == 2]
                elif f == 4:
                    t["content"] = x
                elif f == 5:
                    t["float_val"] = list(np.frombuffer(x, dtype="<f4"))
            if t["dtype"] == DT_FLOAT and t["content"]:
                t["values"] = np.frombuffer(t["content"], dtype="<f4")
            elif t["dtype"] == DT_DOUBLE and t["content"]:
                t["values"] = np.frombuffer(t["content"], dtype="<f8")
            out["value"] = t
        elif field == 9:
            md = parse_fields(v)
            for f, _, x in md:
                if f == 1:
                    pd = {ff: xx for ff, _, xx in parse_fields(x)}
                    out["plugin"] = pd.get(1, b"").decode()
                    out["plugin_content"] = pd.get(2, b"")
    if out["plugin"] == "hparams" and "kind" not in out:
        out["kind"] = "hparams"
    return out


def read_events(path):
    return [decode_event(r) for r in read_tfrecords(path)]


def scalar_of(value):
    """The float of a decoded scalar value (simple_value or 0-d tensor), else None."""
    if value.get("kind") == "simple_value":
        return value["value"]
    if value.get("kind") == "tensor" and value["value"]["shape"] == []:
        t = value["value"]
        if "values" in t:
            return float(t["values"][0])
        if t["float_val"]:
            return float(t["float_val"][0])
    return None


def is_finite(x):
    return x is not None and math.isfinite(x)


# ---------------------------------------------------------------------------------------------
# self-test: re-encode files written by the real writers and compare bytes

def _reencode(ev):
    """The bytes our encoders give for a decoded event, or None for kinds they do not write."""
    if "graph_def" in ev:
        return None
    if "file_version" in ev:
        if ev["values"]:
            return None
        return event_bytes(ev["wall_time"], step=ev["step"], file_version=ev["file_version"],
                           source_writer=ev.get("source_writer"))
    vals = []
    for v in ev["values"]:
        md = None if v["plugin"] is None else summary_metadata(v["plugin"],
                                                               v.get("plugin_content", b""))
        k = v.get("kind")
        if k == "simple_value":
            vals.append(summary_value(v["tag"], simple_value=v["value"], metadata=md))
        elif k == "histo":
            h = v["value"]
            vals.append(summary_value(v["tag"], histo=histogram_proto(
                h["min"], h["max"], h["num"], h["sum"], h["sum_squares"], h["bucket_limit"],
                h["bucket"]), metadata=md))
        elif k == "hparams":
            vals.append(summary_value(v["tag"], metadata=md))
        elif k == "tensor" and v["value"]["dtype"] in (DT_FLOAT, DT_DOUBLE) \
                and v["value"]["content"]:
            t = v["value"]
            vals.append(summary_value(v["tag"], tensor=tensor_proto(t["dtype"], t["shape"],
                                                                    content=t["content"]),
                                      metadata=md))
        else:
            return None
    if not vals:
        return None
    return event_bytes(ev["wall_time"], step=ev["step"], summary=summary(*vals))


def _hparams_from_content(exp_content, ssi_content):
    """(hparam dict, metric names) recovered from an experiment and a session_start_info."""
    values = {}
    ssi = parse_fields(ssi_content)[0][2]
    for _, _, entry in parse_fields(ssi):
        e = {f: x for f, _, x in parse_fields(entry)}
        (f, _, x), = parse_fields(e[2])
        key = e[1].decode()
        if f == 2:
            values[key] = struct.unpack("<d", x)[0]
        elif f == 3:
            values[key] = x.decode()
        elif f == 4:
            values[key] = bool(x)
    exp = parse_fields(exp_content)[0][2]
    order = [parse_fields(x)[0][2].decode() for f, _, x in parse_fields(exp) if f == 4]
    metrics = [parse_fields(parse_fields(x)[0][2])[0][2].decode()
               for f, _, x in parse_fields(exp) if f == 5]
    return {k: values[k] for k in order}, metrics


def selftest(paths):
    """Re-encodes every event of the given files (or folders) with this module's encoders and
    counts byte-identical events per kind; hparams blocks are rebuilt by torch_hparams from
    their decoded values (map entries compared as a set, see torch_hparams)."""
    import collections
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in sorted(names) if ".tfevents." in n]
        else:
            files.append(p)
    stats = collections.Counter()
    bad = 0
    for path in files:
        events = [(raw, decode_event(raw)) for raw in read_tfrecords(path)]
        hp = {}
        for raw, ev in events:
            enc = _reencode(ev)
            kinds = ",".join(sorted({str(v.get("kind")) for v in ev["values"]})) or "file_version"
            if enc is None:
                stats[(kinds, "not re-encoded")] += 1
                continue
            same = enc == raw
            stats[(kinds, "identical" if same else "DIFFERENT")] += 1
            if not same:
                bad += 1
                if bad <= 5:
                    print("different:", path, ev["step"], raw.hex()[:160], enc.hex()[:160])
            for v in ev["values"]:
                if v.get("kind") == "hparams":
                    hp[v["tag"]] = v["plugin_content"]
        if len(hp) == 3:
            hparams, metrics = _hparams_from_content(hp["_hparams_/experiment"],
                                                     hp["_hparams_/session_start_info"])
            mine = [decode_event(event_bytes(0.0, summary=s))["values"][0]["plugin_content"]
                    for s in torch_hparams(hparams, {m: 0 for m in metrics})]
            theirs = [hp["_hparams_/experiment"], hp["_hparams_/session_start_info"],
                      hp["_hparams_/session_end_info"]]
            ok = (mine[0] == theirs[0] and mine[2] == theirs[2] and
                  sorted(parse_fields(parse_fields(mine[1])[0][2])) ==
                  sorted(parse_fields(parse_fields(theirs[1])[0][2])))
            stats[("hparams block rebuilt", "identical" if ok else "DIFFERENT")] += 1
            bad += 0 if ok else 1
    for k in sorted(stats):
        print("%-40s %-15s %d" % (k[0], k[1], stats[k]))
    print("files: %d, events that differ: %d" % (len(files), bad))
    return bad == 0


if __name__ == "__main__":
    import sys
    if len(sys.argv) < 3 or sys.argv[1] != "--selftest":
        sys.exit("usage: tbevents.py --selftest FILE_OR_DIR...")
    sys.exit(0 if selftest(sys.argv[2:]) else 1)
