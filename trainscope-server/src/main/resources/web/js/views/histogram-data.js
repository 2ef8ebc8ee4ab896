// Histogram steps as the server sends them, made drawable: buckets of any widths (TensorFlow's
// exponential ones, tensorboardX's numpy bins, a constant's zero-width bucket, edges at +-DBL_MAX)
// are spread over one uniform grid shared by all steps, in proportion to how much of each bucket
// falls in each bin, as TensorBoard's histogram plugin re-bins before drawing.

import { nums } from '../api.js';

const HUGE = 1e300;

/** The API's steps with numbers restored and each bucket's edges in order. */
export function parseSteps(raw) {
  return raw.map(s => {
    const l = nums(s.left);
    const r = nums(s.right);
    const count = nums(s.count);
    const lo = new Float64Array(count.length);
    const hi = new Float64Array(count.length);
    for (let i = 0; i < count.length; i++) {
      lo[i] = Math.min(l[i], r[i]);
      hi[i] = Math.max(l[i], r[i]);
    }
    let total = 0;
    for (const c of count) if (Number.isFinite(c)) total += c;
    return { step: s.step, wallTime: s.wallTime, left: lo, right: hi, count, total };
  });
}

const usable = v => Number.isFinite(v) && Math.abs(v) < HUGE;

/** [min, max] over the non-empty buckets of all steps, widened when all values are equal. */
export function valueRange(steps) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of steps) {
    for (let i = 0; i < s.count.length; i++) {
      if (!(s.count[i] > 0)) continue;
      const a = usable(s.left[i]) ? s.left[i] : s.right[i];
      const b = usable(s.right[i]) ? s.right[i] : s.left[i];
      if (usable(a)) lo = Math.min(lo, a);
      if (usable(b)) hi = Math.max(hi, b);
    }
  }
  if (!(lo <= hi)) return null;
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo))) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 0.5;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** A step's counts on `bins` equal bins over [lo, hi]. */
export function rebin(s, lo, hi, bins) {
  const out = new Float64Array(bins);
  const w = (hi - lo) / bins;
  const binOf = x => Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / w)));
  for (let i = 0; i < s.count.length; i++) {
    const c = s.count[i];
    if (!(c > 0)) continue;
    let a = s.left[i];
    let b = s.right[i];
    if (!usable(a)) a = usable(b) ? Math.max(lo, b - w) : lo;
    if (!usable(b)) b = Math.min(hi, a + w);
    a = Math.max(lo, Math.min(hi, a));
    b = Math.max(lo, Math.min(hi, b));
    if (b - a <= w * 1e-9) {
      out[binOf(a)] += c;
      continue;
    }
    const first = binOf(a);
    const last = binOf(b - w * 1e-9);
    for (let k = first; k <= last; k++) {
      const overlap = Math.min(b, lo + (k + 1) * w) - Math.max(a, lo + k * w);
      if (overlap > 0) out[k] += c * overlap / (b - a);
    }
  }
  return out;
}

/**
 * The mean width of the non-empty buckets of all steps (zero-width ones left out): re-binned
 * counts are scaled by it over the bin width, so heights read as counts per typical bucket, as
 * the histogram was logged, whatever the number of bins drawn.
 */
export function typicalBucketWidth(steps, lo, hi) {
  let sum = 0;
  let n = 0;
  for (const s of steps) {
    for (let i = 0; i < s.count.length; i++) {
      if (!(s.count[i] > 0)) continue;
      const a = Math.max(lo, usable(s.left[i]) ? s.left[i] : lo);
      const b = Math.min(hi, usable(s.right[i]) ? s.right[i] : hi);
      if (b > a) {
        sum += b - a;
        n++;
      }
    }
  }
  return n ? sum / n : (hi - lo);
}

/** The index of the bucket of step s holding value x (the non-empty one if buckets touch), or -1. */
export function bucketAt(s, x) {
  let found = -1;
  for (let i = 0; i < s.count.length; i++) {
    if (x >= s.left[i] && x <= s.right[i]) {
      found = i;
      if (s.count[i] > 0) return i;
    }
  }
  return found;
}
