import os
import random
import re
import struct
import time
import unittest
import zlib

from support import LogdirTest, SHARED
import eventfile
import glob
import json
import torch

from trainscope_torch import EventWriter
from trainscope_torch._crc32c import crc32c, crc32c_bytewise, masked_crc32c
from trainscope_torch.stats import histogram


class Crc32cTest(unittest.TestCase):
    def test_crc32c_checkValue_isCastagnolis(self):
        self.assertEqual(0xE3069283, crc32c(b"123456789"))

    def test_crc32c_everyLength1To1024_agreesWithBitwiseDefinition(self):
        rnd = random.Random(7)
        data = bytes(rnd.getrandbits(8) for _ in range(1024))
        for n in range(1, 1025):
            self.assertEqual(eventfile.crc32c(data[:n]), crc32c(data[:n]), n)
        self.assertEqual(eventfile.crc32c(data), crc32c_bytewise(data))

    def test_maskedCrc_isTfRecordsRotationPlusDelta(self):
        crc = crc32c(b"abc")
        self.assertEqual(eventfile.masked(crc), masked_crc32c(b"abc"))


class EventWriterTest(LogdirTest):
    def test_open_namesFileAsTensorFlowAndWritesFileVersionFirst(self):
        before = int(time.time())
        with EventWriter(self.logdir) as w:
            path = w.path
        name = os.path.basename(path)
        m = re.fullmatch(r"events\.out\.tfevents\.(\d{10})\.([A-Za-z0-9._-]+)\.(\d+)\.(\d+)", name)
        self.assertIsNotNone(m, name)
        self.assertTrue(before <= int(m.group(1)) <= before + 2)
        self.assertEqual(os.getpid(), int(m.group(3)))
        events, values, _ = self.read()
        self.assertEqual(1, len(events))
        self.assertEqual([b"brain.Event:2"], events[0][3])
        self.assertEqual(b"trainscope_torch", eventfile.fields(events[0][10][0])[1][0])

    def test_scalar_bytesAreThoseOfTheJavaWritersScalarEvent(self):
        with EventWriter(self.logdir) as w:
            w.describe("train/loss", "training loss", "The loss.\n\nrole: loss, split: train")
            w.scalar("train/loss", 0.25, 300, wall_time=1234.5)
            w.scalar("train/loss", 0.125, 301, wall_time=1234.5)
        recs = eventfile.records(self.event_file())
        tag = b"\x0a\x0atrain/loss"
        tensor = b"\x42\x0a\x08\x01\x12\x00\x2a\x04" + struct.pack("<f", 0.125)
        value = tag + tensor
        summary = b"\x0a" + bytes([len(value)]) + value
        expected = (b"\x09" + struct.pack("<d", 1234.5) + b"\x10\xad\x02" + b"\x2a" + bytes([len(summary)]) + summary)
        self.assertEqual(expected, recs[2], "the second value: no metadata")
        md = eventfile.fields(eventfile.fields(eventfile.fields(recs[1])[5][0])[1][0])[9][0]
        self.assertEqual({"plugin_name": "scalars", "plugin_content": b"", "display_name": "training loss",
                          "description": "The loss.\n\nrole: loss, split: train", "data_class": 1},
                         eventfile.metadata(md))

    def test_scalar_stepZeroAndNonFinite_encodedAsProto3(self):
        with EventWriter(self.logdir) as w:
            w.scalar("a", float("nan"), 0)
            w.scalar("a", 1e39, 1)
        _, values, _ = self.read()
        self.assertEqual(0, values[0].step)
        self.assertNotEqual(values[0].tensor["values"][0], values[0].tensor["values"][0])
        self.assertEqual(float("inf"), values[1].tensor["values"][0])

    def test_histogram_isPluginTensorKBy3OfDoubles(self):
        v = torch.tensor([0.0, 1.0, 2.0, 3.0, 10.0])
        with EventWriter(self.logdir) as w:
            w.histogram("weights/fc1", v, 5)
        _, values, _ = self.read()
        t = values[0].tensor
        self.assertEqual((2, [30, 3]), (t["dtype"], t["shape"]))
        h = histogram(v)
        self.assertEqual(h.rows(), t["values"])
        self.assertEqual(("histograms", 2), (values[0].metadata["plugin_name"], values[0].metadata["data_class"]))

    def test_image_isPluginStringTensorWidthHeightPng(self):
        pixels = torch.arange(12, dtype=torch.uint8).reshape(3, 4) * 20
        with EventWriter(self.logdir) as w:
            w.image("inputs/train", pixels, 0)
        _, values, _ = self.read()
        t = values[0].tensor
        self.assertEqual((7, [3]), (t["dtype"], t["shape"]))
        self.assertEqual([b"4", b"3"], t["strings"][:2])
        png = t["strings"][2]
        self.assertEqual(b"\x89PNG\r\n\x1a\n", png[:8])
        self.assertEqual(list(pixels.reshape(-1).tolist()), decode_grey_png(png))
        self.assertEqual(("images", 3), (values[0].metadata["plugin_name"], values[0].metadata["data_class"]))

    def test_batch_scalarsOfAStep_oneEventWithTheirValues_metadataOnEachTagsFirst(self):
        with EventWriter(self.logdir) as w:
            w.describe("b", "bee", "The b.\n\nrole: metric")
            with w.batch():
                w.scalar("a", 1.0, 7)
                w.scalar("b", 2.0, 7)
                w.histogram("h", torch.ones(4), 7)
                w.scalar("a", 3.0, 8)
            w.scalar("b", 4.0, 8)
        events, values, _ = self.read()
        summaries = [len(eventfile.fields(e[5][0])[1]) for e in events if 5 in e]
        self.assertEqual([1, 2, 1, 1], summaries, "the histogram alone, a and b of step 7 together, then one each")
        self.assertEqual([("h", 7), ("a", 7), ("b", 7), ("a", 8), ("b", 8)], [(v.tag, v.step) for v in values])
        self.assertEqual([1.0, 2.0, 3.0, 4.0], [v.tensor["values"][0] for v in values if v.tag in "ab"])
        self.assertEqual("bee", self.first_metadata(values, "b")["display_name"])
        self.assertEqual("scalars", self.first_metadata(values, "a")["plugin_name"])

    def test_describe_afterFirstValue_fails(self):
        with EventWriter(self.logdir) as w:
            w.scalar("x", 1, 0)
            with self.assertRaises(ValueError):
                w.describe("x", "x", "late")

    def test_tag_keepsItsKind(self):
        with EventWriter(self.logdir) as w:
            w.scalar("x", 1, 0)
            with self.assertRaisesRegex(ValueError, "holds scalar values"):
                w.histogram("x", torch.ones(3), 0)

    def test_close_thenWrite_failsClearly(self):
        w = EventWriter(self.logdir)
        w.close()
        w.close()
        with self.assertRaisesRegex(ValueError, "closed"):
            w.scalar("x", 1, 0)

    def test_kinds_matchWhatTensorBoardsLoaderRecordedForRealFiles(self):
        """Each kind's plugin, data class, dtype and shape as TensorBoard's own loader saw them in
        the real files of ../shared (manifests written by TensorBoard 2.22's EventFileLoader)."""
        manifests = glob.glob(os.path.join(SHARED, "data", "tfevents", "**", "*tfmanifest*.json"), recursive=True)
        self.assertTrue(manifests, "no manifests under " + SHARED + "/data/tfevents: the shared data must be there")
        seen = {}
        for m in manifests:
            with open(m) as f:
                d = json.load(f)
            view = d.get("tensorboard_view", {}).get("tags", {})
            for tag, raw in d["raw"]["tags"].items():
                s = raw.get("first_sample") or {}
                if raw.get("value_kinds", {}).get("tensor") and tag in view and "dtype" in s:
                    key = (view[tag]["plugin_name"], view[tag]["data_class"], s["dtype"], len(s["shape"]))
                    seen.setdefault(key, (m, tag, s["shape"]))
                elif raw.get("is_scalar") and raw.get("value_kinds", {}).get("tensor") and tag in view:
                    seen.setdefault((view[tag]["plugin_name"], view[tag]["data_class"], "scalar"), (m, tag, []))
        with EventWriter(self.logdir) as w:
            w.scalar("s", 1.5, 0)
            w.histogram("h", torch.randn(100), 0)
            w.image("i", torch.zeros(2, 2, dtype=torch.uint8), 0)
        _, values, _ = self.read()
        names = {1: "DT_FLOAT", 2: "DT_DOUBLE", 7: "DT_STRING"}
        classes = {1: "DATA_CLASS_SCALAR", 2: "DATA_CLASS_TENSOR", 3: "DATA_CLASS_BLOB_SEQUENCE"}
        for v in values:
            md = v.metadata
            key = (md["plugin_name"], classes[md["data_class"]], names[v.tensor["dtype"]], len(v.tensor["shape"]))
            if v.tag == "s":
                key = (md["plugin_name"], classes[md["data_class"]], "scalar")
            self.assertIn(key, seen, "TensorBoard saw no real tag like %s %s" % (v.tag, key))
            if v.tag == "h":
                self.assertEqual(3, seen[key][2][1])


def decode_grey_png(png):
    pos = 8
    data = b""
    width = height = None
    while pos < len(png):
        n = struct.unpack(">I", png[pos:pos + 4])[0]
        kind = png[pos + 4:pos + 8]
        body = png[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])[0]
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 0)
        elif kind == b"IDAT":
            data += body
        pos += 12 + n
    raw = zlib.decompress(data)
    out = []
    for y in range(height):
        row = raw[y * (width + 1):(y + 1) * (width + 1)]
        assert row[0] == 0
        out.extend(row[1:])
    return out


if __name__ == "__main__":
    unittest.main()
