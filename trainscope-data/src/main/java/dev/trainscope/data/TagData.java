package dev.trainscope.data;

import dev.trainscope.events.meaning.TagMeaning;
import dev.trainscope.events.proto.SummaryMetadata;

/**
 * Everything a run holds for one tag: scalars in a compressed series, anything else in a list of
 * its kind's values in step order. Guarded by the owning run's lock.
 */
final class TagData extends TagOrder.Linked<TagData> {
  /** A histogram step: its buckets, or null while evicted, and where to read them again. */
  static final class HistEntry {
    final ValueRef ref;
    HistogramData data;

    HistEntry(ValueRef ref, HistogramData data) {
      this.ref = ref;
      this.data = data;
    }
  }

  /** Images, audio, graphs, run metadata or a tensor of one step: read from the file on demand. */
  record BlobEntry(ValueRef ref, int count, int width, int height, String contentType) {}

  final String name;
  final TagKind kind;
  final String plugin;
  final SummaryMetadata metadata;
  /** What the tag is, from its metadata or name: decided once, when the tag is first seen. */
  final TagMeaning meaning;
  /** The values of a scalar tag; null for another kind, as each list below is for all kinds but its own. */
  final ScalarSeries scalars;
  final StepList<HistEntry> histograms;
  /** The values of an image, audio, graph, run metadata, hparams or tensor tag. */
  final StepList<BlobEntry> blobs;
  /** The strings of each step of a text tag. */
  final StepList<String[]> texts;
  /** The six rows of each step of a pr_curves tag, one after the other (see Ingest). */
  final StepList<float[]> prCurves;
  /** Whichever of the lists above the tag's kind holds, for what looks at steps only; null for scalars. */
  final StepList<?> entries;
  long droppedRestart;
  long droppedSession;
  /** The chunk in which this tag last got values, to tell listeners once per chunk. */
  long touchedInChunk = -1;

  TagData(String name, TagKind kind, String plugin, SummaryMetadata metadata) {
    this("", name, kind, plugin, metadata, null);
  }

  /**
   * A tag of run {@code run} whose scalar wall times are coded against the run's {@code clock} (may
   * be null).
   */
  TagData(String run, String name, TagKind kind, String plugin, SummaryMetadata metadata, RunClock clock) {
    this.name = name;
    this.kind = kind;
    this.plugin = plugin;
    this.metadata = metadata;
    this.meaning = Conventions.infer(run, name, kind, metadata == null ? "" : metadata.summaryDescription());
    this.scalars = kind == TagKind.SCALAR ? new ScalarSeries(clock) : null;
    this.histograms = kind == TagKind.HISTOGRAM ? new StepList<>() : null;
    this.texts = kind == TagKind.TEXT ? new StepList<>() : null;
    this.prCurves = kind == TagKind.PR_CURVE ? new StepList<>() : null;
    this.blobs = kind == TagKind.SCALAR || histograms != null || texts != null || prCurves != null ? null
        : new StepList<>();
    this.entries = histograms != null ? histograms : texts != null ? texts : prCurves != null ? prCurves : blobs;
  }

  long count() {
    return scalars != null ? scalars.size() : entries.size();
  }

  long firstStep() {
    if (scalars != null) {
      return scalars.firstStep();
    }
    return entries.size() == 0 ? Long.MIN_VALUE : entries.step(0);
  }

  long lastStep() {
    if (scalars != null) {
      return scalars.lastStep();
    }
    return entries.size() == 0 ? Long.MIN_VALUE : entries.step(entries.size() - 1);
  }

  double lastWall() {
    if (scalars != null) {
      return scalars.lastWall();
    }
    return entries.size() == 0 ? Double.NaN : entries.wall(entries.size() - 1);
  }

  /** Drops values at steps >= step (a SessionLog START); returns how many. */
  long truncateFrom(long step) {
    return scalars != null ? scalars.truncateFrom(step) : entries.truncateFrom(step);
  }

  TagInfo info(String run) {
    String display = metadata == null ? "" : metadata.displayName();
    String description = metadata == null ? "" : metadata.summaryDescription();
    long n = count();
    return new TagInfo(run, name, kind, plugin, display, description, n, n == 0 ? 0 : firstStep(),
        n == 0 ? 0 : lastStep(), lastWall(), droppedRestart, droppedSession,
        scalars != null ? scalars.rewrites : entries.rewrites, meaning);
  }

  /** Bytes held, approximately (histogram buckets counted by {@link #histogramBytes}). */
  long memoryBytes() {
    long base = 96 + name.length() * 2L;
    return base + (scalars != null ? scalars.memoryBytes() : entries.memoryBytes() + histogramBytes()
        + otherEntryBytes());
  }

  long histogramBytes() {
    if (histograms == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < histograms.size(); i++) {
      HistEntry h = histograms.get(i);
      bytes += 56 + (h.data == null ? 0 : h.data.memoryBytes());
    }
    return bytes;
  }

  private long otherEntryBytes() {
    long bytes = 0;
    for (int i = 0; texts != null && i < texts.size(); i++) {
      for (String s : texts.get(i)) {
        bytes += 40 + 2L * s.length();
      }
    }
    for (int i = 0; prCurves != null && i < prCurves.size(); i++) {
      bytes += 16 + 4L * prCurves.get(i).length;
    }
    return bytes + (blobs == null ? 0 : 80L * blobs.size());
  }
}
