package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.LogdirData;
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
  private final LogdirData store;
  private final List<TagRole> roles;
  private final Map<String, Series> series = new HashMap<>();
  private final Map<String, List<HistogramStep>> histograms = new HashMap<>();
  private List<Layer> layers;
  private List<Layer> weightLayers;
  private final Map<Class<?>, Object> derived = new HashMap<>();

  Subject(String name, List<String> runs, LogdirData store, Roles inference) {
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

  /**
   * Per layer, in order of appearance, the tag with the role: of the layer's weights when it has
   * one (a bias's gradient norm is no layer of its own), else of the layer as a whole.
   */
  public Map<String, TagRole> byLayer(Role role) {
    Map<String, TagRole> out = new LinkedHashMap<>();
    for (TagRole t : withRole(role)) {
      if (!t.layer().isEmpty() && !t.isBias()) {
        out.putIfAbsent(t.layer(), t);
      }
    }
    return out;
  }

  /**
   * The network's layers in the order they were logged (input to output), with the tags of each;
   * activations logged under the name of the module that computes them ({@code activations/model.1})
   * belong to the parameter layer before it ({@code model.0}).
   */
  public List<Layer> layers() {
    if (layers == null) {
      layers = buildLayers();
    }
    return layers;
  }

  private List<Layer> buildLayers() {
    Map<String, Layer> byName = new LinkedHashMap<>();
    for (TagRole t : roles) {
      if (t.layer().isEmpty() || !PER_LAYER.contains(t.role())) {
        continue;
      }
      Layer l = byName.computeIfAbsent(t.layer(), Layer::new);
      if (t.param().equals("gamma") || t.param().equals("beta") || t.param().startsWith("moving_")
          || t.param().startsWith("running_")) {
        l.norm = true;
      }
      if (t.param().startsWith("moving_") || t.param().startsWith("running_") || t.param().equals("num_batches_tracked")) {
        continue; // a normalisation's statistics are no parameters
      }
      (t.isBias() ? l.bias : l.weight).putIfAbsent(t.role(), t);
    }
    // parameter layers first, then activations logged under their own module's name attached to
    // the layer before them (whatever order the writer logged the tags in)
    List<Layer> out = new ArrayList<>();
    List<Layer> activationsOnly = new ArrayList<>();
    for (Layer l : byName.values()) {
      (!l.hasWeights() && l.bias.isEmpty() ? activationsOnly : out).add(l);
    }
    for (Layer l : activationsOnly) {
      Layer producer = producerOf(l.name(), out);
      if (producer == null) {
        out.add(l);
        continue;
      }
      for (Role r : List.of(Role.PRE_ACTIVATIONS, Role.ACTIVATIONS, Role.DEAD_UNITS, Role.ACTIVATION_MEAN,
          Role.ACTIVATION_STD)) {
        TagRole t = l.weight.get(r);
        if (t != null && producer.weight.putIfAbsent(r, t) == null) {
          producer.activationModule = l.name();
        }
      }
    }
    return List.copyOf(out);
  }

  /** {@code model.0} for {@code model.1} (or {@code model.2} with a norm between): the last layer logged before it under the same prefix. */
  private static Layer producerOf(String module, List<Layer> before) {
    java.util.regex.Matcher m = NUMBERED.matcher(module);
    if (!m.matches()) {
      return null;
    }
    Layer best = null;
    int bestIndex = -1;
    for (Layer l : before) {
      java.util.regex.Matcher n = NUMBERED.matcher(l.name());
      if (n.matches() && n.group(1).equals(m.group(1)) && !l.isNorm()) {
        int i = Integer.parseInt(n.group(2));
        if (i < Integer.parseInt(m.group(2)) && i > bestIndex) {
          best = l;
          bestIndex = i;
        }
      }
    }
    return best;
  }

  private static final java.util.regex.Pattern NUMBERED = java.util.regex.Pattern.compile("(.*?)[._]?(\\d+)");
  private static final java.util.Set<Role> PER_LAYER = java.util.EnumSet.of(Role.GRAD_NORM, Role.GRADIENTS,
      Role.GRAD_ZERO_FRACTION, Role.UPDATE_RATIO, Role.WEIGHTS, Role.BIASES, Role.PRE_ACTIVATIONS, Role.ACTIVATIONS,
      Role.DEAD_UNITS, Role.ACTIVATION_MEAN, Role.ACTIVATION_STD);

  /**
   * The layers with weights that are not normalisations: dense, convolution, recurrent layers. A
   * layer with as many weights as biases is a per-channel scale and shift (PyTorch names batch
   * normalisation's gamma {@code bn.weight}): a normalisation, whatever its name.
   */
  public List<Layer> weightLayers() {
    if (weightLayers == null) {
      List<Layer> out = new ArrayList<>();
      for (Layer l : layers()) {
        if (!l.isNorm() && (l.tag(Role.WEIGHTS) != null || l.tag(Role.GRAD_NORM) != null
            || l.tag(Role.GRADIENTS) != null || l.tag(Role.UPDATE_RATIO) != null)) {
          if (fanIn(l) == 1) {
            l.norm = true;
          } else {
            out.add(l);
          }
        }
      }
      weightLayers = List.copyOf(out);
    }
    return weightLayers;
  }

  /**
   * A view derived from this subject (such as {@link Facts}), made by {@code make} on first use and
   * kept: the analyses the rules share are computed once per subject without the subject knowing
   * them.
   */
  <T> T derived(Class<T> type, java.util.function.Function<Subject, T> make) {
    Object v = derived.get(type);
    if (v == null) {
      v = make.apply(this);
      derived.put(type, v);
    }
    return type.cast(v);
  }

  /**
   * A weight layer's fan-in: weight count over bias count (a dense layer's inputs; a
   * convolution's kernel area times input channels). NaN when either is not logged.
   */
  double fanIn(Layer l) {
    TagRole w = l.tag(Role.WEIGHTS);
    TagRole b = l.biasTag(Role.BIASES);
    if (w == null || b == null) {
      return Double.NaN;
    }
    List<HistogramStep> hw = histograms(w);
    List<HistogramStep> hb = histograms(b);
    if (hw.isEmpty() || hb.isEmpty()) {
      return Double.NaN;
    }
    double nb = Hist.total(hb.get(hb.size() - 1));
    double nw = Hist.total(hw.get(hw.size() - 1));
    return nb >= 1 && nw >= nb ? nw / nb : Double.NaN;
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

  /**
   * The first image of up to {@code max} steps of an image tag, spread evenly over its steps;
   * steps whose bytes cannot be read are left out.
   */
  public List<byte[]> images(TagRole t, int max) {
    List<byte[]> out = new ArrayList<>();
    List<dev.trainscope.data.BlobInfo> blobs = store.blobs(t.run(), t.tag());
    int n = blobs.size();
    for (int k = 0; k < Math.min(n, max); k++) {
      int i = max >= n ? k : (int) ((long) k * (n - 1) / Math.max(1, max - 1));
      try {
        out.add(store.blob(t.run(), t.tag(), blobs.get(i).step(), 0));
      } catch (java.io.IOException | RuntimeException e) {
        // changed or unreadable meanwhile: judge by the others
      }
    }
    return out;
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
