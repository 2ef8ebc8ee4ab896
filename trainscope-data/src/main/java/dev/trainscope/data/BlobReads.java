package dev.trainscope.data;

import dev.trainscope.events.CorruptRecordException;
import dev.trainscope.events.RecordReader;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * What the store keeps by reference and reads back from the files when asked for: images, audio,
 * graphs, run metadata and tensors by (file, offset) with their checksums checked again; the
 * histograms evicted from memory; the model files saved beside a run's event files.
 */
final class BlobReads {
  private final CommittedRuns committed;

  BlobReads(CommittedRuns committed) {
    this.committed = committed;
  }

  /** The serialized MetaGraphDef the run logged last, or null when it logged none. */
  byte[] metaGraph(String run) throws IOException {
    Run r = committed.find(run);
    ValueRef ref;
    Lock l = r.lock.readLock();
    l.lock();
    try {
      ref = r.data.metaGraph;
    } finally {
      l.unlock();
    }
    return ref == null ? null : extract(readEvent(r, ref), ref, TagKind.GRAPH, "", 0, r.name);
  }

  /** Model files larger than this are refused rather than read into memory. */
  static final long MAX_MODEL_FILE_BYTES = 1L << 30;

  /**
   * The names of the model files saved beside a run's event files whose names end with {@code
   * suffix} ({@code ".onnx"}), sorted.
   */
  List<String> modelFiles(String run, String suffix) throws IOException {
    Run r = committed.find(run);
    List<Run.RunFile> files = r.files;
    if (files.isEmpty()) {
      return List.of();
    }
    String path = files.get(0).path;
    String dir = path.lastIndexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'));
    List<String> out = new ArrayList<>();
    for (Storage.FileStat f : r.source.storage().listFiles(dir, suffix)) {
      out.add(f.path().substring(f.path().lastIndexOf('/') + 1));
    }
    return out;
  }

  /** The bytes of a model file listed by {@link #modelFiles}; only such names are accepted. */
  byte[] modelFile(String run, String name, String suffix) throws IOException {
    if (!modelFiles(run, suffix).contains(name)) {
      throw new java.nio.file.NoSuchFileException(name, null, "no model file of run " + run + " has that name");
    }
    String path = committed.find(run).files.get(0).path;
    String full = path.lastIndexOf('/') < 0 ? name : path.substring(0, path.lastIndexOf('/') + 1) + name;
    try (SeekableByteChannel ch = committed.find(run).source.storage().open(full)) {
      long size = ch.size();
      if (size > MAX_MODEL_FILE_BYTES) {
        throw new IOException(name + " is " + size + " bytes; model files over " + MAX_MODEL_FILE_BYTES + " are not read");
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read to the end
      }
      if (buf.hasRemaining()) {
        throw new java.io.EOFException(name + " shrank while being read");
      }
      return buf.array();
    }
  }

  /**
   * The bytes of item {@code index} of a step of an image, audio, graph, run-metadata or tensor tag:
   * an encoded image or clip, a serialized GraphDef, RunMetadata or TensorProto, a Keras model's JSON.
   * Read from the event file, its checksums checked again.
   */
  byte[] blob(String run, String tag, long step, int index) throws IOException {
    Found found = committed.read(run, tag, null, (r, t) -> {
      int i = t.blobs == null ? -1 : t.blobs.indexOf(step);
      if (i < 0) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' has no blob at step " + step);
      }
      TagData.BlobEntry entry = t.blobs.get(i);
      if (index < 0 || index >= Math.max(1, entry.count())) {
        throw new NoSuchTagException(run, tag, "step " + step + " of tag '" + tag + "' holds " + entry.count()
            + " items; there is no item " + index);
      }
      return new Found(r, entry, t.kind);
    });
    Event e = readEvent(found.run(), found.entry().ref());
    return extract(e, found.entry().ref(), found.kind(), tag, index, found.run().name);
  }

  /** The clips of a step of an audio tag, with their rate, channels, length and labels, read from the file. */
  List<AudioClip> audio(String run, String tag, long step) throws IOException {
    Found found = committed.read(run, tag, TagKind.AUDIO, (r, t) -> {
      int i = t.blobs == null ? -1 : t.blobs.indexOf(step);
      if (i < 0) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' has no clip at step " + step);
      }
      return new Found(r, t.blobs.get(i), t.kind);
    });
    ValueRef ref = found.entry().ref();
    SummaryValue v = value(readEvent(found.run(), ref), ref, tag, run);
    try {
      if (v.value() instanceof AudioProto a) {
        return AudioClip.of(a);
      }
      if (v.value() instanceof TensorProto t) {
        return AudioClip.of(t);
      }
    } catch (MalformedProtoException e) {
      throw changed(run, ref, "the value cannot be read as audio: " + e.getMessage());
    }
    throw changed(run, ref, "the value holds no audio");
  }

  /** A blob's entry, found under its run's read lock and read from the file after the lock is let go. */
  private record Found(Run run, TagData.BlobEntry entry, TagKind kind) {}

  private static byte[] extract(Event e, ValueRef ref, TagKind kind, String tag, int index, String run)
      throws CorruptRecordException {
    if (ref.valueIndex() < 0) {
      if (e.what() instanceof Event.GraphDef g) {
        return g.bytes();
      }
      if (e.what() instanceof TaggedRunMetadata t) {
        return t.runMetadata();
      }
      if (e.what() instanceof Event.MetaGraphDef g) {
        return g.bytes();
      }
      throw changed(run, ref, "the event no longer holds a graph or run metadata");
    }
    SummaryValue v = value(e, ref, tag, run);
    try {
      if (v.value() instanceof ImageProto img) {
        return img.encodedImage();
      }
      if (v.value() instanceof AudioProto a) {
        return a.encodedAudio();
      }
      if (v.value() instanceof TensorProto t) {
        switch (kind) {
          case IMAGE:
            return PluginTensors.images(t).encoded().get(index);
          case AUDIO:
            return t.strings().get(2 * index);
          case GRAPH:
            return t.strings().get(0);
          default:
            return t.toByteArray();
        }
      }
    } catch (MalformedProtoException | IndexOutOfBoundsException ex) {
      throw changed(run, ref, "the value cannot be read as " + kind + ": " + ex.getMessage());
    }
    throw changed(run, ref, "the value holds no " + kind + " payload");
  }

  private static SummaryValue value(Event e, ValueRef ref, String tag, String run) throws CorruptRecordException {
    Summary s = e.summary();
    if (s == null || ref.valueIndex() >= s.values().size() || !s.values().get(ref.valueIndex()).effectiveTag().equals(tag)) {
      throw changed(run, ref, "the record no longer holds tag '" + tag + "' at value " + ref.valueIndex());
    }
    return s.values().get(ref.valueIndex());
  }

  private static CorruptRecordException changed(String run, ValueRef ref, String what) {
    return new CorruptRecordException("run " + run + ", file " + ref.file(), ref.recordOffset(),
        "the file changed since it was read: " + what);
  }

  static Event readEvent(Run r, ValueRef ref) throws IOException {
    Run.RunFile f;
    try {
      f = r.files.get(ref.file());
    } catch (IndexOutOfBoundsException e) {
      throw new NoSuchFileException("file " + ref.file() + " of run " + r.name + " is no longer listed");
    }
    byte[] data;
    // the record's header, the event up to the end of the payload, a little for what may follow it
    // (the value's metadata), and the footer: object storage fetches it in one ranged GET
    long expected = dev.trainscope.events.TfRecordFormat.OVERHEAD + ref.payloadOffset() + (long) ref.payloadLength() + 1024;
    try (SeekableByteChannel ch = r.source.storage().open(f.path, ref.recordOffset(),
        (int) Math.min(expected, Integer.MAX_VALUE))) {
      data = RecordReader.readAt(ch, f.path, ref.recordOffset());
    }
    try {
      return Event.parse(data);
    } catch (MalformedProtoException e) {
      throw new CorruptRecordException(f.path, ref.recordOffset(), "the record is not an event: " + e.getMessage());
    }
  }

  static HistogramData reread(Run r, ValueRef ref, String tag) {
    try {
      SummaryValue v = value(readEvent(r, ref), ref, tag, r.name);
      PluginTensors.Buckets b;
      if (v.value() instanceof HistogramProto h) {
        b = PluginTensors.histogram(h);
      } else if (v.value() instanceof TensorProto t) {
        b = PluginTensors.histogram(t);
      } else {
        throw changed(r.name, ref, "the value is not a histogram");
      }
      return HistogramData.of(b.left(), b.right(), b.count());
    } catch (IOException e) {
      throw new UncheckedIOException("reading an evicted histogram of " + tag + " again failed", e);
    }
  }
}
