package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.wire.ProtoWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * ONNX files made by real exporters (torch.onnx.export of a small CNN and torchvision's resnet18,
 * and onnx.helper with an If; see src/test/resources/onnx/README.md) read into {@link ModelGraph}:
 * counts checked against what the onnx Python package counted ({@code expected.json}), names,
 * scopes, shapes and attributes checked against what the exporter wrote, and damaged or foreign
 * bytes refused with {@link BadGraphException} only.
 */
class OnnxModelsTest {
  static final List<String> FILES = List.of("small_cnn.onnx", "resnet18.onnx", "helper_built.onnx");

  static byte[] resource(String name) {
    try (InputStream in = OnnxModelsTest.class.getResourceAsStream("/onnx/" + name)) {
      if (in == null) {
        throw new AssertionFailedError("missing test resource onnx/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode expected(String file) {
    try {
      return new ObjectMapper().readTree(resource("expected.json")).get(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long count(ModelGraph g, String op) {
    return g.nodes().stream().filter(n -> n.op().equals(op)).count();
  }

  static ModelGraph.Node node(ModelGraph g, String name) {
    int i = g.indexOf(name);
    assertTrue(i >= 0, () -> "no node " + name + " among " + g.nodes().stream().map(ModelGraph.Node::name).toList());
    return g.node(i);
  }

  /** The edges into {@code to}, as "from -> to shape". */
  static List<String> edgesInto(ModelGraph g, String to) {
    int t = g.indexOf(to);
    return g.edges().stream().filter(e -> e.to() == t)
        .map(e -> g.node(e.from()).name() + ":" + e.output() + " " + e.shape()).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"small_cnn.onnx", "resnet18.onnx", "helper_built.onnx"})
  void countsMatchTheOnnxPackage(String file) {
    ModelGraph g = OnnxModels.read(resource(file));
    JsonNode want = expected(file);
    assertEquals(ModelGraph.Format.ONNX, g.format());
    long ops = g.nodes().size() - count(g, "Input") - count(g, "Output");
    assertEquals(want.get("all_nodes").asLong(), ops, "op nodes, subgraphs included");
    List<String> subgraphScopes = g.nodes().stream().flatMap(n -> n.attrs().entrySet().stream()
        .filter(a -> a.getValue().startsWith("graph (")).map(a -> n.name() + "/" + a.getKey() + "/")).toList();
    assertEquals(want.get("top_level_nodes").asLong(), g.nodes().stream()
        .filter(n -> !n.op().equals("Input") && !n.op().equals("Output"))
        .filter(n -> subgraphScopes.stream().noneMatch(n.name()::startsWith)).count(), "op nodes outside subgraphs");
    assertEquals(want.get("inputs").asLong(), count(g, "Input"), "inputs that are not initializers");
    assertEquals(want.get("outputs").asLong(), count(g, "Output"), "outputs");
    assertEquals(want.get("edges").asLong(), g.edges().size(), "edges");
    assertEquals(want.get("initializer_elements").asLong(), g.totalParams(), "parameters");
    Set<String> weights = g.nodes().stream().flatMap(n -> n.attrs().keySet().stream())
        .filter(k -> k.startsWith("weight:")).collect(Collectors.toSet());
    assertEquals(want.get("initializers").asInt(), weights.size(), "initializers named by the nodes that use them");
    Set<String> opTypes = new TreeSet<>();
    want.get("op_types").forEach(j -> opTypes.add(j.asText()));
    assertEquals(opTypes, g.nodes().stream().map(ModelGraph.Node::op)
        .filter(op -> !op.equals("Input") && !op.equals("Output")).collect(Collectors.toCollection(TreeSet::new)));
    assertTrue(g.title().contains(want.get("graph_name").asText()) && g.title().contains(want.get("producer").asText()),
        g.title());
    assertTrue(g.edges().stream().noneMatch(ModelGraph.Edge::control));
  }

  @Test
  void smallCnn_scopesShapesAttributesAndWeights() {
    ModelGraph g = OnnxModels.read(resource("small_cnn.onnx"));
    assertEquals("ONNX: torch_jit (pytorch 1.13.0)", g.title());
    assertEquals(Map.of("ir_version", "7", "producer", "pytorch 1.13.0", "opset", "ai.onnx 13", "graph", "torch_jit"),
        g.info());
    assertEquals(List.of("input", "conv1/Conv", "relu1/Relu", "pool1/MaxPool", "conv2/Conv", "relu2/Relu",
        "pool2/MaxPool", "flatten/Flatten", "fc1/Gemm", "relu3/Relu", "fc2/Gemm", "output/logits"),
        g.nodes().stream().map(ModelGraph.Node::name).toList());

    ModelGraph.Node input = node(g, "input");
    assertEquals(List.of("[N, 1, 28, 28]"), input.outputShapes());
    assertEquals(Map.of("dtype", "float32"), input.attrs());

    ModelGraph.Node conv1 = node(g, "conv1/Conv");
    assertEquals("Conv", conv1.op());
    assertEquals("", conv1.device());
    assertEquals(List.of("[N, 8, 28, 28]"), conv1.outputShapes());
    assertEquals(8 * 1 * 3 * 3 + 8, conv1.params());
    assertEquals("[3, 3]", conv1.attrs().get("kernel_shape"));
    assertEquals("[1, 1, 1, 1]", conv1.attrs().get("pads"));
    assertEquals("1", conv1.attrs().get("group"));
    assertEquals("float32 [8, 1, 3, 3]", conv1.attrs().get("weight:conv1.weight"));
    assertEquals("float32 [8]", conv1.attrs().get("weight:conv1.bias"));

    ModelGraph.Node fc1 = node(g, "fc1/Gemm");
    assertEquals(32 * 784 + 32, fc1.params());
    assertEquals("1.0", fc1.attrs().get("alpha"));
    assertEquals("1", fc1.attrs().get("transB"));
    assertEquals(List.of("[N, 784]"), node(g, "flatten/Flatten").outputShapes());

    assertEquals(List.of("input:0 [N, 1, 28, 28]"), edgesInto(g, "conv1/Conv"));
    assertEquals(List.of("pool1/MaxPool:0 [N, 8, 14, 14]"), edgesInto(g, "conv2/Conv"));
    assertEquals(List.of("flatten/Flatten:0 [N, 784]"), edgesInto(g, "fc1/Gemm"));
    assertEquals(List.of("fc2/Gemm:0 [N, 10]"), edgesInto(g, "output/logits"));
    assertTrue(g.edges().stream().allMatch(e -> !e.shape().isEmpty()), "shape inference gave every edge a shape");
  }

  @Test
  void resnet18_nestedScopesAsTheExporterNamedThem() {
    ModelGraph g = OnnxModels.read(resource("resnet18.onnx"));
    // torch 1.13 names nodes by module path: /layer1/layer1.0/conv1/Conv (the Sequential's index repeats its name)
    ModelGraph.Node conv = node(g, "layer1/layer1.0/conv1/Conv");
    assertEquals(List.of("[N, 64, 56, 56]"), conv.outputShapes());
    assertEquals(List.of("maxpool/MaxPool:0 [N, 64, 56, 56]", "onnx::Conv_196:0 [64, 64, 3, 3]",
        "Identity_15:0 [64]"), edgesInto(g, "layer1/layer1.0/conv1/Conv"));
    node(g, "layer2/layer2.0/downsample/downsample.0/Conv");
    assertEquals(List.of("layer1/layer1.0/conv2/Conv:0 [N, 64, 56, 56]", "maxpool/MaxPool:0 [N, 64, 56, 56]"),
        edgesInto(g, "layer1/layer1.0/Add"));
    assertEquals(4, g.nodes().stream().filter(n -> n.name().matches("layer\\d/layer\\d\\.0/conv1/Conv")).count());
    // export_params=False: the weights are graph inputs, BatchNorm is folded into the convolutions,
    // and equal folded biases are shared through unscoped Identity nodes
    assertEquals(0, count(g, "BatchNormalization"));
    assertEquals(List.of("[1000, 512]"), node(g, "fc.weight").outputShapes());
    assertEquals("Identity", node(g, "Identity_0").op());
    assertEquals(0, g.totalParams());
    assertEquals(List.of("fc/Gemm:0 [N, 1000]"), edgesInto(g, "output/logits"));
    assertEquals(List.of("[N, 512, 1, 1]"), node(g, "avgpool/GlobalAveragePool").outputShapes());
  }

  @Test
  void helperBuilt_subgraphsEmptyNamesDomainsAndAttributes() {
    ModelGraph g = OnnxModels.read(resource("helper_built.onnx"));
    assertEquals("ONNX: helper_graph (onnx.helper 1.12.0)", g.title());
    assertEquals("ai.onnx 13, com.example 1", g.info().get("opset"));
    // onnx.helper.make_node sorts attributes by name: else_branch comes before then_branch
    assertEquals(List.of("X", "cond", "matmul", "Add", "block/relu", "branch", "custom",
        "branch/else_branch/scale", "branch/else_branch/Abs", "branch/then_branch/square",
        "branch/then_branch/shift", "output/z", "output/s"), g.nodes().stream().map(ModelGraph.Node::name).toList());

    // W is an initializer listed among the inputs too: a weight, not an Input node
    assertEquals(12, node(g, "matmul").params());
    assertEquals("float32 [4, 3]", node(g, "matmul").attrs().get("weight:W"));
    assertEquals(List.of("X:0 [N, 4]"), edgesInto(g, "matmul"));
    // B is shared by the outer Add and the then branch: counted once, at its first consumer
    assertEquals(3, node(g, "Add").params());
    assertEquals(0, node(g, "branch/then_branch/shift").params());
    assertEquals("float32 [3]", node(g, "branch/then_branch/shift").attrs().get("weight:B"));
    assertEquals(3, node(g, "branch/else_branch/scale").params());

    ModelGraph.Node branch = node(g, "branch");
    assertEquals("If", branch.op());
    assertEquals(List.of("[N, ?]"), branch.outputShapes());
    assertEquals("graph (2 nodes)", branch.attrs().get("then_branch"));
    assertEquals("graph (2 nodes)", branch.attrs().get("else_branch"));
    assertEquals(List.of("cond:0 []"), edgesInto(g, "branch"));
    // branch nodes read the outer graph's values and their own
    assertEquals(List.of("block/relu:0 [N, 3]", "block/relu:0 [N, 3]"), edgesInto(g, "branch/then_branch/square"));
    assertEquals(List.of("branch/then_branch/square:0 [N, 3]"), edgesInto(g, "branch/then_branch/shift"));
    assertEquals(List.of("block/relu:0 [N, 3]"), edgesInto(g, "branch/else_branch/scale"));
    assertEquals(List.of("branch/else_branch/scale:0 "), edgesInto(g, "branch/else_branch/Abs"));
    assertEquals(List.of("branch:0 [N, ?]"), edgesInto(g, "output/z"));

    ModelGraph.Node custom = node(g, "custom");
    assertEquals("com.example::Scale", custom.op());
    assertEquals(Map.of("factor", "2.5", "axes", "[0, 1]", "mode", "fast", "names", "[\"a\", \"b\"]",
        "table", "int64 [2] = [7, 9]"), custom.attrs());
  }

  // ---- bad input ----

  @Test
  void emptyInput_isNoModel() {
    BadGraphException e = assertThrows(BadGraphException.class, () -> OnnxModels.read(new byte[0]));
    assertTrue(e.getMessage().contains("without a graph"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"small_cnn.onnx", "resnet18.onnx", "helper_built.onnx"})
  void truncatedFiles_throwBadGraphException(String file) {
    byte[] bytes = resource(file);
    for (int cut : new int[] {1, 2, 5, 17, bytes.length / 3, bytes.length / 2, bytes.length - 100, bytes.length - 1}) {
      byte[] part = Arrays.copyOf(bytes, cut);
      BadGraphException e = assertThrows(BadGraphException.class, () -> OnnxModels.read(part), file + " cut at " + cut);
      assertTrue(e.getMessage().startsWith("not an ONNX model"), e.getMessage());
    }
  }

  @Test
  void hugeLength_isRefusedWithoutAllocating() {
    // graph (field 7, LEN) claiming 2^62 bytes
    byte[] bytes = {0x08, 0x07, 0x3A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, 0x40};
    BadGraphException e = assertThrows(BadGraphException.class, () -> OnnxModels.read(bytes));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
  }

  @Test
  void otherFormats_areRefused() {
    assertThrows(BadGraphException.class, () -> OnnxModels.read("{\"class_name\": \"Sequential\"}".getBytes()));
    assertThrows(BadGraphException.class, () -> OnnxModels.read(new byte[] {0x08, 0x07})); // ir_version only
  }

  /** A ModelProto whose graph holds {@code n} copies of one NodeProto. */
  static byte[] modelOf(int n, ProtoWriter.Encodable node) {
    byte[] one = ProtoWriter.encode(node);
    ProtoWriter graph = new ProtoWriter(n * (one.length + 3));
    for (int i = 0; i < n; i++) {
      graph.writeBytesFieldAlways(1, one);
    }
    ProtoWriter model = new ProtoWriter();
    model.writeBytesField(7, graph.toByteArray());
    return model.toByteArray();
  }

  @Test
  void manyUnnamedNodes_areNamedByOpInLinearTime() {
    int n = 60_000;
    ModelGraph g = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> OnnxModels.read(modelOf(n, w -> w.writeStringField(4, "Relu"))));
    assertEquals(n, g.nodes().size());
    assertEquals("Relu", g.node(0).name());
    assertEquals("Relu_" + (n - 1), g.node(n - 1).name());
  }

  @Test
  void tooManyNodes_areRefusedBeforeTheyFillTheHeap() {
    // two bytes per empty NodeProto: a 2 MB file would otherwise become a million objects and more
    BadGraphException e = assertThrows(BadGraphException.class,
        () -> OnnxModels.read(modelOf(OnnxModels.MAX_ITEMS + 1, w -> {})));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  /** A real file with a few bytes overwritten: mostly still protobuf, often no longer ONNX. */
  @Provide
  Arbitrary<byte[]> damagedFiles() {
    return Arbitraries.of(FILES).flatMap(file -> {
      byte[] bytes = resource(file);
      return Arbitraries.integers().between(0, bytes.length - 1).list().ofMinSize(1).ofMaxSize(4)
          .flatMap(at -> Arbitraries.bytes().list().ofSize(at.size()).map(values -> {
            byte[] copy = bytes.clone();
            for (int k = 0; k < at.size(); k++) {
              copy[at.get(k)] = values.get(k);
            }
            return copy;
          }));
    });
  }

  static void readsOrRefuses(byte[] bytes) {
    try {
      OnnxModels.read(bytes);
    } catch (BadGraphException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    } catch (RuntimeException | Error e) {
      String shown = bytes.length <= 200 ? HexFormat.of().formatHex(bytes) : bytes.length + " bytes";
      throw new AssertionFailedError("threw " + e + " on " + shown, e);
    }
  }

  @Property(tries = 2000)
  void randomBytes_throwOnlyBadGraphException(@ForAll("randomBytes") byte[] bytes) {
    readsOrRefuses(bytes);
  }

  @Property(tries = 300)
  void damagedFiles_throwOnlyBadGraphException(@ForAll("damagedFiles") byte[] bytes) {
    readsOrRefuses(bytes);
  }
}
