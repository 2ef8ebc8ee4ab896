"""The numbers :func:`trainscope_torch.watch` computes from tensors, as the DJL listener computes them.

Means and standard deviations are taken in float64, as the Java listener sums in double, norms by
PyTorch's kernel (which accumulates in float64 on the CPU); a histogram buckets values exactly as
Trainscope's ``Histogram.of`` and TensorFlow 2's ``tf.summary.histogram`` do.
"""

import ctypes
import math
import zlib

import torch

DEFAULT_BUCKET_COUNT = 30
FINGERPRINT_RANGE = 1 << 24


class Histogram:
    """Buckets ``[left, right, count]`` in ascending order, with the finite values' min, max and
    count; their sum and sum of squares (float64) are computed when asked for."""

    __slots__ = ("left", "right", "counts", "min", "max", "num", "_values", "_sums")

    def __init__(self, left, right, counts, lo, hi, num, finite_values):
        self.left = left
        self.right = right
        self.counts = counts
        self.min = lo
        self.max = hi
        self.num = num
        self._values = finite_values
        self._sums = None

    def _moments(self):
        if self._sums is None:
            if self._values is None:
                self._sums = (0.0, 0.0)
            else:
                v = self._values.to(torch.float64)
                self._sums = tuple(torch.stack((v.sum(), v.square().sum())).tolist())
            self._values = None
        return self._sums

    @property
    def sum(self):
        return self._moments()[0]

    @property
    def sum_squares(self):
        return self._moments()[1]

    def rows(self):
        """The plugin's [k, 3] tensor, row after row."""
        out = []
        for l, r, c in zip(self.left, self.right, self.counts):
            out.extend((l, r, c))
        return out


def histogram(values, k=DEFAULT_BUCKET_COUNT):
    """Buckets the tensor's finite values: ``k`` equal-width buckets over [min, max], value x in
    bucket ``min(floor((x - min) / width), k - 1)`` (in float64), edges ``min + i * width`` with the
    last edge exactly max; all values equal to v: k buckets [v, v], all counts in the last; no
    finite value: k buckets [0, 0, 0]. NaN and infinities are left out of the counts."""
    v = values.detach().reshape(-1)
    if v.numel() == 0:
        return _empty(k)
    if not v.is_floating_point():
        v = v.to(torch.float64)
    lo, hi = (float(x) for x in torch.aminmax(v))
    if not (math.isfinite(lo) and math.isfinite(hi)):  # NaN or an infinity among them: only finite values count
        v = v[torch.isfinite(v)]
        if v.numel() == 0:
            return _empty(k)
        lo, hi = (float(x) for x in torch.aminmax(v))
    n = v.numel()
    if lo == hi:
        counts = [0.0] * k
        counts[-1] = float(n)
        return Histogram([hi] * k, [hi] * k, counts, lo, hi, n, v)
    rng = hi - lo
    width = (hi / k - lo / k) if math.isinf(rng) else rng / k
    # (x - min) / width >= 0, so truncating to an integer is the floor
    idx = v.to(torch.float64, copy=True).sub_(lo).div_(width).clamp_(max=k - 1).to(torch.int64)
    counts = [float(c) for c in torch.bincount(idx, minlength=k).tolist()]
    left = [lo + i * width for i in range(k)]
    right = [lo + (i + 1) * width for i in range(k)]
    right[-1] = hi
    return Histogram(left, right, counts, lo, hi, n, v)


def _empty(k):
    z = [0.0] * k
    return Histogram(z, list(z), list(z), 0.0, 0.0, 0, None)


def mean_std(values):
    """Population mean and standard deviation (PyTorch's ``std_mean``, which sums in float64 on the
    CPU; a float32 tensor's results are float32 values); NaN for no values."""
    v = values.detach().reshape(-1)
    if v.numel() == 0:
        return math.nan, math.nan
    if not v.is_floating_point():
        v = v.to(torch.float64)
    std, mean = torch.std_mean(v, unbiased=False)  # accumulated in float64 on the CPU
    m, s = torch.stack((mean.to(torch.float64), std.to(torch.float64))).tolist()
    return m, s


def dead_unit_fraction(output):
    """With ``output`` of shape [N, U, ...] (samples, units, then positions: a dense layer's [N, F],
    a convolution's [N, C, H, W]), the fraction of units that are exactly 0 for every sample and
    position."""
    if output.dim() < 2:
        raise ValueError("dead units need a shape [N, units, ...], was %s" % (tuple(output.shape),))
    units = output.shape[1]
    if units == 0:
        return 0.0
    alive = output.detach().ne(0).transpose(0, 1).reshape(units, -1).any(dim=1)
    return float(units - int(alive.sum())) / units


def tensor_bytes(t):
    """The tensor's bytes, in row-major order (copied off its device, made contiguous)."""
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    t = t.contiguous()
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() else b""


def fingerprint(tensors):
    """A 24-bit hash of the tensors' bytes, shapes and types: their CRC-32 (zlib's, chained over
    them), folded to 24 bits; an integer in [0, 2^24), exact as a float32 scalar, so equal values at
    two steps mean (up to one chance in 16.7 million for different batches) the same batch. A CRC
    rather than a cryptographic hash: it runs at memory speed, and nobody forges batches."""
    crc = 0
    for t in tensors:
        crc = zlib.crc32(("%s%s;" % (t.dtype, tuple(t.shape))).encode("ascii"), crc)
        crc = zlib.crc32(tensor_bytes(t), crc)
    return (crc ^ (crc >> 24)) & (FINGERPRINT_RANGE - 1)


def norms(tensors, order=2):
    """Each tensor's vector norm, as floats: L2 (``order`` 2), or the count of nonzero elements
    (``order`` 0). One call for all of them where PyTorch has ``_foreach_norm``; PyTorch's CPU
    kernel squares and sums float32 values in float32 per element and accumulates in float64."""
    if not tensors:
        return []
    try:
        out = torch._foreach_norm(tensors, order)
    except (AttributeError, RuntimeError, TypeError):  # an older PyTorch, or tensors on several devices
        out = [torch.linalg.vector_norm(t, order) for t in tensors]
    return torch.stack(out).tolist()


def zero_fractions(tensors):
    """Each tensor's fraction of elements that are exactly 0 (either sign); 0 for no elements."""
    return _fractions(tensors, norms(tensors, 0))


def norms_and_zero_fractions(tensors):
    """:func:`norms` and :func:`zero_fractions` of the tensors, read out together."""
    if not tensors:
        return [], []
    try:
        both = torch.stack(list(torch._foreach_norm(tensors)) + list(torch._foreach_norm(tensors, 0))).tolist()
    except (AttributeError, RuntimeError, TypeError):
        both = norms(tensors) + norms(tensors, 0)
    k = len(tensors)
    return both[:k], _fractions(tensors, both[k:])


def _fractions(tensors, nonzero):
    return [(t.numel() - n) / t.numel() if t.numel() else 0.0 for t, n in zip(tensors, nonzero)]
