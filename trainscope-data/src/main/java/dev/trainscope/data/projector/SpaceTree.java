package dev.trainscope.data.projector;

/**
 * A quadtree (2-D) or octree (3-D) over points, each cell holding its points' count and centre of
 * mass: the Barnes-Hut approximation of the repulsive forces of t-SNE (van der Maaten, Accelerating
 * t-SNE using Tree-Based Algorithms, JMLR 2014). Kept in flat arrays, built anew every iteration.
 */
final class SpaceTree {
  private static final int MAX_DEPTH = 40;
  private final int dims;
  private final int fan;
  private int size;
  private double[] com; // centre of mass, dims per cell
  private double[] width; // the cell's largest side
  private int[] count;
  private int[] firstChild; // -1 for a leaf
  private int[] leafPoint; // the point of a leaf holding one, else -1

  SpaceTree(float[] y, int n, int dims) {
    this.dims = dims;
    this.fan = 1 << dims;
    int cap = Math.max(16, 4 * n);
    com = new double[cap * dims];
    width = new double[cap];
    count = new int[cap];
    firstChild = new int[cap];
    leafPoint = new int[cap];
    double[] lo = new double[dims];
    double[] hi = new double[dims];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dims; a++) {
        lo[a] = Math.min(lo[a], y[i * dims + a]);
        hi[a] = Math.max(hi[a], y[i * dims + a]);
      }
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    double[] center = new double[dims];
    double half = 0;
    for (int a = 0; a < dims; a++) {
      center[a] = (lo[a] + hi[a]) / 2;
      half = Math.max(half, (hi[a] - lo[a]) / 2);
    }
    half = half * (1 + 1e-5) + 1e-12;
    size = 1;
    build(0, y, idx, 0, n, center, half, 0, new int[n]);
  }

  private int alloc(int cells) {
    int at = size;
    size += cells;
    if (size > count.length) {
      int cap = Math.max(size, count.length * 2);
      com = java.util.Arrays.copyOf(com, cap * dims);
      width = java.util.Arrays.copyOf(width, cap);
      count = java.util.Arrays.copyOf(count, cap);
      firstChild = java.util.Arrays.copyOf(firstChild, cap);
      leafPoint = java.util.Arrays.copyOf(leafPoint, cap);
    }
    return at;
  }

  private void build(int node, float[] y, int[] idx, int from, int to, double[] center, double half, int depth,
      int[] scratch) {
    int n = to - from;
    count[node] = n;
    width[node] = 2 * half;
    for (int a = 0; a < dims; a++) {
      double s = 0;
      for (int i = from; i < to; i++) {
        s += y[idx[i] * dims + a];
      }
      com[node * dims + a] = n == 0 ? 0 : s / n;
    }
    firstChild[node] = -1;
    leafPoint[node] = n == 1 ? idx[from] : -1;
    if (n <= 1 || depth >= MAX_DEPTH) {
      return;
    }
    // counting sort of the points into the children by their quadrant/octant
    int[] starts = new int[fan + 1];
    for (int i = from; i < to; i++) {
      starts[quadrant(y, idx[i], center) + 1]++;
    }
    for (int c = 0; c < fan; c++) {
      starts[c + 1] += starts[c];
    }
    int[] fill = java.util.Arrays.copyOf(starts, fan);
    for (int i = from; i < to; i++) {
      int q = quadrant(y, idx[i], center);
      scratch[from + fill[q]++] = idx[i];
    }
    System.arraycopy(scratch, from, idx, from, n);
    int child = alloc(fan);
    firstChild[node] = child;
    double h = half / 2;
    for (int c = 0; c < fan; c++) {
      double[] cc = new double[dims];
      for (int a = 0; a < dims; a++) {
        cc[a] = center[a] + (((c >> a) & 1) == 1 ? h : -h);
      }
      build(child + c, y, idx, from + starts[c], from + starts[c + 1], cc, h, depth + 1, scratch);
    }
  }

  private int quadrant(float[] y, int i, double[] center) {
    int q = 0;
    for (int a = 0; a < dims; a++) {
      if (y[i * dims + a] > center[a]) {
        q |= 1 << a;
      }
    }
    return q;
  }

  /**
   * Adds the repulsion on point {@code i} to {@code force} (unnormalised: {@code sum q^2 Z (y_i -
   * y_j)}) and returns its part of Z ({@code sum q Z}).
   */
  double repulsion(float[] y, int i, double theta, double[] force, int[] stack) {
    double sumQ = 0;
    int top = 0;
    stack[top++] = 0;
    double[] diff = new double[dims];
    while (top > 0) {
      int node = stack[--top];
      int n = count[node];
      if (n == 0 || leafPoint[node] == i) {
        continue;
      }
      double d2 = 0;
      for (int a = 0; a < dims; a++) {
        diff[a] = y[i * dims + a] - com[node * dims + a];
        d2 += diff[a] * diff[a];
      }
      boolean leaf = firstChild[node] < 0;
      if (leaf || width[node] * width[node] < theta * theta * d2) {
        if (leaf && leafPoint[node] < 0 && d2 == 0) {
          continue; // a cell of coincident points that holds i: they push nothing apart
        }
        double q = 1 / (1 + d2);
        double mult = n * q;
        sumQ += mult;
        mult *= q;
        for (int a = 0; a < dims; a++) {
          force[a] += mult * diff[a];
        }
      } else {
        if (top + fan > stack.length) {
          throw new IllegalStateException("tree deeper than expected");
        }
        for (int c = 0; c < fan; c++) {
          stack[top++] = firstChild[node] + c;
        }
      }
    }
    return sumQ;
  }

  int stackSize() {
    return MAX_DEPTH * fan + 8;
  }
}
