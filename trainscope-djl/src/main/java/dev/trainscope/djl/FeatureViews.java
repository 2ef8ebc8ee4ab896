package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import dev.trainscope.djl.Deconvnet.Mode;
import dev.trainscope.djl.Network.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a convolution's channels respond to, as Zeiler and Fergus show it ("Visualizing and
 * Understanding Convolutional Networks", ECCV 2014, figure 2): for each chosen channel, the
 * {@value #TOP} images of a pass over the validation set whose maximum activation in that channel
 * is highest, and for each of them the reconstruction of that one activation in pixel space, by
 * the deconvnet and by guided back-propagation ({@link Deconvnet}).
 *
 * <p>{@link #observe} takes the validation batches as they come: it runs the network's own blocks
 * in inference mode up to the deepest chosen convolution (in a scope the caller closes), takes
 * each chosen channel's maximum over its positions, and keeps per channel the {@value #TOP}
 * highest, ties to the lower validation index; NaN maxima are skipped. {@link #finish} then runs
 * the winning images through the network again, recording the max-pools' switches of each image's
 * own forward pass, finds where in that pass the channel's maximum is (the first in row-major
 * order, as PyTorch's argmax) and walks that activation back. Recording the switches and the
 * positions only for the winners keeps the pass light: the switches of every validation image
 * would take about 75 KB an image for the demo's CNN, and an argmax over every map costs twice
 * the maximum.
 *
 * <p>The weights must not change between {@code observe} and {@code finish}: DJL runs the
 * validation pass after an epoch's last step and before the listeners' {@code onEpoch}.
 */
final class FeatureViews {
  /** Images kept per channel. */
  static final int TOP = 9;
  /** Channels of each convolution viewed unless the caller chooses. */
  static final int DEFAULT_CHANNELS = 8;
  /** Winning images run through the network at once by {@link #finish}. */
  static final int CHUNK = 128;

  /** A chosen convolution and its chosen channels, in increasing order. */
  record Target(Layer layer, int[] channels) {}

  /** One of the images of a channel's ranking. */
  record Ranked(int rank, long index, int label, float activation, int y, int x, float[] image, float[] deconv,
      float[] guided) {}

  /**
   * A channel's ranking among {@code observed} images; images are {@code [C, H, W]} like the
   * input.
   */
  record View(String layer, int channel, List<Ranked> ranked, long observed, int channels, int height, int width) {
    /** The ranking as a Markdown table, for the text tag. */
    String markdown(long step) {
      StringBuilder sb = new StringBuilder(160 + 48 * ranked.size());
      sb.append(String.format(Locale.ROOT, "**%s, channel %d** at step %d: the %d of %,d validation images whose"
          + " maximum activation in this channel is highest, highest first.\n\n", layer, channel, step,
          ranked.size(), observed));
      sb.append("| rank | validation index | label | max activation | position (y, x) |\n");
      sb.append("|---:|---:|---:|---:|:---:|\n");
      for (Ranked r : ranked) {
        sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %.5g | (%d, %d) |\n", r.rank, r.index,
            r.label < 0 ? "-" : Integer.toString(r.label), r.activation, r.y, r.x));
      }
      return sb.toString();
    }
  }

  private final Deconvnet deconvnet;
  private final List<Target> targets;
  /** The deepest step that {@link #observe} runs. */
  private final int last;
  private final long maxSamples;
  /** Per target, per chosen channel, the best so far, best first. */
  private final List<List<List<Entry>>> best = new ArrayList<>();
  private long seen;
  private int[] inputShape;

  /** An image in a running top list; its reconstructions come with {@link #finish}. */
  private static final class Entry {
    /** The convolution's step and the channel. */
    final int step;
    final int channel;
    final long index;
    final int label;
    final float value;
    final float[] image;
    /** Where the maximum is, {@code y * width + x}, and the reconstructions: known after {@link #finish}. */
    int position;
    int width;
    float[] deconv;
    float[] guided;

    Entry(int step, int channel, long index, int label, float value, float[] image) {
      this.step = step;
      this.channel = channel;
      this.index = index;
      this.label = label;
      this.value = value;
      this.image = image;
    }
  }

  private FeatureViews(Deconvnet deconvnet, List<Target> targets, long maxSamples) {
    this.deconvnet = deconvnet;
    this.targets = List.copyOf(targets);
    this.maxSamples = maxSamples;
    int deepest = -1;
    for (Target t : targets) {
      deepest = Math.max(deepest, t.layer.step);
      List<List<Entry>> perChannel = new ArrayList<>();
      for (int i = 0; i < t.channels.length; i++) {
        perChannel.add(new ArrayList<>(TOP + 1));
      }
      best.add(perChannel);
    }
    this.last = deepest;
  }

  /**
   * The views of {@code network}: the channels {@code chosen} names by layer ({@code conv2d_1}...),
   * or when it is null the first {@code firstChannels} channels of every 2-D convolution that can
   * be walked back to the input; over the first {@code maxSamples} images of each pass.
   *
   * @throws IllegalArgumentException when {@code chosen} names a layer that is no such convolution,
   *     or a channel it does not have
   */
  static FeatureViews of(Network network, int firstChannels, Map<String, int[]> chosen, long maxSamples) {
    Deconvnet d = Deconvnet.of(network);
    List<Target> targets = new ArrayList<>();
    Map<String, Layer> viewable = new LinkedHashMap<>();
    for (Layer l : network.layers) {
      if (l.conv2d() && l.step < d.size()) {
        viewable.put(l.name, l);
      }
    }
    if (chosen == null) {
      for (Layer l : viewable.values()) {
        int n = Math.min(firstChannels, filters(l));
        int[] channels = new int[n];
        Arrays.setAll(channels, i -> i);
        if (n > 0) {
          targets.add(new Target(l, channels));
        }
      }
    } else {
      for (Map.Entry<String, int[]> e : chosen.entrySet()) {
        Layer l = viewable.get(e.getKey());
        if (l == null) {
          throw new IllegalArgumentException("featureChannels: '" + e.getKey() + "' is not a 2-D convolution that"
              + " can be walked back to the input (only convolutions, ReLUs, max-pools and dropout before it); those"
              + " of this network: " + viewable.keySet());
        }
        int[] channels = e.getValue().clone();
        Arrays.sort(channels);
        for (int i = 0; i < channels.length; i++) {
          if (channels[i] < 0 || channels[i] >= filters(l) || (i > 0 && channels[i] == channels[i - 1])) {
            throw new IllegalArgumentException("featureChannels: " + l.name + " has channels 0.." + (filters(l) - 1)
                + ", each at most once; was given " + Arrays.toString(e.getValue()));
          }
        }
        targets.add(new Target(l, channels));
      }
      targets.sort((a, b) -> Integer.compare(a.layer.step, b.layer.step));
    }
    return new FeatureViews(d, targets, maxSamples);
  }

  private static int filters(Layer l) {
    return ((Conv2d) l.block).getFilters();
  }

  List<Target> targets() {
    return targets;
  }

  /** Images observed since the last {@link #finish}. */
  long seen() {
    return seen;
  }

  /**
   * Takes a batch ({@code [N, C, H, W]}; labels one per image, or null): runs it through the
   * network in inference mode and updates the rankings. Arrays made belong to {@code scope}.
   */
  void observe(NDArray data, NDArray labels, NDManager scope) {
    Shape shape = data.getShape();
    if (shape.dimension() != 4) {
      throw new Deconvnet.Unsupported("a 2-D convolution's input must be [N, C, H, W], was " + shape);
    }
    long n = Math.min(shape.get(0), maxSamples - seen);
    if (n <= 0 || targets.isEmpty()) {
      return;
    }
    int[] chw = {Math.toIntExact(shape.get(1)), Math.toIntExact(shape.get(2)), Math.toIntExact(shape.get(3))};
    if (seen > 0 && !Arrays.equals(inputShape, chw)) {
      throw new Deconvnet.Unsupported("the images of one pass must have one shape: " + Arrays.toString(inputShape)
          + " and " + Arrays.toString(chw));
    }
    inputShape = chw;
    // a copy or a slice, made in the batch's manager: moved to the scope, so closing it frees them
    NDArray x = n == shape.get(0) ? data.duplicate() : data.get(new NDIndex("0:" + n));
    x.attach(scope);
    float[] labelValues = null;
    if (labels != null && labels.size() == shape.get(0)) {
      labelValues = Probe.floats(labels, scope);
    }
    int imageSize = chw[0] * chw[1] * chw[2];
    float[] images = null;
    ParameterStore store = new ParameterStore(scope, false);
    NDList out = new NDList(x);
    int t = 0;
    for (int i = 0; i <= last; i++) {
      out = deconvnet.block(i).forward(store, out, false);
      if (targets.get(t).layer.step != i) {
        continue;
      }
      Target target = targets.get(t);
      float[] max = channelMaxima(out.singletonOrThrow(), target.channels, scope);
      int c = target.channels.length;
      for (int k = 0; k < c; k++) {
        int ch = target.channels[k];
        List<Entry> list = best.get(t).get(k);
        for (int j = 0; j < n; j++) {
          float v = max[j * c + k];
          long index = seen + j;
          if (Float.isNaN(v) || (list.size() == TOP && !beats(v, index, list.get(TOP - 1)))) {
            continue;
          }
          if (images == null) {
            images = Probe.floats(x, scope);
          }
          Entry e = new Entry(i, ch, index, labelValues == null ? -1 : Math.round(labelValues[j]), v,
              Arrays.copyOfRange(images, j * imageSize, (j + 1) * imageSize));
          int pos = 0;
          while (pos < list.size() && beats(list.get(pos).value, list.get(pos).index, e)) {
            pos++;
          }
          list.add(pos, e);
          if (list.size() > TOP) {
            list.remove(TOP);
          }
        }
      }
      t++;
      if (t == targets.size()) {
        break;
      }
    }
    seen += n;
  }

  /**
   * The maximum over the positions of each of {@code channels} (increasing) of {@code y}, {@code [N,
   * C, H, W]}: {@code [N, channels.length]}, row-major. Consecutive channels are reduced as a slice,
   * so unchosen channels cost nothing.
   */
  private static float[] channelMaxima(NDArray y, int[] channels, NDManager scope) {
    boolean consecutive = channels[channels.length - 1] - channels[0] == channels.length - 1;
    NDArray chosen = consecutive && channels.length < y.getShape().get(1)
        ? y.get(new NDIndex(":, " + channels[0] + ":" + (channels[channels.length - 1] + 1))) : y;
    // PyTorch's engine in DJL reduces one axis at a time
    float[] all = Probe.floats(chosen.max(new int[] {3}).max(new int[] {2}), scope);
    if (chosen != y || channels.length == y.getShape().get(1)) {
      return all;
    }
    int c = Math.toIntExact(y.getShape().get(1));
    int n = all.length / c;
    float[] out = new float[n * channels.length];
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < channels.length; k++) {
        out[j * channels.length + k] = all[j * c + channels[k]];
      }
    }
    return out;
  }

  /** Whether an activation {@code value} of image {@code index} ranks above {@code o}. */
  private static boolean beats(float value, long index, Entry o) {
    return value > o.value || (value == o.value && index < o.index);
  }

  /**
   * The views of the images observed since the last call, their activations walked back; then
   * starts over. Empty when nothing was observed. Arrays made belong to sub-managers of {@code
   * scope}, closed before it returns.
   */
  List<View> finish(NDManager scope) {
    if (seen == 0) {
      return List.of();
    }
    try {
      reconstruct(scope);
      List<View> views = new ArrayList<>();
      for (int t = 0; t < targets.size(); t++) {
        Target target = targets.get(t);
        for (int k = 0; k < target.channels.length; k++) {
          List<Ranked> ranked = new ArrayList<>();
          List<Entry> list = best.get(t).get(k);
          for (int r = 0; r < list.size(); r++) {
            Entry e = list.get(r);
            ranked.add(new Ranked(r + 1, e.index, e.label, e.value, e.position / e.width, e.position % e.width,
                e.image, e.deconv, e.guided));
          }
          views.add(new View(target.layer.name, target.channels[k], List.copyOf(ranked), seen, inputShape[0],
              inputShape[1], inputShape[2]));
        }
      }
      return views;
    } finally {
      seen = 0;
      for (List<List<Entry>> perChannel : best) {
        for (List<Entry> list : perChannel) {
          list.clear();
        }
      }
    }
  }

  /** Runs every winning image once more, {@value #CHUNK} at a time, and walks its activations back. */
  private void reconstruct(NDManager scope) {
    TreeMap<Long, List<Entry>> byImage = new TreeMap<>();
    for (List<List<Entry>> perChannel : best) {
      for (List<Entry> list : perChannel) {
        for (Entry e : list) {
          byImage.computeIfAbsent(e.index, i -> new ArrayList<>()).add(e);
        }
      }
    }
    List<List<Entry>> images = new ArrayList<>(byImage.values());
    int imageSize = inputShape[0] * inputShape[1] * inputShape[2];
    for (int from = 0; from < images.size(); from += CHUNK) {
      List<List<Entry>> chunk = images.subList(from, Math.min(images.size(), from + CHUNK));
      float[] data = new float[chunk.size() * imageSize];
      for (int j = 0; j < chunk.size(); j++) {
        System.arraycopy(chunk.get(j).get(0).image, 0, data, j * imageSize, imageSize);
      }
      try (NDManager m = scope.newSubManager()) {
        NDArray x = m.create(data, new Shape(chunk.size(), inputShape[0], inputShape[1], inputShape[2]));
        Deconvnet.Trace trace = deconvnet.trace(x, last, m);
        for (int j = 0; j < chunk.size(); j++) {
          for (Entry e : chunk.get(j)) {
            int[] out = trace.outputShape(e.step);
            e.width = out[2];
            e.position = Deconvnet.argmax(trace.output(e.step), (j * out[0] + e.channel) * out[1] * out[2], out[1],
                out[2], 0, 0, out[1], out[2]);
            e.deconv = deconvnet.reconstruct(trace, j, e.step, e.channel, e.position, Mode.DECONVNET);
            e.guided = deconvnet.reconstruct(trace, j, e.step, e.channel, e.position, Mode.GUIDED);
          }
        }
      }
    }
  }
}
