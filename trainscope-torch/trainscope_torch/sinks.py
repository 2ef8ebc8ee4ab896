"""Where :func:`trainscope_torch.watch` sends what it logs: its own
:class:`~trainscope_torch.events.EventWriter`, or a writer the caller already has.

A writer passed in is used through the methods it has, found by name (duck typing), as
``torch.utils.tensorboard.SummaryWriter`` and tensorboardX's ``SummaryWriter`` spell them:

=================  ====================================================================
what               how
=================  ====================================================================
scalar             ``add_scalar(tag, value, step)``; when the method takes
                   ``display_name`` and ``summary_description`` (tensorboardX 2.x), a
                   described tag's first value passes them, so the metadata is written
``describe``       kept until the tag's first scalar (see above); other kinds of value
                   cannot carry it through these methods, and Trainscope then infers the
                   role and layer from the tag's name, which follows the same vocabulary
histogram          ``add_histogram_raw(tag, min, max, num, sum, sum_squares,
                   bucket_limits, bucket_counts, step)`` with Trainscope's buckets
                   (TensorBoard's legacy histogram: right edges and counts; nothing
                   for a tensor without finite values), else ``add_histogram(tag,
                   values, step)`` with the values (a CPU tensor)
image              ``add_image(tag, uint8 tensor [C, H, W], step)``
graph              not sent: these writers' ``add_graph`` traces the model by running it
                   again, which a watch must not do
flush, close       ``flush()`` when there is one; the caller's writer is never closed
=================  ====================================================================

A method the writer lacks is left out, once, with a warning.
"""

import contextlib
import inspect
import warnings

from . import stats
from .events import EventWriter


class Sink:
    """What a watch writes to: the methods of :class:`EventWriter` it calls."""

    def describe(self, tag, display_name, description):
        raise NotImplementedError

    def scalar(self, tag, value, step):
        raise NotImplementedError

    def histogram(self, tag, values, step):
        raise NotImplementedError

    def image(self, tag, pixels, step):
        raise NotImplementedError

    def graph(self, graph_def_bytes):
        raise NotImplementedError

    def batch(self):
        """A context in which the values logged may share events; a writer passed in writes each alone."""
        return contextlib.nullcontext()

    def flush(self):
        raise NotImplementedError

    def close(self):
        raise NotImplementedError


def adapt(writer):
    """``writer`` as a sink: an :class:`EventWriter` as it is, anything else through :class:`WriterAdapter`."""
    if isinstance(writer, EventWriter):
        return writer
    if writer is None or not callable(getattr(writer, "add_scalar", None)):
        raise TypeError("logdir_or_writer must be a directory, an EventWriter or a writer with add_scalar "
                        "(torch.utils.tensorboard or tensorboardX SummaryWriter), was %s" % type(writer).__name__)
    return WriterAdapter(writer)


def _accepts(method, *names):
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    return all(n in params for n in names) or any(p.kind == p.VAR_KEYWORD for p in params.values())


class WriterAdapter(Sink):
    """A TensorBoard-style ``SummaryWriter`` as a sink (see the module's table)."""

    def __init__(self, writer):
        self.writer = writer
        self._descriptions = {}
        self._used = set()
        self._metadata = _accepts(writer.add_scalar, "display_name", "summary_description")
        self._warned = set()

    def _method(self, name):
        m = getattr(self.writer, name, None)
        if callable(m):
            return m
        if name not in self._warned:
            self._warned.add(name)
            warnings.warn("trainscope_torch: the writer %s has no %s(); those values are left out"
                          % (type(self.writer).__name__, name), stacklevel=3)
        return None

    def describe(self, tag, display_name, description):
        if tag not in self._used:
            self._descriptions[tag] = (display_name, description)

    def scalar(self, tag, value, step):
        d = self._descriptions.pop(tag, None) if tag not in self._used else None
        self._used.add(tag)
        if d is not None and self._metadata:
            self.writer.add_scalar(tag, value, step, display_name=d[0], summary_description=d[1])
        else:
            self.writer.add_scalar(tag, value, step)

    def histogram(self, tag, values, step):
        self._used.add(tag)
        raw = getattr(self.writer, "add_histogram_raw", None)
        if callable(raw):
            h = stats.histogram(values)
            if h.num > 0:
                raw(tag, h.min, h.max, h.num, h.sum, h.sum_squares, list(h.right), list(h.counts), step)
            return
        m = self._method("add_histogram")
        if m is not None:
            m(tag, values.detach().cpu(), step)

    def image(self, tag, pixels, step):
        self._used.add(tag)
        m = self._method("add_image")
        if m is not None:
            m(tag, pixels.unsqueeze(0) if pixels.dim() == 2 else pixels.permute(2, 0, 1).contiguous(), step)

    def graph(self, graph_def_bytes):
        pass

    def flush(self):
        f = getattr(self.writer, "flush", None)
        if callable(f):
            f()

    def close(self):
        self.flush()
