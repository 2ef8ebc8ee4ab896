// Debiased exponential moving average, exactly as TensorBoard's scalars dashboard smooths a line
// (tensorboard/webapp/widgets/line_chart_v2/lib/data_transformer.ts, and vz_line_chart before it):
//
//   last = last * w + (1 - w) * v;   smoothed = last / (1 - w^n)
//
// over the finite values only (n counts them); a NaN or infinite value is passed through as it is
// and does not disturb the average, and a constant series is left as it is. Dividing by
// (1 - w^n) removes the pull towards the zero the average starts from, so the first points are
// not dragged down. Each series is smoothed on its own: call once per run.
//
// This module has no imports so tests can load it on its own:
//   import { smooth } from '/js/scalars/smoothing.js';

/** The largest weight the dashboard uses: at 1 the average would never move. */
export const MAX_WEIGHT = 0.999;

function clampWeight(weight) {
  const w = Number(weight);
  if (!Number.isFinite(w) || w <= 0) return 0;
  return Math.min(w, MAX_WEIGHT);
}

function isConstant(values) {
  const n = values.length;
  for (let i = 1; i < n; i++) {
    if (values[i] !== values[0]) return false;
  }
  return true;
}

/**
 * TensorBoard's smoothing of one series: a Float64Array as long as `values`, with NaN and
 * infinities kept in place.
 */
export function smooth(values, weight) {
  const w = clampWeight(weight);
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (w === 0 || isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    accumulated++;
    out[i] = last / (1 - Math.pow(w, accumulated));
  }
  return out;
}

/**
 * The same average over downsampled buckets: bucket i stands for counts[i] finite points whose
 * mean is values[i], so it moves the average as those points would have (weight w^count), and
 * the debiasing counts points, not buckets. With every count 1 this is exactly smooth().
 *
 * `start` continues an average ({last, n} from a previous call's `end`), so that a zoomed-in
 * range is smoothed as it would be in the whole series. Returns {values, end}.
 */
export function smoothWeighted(values, counts, weight, start = null) {
  const w = clampWeight(weight);
  const n = values.length;
  const out = new Float64Array(n);
  let last = start ? start.last : 0;
  let accumulated = start ? start.n : 0;
  if (w === 0) {
    for (let i = 0; i < n; i++) out[i] = values[i];
    return { values: out, end: { last, n: accumulated } };
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const c = counts ? counts[i] : 1;
    if (!Number.isFinite(v) || !(c > 0)) {
      out[i] = v;
      continue;
    }
    const wc = c === 1 ? w : Math.pow(w, c);
    last = last * wc + (1 - wc) * v;
    accumulated += c;
    out[i] = last / (1 - Math.pow(w, accumulated));
  }
  if (!start && n > 0 && isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i];
  }
  return { values: out, end: { last, n: accumulated } };
}
