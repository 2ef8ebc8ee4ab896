import math
import statistics
import struct
import unittest

import support  # noqa: F401  (the package's path)
import torch

from trainscope_torch import stats


def reference_histogram(values, k=30):
    """Trainscope's Histogram.of, element by element in Python floats."""
    v = [float(x) for x in values if math.isfinite(float(x))]
    if not v:
        return [[0.0, 0.0, 0.0]] * k
    lo, hi = min(v), max(v)
    if lo == hi:
        return [[hi, hi, 0.0]] * (k - 1) + [[hi, hi, float(len(v))]]
    width = (hi - lo) / k
    counts = [0] * k
    for x in v:
        counts[min(int(math.floor((x - lo) / width)), k - 1)] += 1
    return [[lo + i * width, hi if i == k - 1 else lo + (i + 1) * width, float(counts[i])] for i in range(k)]


class HistogramTest(unittest.TestCase):
    def rows(self, h):
        r = h.rows()
        return [r[i:i + 3] for i in range(0, len(r), 3)]

    def test_histogram_randomFloat32_bucketsAsJavaWriter(self):
        g = torch.Generator().manual_seed(3)
        v = torch.randn(5000, generator=g) * 3 + 1
        self.assertEqual(reference_histogram(v.tolist()), self.rows(stats.histogram(v)))

    def test_histogram_allEqual_allInLastBucket(self):
        self.assertEqual(reference_histogram([2.5] * 7), self.rows(stats.histogram(torch.full((7,), 2.5))))

    def test_histogram_nonFinite_leftOut(self):
        v = torch.tensor([1.0, float("nan"), 2.0, float("inf"), -float("inf"), 4.0])
        h = stats.histogram(v)
        self.assertEqual(reference_histogram([1.0, 2.0, 4.0]), self.rows(h))
        self.assertEqual((3, 7.0, 21.0), (h.num, h.sum, h.sum_squares))

    def test_histogram_noFiniteValue_emptyBuckets(self):
        self.assertEqual([[0.0, 0.0, 0.0]] * 30, self.rows(stats.histogram(torch.tensor([float("nan")]))))


class ActivationStatsTest(unittest.TestCase):
    def test_deadUnitFraction_handBuiltLayer_countsUnitsZeroForEverySampleAndPosition(self):
        lin = torch.nn.Linear(3, 5)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [-1, -1, -1]]))
            lin.bias.copy_(torch.tensor([0.0, -4, -4, 0, -4]))
        x = torch.tensor([[1.0, 2, 3], [0.5, 1, 1]])  # unit 1: 2-4, 1-4 < 0; unit 2: 3-4, 1-4 < 0; unit 4: < 0
        y = torch.relu(lin(x))
        self.assertEqual(3 / 5, stats.dead_unit_fraction(y))

    def test_deadUnitFraction_convolution_unitIsChannelOverAllPositions(self):
        y = torch.zeros(2, 4, 3, 3)
        y[1, 0, 2, 2] = 1.0  # channel 0 fires once, at one sample and position
        y[0, 3, 0, 0] = 0.5
        self.assertEqual(2 / 4, stats.dead_unit_fraction(y))

    def test_deadUnitFraction_rankOne_fails(self):
        with self.assertRaisesRegex(ValueError, "shape"):
            stats.dead_unit_fraction(torch.zeros(4))

    def test_meanStd_isPopulationStatistics(self):
        v = [0.5, 1.5, -2.0, 4.0, 3.25]
        m, s = stats.mean_std(torch.tensor(v, dtype=torch.float64))
        self.assertAlmostEqual(statistics.fmean(v), m, places=12)
        self.assertAlmostEqual(statistics.pstdev(v), s, places=12)
        m32, s32 = stats.mean_std(torch.tensor(v))
        self.assertEqual((struct.unpack("<f", struct.pack("<f", m))[0], struct.unpack("<f", struct.pack("<f", s))[0]),
                         (m32, s32), "float32 values: the float32 nearest the exact statistics")

    def test_normsAndZeroFractions_perTensor(self):
        a = torch.tensor([3.0, 4.0, 0.0])
        b = torch.tensor([[0.0, -0.0], [2.5, 0.0]])
        g = torch.Generator().manual_seed(5)
        c = torch.randn(20000, generator=g)
        n = stats.norms([a, b, c])
        self.assertEqual([5.0, 2.5], n[:2])
        self.assertAlmostEqual(c.double().norm().item(), n[2], delta=1e-6 * n[2])
        self.assertEqual([1 / 3, 3 / 4, 0.0], stats.zero_fractions([a, b, c]))
        self.assertEqual((n, [1 / 3, 3 / 4, 0.0]), stats.norms_and_zero_fractions([a, b, c]))

    def test_norms_tinyValues_keepTheirScale(self):
        v = torch.full((1000,), 1e-12)
        self.assertAlmostEqual(1e-12 * math.sqrt(1000), stats.norms([v])[0], delta=1e-6 * 1e-12 * math.sqrt(1000))


class FingerprintTest(unittest.TestCase):
    def test_fingerprint_sameBatch_sameValue_otherBatch_otherValue(self):
        x = torch.arange(12.0).reshape(3, 4)
        f = stats.fingerprint([x])
        self.assertEqual(f, stats.fingerprint([x.clone()]))
        self.assertNotEqual(f, stats.fingerprint([x + 1]))
        self.assertNotEqual(f, stats.fingerprint([x.reshape(4, 3)]))
        self.assertTrue(0 <= f < 1 << 24)
        self.assertEqual(f, int(torch.tensor(float(f), dtype=torch.float32).item()))


if __name__ == "__main__":
    unittest.main()
