package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What plugin tensors hold, read out, and what happens when their shapes lie. */
class PluginTensorsTest {

  @Test
  void histogram_tensorOfKRowsOfThree_readsLeftRightCount() {
    TensorProto t = TensorProto.ofDoubles(TensorShape.of(2, 3), -1, 0, 4, 0, 2, 6);
    PluginTensors.Buckets b = PluginTensors.histogram(t);
    assertArrayEquals(new double[] {-1, 0}, b.left());
    assertArrayEquals(new double[] {0, 2}, b.right());
    assertArrayEquals(new double[] {4, 6}, b.count());
    assertEquals(10, b.total());
  }

  @Test
  void histogram_emptyTensor_hasNoBuckets() {
    assertEquals(0, PluginTensors.histogram(TensorProto.ofDoubles(TensorShape.of(0, 3))).size());
  }

  @Test
  void histogram_tensorOfWrongShape_isMalformed() {
    assertThrows(MalformedProtoException.class,
        () -> PluginTensors.histogram(TensorProto.ofDoubles(TensorShape.of(3, 2), 1, 2, 3, 4, 5, 6)));
  }

  @Test
  void histogram_legacy_spansMinToMaxThroughTheLimits() {
    HistogramProto h = new HistogramProto(-1, 3, 10, 7, 15, new double[] {0, 1, Double.MAX_VALUE}, new double[] {2, 5, 3});
    PluginTensors.Buckets b = PluginTensors.histogram(h);
    assertArrayEquals(new double[] {-1, 0, 1}, b.left());
    assertArrayEquals(new double[] {0, 1, 3}, b.right());
    assertEquals(10, b.total());
  }

  @Test
  void histogram_legacyWithBucketsButNoLimits_spansMinToMaxInsteadOfThrowingIndexOutOfBounds() {
    // decoded from hostile bytes: two counts, no limits (was ArrayIndexOutOfBoundsException: -1)
    HistogramProto h = new HistogramProto(-2, 5, 3, 0, 0, new double[0], new double[] {1, 2});
    PluginTensors.Buckets b = PluginTensors.histogram(h);
    assertArrayEquals(new double[] {-2, -2}, b.left());
    assertArrayEquals(new double[] {5, 5}, b.right());
    assertEquals(3, b.total());
  }

  @Test
  void prCurve_sixRowsOfThresholds_readInOrder() {
    float[] v = new float[18];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    PluginTensors.PrCurve pr = PluginTensors.prCurve(TensorProto.ofFloats(TensorShape.of(6, 3), v));
    assertArrayEquals(new double[] {0, 1, 2}, pr.truePositives());
    assertArrayEquals(new double[] {3, 4, 5}, pr.falsePositives());
    assertArrayEquals(new double[] {6, 7, 8}, pr.trueNegatives());
    assertArrayEquals(new double[] {9, 10, 11}, pr.falseNegatives());
    assertArrayEquals(new double[] {12, 13, 14}, pr.precision());
    assertArrayEquals(new double[] {15, 16, 17}, pr.recall());
  }

  @Test
  void prCurve_unknownOrNegativeThresholdCount_isMalformedNotNegativeArraySize() {
    for (long n : new long[] {-1, -2}) {
      TensorProto t = TensorProto.ofFloats(TensorShape.of(6, n), new float[12]);
      assertThrows(MalformedProtoException.class, () -> PluginTensors.prCurve(t), "[6, " + n + "]");
    }
  }

  @Test
  void prCurve_unknownRankOrHugeThresholdCount_isMalformedNotIndexOutOfBounds() {
    // with an unknown rank (or a size whose product overflows) the element count is unknown, so
    // fewer values than 6 x t are stored: was ArrayIndexOutOfBoundsException from arraycopy
    TensorProto unknownRank = new TensorProto(DataType.DT_FLOAT.code(),
        new TensorShape(TensorShape.of(6, 1).dims(), true), 0, null, null, null, null, null, null, null, null, null,
        null, null, null);
    assertThrows(MalformedProtoException.class, () -> PluginTensors.prCurve(unknownRank));
    TensorProto overflowing = TensorProto.ofFloats(TensorShape.of(6, 3074457345618258603L), 1f, 2f);
    assertThrows(MalformedProtoException.class, () -> PluginTensors.prCurve(overflowing));
  }

  @Test
  void prCurve_notSixRows_isMalformed() {
    assertThrows(MalformedProtoException.class,
        () -> PluginTensors.prCurve(TensorProto.ofFloats(TensorShape.of(5, 2), new float[10])));
  }

  @Test
  void images_widthHeightThenEncodedImages() {
    TensorProto t = TensorProto.ofStrings(TensorShape.of(4), List.of(ascii("32"), ascii("24"), new byte[] {1}, new byte[] {2}));
    PluginTensors.Images img = PluginTensors.images(t);
    assertEquals(32, img.width());
    assertEquals(24, img.height());
    assertEquals(2, img.encoded().size());
  }

  @Test
  void images_nonNumericSizeOrTooFewStringsOrNotStrings_isMalformed() {
    assertThrows(MalformedProtoException.class, () -> PluginTensors.images(
        TensorProto.ofStrings(TensorShape.of(3), List.of(ascii("wide"), ascii("24"), new byte[] {1}))));
    assertThrows(MalformedProtoException.class, () -> PluginTensors.images(
        TensorProto.ofStrings(TensorShape.of(1), List.of(ascii("32")))));
    assertThrows(MalformedProtoException.class, () -> PluginTensors.images(TensorProto.ofFloats(TensorShape.of(2), 1, 2)));
  }

  @Test
  void text_stringsDecodeAsUtf8_andAShortListIsFilledWithItsLast() {
    TensorProto t = TensorProto.ofStrings(TensorShape.of(3), List.of("é 🚀".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("é 🚀", "é 🚀", "é 🚀"), PluginTensors.text(t));
  }

  @Test
  void toDoubleArray_broadcastsTheLastStoredValue_andZerosWhenNoneIsStored() {
    assertArrayEquals(new double[] {1, 2, 2, 2}, TensorProto.ofFloats(TensorShape.of(2, 2), 1, 2).toDoubleArray());
    assertArrayEquals(new double[] {0, 0, 0}, TensorProto.ofContent(DataType.DT_INT32, TensorShape.of(3), new byte[0])
        .toDoubleArray());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
