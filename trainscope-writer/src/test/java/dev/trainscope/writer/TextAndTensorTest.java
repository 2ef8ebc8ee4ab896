package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextAndTensorTest {
  @TempDir
  Path dir;

  @Test
  void text_hostileAndUnicodeStrings_readBackByteForByte() {
    List<String> texts = List.of(
        "<img src=x onerror=alert(1)>",
        "<script>alert('x')</script> **bold** `code` [link](javascript:alert(1))",
        "emoji 🧠🔥 and CJK 训练 and RTL שלום",
        "",
        "line1\nline2\r\n\ttab \u0000 nul",
        "x".repeat(100_000));
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      for (int i = 0; i < texts.size(); i++) {
        w.text("notes", texts.get(i), i);
      }
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "notes");
    assertEquals(texts.size(), vs.size());
    for (int i = 0; i < texts.size(); i++) {
      TensorProto t = (TensorProto) vs.get(i).value().value();
      assertEquals(DataType.DT_STRING, t.dataType());
      assertEquals(TensorShape.SCALAR, t.shape());
      assertEquals(List.of(texts.get(i)), PluginTensors.text(t), "text " + i);
      assertEquals(i, vs.get(i).step());
    }
    SummaryMetadata md = vs.get(0).value().metadata();
    assertEquals(PluginNames.TEXT, md.pluginName());
    assertEquals(SummaryMetadata.DATA_CLASS_TENSOR, md.dataClass());
    assertNull(vs.get(1).value().metadata());
  }

  @Test
  void tensor_raw_keepsTheTensorAndTheFirstMetadata() {
    SummaryMetadata custom = SummaryMetadata.forPlugin("my_plugin", "cfg".getBytes(StandardCharsets.UTF_8),
        SummaryMetadata.DATA_CLASS_TENSOR);
    TensorProto ints = TensorProto.ofInt64s(TensorShape.of(2, 2), 1, -2, 3, Long.MIN_VALUE);
    TensorProto content = TensorProto.ofContent(DataType.DT_FLOAT, TensorShape.of(2), new byte[8]);
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.tensor("raw", ints, custom, 5);
      w.tensor("raw", content, custom, 6, 77.0);
      w.tensor("none", TensorProto.scalar(1.5f), null, 7);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "raw");
    assertEquals(ints, vs.get(0).value().value());
    assertEquals(content, vs.get(1).value().value());
    assertEquals(custom, vs.get(0).value().metadata());
    assertArrayEquals("cfg".getBytes(StandardCharsets.UTF_8), vs.get(0).value().metadata().pluginData().content());
    assertNull(vs.get(1).value().metadata());
    assertEquals(77.0, vs.get(1).wallTime());
    Read.Value none = Read.values(Read.onlyEventFile(dir), "none").get(0);
    assertNull(none.value().metadata());
    assertEquals(TensorProto.scalar(1.5f), none.value().value());
  }

  @Test
  void tensor_badTensorsAndPluginChanges_throw() {
    SummaryMetadata a = SummaryMetadata.forPlugin("a", new byte[0], 0);
    SummaryMetadata b = SummaryMetadata.forPlugin("b", new byte[0], 0);
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.tensor("t", TensorProto.ofFloats(TensorShape.of(3), 1f, 2f), a, 1));
      assertEquals("tensor must hold 3 DT_FLOAT values for shape [3], holds 2", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.tensor("t", TensorProto.ofFloats(TensorShape.of(0, 3)), a, 1));
      assertEquals("tensor must not be empty, has shape [0, 3]", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.tensor("t", TensorProto.ofFloats(TensorShape.of(-1), 1f), a, 1));
      assertEquals("tensor.shape must have known dimensions >= 0, was [-1]", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.tensor("t", TensorProto.ofContent(DataType.DT_DOUBLE, TensorShape.of(2), new byte[12]), a, 1));
      assertEquals("tensor.tensorContent must hold 2 DT_DOUBLE elements (16 bytes) for shape [2], holds 12 bytes",
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.tensor("t", null, a, 1));
      assertEquals("tensor must not be null", e.getMessage());
      w.tensor("t", TensorProto.scalar(1), a, 1);
      e = assertThrows(IllegalArgumentException.class, () -> w.tensor("t", TensorProto.scalar(2), b, 2));
      assertEquals("metadata of tag 't' must keep plugin 'a' of its first value, was plugin 'b'", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.scalar("t", 1, 3));
      assertEquals("tag 't' holds tensor values; it cannot also hold scalar values", e.getMessage());
    }
    assertEquals(1, Read.values(Read.onlyEventFile(dir), "t").size());
  }
}
