package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.RunStore;
import dev.trainscope.data.ScalarBuckets;
import dev.trainscope.data.ScalarPoints;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What the rules examine together: a run, or the runs of one training that a writer split by data
 * (Keras writes {@code exp/train} and {@code exp/validation}). Gives the rules the tags by role and
 * their series, read from the store once and cached.
 */
public final class Subject {
  static final int MAX_POINTS = 50_000;
  static final int BUCKETS = 20_000;

  private final String name;
  private final List<String> runs;
  private final RunStore store;
  private final List<TagRole> roles;
  private final Map<String, Series> series = new HashMap<>();
  private final Map<String, List<HistogramStep>> histograms = new HashMap<>();

  Subject(String name, List<String> runs, RunStore store, Roles inference) {
    this.name = name;
    this.runs = List.copyOf(runs);
    this.store = store;
    List<TagRole> r = new ArrayList<>();
    for (String run : runs) {
      try {
        for (TagInfo t : store.tags(run)) {
          r.add(inference.infer(t));
        }
      } catch (NoSuchElementException e) {
        // removed meanwhile
      }
    }
    this.roles = List.copyOf(r);
  }

  /** The runs' common name: the training. */
  public String name() {
    return name;
  }

  public List<String> runs() {
    return runs;
  }

  public List<TagRole> roles() {
    return roles;
  }

  /** Tags with a role, in the order they appeared (for layers: input to output, as writers log them). */
  public List<TagRole> withRole(Role role) {
    List<TagRole> out = new ArrayList<>();
    for (TagRole t : roles) {
      if (t.role() == role) {
        out.add(t);
      }
    }
    return out;
  }

  /** The first tag with the role and split (UNKNOWN split matches a tag of unknown split only). */
  public TagRole first(Role role, Split split) {
    for (TagRole t : roles) {
      if (t.role() == role && t.split() == split) {
        return t;
      }
    }
    return null;
  }

  /** Per layer, in order of appearance, the tag with the role. */
  public Map<String, TagRole> byLayer(Role role) {
    Map<String, TagRole> out = new LinkedHashMap<>();
    for (TagRole t : withRole(role)) {
      if (!t.layer().isEmpty()) {
        out.putIfAbsent(t.layer(), t);
      }
    }
    return out;
  }

  /** A scalar tag's series (cached). */
  public Series series(TagRole t) {
    return series.computeIfAbsent(t.run() + '\0' + t.tag(), k -> load(t.run(), t.tag()));
  }

  private Series load(String run, String tag) {
    TagInfo info = store.tag(run, tag);
    if (info.kind() != TagKind.SCALAR) {
      throw new IllegalArgumentException(tag + " is not a scalar tag");
    }
    if (info.count() <= MAX_POINTS) {
      ScalarPoints p = store.scalars(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, MAX_POINTS);
      long first = Long.MIN_VALUE;
      long nonFinite = 0;
      for (int i = 0; i < p.size(); i++) {
        if (!Double.isFinite(p.values()[i])) {
          nonFinite++;
          if (first == Long.MIN_VALUE) {
            first = p.steps()[i];
          }
        }
      }
      return new Series(run, tag, p.steps(), p.values(), p.values(), p.values(), first, nonFinite);
    }
    ScalarBuckets b = store.scalarBuckets(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, BUCKETS);
    long[] steps = b.lastStep();
    double[] values = new double[b.size()];
    long first = Long.MIN_VALUE;
    long nonFinite = 0;
    for (int i = 0; i < b.size(); i++) {
      long bad = b.nan()[i] + b.posInf()[i] + b.negInf()[i];
      nonFinite += bad;
      if (bad > 0 && first == Long.MIN_VALUE) {
        first = b.firstStep()[i];
      }
      values[i] = b.nan()[i] > 0 && Double.isNaN(b.mean()[i]) ? Double.NaN : b.mean()[i];
    }
    return new Series(run, tag, steps, values, b.min(), b.max(), first, nonFinite);
  }

  /** A histogram tag's steps (cached). */
  public List<HistogramStep> histograms(TagRole t) {
    return histograms.computeIfAbsent(t.run() + '\0' + t.tag(), k -> store.histograms(t.run(), t.tag()));
  }

  /** Values dropped by restarts in each run: for the restart rule. */
  public Map<String, long[]> dropped() {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String run : runs) {
      try {
        var info = store.run(run);
        out.put(run, new long[] {info.droppedByRestart(), info.droppedBySessionStart(), info.restarts()});
      } catch (NoSuchElementException e) {
        // removed meanwhile
      }
    }
    return out;
  }

  /**
   * Groups runs into subjects: {@code x/train} with {@code x/validation} (and {@code x/eval},
   * {@code x/test}) becomes one subject {@code x}; any other run is its own.
   */
  static Map<String, List<String>> group(List<String> runNames) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String run : runNames) {
      String key = run;
      int slash = run.lastIndexOf('/');
      String last = slash < 0 ? run : run.substring(slash + 1);
      if (last.matches("train|training|val|valid|validation|eval|test")) {
        key = slash < 0 ? "." : run.substring(0, slash);
      }
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
    }
    return out;
  }
}
