"""An event-file writer of its own, so that watching a model needs nothing but PyTorch.

It writes what Trainscope's Java writer (``trainscope-writer``'s ``DefaultSummaryWriter``) writes,
in the same bytes (one scalar event is byte for byte the Java writer's): a file ``events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n>`` in the log
directory, TFRecord records (``u64 length``, ``u32 masked CRC-32C of the length``, the event,
``u32 masked CRC-32C of the event``), a first event with ``file_version = "brain.Event:2"``, then
one event per value (within :meth:`EventWriter.batch`, one per step for the scalars) in
TensorBoard's tensor style:

=========  ======================================  ==========  ===========
kind       tensor                                   plugin      data class
=========  ======================================  ==========  ===========
scalar     DT_FLOAT, shape [], float_val            scalars     1 (scalar)
histogram  DT_DOUBLE, shape [k, 3]: left, right,   histograms  2 (tensor)
           count per bucket, in double_val
image      DT_STRING [3]: width, height (decimal),  images      3 (blob
           the PNG                                              sequence)
text       DT_STRING [], the Markdown               text        2 (tensor)
=========  ======================================  ==========  ===========

A tag's first value carries its ``SummaryMetadata``: the plugin (content empty: version 0), and
when :meth:`describe` was called for the tag before, the display name and the description. A
model graph goes into the event's ``graph_def`` field. TensorBoard and Trainscope read all of it.

Writes are buffered and reach the file at least every ``flush_secs`` seconds (when a value is
logged), on :meth:`flush` and on :meth:`close`. Not thread-safe.
"""

import atexit
import contextlib
import math
import os
import socket
import struct
import time
import weakref

from . import _proto as proto
from . import images
from . import stats
from ._crc32c import masked_crc32c

FILE_VERSION = "brain.Event:2"
WRITER_NAME = "trainscope_torch"

_SCALAR = ("scalar", "scalars", proto.DATA_CLASS_SCALAR)
_HISTOGRAM = ("histogram", "histograms", proto.DATA_CLASS_TENSOR)
_IMAGE = ("image", "images", proto.DATA_CLASS_BLOB_SEQUENCE)
_TEXT = ("text", "text", proto.DATA_CLASS_TENSOR)

_files_created = 0


def _host():
    name = socket.gethostname() or "localhost"
    clean = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return clean or "localhost"


def _float32(x):
    """``x`` as a float32's bytes; beyond float32's range, an infinity of its sign (as Java's cast)."""
    try:
        return struct.pack("<f", x)
    except OverflowError:
        return struct.pack("<f", math.copysign(math.inf, x))


_DOUBLE = struct.Struct("<d")
_UINT = struct.Struct("<I")
_SCALAR_TENSOR = b"\x08\x01\x12\x00\x2a\x04"  # DT_FLOAT, shape [], float_val: 4 bytes follow


class _Tag:
    __slots__ = ("kind", "field", "metadata", "scalar_value", "scalar_tail")

    def __init__(self, name, kind, metadata):
        self.kind = kind
        self.field = proto.length_delimited(1, name.encode("utf-8"))
        self.metadata = metadata  # encoded SummaryMetadata, written with the first value, then None
        # A scalar event after its step, up to the float: the same bytes for every value without metadata.
        value_len = len(self.field) + 2 + len(_SCALAR_TENSOR) + 4
        summary_len = 1 + len(proto.varint(value_len)) + value_len
        self.scalar_value = self.field + b"\x42" + bytes([len(_SCALAR_TENSOR) + 4]) + _SCALAR_TENSOR
        self.scalar_tail = b"\x2a" + proto.varint(summary_len) + b"\x0a" + proto.varint(value_len) + self.scalar_value


class EventWriter:
    """Writes one new event file in ``logdir`` (created if needed)."""

    def __init__(self, logdir, filename_suffix="", flush_secs=1.0):
        global _files_created
        if not isinstance(logdir, (str, os.PathLike)):
            raise TypeError("logdir must be a path, was %r" % (logdir,))
        if flush_secs <= 0:
            raise ValueError("flush_secs must be > 0, was %r" % (flush_secs,))
        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        now = time.time()
        name = "events.out.tfevents.%010d.%s.%d.%d%s" % (int(math.floor(now)), _host(), os.getpid(),
                                                        _files_created, filename_suffix)
        _files_created += 1
        self.path = os.path.join(self.logdir, name)
        self._file = open(self.path, "xb")
        self._buffer = []
        self._buffered = 0
        self._flush_secs = flush_secs
        self._last_flush = time.monotonic()
        self._tags = {}
        self._descriptions = {}
        self._length_crcs = {}
        self._step = None
        self._step_field = b""
        self._appended = 0
        self._batching = 0
        self._pending = None  # a batch's (step, wall time, encoded values)
        self._closed = False
        self._append(proto.file_version_event(now, FILE_VERSION, WRITER_NAME))
        self.flush()
        ref = weakref.ref(self)
        self._atexit = lambda: ref() is not None and ref().close()
        atexit.register(self._atexit)

    # ---- tags ----

    def describe(self, tag, display_name, description):
        """Display name and description for ``tag``'s metadata; before the tag's first value only."""
        _require_tag(tag)
        if tag in self._tags:
            raise ValueError("describe(%r, ...) must come before the tag's first value, and it has one already" % tag)
        self._descriptions[tag] = (display_name, description)

    def _tag(self, name, kind):
        t = self._tags.get(name)
        if t is not None:
            if t.kind is not kind:
                raise ValueError("tag %r holds %s values; it cannot also hold %s values" % (name, t.kind[0], kind[0]))
            return t
        _require_tag(name)
        display, description = self._descriptions.get(name, ("", ""))
        t = _Tag(name, kind, proto.summary_metadata(kind[1], display, description, kind[2]))
        self._tags[name] = t
        return t

    # ---- values ----

    def scalar(self, tag, value, step, wall_time=None):
        t = self._tags.get(tag)
        if t is None or t.kind is not _SCALAR:
            t = self._tag(tag, _SCALAR)
        if self._batching and wall_time is None:
            self._batched(t, t.scalar_value + _float32(float(value)), int(step))
            return
        if t.metadata is not None:
            self._value(t, _SCALAR_TENSOR + _float32(float(value)), step, wall_time)
            return
        # the common case, in few calls: wall time (never 0 here), the step's field, the tag's bytes, the float
        if step != self._step:
            self._step = step
            self._step_field = proto.int_field(2, int(step))
        wall = _DOUBLE.pack(time.time() if wall_time is None else float(wall_time))
        self._append(b"\x09" + wall + self._step_field + t.scalar_tail + _float32(float(value)))

    @contextlib.contextmanager
    def batch(self):
        """Within it, the scalars of one step go into one event (several ``Summary.Value`` in its
        summary, as TensorFlow's merged summaries have them) at the step's first wall time: fewer
        records and checksums for a watch that logs dozens of scalars a step."""
        self._batching += 1
        try:
            yield self
        finally:
            self._batching -= 1
            if not self._batching:
                self._end_batch()

    def _batched(self, t, value, step):
        if self._pending is not None and self._pending[0] != step:
            self._end_batch()
        if t.metadata is not None:
            value += proto.length_delimited(9, t.metadata)
            t.metadata = None
        if self._pending is None:
            self._pending = (step, time.time(), [])
        self._pending[2].append(b"\x0a" + proto.varint(len(value)) + value)

    def _end_batch(self):
        if self._pending is not None:
            step, wall, values = self._pending
            self._pending = None
            self._append(proto.event_head(wall, step) + proto.length_delimited(5, b"".join(values)))

    def histogram(self, tag, values, step, wall_time=None):
        """The histogram of a tensor's values (see :func:`trainscope_torch.stats.histogram`), or a
        :class:`~trainscope_torch.stats.Histogram`."""
        t = self._tag(tag, _HISTOGRAM)
        hist = values if isinstance(values, stats.Histogram) else stats.histogram(values)
        self._value(t, proto.tensor(proto.DT_DOUBLE, (len(hist.counts), 3), doubles=hist.rows()), step, wall_time)

    def image(self, tag, pixels, step, wall_time=None):
        """A picture: uint8 pixels [H, W] (grey) or [H, W, 3] (RGB), encoded as a PNG."""
        t = self._tag(tag, _IMAGE)
        strings = [str(int(pixels.shape[1])).encode("ascii"), str(int(pixels.shape[0])).encode("ascii"),
                   images.png(pixels)]
        self._value(t, proto.tensor(proto.DT_STRING, (3,), strings=strings), step, wall_time)

    def text(self, tag, markdown, step, wall_time=None):
        t = self._tag(tag, _TEXT)
        self._value(t, proto.tensor(proto.DT_STRING, (), strings=[markdown.encode("utf-8")]), step, wall_time)

    def graph(self, graph_def_bytes, wall_time=None):
        """A GraphDef (encoded), in the event's ``graph_def`` field at step 0."""
        self._append(proto.graph_event(time.time() if wall_time is None else wall_time, bytes(graph_def_bytes)))

    def _value(self, t, tensor_bytes, step, wall_time):
        step = int(step)
        value = t.field + proto.length_delimited(8, tensor_bytes)
        if t.metadata is not None:
            value += proto.length_delimited(9, t.metadata)
            t.metadata = None
        summary = proto.length_delimited(1, value)
        self._append(proto.event_head(time.time() if wall_time is None else float(wall_time), step)
                     + proto.length_delimited(5, summary))

    # ---- records ----

    def _append(self, event):
        if self._pending is not None and not self._batching:
            self._end_batch()
        if self._closed:
            raise ValueError("the event writer of %s is closed" % self.path)
        n = len(event)
        head = self._length_crcs.get(n)
        if head is None:
            length = struct.pack("<Q", n)
            head = self._length_crcs[n] = length + _UINT.pack(masked_crc32c(length))
        self._buffer.append(head + event + _UINT.pack(masked_crc32c(event)))
        self._buffered += n
        self._appended += 1
        # the clock every 16 records: flush_secs is a bound for a live reader, not a deadline
        if self._buffered > (1 << 20) or (self._appended & 15 == 0
                                          and time.monotonic() - self._last_flush > self._flush_secs):
            self.flush()

    def flush(self):
        """Hands everything logged so far to the operating system (a batch's pending step too)."""
        self._end_batch()
        if self._buffer:
            self._file.write(b"".join(self._buffer))
            self._buffer = []
            self._buffered = 0
        if not self._closed:
            self._file.flush()
        self._last_flush = time.monotonic()

    def close(self):
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._file.close()
        atexit.unregister(self._atexit)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _require_tag(tag):
    if not isinstance(tag, str) or not tag:
        raise ValueError("a tag must be a non-empty string, was %r" % (tag,))
