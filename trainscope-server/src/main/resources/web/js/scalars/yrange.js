// The y-range of a chart over the points in view: everything (lines and min-max bands), or, when
// ignoring outliers, the 5th to 95th percentile of the lines with a margin, as TensorBoard's
// "ignore outliers in chart scaling" does. On a log scale the range is worked out in decades.

const MAX_SAMPLE = 20000;

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * [min, max] for the y-scale. `cols` are joined columns ({raw, smoothed, lo, hi} arrays with
 * null gaps), i0..i1 the indexes in view.
 */
export function yRange(cols, i0, i1, { logY = false, ignoreOutliers = false } = {}) {
  const t = logY ? (v => Math.log10(v)) : (v => v);
  let lo = Infinity;
  let hi = -Infinity;
  const line = [];
  const take = (v) => {
    if (v === null || v === undefined) return;
    const y = t(v);
    if (!Number.isFinite(y)) return;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  };
  let total = 0;
  for (const c of cols) total += (i1 - i0 + 1) * 2;
  const stride = Math.max(1, Math.floor(total / MAX_SAMPLE));
  for (const c of cols) {
    for (let i = i0; i <= i1; i++) {
      if (ignoreOutliers) {
        if (i % stride !== 0) continue;
        for (const v of [c.raw[i], c.smoothed[i]]) {
          if (v === null || v === undefined) continue;
          const y = t(v);
          if (Number.isFinite(y)) line.push(y);
        }
      } else {
        take(c.raw[i]);
        take(c.smoothed[i]);
        take(c.hi[i]);
        take(c.lo[i]);
      }
    }
  }
  if (ignoreOutliers && line.length) {
    line.sort((a, b) => a - b);
    const p5 = quantile(line, 0.05);
    const p95 = quantile(line, 0.95);
    const m = (p95 - p5) * 0.1;
    lo = p5 - m;
    hi = p95 + m;
  } else if (lo <= hi) {
    const m = (hi - lo) * 0.05;
    lo -= m;
    hi += m;
  }
  if (!(lo <= hi)) {
    return logY ? [1, 10] : [0, 1];
  }
  if (lo === hi) {
    const d = logY ? 0.5 : (lo === 0 ? 1 : Math.abs(lo) * 0.1);
    lo -= d;
    hi += d;
  }
  return logY ? [Math.pow(10, lo), Math.pow(10, hi)] : [lo, hi];
}

/**
 * Ticks of a log axis for any range: 1, 2, 5 (or fewer) times powers of ten inside [min, max].
 * uPlot's own log ticks need a range that starts on a power of ten, which would leave most of a
 * decade empty above a loss that ends at 0.9.
 */
export function logSplits(min, max) {
  if (!(min > 0) || !(max > min)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades = hi - lo;
  const mults = decades > 5 ? [1] : decades > 2 ? [1, 3] : decades > 1 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  const every = Math.max(1, Math.ceil(decades / 8));
  const out = [];
  for (let k = lo; k <= hi; k++) {
    if ((k - lo) % every !== 0) continue;
    for (const m of mults) {
      const v = Number((m * Math.pow(10, k)).toPrecision(6));
      if (v >= min && v <= max) out.push(v);
    }
  }
  if (out.length < 2) {
    // Less than a step of the ladder in view: evenly spaced ticks.
    const out2 = [];
    for (let i = 0; i <= 4; i++) out2.push(Number((min + (max - min) * i / 4).toPrecision(3)));
    return out2;
  }
  return out;
}
