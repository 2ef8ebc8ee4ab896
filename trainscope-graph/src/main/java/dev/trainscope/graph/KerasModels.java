package dev.trainscope.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras model configs (what {@code model.to_json()} gives and the TensorBoard callback logs under
 * the plugin {@code graph_keras_model}) as a {@link ModelGraph}: one node per layer.
 *
 * <p>A {@code Sequential} model chains its layers in order. A functional model ({@code Functional},
 * {@code Model}) connects them by each layer's {@code inbound_nodes}, in Keras 2's form
 * ({@code [[["dense", 0, 0, {}], ...]]}) or Keras 3's ({@code [{"args": [{"class_name":
 * "__keras_tensor__", "config": {"shape": ..., "keras_history": ["dense", 0, 0]}}]}]}). A model used
 * as a layer of another becomes a name scope holding its own layers; edges into it go to its input
 * layers and edges out of it leave from its output layers. Shapes come from Keras 3's tensors and
 * the input layers' {@code batch_input_shape} / {@code batch_shape}.
 */
public final class KerasModels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasModels() {}

  public static ModelGraph read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BadGraphException("not a Keras model config: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.path("config").isObject()) {
      throw new BadGraphException("not a Keras model config: no \"config\" object");
    }
    ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.KERAS);
    String name = root.path("config").path("name").asText("model");
    b.title("Keras " + root.path("class_name").asText("model") + " " + name);
    b.info("keras_version", root.path("keras_version").asText(""));
    b.info("backend", root.path("backend").asText(""));
    Model m = new KerasModels.Model(b);
    m.add(root, name);
    return b.build();
  }

  /** What a (nested) model looks like from outside: the nodes its inputs enter and its outputs leave. */
  private record Ends(List<String> inputs, List<String> outputs) {}

  private static final class Model {
    private final ModelGraph.Builder b;

    Model(ModelGraph.Builder b) {
      this.b = b;
    }

    /** Adds a model's layers under {@code scope}; returns where its tensors enter and leave. */
    Ends add(JsonNode model, String scope) {
      JsonNode config = model.path("config");
      JsonNode layers = config.path("layers");
      if (!layers.isArray()) {
        throw new BadGraphException("Keras model " + scope + " has no \"layers\" list");
      }
      boolean sequential = model.path("class_name").asText("").equals("Sequential")
          || !hasInbound(layers);
      Map<String, Ends> byName = new LinkedHashMap<>();
      List<Ends> order = new ArrayList<>();
      for (JsonNode layer : layers) {
        String cls = layer.path("class_name").asText("Layer");
        JsonNode lc = layer.path("config");
        String lname = layer.path("name").asText(lc.path("name").asText(cls.toLowerCase()));
        Ends ends;
        if (lc.path("layers").isArray()) {
          ends = add(layer, scope + "/" + lname);
        } else {
          String full = b.add(new ModelGraph.Node(scope + "/" + lname, cls, "", inputShape(lc), 0, attrs(lc)));
          ends = new Ends(List.of(full), List.of(full));
        }
        byName.put(lname, ends);
        order.add(ends);
      }
      if (sequential) {
        String first = inputShapeText(layers);
        for (int i = 1; i < order.size(); i++) {
          for (String from : order.get(i - 1).outputs()) {
            for (String to : order.get(i).inputs()) {
              b.connect(from, 0, to, i == 1 ? first : "", false);
            }
          }
        }
        return order.isEmpty() ? new Ends(List.of(), List.of())
            : new Ends(order.get(0).inputs(), order.get(order.size() - 1).outputs());
      }
      int k = 0;
      for (JsonNode layer : layers) {
        Ends to = order.get(k++);
        for (Ref ref : inbound(layer.path("inbound_nodes"))) {
          Ends from = byName.get(ref.layer);
          if (from == null) {
            continue;
          }
          for (String f : from.outputs()) {
            for (String t : to.inputs()) {
              b.connect(f, ref.tensor, t, ref.shape, false);
            }
          }
        }
      }
      return new Ends(ends(config.path("input_layers"), byName, true, order),
          ends(config.path("output_layers"), byName, false, order));
    }

    private static List<String> ends(JsonNode list, Map<String, Ends> byName, boolean inputs, List<Ends> order) {
      List<String> out = new ArrayList<>();
      if (list.isArray()) {
        // [["input_1", 0, 0], ...] or, for one tensor, ["input_1", 0, 0]
        if (list.size() > 0 && list.get(0).isTextual()) {
          addEnd(list.get(0).asText(), byName, inputs, out);
        } else {
          for (JsonNode e : list) {
            addEnd(e.path(0).asText(""), byName, inputs, out);
          }
        }
      }
      if (out.isEmpty() && !order.isEmpty()) {
        out.addAll(inputs ? order.get(0).inputs() : order.get(order.size() - 1).outputs());
      }
      return out;
    }

    private static void addEnd(String layer, Map<String, Ends> byName, boolean inputs, List<String> out) {
      Ends e = byName.get(layer);
      if (e != null) {
        out.addAll(inputs ? e.inputs() : e.outputs());
      }
    }
  }

  /** One inbound tensor: the layer that made it, which of its outputs, its shape when known. */
  private record Ref(String layer, int tensor, String shape) {}

  private static boolean hasInbound(JsonNode layers) {
    for (JsonNode l : layers) {
      if (l.has("inbound_nodes")) {
        return true;
      }
    }
    return false;
  }

  private static List<Ref> inbound(JsonNode nodes) {
    List<Ref> out = new ArrayList<>();
    for (JsonNode call : nodes) {
      if (call.isArray()) { // Keras 2: [["dense", 0, 0, {}], ...]
        for (JsonNode r : call) {
          if (r.isArray() && r.size() >= 3) {
            out.add(new Ref(r.get(0).asText(), r.get(2).asInt(0), ""));
          }
        }
      } else if (call.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
        collectTensors(call.path("args"), out);
        collectTensors(call.path("kwargs"), out);
      }
    }
    return out;
  }

  private static void collectTensors(JsonNode n, List<Ref> out) {
    if (n.isObject() && n.path("class_name").asText("").equals("__keras_tensor__")) {
      JsonNode h = n.path("config").path("keras_history");
      if (h.isArray() && h.size() >= 3) {
        out.add(new Ref(h.get(0).asText(), h.get(2).asInt(0), shapeText(n.path("config").path("shape"))));
      }
      return;
    }
    if (n.isContainerNode()) {
      for (JsonNode c : n) {
        collectTensors(c, out);
      }
    }
  }

  private static List<String> inputShape(JsonNode lc) {
    String s = shapeText(lc.has("batch_input_shape") ? lc.path("batch_input_shape") : lc.path("batch_shape"));
    return s.isEmpty() ? List.of() : List.of(s);
  }

  private static String inputShapeText(JsonNode layers) {
    for (JsonNode l : layers) {
      List<String> s = inputShape(l.path("config"));
      if (!s.isEmpty()) {
        return s.get(0);
      }
    }
    return "";
  }

  /** {@code [null, 28, 28]} as {@code [?, 28, 28]}; "" when not a list of sizes. */
  static String shapeText(JsonNode shape) {
    if (!shape.isArray()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.size(); i++) {
      JsonNode d = shape.get(i);
      sb.append(i == 0 ? "" : ", ").append(d.isNumber() ? Long.toString(d.asLong()) : "?");
    }
    return sb.append(']').toString();
  }

  /** A layer's settings as text: scalars as they are, objects by their class name or short JSON. */
  private static Map<String, String> attrs(JsonNode config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String text;
      if (v.isValueNode()) {
        text = v.asText();
      } else if (v.isObject() && v.has("class_name")) {
        text = v.path("class_name").asText();
      } else {
        text = v.toString();
      }
      out.put(e.getKey(), text.length() > 200 ? text.substring(0, 197) + "..." : text);
    }
    return out;
  }
}
