package dev.trainscope.data;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventView;
import dev.trainscope.events.Problem;
import dev.trainscope.events.TagStrings;
import dev.trainscope.events.ValueKind;
import dev.trainscope.events.ValueView;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.wire.ProtoReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the events of one run into its {@link RunData}: each value goes to its tag's series by
 * kind, with TensorBoard's restart rules (a value at step s replaces the tag's values at steps >=
 * s; a SessionLog START at step s drops the run's values at steps >= s). Runs under the run's write
 * lock, one chunk of a file at a time.
 */
final class Ingest implements EventHandler {
  static final String RUN_GRAPH_TAG = "__run_graph__";
  /** The longest tag name taken; a value under a longer one is a problem (MALFORMED_VALUE), skipped. */
  static final int MAX_TAG_CHARS = 1024;

  private final RunData d;
  /** The run's name: some writers say a tag's split by their run's folder name. */
  private final String run;
  private final Consumer<Problem> problems;
  private int file;
  private long chunk;
  /** Tags created in the current chunk. */
  final List<TagData> added = new ArrayList<>();
  /**
   * The tag strings of this run's files, kept across chunks: the same String for the same tag,
   * which {@link TagOrder} compares by identity.
   */
  final TagStrings tagStrings = new TagStrings();
  private final TagOrder<TagData> order = new TagOrder<>();

  Ingest(RunData d, String run, Consumer<Problem> problems) {
    this.d = d;
    this.run = run;
    this.problems = problems;
  }

  /** Starts a chunk of the file with the given index in the run. */
  void beginChunk(int fileIndex, long chunkId) {
    file = fileIndex;
    chunk = chunkId;
    added.clear();
  }

  /**
   * The tags that got values (or lost some) in the current chunk. Found at the chunk's end rather
   * than listed as they come, which would put a test on every value's path.
   */
  List<TagData> touched() {
    List<TagData> out = new ArrayList<>();
    for (TagData t : d.tags.values()) {
      if (t.touchedInChunk == chunk) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public void onProblem(Problem p) {
    if (p.kind() != Problem.Kind.TRUNCATED_RECORD) {
      d.problems++;
    }
    problems.accept(p);
  }

  @Override
  public void onEvent(EventView e) {
    d.events++;
    double wall = e.wallTime();
    if (Double.isNaN(d.firstWall)) {
      d.firstWall = wall;
    }
    d.lastWall = wall;
    switch (e.kind()) {
      case SESSION_LOG: {
        SessionLog s = e.sessionLog();
        if (s.isStart()) {
          for (TagData t : d.tags.values()) {
            long dropped = t.truncateFrom(e.step());
            if (dropped > 0) {
              t.droppedSession += dropped;
              touch(t);
            }
          }
        }
        break;
      }
      case GRAPH_DEF: {
        TagData t = tag(RUN_GRAPH_TAG, TagKind.GRAPH, "graphs", null);
        if (t.kind != TagKind.GRAPH) {
          // a summary value took the graph's tag first: its list holds no graphs
          throw new MalformedProtoException("a graph, but the tag '" + RUN_GRAPH_TAG + "' holds " + t.kind
              + " values; graph skipped", 0);
        }
        add(t, e, new TagData.BlobEntry(eventRef(e), 1, 0, 0, "application/x-protobuf"));
        d.hasGraph = true;
        break;
      }
      case META_GRAPH_DEF:
        d.hasMetaGraph = true;
        d.metaGraph = eventRef(e);
        break;
      case TAGGED_RUN_METADATA: {
        String name = e.taggedRunMetadata().tag();
        TagData t = tag(name, TagKind.RUN_METADATA, "graph_tagged_run_metadata", null);
        if (t.kind == TagKind.RUN_METADATA) {
          add(t, e, new TagData.BlobEntry(eventRef(e), 1, 0, 0, "application/x-protobuf"));
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * The scanner's fast path: a scalar value of a tag already known to hold scalars. A new tag, or
   * one of another kind, is declined (nothing changed) and comes back as views.
   */
  @Override
  public boolean onScalar(double wall, long step, String tag, float value, boolean tensor) {
    TagData t = order.find(tag, d.tags);
    if (t == null || t.kind != TagKind.SCALAR) {
      return false;
    }
    d.events++;
    if (Double.isNaN(d.firstWall)) {
      d.firstWall = wall;
    }
    d.lastWall = wall;
    // stores only when something changes: this runs for nearly every event of a big load
    long dropped = t.scalars.append(step, wall, value);
    if (dropped != 0) {
      t.droppedRestart += dropped;
    }
    touch(t);
    return true;
  }

  @Override
  public void onValue(EventView e, ValueView v) {
    String name = v.tag();
    TagData t = order.find(name, d.tags);
    if (t == null) {
      t = create(name, v);
      order.added(name, t);
    }
    long step = e.step();
    double wall = e.wallTime();
    switch (t.kind) {
      case SCALAR:
        if (!v.isScalar()) {
          mismatch(e, t, v);
          return;
        }
        t.droppedRestart += t.scalars.append(step, wall, v.scalar());
        touch(t);
        return;
      case HISTOGRAM: {
        PluginTensors.Buckets b;
        if (v.kind() == ValueKind.HISTO) {
          HistogramProto h = v.histogram();
          b = PluginTensors.histogram(h);
        } else if (v.kind() == ValueKind.TENSOR) {
          b = PluginTensors.histogram(v.tensor());
        } else {
          mismatch(e, t, v);
          return;
        }
        add(t, e, new TagData.HistEntry(ref(e, v), HistogramData.of(b.left(), b.right(), b.count())));
        return;
      }
      case IMAGE: {
        Payloads.Header h;
        if (v.kind() == ValueKind.IMAGE) {
          h = v.readPayload((b, off, len) -> Payloads.legacyImage(ProtoReader.of(b, off, len)));
        } else if (v.kind() == ValueKind.TENSOR) {
          h = v.readPayload((b, off, len) -> Payloads.tensorImages(ProtoReader.of(b, off, len)));
        } else {
          mismatch(e, t, v);
          return;
        }
        add(t, e, new TagData.BlobEntry(ref(e, v), h.count(), h.width(), h.height(), h.contentType()));
        return;
      }
      case AUDIO: {
        Payloads.Header h;
        if (v.kind() == ValueKind.AUDIO) {
          h = v.readPayload((b, off, len) -> Payloads.legacyAudio(ProtoReader.of(b, off, len)));
        } else if (v.kind() == ValueKind.TENSOR) {
          h = v.readPayload((b, off, len) -> Payloads.tensorAudio(ProtoReader.of(b, off, len)));
        } else {
          mismatch(e, t, v);
          return;
        }
        add(t, e, new TagData.BlobEntry(ref(e, v), h.count(), 0, 0, h.contentType()));
        return;
      }
      case TEXT: {
        TensorProto tensor = v.tensor();
        if (tensor == null) {
          mismatch(e, t, v);
          return;
        }
        add(t, e, PluginTensors.text(tensor).toArray(new String[0]));
        return;
      }
      case PR_CURVE: {
        TensorProto tensor = v.tensor();
        if (tensor == null) {
          mismatch(e, t, v);
          return;
        }
        PluginTensors.PrCurve c = PluginTensors.prCurve(tensor);
        int n = c.precision().length;
        float[] rows = new float[6 * n];
        double[][] all = {c.truePositives(), c.falsePositives(), c.trueNegatives(), c.falseNegatives(),
            c.precision(), c.recall()};
        for (int r = 0; r < 6; r++) {
          for (int i = 0; i < n; i++) {
            rows[r * n + i] = (float) all[r][i];
          }
        }
        add(t, e, rows);
        return;
      }
      case HPARAMS: {
        SummaryMetadata md = v.hasMetadata() ? v.metadata() : t.metadata;
        if (md != null && md.pluginData() != null) {
          HParamsPluginData data = HParamsPluginData.parse(md.pluginData().content());
          if (data.data() instanceof HParamsPluginData.Experiment x) {
            d.experiment = x;
          } else if (data.data() instanceof HParamsPluginData.SessionStartInfo s) {
            d.sessionStart = s;
            d.sessionEnd = null;   // an end logged before belongs to the session this one follows
          } else if (data.data() instanceof HParamsPluginData.SessionEndInfo s) {
            d.sessionEnd = s;
          }
        }
        add(t, e, new TagData.BlobEntry(ref(e, v), 1, 0, 0, "application/x-protobuf"));
        return;
      }
      default: // GRAPH (Keras model), MESH, CUSTOM_SCALARS, TENSOR, RUN_METADATA under a summary tag
        add(t, e, new TagData.BlobEntry(ref(e, v), 1, 0, 0,
            t.kind == TagKind.GRAPH ? "application/json" : "application/x-protobuf"));
    }
  }

  private TagData create(String name, ValueView v) {
    SummaryMetadata md = v.hasMetadata() ? v.metadata() : null;
    String plugin = md == null ? "" : md.pluginName();
    TagKind kind;
    switch (v.kind()) {
      case SIMPLE_VALUE: kind = TagKind.SCALAR; plugin = PluginNames.SCALARS; break;
      case HISTO: kind = TagKind.HISTOGRAM; plugin = PluginNames.HISTOGRAMS; break;
      case IMAGE: kind = TagKind.IMAGE; plugin = PluginNames.IMAGES; break;
      case AUDIO: kind = TagKind.AUDIO; plugin = PluginNames.AUDIO; break;
      default: kind = kindOfPlugin(plugin, v);
    }
    return tag(name, kind, plugin, md);
  }

  private static TagKind kindOfPlugin(String plugin, ValueView v) {
    switch (plugin) {
      case PluginNames.SCALARS: return v.kind() == ValueKind.TENSOR && v.isScalar() ? TagKind.SCALAR : TagKind.TENSOR;
      case PluginNames.HISTOGRAMS: return TagKind.HISTOGRAM;
      case PluginNames.IMAGES: return TagKind.IMAGE;
      case PluginNames.AUDIO: return TagKind.AUDIO;
      case PluginNames.TEXT: return TagKind.TEXT;
      case PluginNames.PR_CURVES: return TagKind.PR_CURVE;
      case PluginNames.HPARAMS: return TagKind.HPARAMS;
      case PluginNames.GRAPH_KERAS_MODEL: return TagKind.GRAPH;
      case PluginNames.MESH: return v.kind() == ValueKind.TENSOR ? TagKind.MESH : TagKind.TENSOR;
      case PluginNames.CUSTOM_SCALARS: return TagKind.CUSTOM_SCALARS;
      default: return TagKind.TENSOR;
    }
  }

  private TagData tag(String name, TagKind kind, String plugin, SummaryMetadata md) {
    TagData t = d.tags.get(name);
    if (t == null) {
      if (name.length() > MAX_TAG_CHARS) {
        // a URL could not name it to fetch it: reported and skipped rather than listed and unreachable
        throw new MalformedProtoException("a tag of " + name.length() + " characters, more than the " + MAX_TAG_CHARS
            + " a tag may have ('" + name.substring(0, 60) + "...'); value skipped", 0);
      }
      t = new TagData(run, name, kind, plugin, md, d.clock);
      d.tags.put(name, t);
      added.add(t);
    }
    return t;
  }

  private void add(TagData t, EventView e, TagData.HistEntry entry) {
    add(t, t.histograms, e, entry);
  }

  private void add(TagData t, EventView e, TagData.BlobEntry entry) {
    add(t, t.blobs, e, entry);
  }

  private void add(TagData t, EventView e, String[] text) {
    add(t, t.texts, e, text);
  }

  private void add(TagData t, EventView e, float[] prCurve) {
    add(t, t.prCurves, e, prCurve);
  }

  private <E> void add(TagData t, StepList<E> values, EventView e, E entry) {
    t.droppedRestart += values.append(e.step(), e.wallTime(), entry);
    touch(t);
  }

  /** Marks the tag as changed in this chunk; a store only the first time (every value comes here). */
  private void touch(TagData t) {
    if (t.touchedInChunk != chunk) {
      t.touchedInChunk = chunk;
    }
  }

  private static void mismatch(EventView e, TagData t, ValueView v) {
    throw new MalformedProtoException("a " + v.kind().protoName() + " value under tag '" + t.name
        + "', which holds " + t.kind + " values; value skipped", 0);
  }

  private ValueRef ref(EventView e, ValueView v) {
    return new ValueRef(file, e.recordOffset(), v.index(), v.payloadOffset(), v.payloadLength());
  }

  /** A reference to a whole event (a graph, run metadata): no value index. */
  private ValueRef eventRef(EventView e) {
    return new ValueRef(file, e.recordOffset(), -1, 0, e.recordLength());
  }
}
