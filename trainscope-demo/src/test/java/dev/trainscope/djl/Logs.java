package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** What a listener wrote, read back with trainscope-events' scanner, checksums verified. */
final class Logs {
  /** A value of a tag at a step. */
  record Value(long step, SummaryValue value) {}

  final Map<String, List<Value>> byTag = new LinkedHashMap<>();
  /** The metadata of each tag's first value. */
  final Map<String, SummaryMetadata> metadata = new LinkedHashMap<>();
  /** The events that carry a graph ({@code graph_def}), in file order. */
  final List<Event> graphs = new ArrayList<>();

  private Logs() {}

  /** The one event file in {@code dir}. */
  static Logs read(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(1, files.size(), "event files in " + dir + ": " + files);
    Logs logs = new Logs();
    List<Problem> problems = new ArrayList<>();
    ScanResult r;
    try {
      r = EventScanner.create().scan(files.get(0), new EventHandler() {
        @Override
        public void onEvent(EventView e) {
          Event ev = e.decode();
          if (ev.what() instanceof Event.GraphDef) {
            logs.graphs.add(ev);
          }
          if (ev.summary() != null) {
            for (SummaryValue v : ev.summary().values()) {
              logs.byTag.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(new Value(ev.step(), v));
              if (v.metadata() != null) {
                logs.metadata.putIfAbsent(v.tag(), v.metadata());
              }
            }
          }
        }

        @Override
        public void onProblem(Problem p) {
          problems.add(p);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(List.of(), problems, "problems in " + files.get(0));
    assertFalse(r.truncated());
    return logs;
  }

  /** The run's one graph, decoded; fails unless exactly one was written. */
  GraphDefProto graph() {
    assertEquals(1, graphs.size(), "graph events");
    return GraphDefProto.parse(((Event.GraphDef) graphs.get(0).what()).bytes());
  }

  List<Value> values(String tag) {
    List<Value> v = byTag.get(tag);
    assertNotNull(v, "no values of tag '" + tag + "'; tags: " + byTag.keySet());
    return v;
  }

  /** A scalar tag's values by step. */
  TreeMap<Long, Double> scalars(String tag) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Value v : values(tag)) {
      TensorProto t = (TensorProto) v.value().value();
      out.put(v.step(), t.toDoubleArray()[0]);
    }
    return out;
  }

  /** A histogram tag's buckets by step. */
  TreeMap<Long, PluginTensors.Buckets> histograms(String tag) {
    TreeMap<Long, PluginTensors.Buckets> out = new TreeMap<>();
    for (Value v : values(tag)) {
      out.put(v.step(), PluginTensors.histogram((TensorProto) v.value().value()));
    }
    return out;
  }

  /** An image tag's pictures by step, decoded. */
  TreeMap<Long, BufferedImage> images(String tag) {
    TreeMap<Long, BufferedImage> out = new TreeMap<>();
    for (Value v : values(tag)) {
      byte[] png = PluginTensors.images((TensorProto) v.value().value()).encoded().get(0);
      try {
        out.put(v.step(), ImageIO.read(new ByteArrayInputStream(png)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** A text tag's texts by step. */
  TreeMap<Long, String> texts(String tag) {
    TreeMap<Long, String> out = new TreeMap<>();
    for (Value v : values(tag)) {
      out.put(v.step(), PluginTensors.text((TensorProto) v.value().value()).get(0));
    }
    return out;
  }

  /** The hparams of the run's session start, as strings, numbers and booleans. */
  Map<String, Object> hparams() {
    SummaryMetadata md = metadata.get("_hparams_/session_start_info");
    assertNotNull(md, "no hparams session start; tags: " + byTag.keySet());
    HParamsPluginData data = HParamsPluginData.parse(md.pluginData().content());
    HParamsPluginData.SessionStartInfo start = (HParamsPluginData.SessionStartInfo) data.data();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ProtoValue> e : start.hparams().entrySet()) {
      ProtoValue v = e.getValue();
      if (v instanceof ProtoValue.Number n) {
        out.put(e.getKey(), n.value());
      } else if (v instanceof ProtoValue.Bool b) {
        out.put(e.getKey(), b.value());
      } else if (v instanceof ProtoValue.Text t) {
        out.put(e.getKey(), t.value());
      } else {
        out.put(e.getKey(), v.toString());
      }
    }
    return out;
  }

  /** The machine-readable last line of a tag's description. */
  String machineLine(String tag) {
    SummaryMetadata md = metadata.get(tag);
    assertNotNull(md, "no metadata for '" + tag + "'");
    String d = md.summaryDescription();
    return d.substring(d.lastIndexOf('\n') + 1);
  }

  /** The total count of a histogram. */
  static double total(PluginTensors.Buckets b) {
    double s = 0;
    for (double c : b.count()) {
      s += c;
    }
    return s;
  }
}
