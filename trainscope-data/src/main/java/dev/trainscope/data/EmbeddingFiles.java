package dev.trainscope.data;

import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.TensorProto;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embeddings of a run, for the projector: those a {@code projector_config.pbtxt} beside the
 * run's event files names (as {@code torch.utils.tensorboard}, tensorboardX and TensorFlow's
 * projector write it: tensors in a TSV file, or in a binary file of little-endian float32 with
 * {@code tensor_shape} given), and the rank-2 tensors logged in the event files under tags without
 * a plugin. Tensors that only a TensorFlow checkpoint holds are listed with a problem, not read.
 *
 * <p>Nothing is held but the listing: vectors, metadata and sprites are read from the files when
 * asked for, the vectors a row at a time, so an embedding of 100,000 x 1,000 costs a reader one
 * row of memory. What a file may make the store read is bounded ({@link #MAX_ROWS}, {@link
 * #MAX_DIMS}, {@link #MAX_FILE_BYTES} for metadata and sprites).
 */
final class EmbeddingFiles {
  static final int MAX_ROWS = 1_000_000;
  static final int MAX_DIMS = 100_000;
  /** Metadata files, sprites and the config larger than this are refused rather than read into memory. */
  static final long MAX_FILE_BYTES = 256L << 20;
  /** A run's listing is looked at again at most this often (it costs a stat of the config). */
  static final long RECHECK_NANOS = 1_000_000_000L;

  /** torch's and tensorboardX's tensor_name: the tag, ':', the step padded to five digits. */
  private static final Pattern NAME_AT_STEP = Pattern.compile("(?s)(.*):(\\d{1,18})");

  private final CommittedRuns committed;
  private final BlobReads blobs;
  private final Map<String, Listing> listings = new ConcurrentHashMap<>();
  /** Shapes of tensors logged in the event files: key run, tag, step. */
  private final Map<String, long[]> tensorShapes = new ConcurrentHashMap<>();

  EmbeddingFiles(CommittedRuns committed, BlobReads blobs) {
    this.committed = committed;
    this.blobs = blobs;
  }

  /** An embedding and where its parts are: paths relative to the storage root, "" when absent. */
  private record Found(EmbeddingInfo info, String tensorPath, String metadataPath, String spritePath) {}

  /** A run's embeddings from its config, as of the config's size and change tag. */
  private record Listing(String configKey, long checkedAt, List<Found> found) {}

  List<EmbeddingInfo> list(String run, List<TagInfo> eventTags) {
    List<EmbeddingInfo> out = new ArrayList<>();
    for (Found f : fromConfig(run)) {
      out.add(f.info());
    }
    out.addAll(fromTensors(run, eventTags));
    return out;
  }

  /** One TagInfo per embedding name, of kind EMBEDDING, so that a run with embeddings lists them as tags. */
  static List<TagInfo> asTags(String run, List<EmbeddingInfo> embeddings) {
    Map<String, long[]> byTag = new LinkedHashMap<>(); // count, first, last
    for (EmbeddingInfo e : embeddings) {
      long[] s = byTag.computeIfAbsent(e.tag(), k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
      s[0]++;
      s[1] = Math.min(s[1], e.step());
      s[2] = Math.max(s[2], e.step());
    }
    List<TagInfo> out = new ArrayList<>();
    byTag.forEach((tag, s) -> out.add(new TagInfo(run, tag, TagKind.EMBEDDING, "projector", tag, "", s[0], s[1], s[2],
        0, 0, 0, 0, dev.trainscope.events.meaning.TagMeaning.UNKNOWN)));
    return out;
  }

  EmbeddingInfo find(String run, String tag, long step, List<TagInfo> eventTags) {
    for (EmbeddingInfo e : list(run, eventTags)) {
      if (e.tag().equals(tag) && e.step() == step) {
        return e;
      }
    }
    throw new NoSuchTagException(run, tag, "run '" + run + "' has no embedding '" + tag + "' at step " + step);
  }

  private Found found(String run, String tag, long step) {
    for (Found f : fromConfig(run)) {
      if (f.info().tag().equals(tag) && f.info().step() == step) {
        return f;
      }
    }
    return null;
  }

  // ---- the config's embeddings ----

  private static String runDir(Run r) {
    List<Run.RunFile> files = r.files;
    if (files.isEmpty()) {
      return null;
    }
    String path = files.get(0).path;
    return path.lastIndexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'));
  }

  private List<Found> fromConfig(String run) {
    Run r = committed.find(run);
    String dir = runDir(r);
    if (dir == null) {
      return List.of();
    }
    Listing held = listings.get(run);
    long now = System.nanoTime();
    if (held != null && now - held.checkedAt() < RECHECK_NANOS) {
      return held.found();
    }
    Storage storage = r.source.storage();
    String configPath = join(dir, ProjectorConfig.FILE_NAME);
    Storage.FileStat stat;
    try {
      stat = storage.stat(configPath);
    } catch (IOException e) {
      // the storage cannot be reached now (a bucket throttling, a network down): keep what was listed
      List<Found> kept = held == null ? List.<Found>of() : held.found();
      listings.put(run, new Listing(held == null ? "" : held.configKey(), now, kept));
      return kept;
    }
    String key = stat == null ? "" : stat.size() + "/" + stat.identity() + "/" + stat.changeTag();
    if (held != null && held.configKey().equals(key)) {
      listings.put(run, new Listing(key, now, held.found()));
      return held.found();
    }
    List<Found> found = stat == null ? List.of() : read(run, storage, dir, configPath, stat.size());
    listings.put(run, new Listing(key, now, found));
    return found;
  }

  private List<Found> read(String run, Storage storage, String dir, String configPath, long size) {
    ProjectorConfig config;
    try {
      if (size > MAX_FILE_BYTES) {
        throw new IOException("it has " + size + " bytes, more than " + MAX_FILE_BYTES);
      }
      config = ProjectorConfig.parse(new String(readAll(storage, configPath), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return List.of(new Found(new EmbeddingInfo(run, ProjectorConfig.FILE_NAME, 0, "", "", 0, 0, List.of(), 0, 0,
          ProjectorConfig.FILE_NAME + " cannot be read: " + e.getMessage()), "", "", ""));
    }
    Map<String, Found> byKey = new LinkedHashMap<>(); // a later entry for the same tag and step replaces one before
    int i = 0;
    for (ProjectorConfig.Entry e : config.embeddings()) {
      String tag = e.tensorName().isEmpty() ? "embedding_" + i : e.tensorName();
      long step = 0;
      Matcher m = NAME_AT_STEP.matcher(tag);
      if (m.matches() && !m.group(1).isEmpty()) {
        tag = m.group(1);
        step = Long.parseLong(m.group(2));
      }
      byKey.remove(tag + "\u0000" + step);
      byKey.put(tag + "\u0000" + step, describe(run, storage, dir, e, tag, step, config.modelCheckpointPath()));
      i++;
    }
    return List.copyOf(byKey.values());
  }

  private Found describe(String run, Storage storage, String dir, ProjectorConfig.Entry e, String tag, long step,
      String checkpoint) {
    String tensorPath = "";
    String metadataPath = "";
    String spritePath = "";
    String source = "";
    int rows = 0;
    int dims = 0;
    List<String> columns = List.of();
    int sw = 0;
    int sh = 0;
    String problem = "";
    try {
      if (e.tensorPath().isEmpty()) {
        throw new IOException(checkpoint.isEmpty() && e.tensorName().isEmpty()
            ? "the entry names no tensor_path"
            : "the tensor is in a TensorFlow checkpoint (tensor_path not given), which this reader does not read;"
                + " save it as a TSV or float32 file with tensor_path");
      }
      tensorPath = resolve(storage, dir, e.tensorPath());
      Storage.FileStat stat = storage.stat(tensorPath);
      if (stat == null) {
        throw new NoSuchFileException(e.tensorPath(), null, "the tensor file does not exist");
      }
      List<Long> shape = e.tensorShape();
      if (shape.size() == 2 && shape.get(0) * shape.get(1) * 4 == stat.size() && !e.tensorPath().endsWith(".tsv")) {
        source = "binary";
        rows = checkedRows(shape.get(0));
        dims = checkedDims(shape.get(1));
      } else {
        source = "tsv";
        int[] rd = tsvShape(storage, tensorPath);
        rows = rd[0];
        dims = rd[1];
      }
      if (!e.metadataPath().isEmpty()) {
        metadataPath = resolve(storage, dir, e.metadataPath());
        columns = metadataColumns(storage, metadataPath);
      }
      if (!e.spritePath().isEmpty()) {
        spritePath = resolve(storage, dir, e.spritePath());
        if (e.spriteDim().size() == 2) {
          sw = (int) Math.max(0, Math.min(4096, e.spriteDim().get(0)));
          sh = (int) Math.max(0, Math.min(4096, e.spriteDim().get(1)));
        }
        if (sw == 0 || sh == 0) {
          spritePath = "";
          sw = 0;
          sh = 0;
        }
      }
    } catch (IOException | IllegalArgumentException ex) {
      problem = ex instanceof NoSuchFileException nf ? nf.getFile() + ": " + nf.getReason() : ex.getMessage();
      rows = 0;
      dims = 0;
    }
    EmbeddingInfo info = new EmbeddingInfo(run, tag, step, e.tensorName(), source, rows, dims, columns, sw, sh,
        problem == null ? "cannot be read" : problem);
    return new Found(info, tensorPath, metadataPath, spritePath);
  }

  private static int checkedRows(long rows) throws IOException {
    if (rows < 1 || rows > MAX_ROWS) {
      throw new IOException("the tensor has " + rows + " rows; between 1 and " + MAX_ROWS + " are read");
    }
    return (int) rows;
  }

  private static int checkedDims(long dims) throws IOException {
    if (dims < 1 || dims > MAX_DIMS) {
      throw new IOException("the tensor has " + dims + " numbers a row; between 1 and " + MAX_DIMS + " are read");
    }
    return (int) dims;
  }

  /** A path of the config, relative to its folder (or absolute inside the log directory), as a storage path. */
  static String resolve(Storage storage, String dir, String path) throws IOException {
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || p.matches("[A-Za-z]:/.*")) {
      String root = storage.location().replace('\\', '/');
      root = root.endsWith("/") ? root : root + "/";
      if (!p.startsWith(root)) {
        throw new IOException("'" + path + "' is outside the log directory");
      }
      p = p.substring(root.length());
    } else {
      p = join(dir, p);
    }
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (parts.isEmpty()) {
          throw new IOException("'" + path + "' is outside the log directory");
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    return String.join("/", parts);
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /** Rows and numbers a row of a TSV tensor file, read through once. */
  private static int[] tsvShape(Storage storage, String path) throws IOException {
    int[] shape = {0, -1};
    try (BufferedReader in = reader(storage, path)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        int n = fields(line);
        if (shape[1] < 0) {
          shape[1] = checkedDims(n);
        } else if (n != shape[1]) {
          throw new IOException("row " + (shape[0] + 1) + " of the tensor file has " + n + " numbers, row 1 has "
              + shape[1]);
        }
        shape[0] = checkedRows(shape[0] + 1L);
      }
    }
    if (shape[0] == 0) {
      throw new IOException("the tensor file holds no rows");
    }
    return shape;
  }

  private static int fields(String line) {
    int n = 1;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\t') {
        n++;
      }
    }
    return n;
  }

  private static BufferedReader reader(Storage storage, String path) throws IOException {
    return new BufferedReader(new InputStreamReader(Channels.newInputStream(storage.open(path)), StandardCharsets.UTF_8),
        1 << 16);
  }

  private static byte[] readAll(Storage storage, String path) throws IOException {
    try (SeekableByteChannel ch = storage.open(path)) {
      long size = ch.size();
      if (size > MAX_FILE_BYTES) {
        throw new IOException(path + " has " + size + " bytes; files over " + MAX_FILE_BYTES + " are not read");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // to the end
      }
      if (buf.hasRemaining()) {
        throw new java.io.EOFException(path + " shrank while being read");
      }
      return buf.array();
    }
  }

  /** TensorBoard's rule: a file of one column has no header row; a file of several has one. */
  private static List<String> metadataColumns(Storage storage, String path) throws IOException {
    try (BufferedReader in = reader(storage, path)) {
      String first = in.readLine();
      if (first == null) {
        return List.of();
      }
      String[] cells = first.split("\t", -1);
      return cells.length == 1 ? List.of("label") : List.of(cells);
    }
  }

  // ---- reading ----

  /**
   * What changes when the vectors change: the tensor file's size, identity and change tag, as the
   * storage states them now (not as listed: the listing follows the config, not the files it names),
   * or the wall time and size of the event-file record that holds the tensor.
   */
  String version(String run, String tag, long step, List<TagInfo> eventTags) throws IOException {
    EmbeddingInfo info = find(run, tag, step, eventTags);
    requireReadable(info);
    if (info.source().equals("tensor")) {
      for (BlobInfo b : committed.blobs(run, tag)) {
        if (b.step() == step) {
          return "tensor " + b.wallTime() + " " + b.bytes();
        }
      }
      throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' is no longer logged at step " + step);
    }
    Found f = found(run, tag, step);
    if (f == null) {
      throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' is no longer listed");
    }
    Storage.FileStat stat = committed.find(run).source.storage().stat(f.tensorPath());
    if (stat == null) {
      throw new NoSuchFileException(f.tensorPath(), null, "the tensor file no longer exists");
    }
    return info.source() + " " + stat.size() + " " + stat.identity() + " " + stat.changeTag();
  }

  /** Reads rows {@code from <= i < from + max} of an embedding, one at a time. */
  void rows(String run, String tag, long step, int from, int max, List<TagInfo> eventTags, EmbeddingInfo.Rows sink)
      throws IOException {
    EmbeddingInfo info = find(run, tag, step, eventTags);
    requireReadable(info);
    int end = (int) Math.min(info.rows(), (long) from + Math.max(0, max));
    if (from >= end) {
      return;
    }
    float[] row = new float[info.dims()];
    if (info.source().equals("tensor")) {
      double[] all = tensor(run, tag, step).toDoubleArray();
      for (int i = from; i < end; i++) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) all[i * row.length + j];
        }
        sink.row(i, row);
      }
      return;
    }
    Storage storage = committed.find(run).source.storage();
    Found f = found(run, tag, step);
    if (f == null) {
      throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' is no longer listed");
    }
    if (info.source().equals("binary")) {
      long rowBytes = 4L * info.dims();
      try (SeekableByteChannel ch = storage.open(f.tensorPath())) {
        ch.position(from * rowBytes);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.max(rowBytes, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
        int rowsPerRead = (int) (buf.capacity() / rowBytes);
        for (int i = from; i < end; i += rowsPerRead) {
          int n = Math.min(rowsPerRead, end - i);
          buf.clear().limit((int) (n * rowBytes));
          while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
              throw new java.io.EOFException(f.tensorPath() + " ends before row " + i);
            }
          }
          buf.flip();
          for (int k = 0; k < n; k++) {
            for (int j = 0; j < row.length; j++) {
              row[j] = buf.getFloat((int) (k * rowBytes) + 4 * j);
            }
            sink.row(i + k, row);
          }
        }
      }
      return;
    }
    try (BufferedReader in = reader(storage, f.tensorPath())) {
      String line;
      int i = 0;
      while (i < end && (line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (i >= from) {
          parseRow(line, row, i);
          sink.row(i, row);
        }
        i++;
      }
      if (i < end) {
        throw new java.io.EOFException(f.tensorPath() + " has fewer rows than listed: it changed");
      }
    }
  }

  private static void parseRow(String line, float[] row, int index) throws IOException {
    int start = 0;
    for (int j = 0; j < row.length; j++) {
      int tab = line.indexOf('\t', start);
      int stop = tab < 0 ? line.length() : tab;
      if (tab < 0 && j < row.length - 1) {
        throw new IOException("row " + (index + 1) + " of the tensor file has " + (j + 1) + " numbers, not " + row.length);
      }
      try {
        row[j] = Float.parseFloat(line.substring(start, stop).trim());
      } catch (NumberFormatException e) {
        throw new IOException("row " + (index + 1) + " of the tensor file: '" + line.substring(start, Math.min(stop, start + 40))
            + "' is not a number");
      }
      start = stop + 1;
    }
  }

  private static void requireReadable(EmbeddingInfo info) throws IOException {
    if (!info.problem().isEmpty()) {
      throw new IOException("the embedding '" + info.tag() + "' cannot be read: " + info.problem());
    }
  }

  EmbeddingInfo.Metadata metadata(String run, String tag, long step, List<TagInfo> eventTags) throws IOException {
    EmbeddingInfo info = find(run, tag, step, eventTags);
    Found f = found(run, tag, step);
    if (f == null || f.metadataPath().isEmpty()) {
      return new EmbeddingInfo.Metadata(List.of(), List.of());
    }
    Storage storage = committed.find(run).source.storage();
    String text = new String(readAll(storage, f.metadataPath()), StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<String> columns = info.metadataColumns();
    if (columns.size() > 1 && !lines.isEmpty()) {
      lines.remove(0);
    }
    List<List<String>> rows = new ArrayList<>(lines.size());
    for (String line : lines) {
      String[] cells = line.split("\t", -1);
      List<String> row = new ArrayList<>(columns.size());
      for (int c = 0; c < columns.size(); c++) {
        row.add(c < cells.length ? cells[c] : "");
      }
      rows.add(row);
    }
    return new EmbeddingInfo.Metadata(columns, rows);
  }

  byte[] sprite(String run, String tag, long step, List<TagInfo> eventTags) throws IOException {
    find(run, tag, step, eventTags);
    Found f = found(run, tag, step);
    if (f == null || f.spritePath().isEmpty()) {
      throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' at step " + step + " has no sprite");
    }
    return readAll(committed.find(run).source.storage(), f.spritePath());
  }

  // ---- rank-2 tensors in the event files ----

  private List<EmbeddingInfo> fromTensors(String run, List<TagInfo> eventTags) {
    List<EmbeddingInfo> out = new ArrayList<>();
    for (TagInfo t : eventTags) {
      if (t.kind() != TagKind.TENSOR || !t.plugin().isEmpty()) {
        continue;
      }
      List<BlobInfo> steps;
      try {
        steps = committed.blobs(run, t.tag());
      } catch (java.util.NoSuchElementException e) {
        continue;
      }
      for (BlobInfo b : steps) {
        long[] shape = tensorShapes.computeIfAbsent(run + "\u0000" + t.tag() + "\u0000" + b.step(), k -> {
          try {
            TensorProto p = tensor(run, t.tag(), b.step());
            boolean numeric = p.stringVal().isEmpty() && p.numElements() > 0;
            return numeric ? p.shape().sizes() : new long[0];
          } catch (IOException | RuntimeException e) {
            return new long[0];
          }
        });
        if (shape.length == 2 && shape[0] >= 1 && shape[0] <= MAX_ROWS && shape[1] >= 1 && shape[1] <= MAX_DIMS) {
          out.add(new EmbeddingInfo(run, t.tag(), b.step(), t.tag(), "tensor", (int) shape[0], (int) shape[1], List.of(),
              0, 0, ""));
        }
      }
    }
    return out;
  }

  private TensorProto tensor(String run, String tag, long step) throws IOException {
    try {
      return TensorProto.parse(blobs.blob(run, tag, step, 0));
    } catch (MalformedProtoException e) {
      throw new IOException("the tensor of '" + tag + "' at step " + step + " cannot be read: " + e.getMessage());
    }
  }
}
