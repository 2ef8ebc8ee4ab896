package dev.trainscope.data.projector;

import java.util.Arrays;

/**
 * A quadtree (2-D) or octree (3-D) over points, each cell holding its points' count and centre of
 * mass: the Barnes-Hut approximation of the repulsive forces of t-SNE (van der Maaten, Accelerating
 * t-SNE using Tree-Based Algorithms, JMLR 2014). Kept in flat arrays that one tree reuses from
 * one iteration's {@link #build} to the next, so an iteration allocates nothing once they are
 * large enough. {@link #order} lists the points in the tree's (spatial) order: visited in that
 * order, consecutive points walk mostly the same cells, which then stay in the processor's cache.
 */
final class SpaceTree {
  private static final int MAX_DEPTH = 40;
  private final int dims;
  private final int fan;
  private int size;
  private double[] com = new double[0]; // centre of mass, dims per cell
  private double[] widthSq = new double[0]; // the square of the cell's largest side
  private int[] count = new int[0];
  private int[] firstChild = new int[0]; // -1 for a leaf
  private int[] leafPoint = new int[0]; // the point of a leaf holding one, else -1
  private int[] order = new int[0];
  private int[] scratch = new int[0];
  private final double[] centres; // the centre of the cell being split, per depth
  private final int[] starts; // fan + 1 per depth

  SpaceTree(int dims) {
    if (dims != 2 && dims != 3) {
      throw new IllegalArgumentException("dims must be 2 or 3, was " + dims);
    }
    this.dims = dims;
    this.fan = 1 << dims;
    this.centres = new double[(MAX_DEPTH + 1) * dims];
    this.starts = new int[(MAX_DEPTH + 1) * (fan + 1)];
  }

  /** Builds the tree over the {@code n} points of {@code y}, replacing the one built before. */
  SpaceTree build(float[] y, int n) {
    if (order.length != n) {
      order = new int[n];
      scratch = new int[n];
      grow(Math.max(16, 2 * n));
    }
    double[] lo = new double[dims];
    double[] hi = new double[dims];
    Arrays.fill(lo, Double.POSITIVE_INFINITY);
    Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      order[i] = i;
      for (int a = 0; a < dims; a++) {
        lo[a] = Math.min(lo[a], y[i * dims + a]);
        hi[a] = Math.max(hi[a], y[i * dims + a]);
      }
    }
    double half = 0;
    for (int a = 0; a < dims; a++) {
      centres[a] = (lo[a] + hi[a]) / 2;
      half = Math.max(half, (hi[a] - lo[a]) / 2);
    }
    half = half * (1 + 1e-5) + 1e-12;
    size = 1;
    split(0, y, 0, n, half, 0);
    return this;
  }

  /** The points in the order of the tree's leaves. */
  int[] order() {
    return order;
  }

  private void grow(int cap) {
    com = Arrays.copyOf(com, cap * dims);
    widthSq = Arrays.copyOf(widthSq, cap);
    count = Arrays.copyOf(count, cap);
    firstChild = Arrays.copyOf(firstChild, cap);
    leafPoint = Arrays.copyOf(leafPoint, cap);
  }

  private int alloc(int cells) {
    int at = size;
    size += cells;
    if (size > count.length) {
      grow(Math.max(size, count.length * 2));
    }
    return at;
  }

  /** Fills cell {@code node} with the points {@code order[from..to)}, its centre at {@code centres[depth]}. */
  private void split(int node, float[] y, int from, int to, double half, int depth) {
    int n = to - from;
    count[node] = n;
    widthSq[node] = 4 * half * half;
    firstChild[node] = -1;
    leafPoint[node] = n == 1 ? order[from] : -1;
    if (n <= 1 || depth >= MAX_DEPTH) {
      for (int a = 0; a < dims; a++) {
        double s = 0;
        for (int i = from; i < to; i++) {
          s += y[order[i] * dims + a];
        }
        com[node * dims + a] = n == 0 ? 0 : s / n;
      }
      return;
    }
    // counting sort of the points into the children by their quadrant/octant
    int c0 = depth * dims;
    int s0 = depth * (fan + 1);
    Arrays.fill(starts, s0, s0 + fan + 1, 0);
    for (int i = from; i < to; i++) {
      starts[s0 + quadrant(y, order[i], c0) + 1]++;
    }
    for (int c = 0; c < fan; c++) {
      starts[s0 + c + 1] += starts[s0 + c];
    }
    for (int i = from; i < to; i++) {
      int q = quadrant(y, order[i], c0);
      scratch[from + starts[s0 + q]++] = order[i];
    }
    // starts[c] now holds where child c ends; shift them back to where each starts
    for (int c = fan; c > 0; c--) {
      starts[s0 + c] = starts[s0 + c - 1];
    }
    starts[s0] = 0;
    System.arraycopy(scratch, from, order, from, n);
    int child = alloc(fan);
    firstChild[node] = child;
    double h = half / 2;
    for (int a = 0; a < dims; a++) {
      com[node * dims + a] = 0;
    }
    for (int c = 0; c < fan; c++) {
      for (int a = 0; a < dims; a++) {
        centres[c0 + dims + a] = centres[c0 + a] + (((c >> a) & 1) == 1 ? h : -h);
      }
      split(child + c, y, from + starts[s0 + c], from + starts[s0 + c + 1], h, depth + 1);
      for (int a = 0; a < dims; a++) {
        com[node * dims + a] += count[child + c] * com[(child + c) * dims + a];
      }
    }
    for (int a = 0; a < dims; a++) {
      com[node * dims + a] /= n;
    }
  }

  private int quadrant(float[] y, int i, int centre) {
    int q = 0;
    for (int a = 0; a < dims; a++) {
      if (y[i * dims + a] > centres[centre + a]) {
        q |= 1 << a;
      }
    }
    return q;
  }

  /**
   * Adds the repulsion on point {@code i} to {@code force} (unnormalised: {@code sum q^2 Z (y_i -
   * y_j)}) and returns its part of Z ({@code sum q Z}); {@code stack} holds {@link #stackSize}.
   * Written out for 2 and 3 dimensions (the third is 0 in 2-D), in locals, without allocating.
   */
  double repulsion(float[] y, int i, double theta, double[] force, int[] stack) {
    boolean three = dims == 3;
    double thetaSq = theta * theta;
    double sumQ = 0;
    double fx = 0;
    double fy = 0;
    double fz = 0;
    double px = y[dims * i];
    double py = y[dims * i + 1];
    double pz = three ? y[dims * i + 2] : 0;
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      int node = stack[--top];
      if (leafPoint[node] == i) {
        continue;
      }
      double dx = px - com[dims * node];
      double dy = py - com[dims * node + 1];
      double dz = three ? pz - com[dims * node + 2] : 0;
      double d2 = dx * dx + dy * dy + dz * dz;
      int first = firstChild[node];
      if (first < 0 || widthSq[node] < thetaSq * d2) {
        if (first < 0 && leafPoint[node] < 0 && d2 == 0) {
          continue; // a cell of coincident points that holds i: they push nothing apart
        }
        double q = 1 / (1 + d2);
        double mult = count[node] * q;
        sumQ += mult;
        mult *= q;
        fx += mult * dx;
        fy += mult * dy;
        fz += mult * dz;
      } else {
        for (int c = 0; c < fan; c++) {
          if (count[first + c] > 0) {
            stack[top++] = first + c;
          }
        }
      }
    }
    force[0] += fx;
    force[1] += fy;
    if (three) {
      force[2] += fz;
    }
    return sumQ;
  }

  int stackSize() {
    return MAX_DEPTH * fan + 8;
  }
}
