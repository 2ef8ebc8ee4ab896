package dev.trainscope.data;

import dev.trainscope.events.meaning.TagMeaning;
import dev.trainscope.events.proto.SummaryMetadata;

/**
 * Everything a run holds for one tag: scalars in a compressed series, anything else as entries in
 * step order. Guarded by the owning run's lock.
 */
final class TagData {
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
  final ScalarSeries scalars;
  final StepList<Object> entries;
  long droppedRestart;
  long droppedSession;
  /** The tag (by identity) that came right after this one last time, and its data: see Ingest. */
  String nextName;
  TagData next;
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
    this.entries = kind == TagKind.SCALAR ? null : new StepList<>();
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
    if (kind != TagKind.HISTOGRAM) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      HistEntry h = (HistEntry) entries.get(i);
      bytes += 56 + (h.data == null ? 0 : h.data.memoryBytes());
    }
    return bytes;
  }

  private long otherEntryBytes() {
    long bytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      Object e = entries.get(i);
      if (e instanceof String[] strings) {
        for (String s : strings) {
          bytes += 40 + 2L * s.length();
        }
      } else if (e instanceof float[] f) {
        bytes += 16 + 4L * f.length;
      } else if (e instanceof BlobEntry) {
        bytes += 80;
      }
    }
    return bytes;
  }
}
