package dev.trainscope.data;

import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh plugin's tags as meshes: grouped by the name their metadata gives (each part of a mesh
 * is a tag of its own), and one element of a batch read back from the files as vertices, faces and
 * colours, checked so that three.js can draw it.
 */
final class Meshes {
  /** Vertices one answer may hold (a point cloud of a million points is 12 MB of floats). */
  static final int MAX_VERTICES = 1_000_000;
  /** Triangles one answer may hold. */
  static final int MAX_FACES = 2_000_000;

  private Meshes() {}

  /** A tag of the mesh plugin, as the store holds it. */
  record MeshTag(String tag, MeshPluginData data, long[] steps) {}

  /** Groups a run's mesh tags by mesh name, meshes in order of first appearance, vertices first. */
  static List<MeshInfo> group(String run, List<MeshTag> tags) {
    Map<String, List<MeshTag>> byName = new LinkedHashMap<>();
    for (MeshTag t : tags) {
      byName.computeIfAbsent(t.data().name().isEmpty() ? t.tag() : t.data().name(), k -> new ArrayList<>()).add(t);
    }
    List<MeshInfo> out = new ArrayList<>();
    for (Map.Entry<String, List<MeshTag>> e : byName.entrySet()) {
      List<MeshTag> parts = new ArrayList<>(e.getValue());
      parts.sort((a, b) -> Integer.compare(a.data().contentType(), b.data().contentType()));
      MeshTag vertices = null;
      List<MeshInfo.Part> list = new ArrayList<>();
      String config = "";
      for (MeshTag p : parts) {
        String content = MeshPluginData.contentTypeName(p.data().contentType());
        if (content.equals("UNDEFINED") || list.stream().anyMatch(x -> x.content().equals(content))) {
          continue; // a part of no known type, or a second tag claiming the same part: not drawable
        }
        list.add(new MeshInfo.Part(content, p.tag(), p.data().shape()));
        if (p.data().contentType() == MeshPluginData.VERTEX) {
          vertices = p;
          config = p.data().jsonConfig();
        }
      }
      if (vertices != null) { // faces or colours without vertices draw nothing
        out.add(new MeshInfo(run, e.getKey(), config, list, vertices.steps()));
      }
    }
    return out;
  }

  /**
   * Element {@code sample} of the batch of mesh {@code name} at {@code step}: the vertices logged
   * at that step, with the faces and colours logged at it or, when a part was logged less often (a
   * fixed topology logged once), at the latest step before it.
   */
  static MeshStep read(LogdirData data, String run, String name, long step, int sample) throws IOException {
    MeshInfo mesh = null;
    for (MeshInfo m : data.meshes(run)) {
      if (m.name().equals(name)) {
        mesh = m;
      }
    }
    if (mesh == null) {
      throw new NoSuchTagException(run, name, "run '" + run + "' has no mesh named '" + name + "'");
    }
    String vertexTag = mesh.tagOf("VERTEX");
    BlobInfo at = null;
    for (BlobInfo b : data.blobs(run, vertexTag)) {
      if (b.step() == step) {
        at = b;
      }
    }
    if (at == null) {
      throw new NoSuchTagException(run, name, "mesh '" + name + "' of run '" + run + "' has no vertices at step " + step);
    }
    Part v = part(data, run, vertexTag, step, "vertices");
    if (sample < 0 || sample >= v.batch) {
      throw new IllegalArgumentException("sample must be in 0.." + (v.batch - 1) + " (the batch of mesh '" + name
          + "' at step " + step + "), was " + sample);
    }
    int n = v.rows;
    if (n > MAX_VERTICES) {
      throw new IllegalArgumentException("mesh '" + name + "' has " + n + " vertices, more than the " + MAX_VERTICES
          + " served");
    }
    float[] vertices = new float[3 * n];
    for (int i = 0; i < vertices.length; i++) {
      vertices[i] = (float) v.values[sample * 3 * n + i];
    }
    int[] faces = new int[0];
    String faceTag = mesh.tagOf("FACE");
    long faceStep = faceTag == null ? Long.MIN_VALUE : latestAtOrBefore(data, run, faceTag, step);
    if (faceStep != Long.MIN_VALUE) {
      Part f = part(data, run, faceTag, faceStep, "faces");
      if (f.rows > MAX_FACES) {
        throw new IllegalArgumentException("mesh '" + name + "' has " + f.rows + " faces, more than the " + MAX_FACES
            + " served");
      }
      int s = f.batch == 1 ? 0 : requireSample(f, sample, name, "faces");
      faces = new int[3 * f.rows];
      for (int i = 0; i < faces.length; i++) {
        double x = f.values[s * 3 * f.rows + i];
        if (!(x >= 0 && x < n && x == Math.rint(x))) {
          throw new IOException("face " + i / 3 + " of mesh '" + name + "' at step " + faceStep + " names vertex " + x
              + "; the mesh has " + n);
        }
        faces[i] = (int) x;
      }
    }
    int[] colors = new int[0];
    String colorTag = mesh.tagOf("COLOR");
    long colorStep = colorTag == null ? Long.MIN_VALUE : latestAtOrBefore(data, run, colorTag, step);
    if (colorStep != Long.MIN_VALUE) {
      Part c = part(data, run, colorTag, colorStep, "colours");
      if (c.rows != n) {
        throw new IOException("mesh '" + name + "' has " + c.rows + " colours at step " + colorStep + " for " + n
            + " vertices");
      }
      int s = c.batch == 1 ? 0 : requireSample(c, sample, name, "colours");
      colors = new int[3 * n];
      for (int i = 0; i < colors.length; i++) {
        double x = c.values[s * 3 * n + i];
        colors[i] = Double.isNaN(x) ? 0 : (int) Math.max(0, Math.min(255, Math.round(x)));
      }
    }
    return new MeshStep(run, name, step, at.wallTime(), sample, v.batch, mesh.jsonConfig(), vertices, faces, colors);
  }

  private static int requireSample(Part p, int sample, String name, String what) throws IOException {
    if (sample >= p.batch) {
      throw new IOException("mesh '" + name + "' has " + p.batch + " sets of " + what + " for a batch of more");
    }
    return sample;
  }

  private static long latestAtOrBefore(LogdirData data, String run, String tag, long step) {
    long best = Long.MIN_VALUE;
    for (BlobInfo b : data.blobs(run, tag)) {
      if (b.step() <= step) {
        best = b.step();
      }
    }
    return best;
  }

  /** A part's tensor: {@code batch} elements of {@code rows} rows of 3. */
  private record Part(int batch, int rows, double[] values) {}

  private static Part part(LogdirData data, String run, String tag, long step, String what) throws IOException {
    TensorProto t;
    try {
      t = TensorProto.parse(data.blob(run, tag, step, 0));
    } catch (MalformedProtoException e) {
      throw new IOException("the " + what + " of tag '" + tag + "' at step " + step + " are not a tensor: "
          + e.getMessage(), e);
    }
    long[] dims = new long[t.shape().rank()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.shape().size(i);
    }
    long batch;
    long rows;
    if (dims.length == 3) {
      batch = dims[0];
      rows = dims[1];
    } else if (dims.length == 2) {
      batch = 1;
      rows = dims[0];
    } else {
      batch = -1;
      rows = -1;
    }
    int last = dims.length == 0 ? -1 : (int) dims[dims.length - 1];
    if (batch < 1 || rows < 0 || last != 3 || batch * rows > 3L * MAX_FACES) {
      throw new IOException("the " + what + " of tag '" + tag + "' at step " + step + " have shape "
          + Arrays.toString(dims) + "; a mesh part is [batch, n, 3] (at most " + 3L * MAX_FACES + " rows)");
    }
    double[] values;
    try {
      values = t.toDoubleArray();
    } catch (MalformedProtoException e) {
      throw new IOException("the " + what + " of tag '" + tag + "' at step " + step + " are not numbers: "
          + e.getMessage(), e);
    }
    if (values.length != batch * rows * 3) {
      throw new IOException("the " + what + " of tag '" + tag + "' at step " + step + " hold " + values.length
          + " values for shape " + Arrays.toString(dims));
    }
    return new Part((int) batch, (int) rows, values);
  }
}
