"""The numbers :func:`trainscope_torch.watch` computes from tensors, as the DJL listener computes them.

Sums of squares, means and standard deviations are taken in float64, as the Java listener sums in
double; a histogram buckets values exactly as Trainscope's ``Histogram.of`` and TensorFlow 2's
``tf.summary.histogram`` do.
"""

import ctypes
import hashlib
import math

import torch

DEFAULT_BUCKET_COUNT = 30
FINGERPRINT_RANGE = 1 << 24


class Histogram:
    """Buckets ``[left, right, count]`` in ascending order, with the values' count, sum and sum of squares."""

    __slots__ = ("left", "right", "counts", "min", "max", "num", "sum", "sum_squares")

    def __init__(self, left, right, counts, lo, hi, num, total, sum_squares):
        self.left = left
        self.right = right
        self.counts = counts
        self.min = lo
        self.max = hi
        self.num = num
        self.sum = total
        self.sum_squares = sum_squares

    def rows(self):
        """The plugin's [k, 3] tensor, row after row."""
        out = []
        for l, r, c in zip(self.left, self.right, self.counts):
            out.extend((l, r, c))
        return out


def histogram(values, k=DEFAULT_BUCKET_COUNT):
    """Buckets the tensor's finite values: ``k`` equal-width buckets over [min, max], value x in
    bucket ``min(floor((x - min) / width), k - 1)``, edges ``min + i * width`` with the last edge
    exactly max; all values equal to v: k buckets [v, v], all counts in the last; no finite value:
    k buckets [0, 0, 0]. NaN and infinities are left out of the counts."""
    v = values.detach().reshape(-1).to(torch.float64)
    finite = torch.isfinite(v)
    if not bool(finite.all()):
        v = v[finite]
    n = v.numel()
    if n == 0:
        z = [0.0] * k
        return Histogram(z, list(z), list(z), 0.0, 0.0, 0, 0.0, 0.0)
    ext = torch.stack((v.min(), v.max(), v.sum(), v.square().sum())).tolist()
    lo, hi, total, squares = ext
    if lo == hi:
        counts = [0.0] * k
        counts[-1] = float(n)
        return Histogram([hi] * k, [hi] * k, counts, lo, hi, n, total, squares)
    rng = hi - lo
    width = (hi / k - lo / k) if math.isinf(rng) else rng / k
    idx = torch.floor((v - lo) / width).clamp_(max=k - 1).to(torch.int64)
    counts = [float(c) for c in torch.bincount(idx, minlength=k).tolist()]
    left = [lo + i * width for i in range(k)]
    right = [lo + (i + 1) * width for i in range(k)]
    right[-1] = hi
    return Histogram(left, right, counts, lo, hi, n, total, squares)


def mean_std(values):
    """Population mean and standard deviation in float64; NaN for no values."""
    v = values.detach().reshape(-1).to(torch.float64)
    if v.numel() == 0:
        return math.nan, math.nan
    mean = v.mean()
    std = (v - mean).square().mean().sqrt()
    m, s = torch.stack((mean, std)).tolist()
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


def _tensor_bytes(t):
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    t = t.contiguous()
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() else b""


def fingerprint(tensors):
    """A 24-bit hash of the tensors' bytes, shapes and types (BLAKE2b): an integer in [0, 2^24),
    exact as a float32 scalar, so equal values at two steps mean (up to one chance in 16.7
    million) the same batch."""
    h = hashlib.blake2b(digest_size=8)
    for t in tensors:
        h.update(("%s%s;" % (t.dtype, tuple(t.shape))).encode("ascii"))
        h.update(_tensor_bytes(t))
    return int.from_bytes(h.digest()[:3], "little")


class Segments:
    """Per-tensor sums over many tensors at once: the tensors are joined into one vector, and each
    sum is an ``index_add`` over it, so that a step costs a handful of operations whatever the
    number of parameters."""

    def __init__(self, sizes, device):
        self.sizes = list(sizes)
        self.count = len(self.sizes)
        self.ids = torch.repeat_interleave(torch.arange(self.count, device=device),
                                           torch.tensor(self.sizes, device=device))

    def join(self, tensors):
        return torch.cat([t.detach().reshape(-1) for t in tensors])

    def sums(self, flat):
        """Per-segment sums of a joined vector, in float64."""
        out = torch.zeros(self.count, dtype=torch.float64, device=flat.device)
        return out.index_add_(0, self.ids, flat.to(torch.float64))

    def norms(self, flat):
        """Per-segment L2 norms, summed in float64."""
        return self.sums(flat.to(torch.float64).square()).sqrt()

    def zero_fractions(self, flat):
        zeros = self.sums((flat == 0).to(torch.float64))
        return zeros / torch.tensor(self.sizes, dtype=torch.float64, device=flat.device)
