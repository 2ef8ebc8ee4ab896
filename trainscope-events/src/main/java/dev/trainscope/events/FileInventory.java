package dev.trainscope.events;

import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.wire.ProtoReader;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one event file holds, exactly as it is on disk, in file order, with no rewriting: records,
 * events by kind, problems, and per tag the value kinds, plugin, step range and, for scalar tags,
 * the first and last three points. {@code trainscope inspect} prints it; the interop tests match it
 * against TensorBoard's own loader.
 */
public final class FileInventory {

  /** Statistics of one tag. */
  public static final class TagStats {
    private final String tag;
    /** Values of each kind, by the kind's ordinal (counted without boxing: one per value). */
    private final long[] valueKinds = new long[ValueKind.values().length];
    private String pluginName = "";
    private byte[] pluginContent;
    private SummaryMetadata firstMetadata;
    private long count;
    private long firstStep;
    private long lastStep;
    private long minStep = Long.MAX_VALUE;
    private long maxStep = Long.MIN_VALUE;
    private double firstWallTime;
    private double lastWallTime;
    private long[] steps = new long[8];
    private boolean allScalar = true;
    /** The first three and the last three points: steps and values, the latter a ring. */
    private final long[] firstSteps = new long[3];
    private final double[] firstValues = new double[3];
    private final long[] lastSteps = new long[3];
    private final double[] lastValues = new double[3];
    private long scalars;
    private final ExactSum exactSum = new ExactSum();

    TagStats(String tag) {
      this.tag = tag;
    }

    void add(EventView e, ValueView v) {
      long step = e.step();
      if (count == 0) {
        firstStep = step;
        firstWallTime = e.wallTime();
      }
      if (count == steps.length) {
        steps = Arrays.copyOf(steps, steps.length * 2);
      }
      steps[(int) count] = step;
      count++;
      lastStep = step;
      lastWallTime = e.wallTime();
      minStep = Math.min(minStep, step);
      maxStep = Math.max(maxStep, step);
      valueKinds[v.kind().ordinal()]++;
      if (v.hasMetadata()) {
        SummaryMetadata md = v.metadata();
        if (firstMetadata == null) {
          firstMetadata = md;
        }
        if (pluginName.isEmpty() && md.pluginData() != null && !md.pluginData().pluginName().isEmpty()) {
          pluginName = md.pluginData().pluginName();
          pluginContent = md.pluginData().content();
        }
      }
      if (allScalar && v.isScalar()) {
        double x = v.scalar();
        if (scalars < 3) {
          firstSteps[(int) scalars] = step;
          firstValues[(int) scalars] = x;
        }
        lastSteps[(int) (scalars % 3)] = step;
        lastValues[(int) (scalars % 3)] = x;
        scalars++;
        if (Double.isFinite(x)) {
          exactSum.add(x);
        }
      } else {
        allScalar = false;
      }
    }

    public String tag() {
      return tag;
    }

    public Map<ValueKind, Long> valueKinds() {
      return Collections.unmodifiableMap(counts(ValueKind.class, valueKinds));
    }

    /** The first non-empty plugin name in the tag's metadata, "" if none. */
    public String pluginName() {
      return pluginName;
    }

    /** The plugin content that came with {@link #pluginName}, or null. */
    public byte[] pluginContent() {
      return pluginContent == null ? null : pluginContent.clone();
    }

    /** The first metadata seen for the tag, or null. */
    public SummaryMetadata firstMetadata() {
      return firstMetadata;
    }

    public long count() {
      return count;
    }

    public long firstStep() {
      return firstStep;
    }

    public long lastStep() {
      return lastStep;
    }

    public long minStep() {
      return minStep;
    }

    public long maxStep() {
      return maxStep;
    }

    public double firstWallTime() {
      return firstWallTime;
    }

    public double lastWallTime() {
      return lastWallTime;
    }

    public long distinctStepCount() {
      long[] s = Arrays.copyOf(steps, (int) count);
      Arrays.sort(s);
      long n = 0;
      for (int i = 0; i < s.length; i++) {
        if (i == 0 || s[i] != s[i - 1]) {
          n++;
        }
      }
      return n;
    }

    /** True when every value of the tag is one number. */
    public boolean isScalar() {
      return allScalar && count > 0;
    }

    /** Up to three {@code [step, value]} pairs from the start, in file order; empty unless scalar. */
    public List<double[]> first3() {
      if (!isScalar()) {
        return List.of();
      }
      List<double[]> out = new ArrayList<>(3);
      for (int i = 0; i < Math.min(3, scalars); i++) {
        out.add(new double[] {firstSteps[i], firstValues[i]});
      }
      return List.copyOf(out);
    }

    /** Up to three {@code [step, value]} pairs from the end, in file order; empty unless scalar. */
    public List<double[]> last3() {
      if (!isScalar()) {
        return List.of();
      }
      List<double[]> out = new ArrayList<>(3);
      for (long i = Math.max(0, scalars - 3); i < scalars; i++) {
        out.add(new double[] {lastSteps[(int) (i % 3)], lastValues[(int) (i % 3)]});
      }
      return out;
    }

    /** The correctly rounded sum of the finite values of a scalar tag (as Python's math.fsum). */
    public double scalarSum() {
      return exactSum.value();
    }

    /**
     * A summary kind for people: scalar, histogram, image, audio, text, pr_curve, hparams, graph,
     * tensor, or the legacy kind's name; "mixed" when values of several kinds share the tag.
     */
    public String kind() {
      Map<ValueKind, Long> kinds = counts(ValueKind.class, valueKinds);
      if (kinds.size() > 1) {
        return "mixed";
      }
      if (isScalar()) {
        return "scalar";
      }
      ValueKind k = kinds.isEmpty() ? ValueKind.NONE : kinds.keySet().iterator().next();
      switch (k) {
        case HISTO: return "histogram";
        case IMAGE: return "image";
        case AUDIO: return "audio";
        case OBSOLETE_OLD_STYLE_HISTOGRAM: return "obsolete_histogram";
        case SIMPLE_VALUE: return "scalar";
        case NONE: return pluginName.isEmpty() ? "none" : kindOfPlugin();
        default: return kindOfPlugin();
      }
    }

    private String kindOfPlugin() {
      switch (pluginName) {
        case "scalars": return "scalar";
        case "histograms": return "histogram";
        case "images": return "image";
        case "audio": return "audio";
        case "text": return "text";
        case "pr_curves": return "pr_curve";
        case "hparams": return "hparams";
        case "graph_keras_model": return "graph";
        default: return "tensor";
      }
    }
  }

  /** A graph or meta-graph event. */
  public record GraphRecord(long step, long recordOffset, int bytes, int nodes) {}

  public record RunMetadataRecord(long step, String tag, int bytes) {}

  public record SessionLogRecord(long step, String status, String checkpointPath, String msg) {}

  public record LogMessageRecord(long step, int level, String message) {}

  private final Path path;
  private ScanResult scan;
  private long events;
  private String fileVersion;
  private String sourceWriter;
  private double firstWallTime = Double.NaN;
  private double lastWallTime = Double.NaN;
  private long stepsDecreasing;
  /** Events of each kind, by the kind's ordinal. */
  private final long[] eventKinds = new long[EventKind.values().length];
  private final Map<String, TagStats> tags = new LinkedHashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private final List<GraphRecord> graphs = new ArrayList<>();
  private final List<GraphRecord> metaGraphs = new ArrayList<>();
  private final List<RunMetadataRecord> runMetadata = new ArrayList<>();
  private final List<SessionLogRecord> sessionLogs = new ArrayList<>();
  private final List<LogMessageRecord> logMessages = new ArrayList<>();

  private final String name;

  private FileInventory(Path path, String name) {
    this.path = path;
    this.name = name;
  }

  /** Scans a whole file with checksums verified. Throws only when it cannot be opened. */
  public static FileInventory of(Path file) throws IOException {
    return of(file, EventScanner.create());
  }

  public static FileInventory of(Path file, EventScanner scanner) throws IOException {
    FileInventory inv = new FileInventory(file, file.toString());
    inv.scan = scanner.scan(file, ScanPosition.START, inv.new Collector());
    return inv;
  }

  /**
   * Scans a whole file read through a channel (an object in a bucket, say), with checksums
   * verified; {@code name} names it in problems. The channel is the caller's to close.
   */
  public static FileInventory of(SeekableByteChannel channel, String name) {
    FileInventory inv = new FileInventory(null, name);
    inv.scan = EventScanner.create().scan(channel, name, ScanPosition.START, inv.new Collector());
    return inv;
  }

  private final class Collector implements EventHandler {
    private long lastSummaryStep = Long.MIN_VALUE;

    @Override
    public void onEvent(EventView e) {
      events++;
      if (events == 1) {
        firstWallTime = e.wallTime();
      }
      lastWallTime = e.wallTime();
      eventKinds[e.kind().ordinal()]++;
      switch (e.kind()) {
        case FILE_VERSION:
          if (fileVersion == null) {
            fileVersion = e.fileVersion();
          }
          break;
        case GRAPH_DEF:
          graphs.add(graph(e));
          break;
        case META_GRAPH_DEF:
          metaGraphs.add(graph(e));
          break;
        case TAGGED_RUN_METADATA:
          TaggedRunMetadata t = e.taggedRunMetadata();
          runMetadata.add(new RunMetadataRecord(e.step(), t.tag(), t.runMetadata().length));
          break;
        case SESSION_LOG:
          SessionLog s = e.sessionLog();
          sessionLogs.add(new SessionLogRecord(e.step(), s.statusName(), s.checkpointPath(), s.msg()));
          break;
        case LOG_MESSAGE:
          var m = e.logMessage();
          logMessages.add(new LogMessageRecord(e.step(), m.level(), m.message()));
          break;
        case SUMMARY:
          if (e.step() < lastSummaryStep) {
            stepsDecreasing++;
          }
          lastSummaryStep = e.step();
          break;
        default:
          break;
      }
      if (sourceWriter == null) {
        sourceWriter = e.sourceWriter();
      }
    }

    @Override
    public void onValue(EventView e, ValueView v) {
      tags.computeIfAbsent(v.tag(), TagStats::new).add(e, v);
    }

    @Override
    public void onProblem(Problem p) {
      problems.add(p);
    }
  }

  /** Counts the {@code node} entries (GraphDef field 1) of a graph, or the meta-graph's graph. */
  private static GraphRecord graph(EventView e) {
    byte[] b = e.graphBytes();
    int nodes;
    if (e.kind() == EventKind.GRAPH_DEF) {
      nodes = countField(b, 0, b.length, 1);
    } else {
      nodes = metaGraphNodes(b);
    }
    return new GraphRecord(e.step(), e.recordOffset(), b.length, nodes);
  }

  private static int countField(byte[] b, int off, int len, int field) {
    ProtoReader r = ProtoReader.of(b, off, len);
    int n = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == field) {
        n++;
      }
      r.skipField(t);
    }
    return n;
  }

  /** MetaGraphDef { GraphDef graph_def = 2; ... }: the node count of its graph. */
  private static int metaGraphNodes(byte[] b) {
    ProtoReader r = ProtoReader.of(b);
    int nodes = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      if (t == ((2 << 3) | ProtoReader.LEN)) {
        int len = r.readLength();
        nodes += countField(b, r.arrayPosition(), len, 1);
        r.skipRaw(len);
      } else {
        r.skipField(t);
      }
    }
    return nodes;
  }

  /** The file scanned, or null when it was read through a channel. */
  public Path path() {
    return path;
  }

  /** The file's path or, when it was read through a channel, the name it was given. */
  public String name() {
    return name;
  }

  public ScanResult scan() {
    return scan;
  }

  public long records() {
    return scan.records();
  }

  public long events() {
    return events;
  }

  /** The first file_version, or null when the file has none (early tensorboardX wrote none). */
  public String fileVersion() {
    return fileVersion;
  }

  /** The first source_metadata.writer, or null. */
  public String sourceWriter() {
    return sourceWriter;
  }

  public double firstWallTime() {
    return firstWallTime;
  }

  public double lastWallTime() {
    return lastWallTime;
  }

  /** Summary events whose step is below the previous summary event's. */
  public long summaryStepsDecreasing() {
    return stepsDecreasing;
  }

  public Map<EventKind, Long> eventKinds() {
    return Collections.unmodifiableMap(counts(EventKind.class, eventKinds));
  }

  /** The kinds counted at least once, in their declaration order (as an EnumMap iterates). */
  private static <K extends Enum<K>> EnumMap<K, Long> counts(Class<K> type, long[] byOrdinal) {
    EnumMap<K, Long> out = new EnumMap<>(type);
    K[] all = type.getEnumConstants();
    for (int i = 0; i < byOrdinal.length; i++) {
      if (byOrdinal[i] > 0) {
        out.put(all[i], byOrdinal[i]);
      }
    }
    return out;
  }

  /** Per tag, in order of first appearance. */
  public Map<String, TagStats> tags() {
    return Collections.unmodifiableMap(tags);
  }

  public List<Problem> problems() {
    return Collections.unmodifiableList(problems);
  }

  public List<GraphRecord> graphs() {
    return Collections.unmodifiableList(graphs);
  }

  public List<GraphRecord> metaGraphs() {
    return Collections.unmodifiableList(metaGraphs);
  }

  public List<RunMetadataRecord> runMetadata() {
    return Collections.unmodifiableList(runMetadata);
  }

  public List<SessionLogRecord> sessionLogs() {
    return Collections.unmodifiableList(sessionLogs);
  }

  public List<LogMessageRecord> logMessages() {
    return Collections.unmodifiableList(logMessages);
  }

  /** True when the scan met truncation or damage. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }
}
