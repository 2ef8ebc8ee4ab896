"""What the tests share: temporary log directories, reading the one event file a run wrote, MNIST digits."""

import glob
import gzip
import os
import shutil
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(HERE)
REPO = os.path.dirname(PACKAGE)
sys.path.insert(0, PACKAGE)

import torch  # noqa: E402  (after the path: the package imports it too)

import eventfile  # noqa: E402

MNIST = os.path.join(REPO, "trainscope-demo", "src", "main", "resources", "dev", "trainscope", "djl", "mnist-10k")
SHARED = os.path.join(os.path.dirname(REPO), "shared")


class LogdirTest(unittest.TestCase):
    def setUp(self):
        self.logdir = tempfile.mkdtemp(prefix="trainscope-torch-test-")

    def tearDown(self):
        shutil.rmtree(self.logdir, ignore_errors=True)

    def event_file(self, logdir=None):
        files = glob.glob(os.path.join(logdir or self.logdir, "events.out.tfevents.*"))
        self.assertEqual(1, len(files), files)
        return files[0]

    def read(self, logdir=None):
        """(events, values, graphs) of the run's one event file."""
        return eventfile.read(self.event_file(logdir))

    def series(self, values, tag):
        return eventfile.series(values, tag)

    def first_metadata(self, values, tag):
        firsts = [v for v in values if v.tag == tag]
        self.assertTrue(firsts, "no value of " + tag)
        self.assertIsNotNone(firsts[0].metadata, "no metadata on the first value of " + tag)
        for v in firsts[1:]:
            self.assertIsNone(v.metadata, "metadata on a later value of " + tag)
        return firsts[0].metadata


def mnist(n):
    """The first n digits as float [n, 1, 28, 28] in [0, 1] and int64 labels."""
    with gzip.open(os.path.join(MNIST, "images-idx3-ubyte.gz")) as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051 and n <= count, (magic, count)
        pixels = f.read(n * rows * cols)
    with gzip.open(os.path.join(MNIST, "labels-idx1-ubyte.gz")) as f:
        magic, count = struct.unpack(">II", f.read(8))
        assert magic == 2049, magic
        labels = f.read(n)
    x = torch.tensor(list(pixels), dtype=torch.float32).reshape(n, 1, rows, cols) / 255.0
    return x, torch.tensor(list(labels), dtype=torch.int64)
