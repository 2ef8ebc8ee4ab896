package dev.trainscope.events.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GraphDef, meta-graph and run-metadata messages: what is encoded is decoded, field for field. */
class GraphProtosTest {

  static GraphDefProto sample() {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("s", AttrValue.str("SAME"));
    attrs.put("i", new AttrValue.Int(-3));
    attrs.put("f", new AttrValue.Flt(0.5f));
    attrs.put("b", new AttrValue.Bool(true));
    attrs.put("type", new AttrValue.Type(1));
    attrs.put("shape", new AttrValue.Shape(TensorShape.of(-1, 3)));
    attrs.put("value", new AttrValue.Tensor(TensorProto.ofFloats(TensorShape.of(2), 1.5f, -2f)));
    attrs.put("ph", new AttrValue.Placeholder("T"));
    attrs.put("fn", new AttrValue.Func("body", Map.of("x", new AttrValue.Int(1))));
    attrs.put("list", new AttrValue.ListOf(List.of(new AttrValue.Int(1), new AttrValue.Int(2), AttrValue.str("a"),
        new AttrValue.Shape(TensorShape.of(4)))));
    return new GraphDefProto(List.of(
        new NodeDef("a", "Const", List.of(), "/cpu:0", attrs),
        new NodeDef("scope/b", "Add", List.of("a", "a:1", "^a"), "", Map.of())), 27, List.of());
  }

  @Test
  void graphDefRoundTrips() {
    GraphDefProto g = sample();
    GraphDefProto back = GraphDefProto.parse(g.toByteArray());
    assertEquals(27, back.producer());
    assertEquals(2, back.nodes().size());
    NodeDef a = back.nodes().get(0);
    assertEquals("/cpu:0", a.device());
    assertEquals(List.of("a", "a:1", "^a"), back.nodes().get(1).inputs());
    assertEquals(List.copyOf(g.nodes().get(0).attrs().keySet()), List.copyOf(a.attrs().keySet()), "attribute order kept");
    for (String k : g.nodes().get(0).attrs().keySet()) {
      assertEquals(g.nodes().get(0).attrs().get(k).display(), a.attrs().get(k).display(), k);
    }
    assertEquals("float32 [2] = [1.5, -2]", a.attrs().get("value").display());
    assertEquals("[?, 3]", a.attrs().get("shape").display());
    assertEquals("[1, 2, a, [4]]", a.attrs().get("list").display());
    assertEquals("float32", a.attrs().get("type").display());
  }

  @Test
  void metaGraphHoldsItsGraphAndVersion() {
    byte[] graph = sample().toByteArray();
    byte[] meta = ProtoWriter.encode(w -> {
      w.writeMessageField(1, m -> m.writeStringField(5, "1.12.0"));
      w.writeTag(2, ProtoReader.LEN);
      w.writeVarint32(graph.length);
      w.writeRaw(graph, 0, graph.length);
    });
    GraphDefProto.Meta m = GraphDefProto.Meta.parse(meta);
    assertEquals("1.12.0", m.tensorflowVersion());
    assertEquals(2, m.graph().nodes().size());
  }

  @Test
  void runMetadataGivesTimeAndMemoryPerNode() {
    byte[] md = ProtoWriter.encode(w -> w.writeMessageField(1, ss -> ss.writeMessageField(1, dev -> {
      dev.writeStringField(1, "/device:CPU:0");
      dev.writeMessageField(2, n -> {
        n.writeStringField(1, "conv1/Conv2D");
        n.writeInt64Field(2, 1_000_000);
        n.writeInt64Field(5, 250);
        n.writeMessageField(6, mem -> {
          mem.writeStringField(1, "cpu");
          mem.writeInt64Field(2, 4096);
        });
        n.writeMessageField(6, mem -> mem.writeInt64Field(2, 1024));
      });
    })));
    RunMetadataProto r = RunMetadataProto.parse(md);
    assertEquals(List.of(new RunMetadataProto.NodeStats("/device:CPU:0", "conv1/Conv2D", 1_000_000, 250, 5120)), r.nodes());
  }

  @Test
  void badBytesAreMalformedProtos() {
    assertThrows(MalformedProtoException.class, () -> GraphDefProto.parse(new byte[] {0x0a, 0x05, 0x0a}));
    assertThrows(MalformedProtoException.class, () -> RunMetadataProto.parse(new byte[] {0x0a, (byte) 0xff}));
    // a wire type that does not fit a known field
    assertThrows(MalformedProtoException.class, () -> GraphDefProto.parse(new byte[] {0x08, 0x01}));
  }
}
