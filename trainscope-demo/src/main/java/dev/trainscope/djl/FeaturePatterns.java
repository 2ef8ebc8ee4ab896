package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Whether the top {@value FeatureViews#TOP} images of a channel share a visible pattern, measured:
 * for each channel, the part of each of its top images that the winning activation sees (its
 * receptive field, centred where the maximum is), and the mean Pearson correlation over the 36
 * pairs of those patches. A channel whose winners show the same stroke scores near 1. The control
 * takes {@value FeatureViews#TOP} random validation images and cuts each at the position of the
 * corresponding winner, so that a shared position (digits sit in the middle of the frame) does not
 * count as a shared pattern. Also reported: the share of the top images with the most common label.
 *
 * <p>Run {@link #main} to train the demo and measure its two convolutions at initialisation and
 * after training.
 */
public final class FeaturePatterns {
  private FeaturePatterns() {}

  /** Random draws of the control per channel. */
  static final int CONTROL_DRAWS = 200;

  /** A convolution or pooling window along one axis. */
  record Window(int kernel, int stride, int padding) {}

  /**
   * The receptive fields of the demo CNN's convolutions ({@link Demo#cnn}): each the windows from
   * the input up to the layer's output.
   */
  static final Map<String, List<Window>> DEMO_CNN = Map.of(
      "conv2d_1", List.of(new Window(5, 1, 2)),
      "conv2d_2", List.of(new Window(5, 1, 2), new Window(2, 2, 0), new Window(5, 1, 2)));

  /**
   * The input rows {@code [lo, hi]} that output row {@code y} of {@code windows} (from the input
   * up) sees; they may reach past the input's edges, into the padding.
   */
  static int[] receptiveField(List<Window> windows, int y) {
    int lo = y;
    int hi = y;
    for (int i = windows.size() - 1; i >= 0; i--) {
      Window w = windows.get(i);
      lo = lo * w.stride - w.padding;
      hi = hi * w.stride - w.padding + w.kernel - 1;
    }
    return new int[] {lo, hi};
  }

  /**
   * The rows {@code rows} and columns {@code cols} ({@code [lo, hi]} each) of a one-channel {@code h
   * x w} image, row-major; pixels outside it take the value {@code outside}.
   */
  static float[] patch(float[] image, int h, int w, int[] rows, int[] cols, float outside) {
    int ph = rows[1] - rows[0] + 1;
    int pw = cols[1] - cols[0] + 1;
    float[] out = new float[ph * pw];
    for (int i = 0; i < ph; i++) {
      int y = rows[0] + i;
      for (int j = 0; j < pw; j++) {
        int x = cols[0] + j;
        out[i * pw + j] = y >= 0 && y < h && x >= 0 && x < w ? image[y * w + x] : outside;
      }
    }
    return out;
  }

  /**
   * The mean Pearson correlation over the pairs of {@code patches}; pairs with a constant patch
   * (no ink) are left out. NaN when no pair is left.
   */
  static double coherence(List<float[]> patches) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < patches.size(); i++) {
      for (int j = i + 1; j < patches.size(); j++) {
        double r = Stats.pearson(patches.get(i), patches.get(j));
        if (!Double.isNaN(r)) {
          sum += r;
          n++;
        }
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The share of {@code labels} equal to the most common of them. */
  static double modalShare(int[] labels) {
    Map<Integer, Integer> counts = new LinkedHashMap<>();
    int most = 0;
    for (int l : labels) {
      most = Math.max(most, counts.merge(l, 1, Integer::sum));
    }
    return labels.length == 0 ? Double.NaN : (double) most / labels.length;
  }

  /** One channel's figures. */
  record Channel(String layer, int channel, double coherence, double controlCoherence, double labelShare,
      double controlLabelShare) {}

  /**
   * Measures every channel of the convolutions named in {@code geometry} of {@code network} over
   * {@code val} (normalised as the demo feeds it).
   */
  static List<Channel> measure(Block network, Mnist val, Map<String, List<Window>> geometry, long seed) {
    int h = val.rows();
    int w = val.cols();
    int size = h * w;
    float[] pixels = val.floats(true);
    float[] labels = val.labelFloats();
    float background = pixels.length == 0 ? 0 : min(pixels);
    Random random = new Random(seed);
    List<Channel> out = new ArrayList<>();
    try (NDManager scope = NDManager.newBaseManager()) {
      FeatureViews views = FeatureViews.of(Network.of(network), Integer.MAX_VALUE, null, val.count());
      for (int from = 0; from < val.count(); from += Demo.VAL_BATCH_SIZE) {
        int n = Math.min(Demo.VAL_BATCH_SIZE, val.count() - from);
        try (NDManager batch = scope.newSubManager()) {
          NDArray x = batch.create(Arrays.copyOfRange(pixels, from * size, (from + n) * size), new Shape(n, 1, h, w));
          NDArray y = batch.create(Arrays.copyOfRange(labels, from, from + n));
          views.observe(x, y, batch);
        }
      }
      for (FeatureViews.View v : views.finish(scope)) {
        List<Window> windows = geometry.get(v.layer());
        if (windows == null) {
          continue;
        }
        List<float[]> patches = new ArrayList<>();
        int[] top = new int[v.ranked().size()];
        List<int[][]> fields = new ArrayList<>();
        for (int i = 0; i < top.length; i++) {
          FeatureViews.Ranked r = v.ranked().get(i);
          int[][] field = {receptiveField(windows, r.y()), receptiveField(windows, r.x())};
          fields.add(field);
          patches.add(patch(r.image(), h, w, field[0], field[1], background));
          top[i] = r.label();
        }
        double[] control = new double[CONTROL_DRAWS];
        double[] controlLabels = new double[CONTROL_DRAWS];
        for (int d = 0; d < CONTROL_DRAWS; d++) {
          List<float[]> drawn = new ArrayList<>();
          int[] drawnLabels = new int[top.length];
          for (int i = 0; i < top.length; i++) {
            int k = random.nextInt(val.count());
            float[] image = Arrays.copyOfRange(pixels, k * size, (k + 1) * size);
            drawn.add(patch(image, h, w, fields.get(i)[0], fields.get(i)[1], background));
            drawnLabels[i] = val.label(k);
          }
          control[d] = coherence(drawn);
          controlLabels[d] = modalShare(drawnLabels);
        }
        out.add(new Channel(v.layer(), v.channel(), coherence(patches), Stats.median(finite(control)),
            modalShare(top), Stats.median(controlLabels)));
      }
    }
    return out;
  }

  private static float min(float[] v) {
    float m = Float.POSITIVE_INFINITY;
    for (float f : v) {
      m = Math.min(m, f);
    }
    return m;
  }

  private static double[] finite(double[] v) {
    return Arrays.stream(v).filter(d -> !Double.isNaN(d)).toArray();
  }

  /**
   * Trains the demo ({@code args}: epochs, default {@value Demo#DEFAULT_EPOCHS}) and prints, per
   * convolution, the medians over its channels of the top images' coherence and label share, at
   * initialisation and after training, beside the control's.
   */
  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : Demo.DEFAULT_EPOCHS;
    Mnist val = Mnist.bundled().slice(Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + Mnist.VAL_COUNT);
    List<List<Channel>> measured = new ArrayList<>();
    Demo.Progress progress = new Demo.Progress() {
      @Override
      public void initialized(Block network) {
        measured.add(measure(network, val, DEMO_CNN, 1));
      }

      @Override
      public void trained(Block network) {
        measured.add(measure(network, val, DEMO_CNN, 1));
      }
    };
    Demo.Result result = Demo.train(Demo.Options.defaults(null).withEpochs(epochs), progress);
    System.out.printf(Locale.ROOT, "demo CNN, %d epochs, %d steps, validation accuracy %.2f%%%n", result.epochs(),
        result.steps(), 100 * result.valAccuracy());
    System.out.println("| layer | when | channels | top-9 patch coherence | control | channels above their control"
        + " | top-9 modal label share | control |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    String[] when = {"initialisation", "trained"};
    for (int m = 0; m < measured.size(); m++) {
      for (String layer : List.of("conv2d_1", "conv2d_2")) {
        List<Channel> cs = measured.get(m).stream().filter(c -> c.layer().equals(layer)).toList();
        long above = cs.stream().filter(c -> c.coherence() > c.controlCoherence()).count();
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %d of %d | %.2f | %.2f |%n", layer, when[m],
            cs.size(), Stats.median(finite(cs.stream().mapToDouble(Channel::coherence).toArray())),
            Stats.median(finite(cs.stream().mapToDouble(Channel::controlCoherence).toArray())), above,
            cs.size(), Stats.median(cs.stream().mapToDouble(Channel::labelShare).toArray()),
            Stats.median(cs.stream().mapToDouble(Channel::controlLabelShare).toArray()));
      }
    }
  }
}
