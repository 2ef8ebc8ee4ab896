package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The way back from one activation of a convolution to the input's pixels, so a person can see
 * what in a picture made that activation: Zeiler and Fergus's deconvnet ("Visualizing and
 * Understanding Convolutional Networks", ECCV 2014, section 2.1) and Springenberg et al.'s guided
 * back-propagation ("Striving for Simplicity: The All Convolutional Net", ICLR 2015 workshop,
 * section 3.4).
 *
 * <p>It covers the first steps of a {@link Network} as long as each is a {@link Conv2d}, a ReLU,
 * a 2-D max-pool or a {@link Dropout} (the identity in inference); the first other step ends the
 * part that can be walked back, and no convolution after it can be viewed.
 *
 * <p>{@link #trace} runs those steps forward on a batch in inference mode, block by block as the
 * network does, and records what the way back needs: every step's output, each max-pool's
 * switches (which input position won each window) and each convolution's weights. {@link
 * #reconstruct} then starts from a single activation of a convolution's output (all others zero)
 * and goes down:
 *
 * <ul>
 *   <li>a convolution: the transposed convolution with the same filters (the adjoint of the
 *       forward convolution, bias left out), with its stride, padding, dilation and groups;
 *   <li>a max-pool: unpooling, each value put back at the position its window's maximum came from
 *       in this image's forward pass (values of overlapping windows that share a position add up);
 *   <li>a ReLU: the deconvnet rectifies the signal, {@code max(r, 0)}; guided back-propagation
 *       also zeroes where the ReLU's forward input was not positive, {@code r * [r > 0] * [x > 0]}.
 * </ul>
 *
 * <p>The way back is plain Java over float arrays: the signal starts as one value and stays
 * sparse through the first steps, so the transposed convolution scatters only non-zero values
 * (DJL's PyTorch engine has no transposed convolution of its own, and autograd would touch the
 * parameters' gradients, which the optimizer has not used yet when the listener runs).
 *
 * <p>DJL's pooling blocks are lambdas that do not say their kernel, stride or padding; they are
 * found from the shapes of the pool's input and output, and accepted only when the maximum of every
 * window, recomputed here, equals the engine's output bit for bit: so the switches are those of the
 * forward pass. A pool that no kernel up to {@value #MAX_POOL_KERNEL} explains raises {@link
 * Unsupported}.
 */
final class Deconvnet {
  /** The largest pooling kernel (and stride) tried when the pool's geometry is found from its shapes. */
  static final int MAX_POOL_KERNEL = 16;

  /** What a step is on the way back. */
  enum Kind { CONV, RELU, MAX_POOL, IDENTITY }

  /** Which rule a ReLU applies on the way back. */
  enum Mode {
    /** Zeiler and Fergus: rectify the signal. */
    DECONVNET,
    /** Springenberg et al.: pass only where the signal and the ReLU's forward input are both positive. */
    GUIDED
  }

  /** A pooling window's geometry along both axes. */
  record PoolGeometry(int kh, int kw, int sh, int sw, int ph, int pw) {}

  /** The feature views cannot be computed for this network or pass; the message says why. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message);
    }
  }

  private final List<Block> steps;
  private final Kind[] kinds;

  private Deconvnet(List<Block> steps, Kind[] kinds) {
    this.steps = steps;
    this.kinds = kinds;
  }

  /** The part of the network, from its input, that can be walked back. */
  static Deconvnet of(Network network) {
    List<Block> steps = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>();
    for (Block b : network.steps) {
      Kind k = kindOf(b);
      if (k == null) {
        break;
      }
      steps.add(b);
      kinds.add(k);
    }
    return new Deconvnet(List.copyOf(steps), kinds.toArray(new Kind[0]));
  }

  static Kind kindOf(Block b) {
    if (b instanceof Conv2d) {
      return Kind.CONV;
    }
    if (b instanceof Dropout) {
      return Kind.IDENTITY;
    }
    if ("relu".equals(Network.activationName(b))) {
      return Kind.RELU;
    }
    if (b instanceof LambdaBlock && "maxpool2d".equals(lower(((LambdaBlock) b).getName()))) {
      return Kind.MAX_POOL;
    }
    return null;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /** How many steps, from the network's first, can be walked back. */
  int size() {
    return steps.size();
  }

  Kind kind(int step) {
    return kinds[step];
  }

  Block block(int step) {
    return steps.get(step);
  }

  /**
   * Runs steps {@code 0..last} in inference mode on {@code input} ({@code [N, C, H, W]}, in
   * {@code scope}) and records them; every array made belongs to {@code scope}.
   */
  Trace trace(NDArray input, int last, NDManager scope) {
    if (last < 0 || last >= steps.size()) {
      throw new IllegalArgumentException("last must be in [0, " + (steps.size() - 1) + "], was " + last);
    }
    if (input.getShape().dimension() != 4) {
      throw new Unsupported("the input must be [N, C, H, W] for a 2-D convolution, was " + input.getShape());
    }
    int n = Math.toIntExact(input.getShape().get(0));
    int[][] shapes = new int[last + 2][];
    float[][] values = new float[last + 2][];
    shapes[0] = chw(input.getShape());
    values[0] = Probe.floats(input, scope);
    ConvStep[] convs = new ConvStep[last + 1];
    PoolGeometry[] pools = new PoolGeometry[last + 1];
    int[][] switches = new int[last + 1][];
    ParameterStore store = new ParameterStore(scope, false);
    NDList x = new NDList(input);
    for (int i = 0; i <= last; i++) {
      x = steps.get(i).forward(store, x, false);
      NDArray y = x.singletonOrThrow();
      if (y.getShape().dimension() != 4) {
        throw new Unsupported("step " + i + " (" + steps.get(i) + ") gave " + y.getShape() + ", not [N, C, H, W]");
      }
      shapes[i + 1] = chw(y.getShape());
      values[i + 1] = Probe.floats(y, scope);
      if (kinds[i] == Kind.CONV) {
        convs[i] = ConvStep.of((Conv2d) steps.get(i), scope);
      } else if (kinds[i] == Kind.MAX_POOL) {
        pools[i] = poolGeometry(values[i], shapes[i], values[i + 1], shapes[i + 1], n);
        if (pools[i] == null) {
          throw new Unsupported("max-pool at step " + i + ": no kernel, stride and padding up to " + MAX_POOL_KERNEL
              + " turns its input " + java.util.Arrays.toString(shapes[i]) + " into its output "
              + java.util.Arrays.toString(shapes[i + 1]) + " as the engine did");
        }
        switches[i] = switches(values[i], shapes[i], shapes[i + 1], n, pools[i]);
      }
    }
    return new Trace(n, last, kinds, shapes, values, convs, pools, switches);
  }

  private static int[] chw(Shape s) {
    return new int[] {Math.toIntExact(s.get(1)), Math.toIntExact(s.get(2)), Math.toIntExact(s.get(3))};
  }

  /**
   * What one forward pass did, step by step, for a batch of {@code count} images: {@link #input},
   * {@link #output} and the max-pools' {@link #switches}.
   */
  static final class Trace {
    final int count;
    final int last;
    private final Kind[] kinds;
    /** {@code [C, H, W]} of the input (0) and of each step's output (step + 1). */
    private final int[][] shapes;
    private final float[][] values;
    private final ConvStep[] convs;
    private final PoolGeometry[] pools;
    private final int[][] switches;

    private Trace(int count, int last, Kind[] kinds, int[][] shapes, float[][] values, ConvStep[] convs,
        PoolGeometry[] pools, int[][] switches) {
      this.count = count;
      this.last = last;
      this.kinds = kinds;
      this.shapes = shapes;
      this.values = values;
      this.convs = convs;
      this.pools = pools;
      this.switches = switches;
    }

    /** {@code [C, H, W]} of step {@code step}'s input (the network's input for step 0). */
    int[] inputShape(int step) {
      return shapes[step].clone();
    }

    int[] outputShape(int step) {
      return shapes[step + 1].clone();
    }

    /** Step {@code step}'s input for the whole batch, {@code [N, C, H, W]} row-major; not copied. */
    float[] input(int step) {
      return values[step];
    }

    float[] output(int step) {
      return values[step + 1];
    }

    /**
     * The switches of the max-pool at {@code step}, {@code [N, C, Ho, Wo]}: for each output value,
     * the flat position {@code h * W + w} in its channel of the pool's input that the value came
     * from (the first maximum of the window in row-major order, as PyTorch picks it). Not copied.
     */
    int[] switches(int step) {
      if (kinds[step] != Kind.MAX_POOL) {
        throw new IllegalArgumentException("step " + step + " is a " + kinds[step] + ", not a max-pool");
      }
      return switches[step];
    }

    PoolGeometry pool(int step) {
      return pools[step];
    }
  }

  /**
   * The reconstruction in input space ({@code [C, H, W]} of the network's input) of the activation
   * of image {@code image} of the trace at {@code position} ({@code h * W + w}) of channel {@code
   * channel} of the output of convolution step {@code step}, every other activation of that output
   * set to zero.
   */
  float[] reconstruct(Trace t, int image, int step, int channel, int position, Mode mode) {
    if (kinds[step] != Kind.CONV || step > t.last) {
      throw new IllegalArgumentException("step " + step + " is not a recorded convolution");
    }
    int[] out = t.outputShape(step);
    int plane = out[1] * out[2];
    if (channel < 0 || channel >= out[0] || position < 0 || position >= plane) {
      throw new IllegalArgumentException("channel " + channel + " position " + position + " outside " + java.util.Arrays
          .toString(out));
    }
    int size = out[0] * plane;
    float[] signal = new float[size];
    signal[channel * plane + position] = t.output(step)[image * size + channel * plane + position];
    for (int i = step; i >= 0; i--) {
      int[] in = t.inputShape(i);
      int[] o = t.outputShape(i);
      int inSize = in[0] * in[1] * in[2];
      switch (kinds[i]) {
        case CONV -> signal = t.convs[i].transpose(signal, o, in);
        case MAX_POOL -> signal = unpool(signal, t.switches[i], image, o, in);
        case RELU -> relu(signal, t.input(i), image * inSize, mode);
        case IDENTITY -> { }
        default -> throw new AssertionError(kinds[i]);
      }
    }
    return signal;
  }

  /** The backward rule of a ReLU whose forward input, for this image, starts at {@code offset} of {@code input}. */
  static void relu(float[] signal, float[] input, int offset, Mode mode) {
    for (int j = 0; j < signal.length; j++) {
      boolean pass = signal[j] > 0 && (mode == Mode.DECONVNET || input[offset + j] > 0);
      if (!pass) {
        signal[j] = 0f;
      }
    }
  }

  /**
   * Puts each value of {@code signal} ({@code [C, Ho, Wo]} of the pool's output) back at its switch
   * in a zero {@code [C, H, W]} of the pool's input, for image {@code image} of the switches.
   */
  static float[] unpool(float[] signal, int[] switches, int image, int[] out, int[] in) {
    int outPlane = out[1] * out[2];
    int inPlane = in[1] * in[2];
    int base = image * out[0] * outPlane;
    float[] up = new float[in[0] * inPlane];
    for (int c = 0; c < out[0]; c++) {
      for (int o = 0; o < outPlane; o++) {
        float v = signal[c * outPlane + o];
        if (v != 0f) {
          up[c * inPlane + switches[base + c * outPlane + o]] += v;
        }
      }
    }
    return up;
  }

  // ---- max-pools ----

  /**
   * The geometry that turns {@code in} into {@code out} for all {@code n} images, each output value
   * the maximum of its window, or null. Candidates with the kernel equal to the stride and no
   * padding come first (DJL's {@code maxPool2dBlock(kernel)}), smaller kernels first.
   */
  static PoolGeometry poolGeometry(float[] in, int[] inShape, float[] out, int[] outShape, int n) {
    if (inShape[0] != outShape[0]) {
      return null;
    }
    for (int[] h : axisCandidates(inShape[1], outShape[1])) {
      for (int[] w : axisCandidates(inShape[2], outShape[2])) {
        PoolGeometry g = new PoolGeometry(h[0], w[0], h[1], w[1], h[2], w[2]);
        if (explains(g, in, inShape, out, outShape, n)) {
          return g;
        }
      }
    }
    return null;
  }

  /** {@code [kernel, stride, padding]} along one axis giving {@code out} from {@code in} (floor or ceil mode). */
  private static List<int[]> axisCandidates(int in, int out) {
    List<int[]> first = new ArrayList<>();
    List<int[]> rest = new ArrayList<>();
    for (int k = 1; k <= MAX_POOL_KERNEL; k++) {
      for (int s = 1; s <= MAX_POOL_KERNEL; s++) {
        for (int p = 0; p <= k / 2; p++) {
          if (in + 2 * p < k) {
            continue;
          }
          int floor = (in + 2 * p - k) / s + 1;
          int ceil = ceilOut(in, k, s, p);
          if (floor == out || ceil == out) {
            (k == s && p == 0 ? first : rest).add(new int[] {k, s, p});
          }
        }
      }
    }
    first.addAll(rest);
    return first;
  }

  /** PyTorch's output size in ceil mode: the last window must start inside the input or its left padding. */
  private static int ceilOut(int in, int k, int s, int p) {
    int o = (in + 2 * p - k + s - 1) / s + 1;
    if ((o - 1) * s >= in + p) {
      o--;
    }
    return o;
  }

  private static boolean explains(PoolGeometry g, float[] in, int[] inShape, float[] out, int[] outShape, int n) {
    int c = inShape[0];
    int h = inShape[1];
    int w = inShape[2];
    int oh = outShape[1];
    int ow = outShape[2];
    for (int plane = 0; plane < n * c; plane++) {
      int inBase = plane * h * w;
      int outBase = plane * oh * ow;
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          int at = argmax(in, inBase, h, w, y * g.sh - g.ph, x * g.sw - g.pw, g.kh, g.kw);
          float expected = out[outBase + y * ow + x];
          float got = at < 0 ? Float.NEGATIVE_INFINITY : in[inBase + at];
          if (!(got == expected || (Float.isNaN(got) && Float.isNaN(expected)))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * The flat position {@code y * w + x} of the first maximum (row-major) of the window of {@code
   * kh x kw} at {@code (top, left)}, clipped to the plane; -1 when the window holds no value.
   */
  static int argmax(float[] v, int base, int h, int w, int top, int left, int kh, int kw) {
    int best = -1;
    float max = Float.NEGATIVE_INFINITY;
    for (int y = Math.max(0, top); y < Math.min(h, top + kh); y++) {
      for (int x = Math.max(0, left); x < Math.min(w, left + kw); x++) {
        float u = v[base + y * w + x];
        if (best < 0 || u > max || (Float.isNaN(u) && !Float.isNaN(max))) {
          best = y * w + x;
          max = u;
        }
      }
    }
    return best;
  }

  static int[] switches(float[] in, int[] inShape, int[] outShape, int n, PoolGeometry g) {
    int c = inShape[0];
    int h = inShape[1];
    int w = inShape[2];
    int oh = outShape[1];
    int ow = outShape[2];
    int[] s = new int[n * c * oh * ow];
    for (int plane = 0; plane < n * c; plane++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          s[(plane * oh + y) * ow + x] = argmax(in, plane * h * w, h, w, y * g.sh - g.ph, x * g.sw - g.pw, g.kh, g.kw);
        }
      }
    }
    return s;
  }

  // ---- convolutions ----

  /** A convolution's weights, copied out of the engine, and its geometry. */
  record ConvStep(float[] weight, int outChannels, int inPerGroup, int kh, int kw, int sh, int sw, int ph, int pw,
      int dh, int dw, int groups) {
    static ConvStep of(Conv2d conv, NDManager scope) {
      NDArray w = null;
      for (var p : conv.getParameters()) {
        if (p.getValue().getType() == ai.djl.nn.Parameter.Type.WEIGHT) {
          w = p.getValue().getArray();
        }
      }
      if (w == null || w.getShape().dimension() != 4) {
        throw new Unsupported(conv + " has no [out, in, kh, kw] weight");
      }
      long[] s = w.getShape().getShape();
      Shape stride = conv.getStride();
      Shape padding = conv.getPadding();
      Shape dilation = conv.getDilation();
      return new ConvStep(Probe.floats(w, scope), (int) s[0], (int) s[1], (int) s[2], (int) s[3],
          dim(stride, 0, 1), dim(stride, 1, 1), dim(padding, 0, 0), dim(padding, 1, 0), dim(dilation, 0, 1),
          dim(dilation, 1, 1), Math.max(1, conv.getGroups()));
    }

    private static int dim(Shape s, int axis, int otherwise) {
      return s == null || s.dimension() <= axis ? otherwise : Math.toIntExact(s.get(axis));
    }

    /**
     * The adjoint of this convolution (without bias) applied to {@code signal} ({@code [Co, Ho,
     * Wo]}): every non-zero output value spreads back over the inputs its window read, weighted by
     * the filter. Gives {@code [Ci, H, W]} of the convolution's input.
     */
    float[] transpose(float[] signal, int[] out, int[] in) {
      int ci = in[0];
      int h = in[1];
      int w = in[2];
      int oh = out[1];
      int ow = out[2];
      int outPerGroup = outChannels / groups;
      float[] back = new float[ci * h * w];
      for (int co = 0; co < outChannels; co++) {
        int group = co / outPerGroup;
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            float v = signal[(co * oh + y) * ow + x];
            if (v == 0f) {
              continue;
            }
            for (int c = 0; c < inPerGroup; c++) {
              int inC = group * inPerGroup + c;
              int wBase = (co * inPerGroup + c) * kh * kw;
              for (int a = 0; a < kh; a++) {
                int iy = y * sh - ph + a * dh;
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int b = 0; b < kw; b++) {
                  int ix = x * sw - pw + b * dw;
                  if (ix >= 0 && ix < w) {
                    back[(inC * h + iy) * w + ix] += v * weight[wBase + a * kw + b];
                  }
                }
              }
            }
          }
        }
      }
      return back;
    }
  }
}
