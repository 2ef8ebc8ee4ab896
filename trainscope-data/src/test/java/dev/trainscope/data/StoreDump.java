package dev.trainscope.data;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything a store holds, as lines of text, so that two stores (one over a folder, one over a
 * bucket) compare with a readable difference: every run's info, every tag's info, every scalar
 * point, histogram, text, PR curve, the hparams table, and a SHA-256 of every blob's bytes
 * (read again from the storage).
 */
public final class StoreDump {
  private StoreDump() {}

  public static List<String> of(RunStore store) throws IOException {
    return of(store, true);
  }

  /** Without {@code blobs}, what is held in memory only: nothing is read from the files. */
  public static List<String> of(RunStore store, boolean blobs) throws IOException {
    List<String> out = new ArrayList<>();
    for (RunInfo run : store.runs()) {
      out.add(run.toString());
      for (TagInfo t : store.tags(run.name())) {
        String at = run.name() + " " + t.tag() + " ";
        out.add(at + t);
        switch (t.kind()) {
          case SCALAR -> {
            ScalarPoints p = store.scalars(run.name(), t.tag(), Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            out.add(at + Arrays.toString(p.steps()) + Arrays.toString(p.wallTimes()) + Arrays.toString(p.values()));
          }
          case HISTOGRAM -> {
            for (HistogramStep h : store.histograms(run.name(), t.tag())) {
              out.add(at + h.step() + " " + h.wallTime() + Arrays.toString(h.left()) + Arrays.toString(h.right())
                  + Arrays.toString(h.count()));
            }
          }
          case TEXT -> out.add(at + store.text(run.name(), t.tag()));
          case PR_CURVE -> {
            for (PrCurveStep c : store.prCurves(run.name(), t.tag())) {
              out.add(at + c.step() + Arrays.toString(c.precision()) + Arrays.toString(c.recall()));
            }
          }
          case HPARAMS -> out.add(at + "hparams");
          case EMBEDDING -> out.add(at + store.embeddings(run.name()));
          default -> {
            if (!blobs) {
              out.add(at + store.blobs(run.name(), t.tag()));
              continue;
            }
            for (BlobInfo b : store.blobs(run.name(), t.tag())) {
              for (int i = 0; i < Math.max(1, b.count()); i++) {
                out.add(at + b + " #" + i + " " + sha256(store.blob(run.name(), t.tag(), b.step(), i)));
              }
            }
          }
        }
      }
      for (var p : store.problems(run.name())) {
        out.add(run.name() + " problem " + p);
      }
    }
    out.add(store.hparams().toString());
    return out;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
