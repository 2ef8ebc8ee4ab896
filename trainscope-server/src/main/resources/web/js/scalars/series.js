// From buckets to what a chart draws: per series its points on the chosen x-axis (step, hours
// since the series' first point, or wall time), the raw line through each bucket's mean, the
// min-max band of each bucket (so a one-step spike inside a bucket stays visible), the smoothed
// line, and the NaN/Inf marks. Then all series are joined on one x column, as uPlot wants
// ([xs, ys1, ys2...] with null where a series has no point).

import { smoothWeighted } from './smoothing.js';

const COLUMNS = ['firstStep', 'lastStep', 'firstWall', 'lastWall', 'min', 'max', 'first', 'last', 'mean',
  'count', 'finite', 'nan', 'posInf', 'negInf'];

/**
 * The buckets to draw when zoomed: the fine buckets of the zoomed step range [from, to], and the
 * coarse buckets of the whole series outside it, so lines run on to the chart's edges and the
 * smoothing sees the whole series.
 */
export function mergeZoom(overview, zoom, from, to) {
  if (!zoom) return overview;
  if (!overview) return zoom;
  const idx = [];
  const src = [];
  for (let i = 0; i < overview.size; i++) {
    if (overview.lastStep[i] < from) { idx.push(i); src.push(overview); }
  }
  for (let i = 0; i < zoom.size; i++) { idx.push(i); src.push(zoom); }
  for (let i = 0; i < overview.size; i++) {
    if (overview.firstStep[i] > to) { idx.push(i); src.push(overview); }
  }
  const out = { run: overview.run, tag: overview.tag, size: idx.length, exact: overview.exact && zoom.exact };
  for (const c of COLUMNS) {
    const a = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) a[k] = src[k][c][idx[k]];
    out[c] = a;
  }
  return out;
}

/** Where a bucket sits on the x-axis (its first point with firstOnly). */
function xOf(b, i, xAxis, origin, firstOnly) {
  if (xAxis === 'step') {
    if (firstOnly || b.firstStep[i] === b.lastStep[i]) return b.firstStep[i];
    return (b.firstStep[i] + b.lastStep[i]) / 2;
  }
  const wall = firstOnly ? b.firstWall[i] : (b.firstWall[i] + b.lastWall[i]) / 2;
  return xAxis === 'wall' ? wall : (wall - origin) / 3600;
}

/** A wall time on the x-axis. */
export function wallX(wall, xAxis, origin) {
  return xAxis === 'wall' ? wall : (wall - origin) / 3600;
}

/**
 * One run's series: {run, tag, xs, steps, walls, raw, smoothed, lo, hi, counts, first, last,
 * firstSteps, lastSteps, firstWalls, lastWalls, marks, exact}, all Float64Arrays in x order (NaN
 * where a bucket has no finite value). `origin` is the wall time relative time counts from.
 * With `firstOnly` (batch fingerprints: a mean of hashes means nothing) each bucket is its first
 * point, as logged, unsmoothed and without a band.
 */
export function runSeries(b, { xAxis, weight, origin, firstOnly = false }) {
  const n = b.size;
  const sm = firstOnly ? b.first : smoothWeighted(b.mean, b.finite, weight).values;
  let order = null;
  const xs0 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs0[i] = xOf(b, i, xAxis, origin, firstOnly);
    if (i > 0 && xs0[i] < xs0[i - 1]) order = true;
  }
  // Wall times need not grow with steps (clocks, several writers): keep x sorted for the chart.
  const perm = order ? [...Array(n).keys()].sort((p, q) => xs0[p] - xs0[q]) : null;
  const pick = (a) => {
    if (!perm) return a;
    const o = new Float64Array(n);
    for (let k = 0; k < n; k++) o[k] = a[perm[k]];
    return o;
  };
  const steps = new Float64Array(n);
  const walls = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = firstOnly || b.firstStep[i] === b.lastStep[i] ? b.firstStep[i] : Math.round((b.firstStep[i] + b.lastStep[i]) / 2);
    walls[i] = firstOnly ? b.firstWall[i] : (b.firstWall[i] + b.lastWall[i]) / 2;
  }
  const marks = [];
  for (let i = 0; i < n; i++) {
    if (b.nan[i] || b.posInf[i] || b.negInf[i]) {
      marks.push({ x: xs0[i], firstStep: b.firstStep[i], lastStep: b.lastStep[i], wall: walls[i],
        nan: b.nan[i], posInf: b.posInf[i], negInf: b.negInf[i], run: b.run, tag: b.tag });
    }
  }
  const none = firstOnly ? new Float64Array(n).fill(NaN) : null;
  return {
    run: b.run, tag: b.tag, exact: b.exact || firstOnly,
    xs: pick(xs0), steps: pick(steps), walls: pick(walls), firstSteps: pick(b.firstStep), lastSteps: pick(b.lastStep),
    firstWalls: pick(b.firstWall), lastWalls: pick(b.lastWall), first: pick(b.first),
    raw: pick(firstOnly ? b.first : b.mean), last: pick(b.last), smoothed: pick(sm),
    lo: none || pick(b.min), hi: none || pick(b.max), counts: pick(b.count), marks,
  };
}

/**
 * The real point of a bucket nearest to x on the chart's axis: its first or its last point (a
 * bucket holds the values of both), as {step, wall, value}; the only point of a bucket of one.
 * A first or last point that is not finite gives way to the other.
 */
export function nearestPoint(d, j, x, xAxis, origin) {
  const a = { step: d.firstSteps[j], wall: d.firstWalls[j], value: d.first[j] };
  const z = { step: d.lastSteps[j], wall: d.lastWalls[j], value: d.last[j] };
  if (!Number.isFinite(a.value)) return z;
  if (!Number.isFinite(z.value) || a.step === z.step) return a;
  const at = p => (xAxis === 'step' ? p.step : wallX(p.wall, xAxis, origin));
  return Math.abs(at(z) - x) < Math.abs(at(a) - x) ? z : a;
}

/** Sorted distinct values of several sorted arrays. */
function unionSorted(arrays) {
  let total = 0;
  for (const a of arrays) total += a.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const a of arrays) { all.set(a, k); k += a.length; }
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) {
    if (i === 0 || all[i] !== all[m - 1]) all[m++] = all[i];
  }
  return all.subarray(0, m);
}

/** Linear interpolation of (xs, ys) at the sorted points `at`; NaN outside xs or next to a NaN. */
function interpolate(xs, ys, at) {
  const out = new Float64Array(at.length).fill(NaN);
  let j = 0;
  for (let i = 0; i < at.length; i++) {
    const x = at[i];
    if (xs.length === 0 || x < xs[0] || x > xs[xs.length - 1]) continue;
    while (j < xs.length - 1 && xs[j + 1] < x) j++;
    if (xs[j] === x) { out[i] = ys[j]; continue; }
    if (j + 1 < xs.length && xs[j + 1] === x) { out[i] = ys[j + 1]; continue; }
    const t = (x - xs[j]) / (xs[j + 1] - xs[j]);
    out[i] = ys[j] + t * (ys[j + 1] - ys[j]);
  }
  return out;
}

/** Finite points of a series, for interpolating across its gaps. */
function finitePoints(xs, ys) {
  const fx = [];
  const fy = [];
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(ys[i])) { fx.push(xs[i]); fy.push(ys[i]); }
  }
  return [fx, fy];
}

/**
 * Runs of one group drawn as one series: at every x any member has, the mean of the members'
 * (smoothed) values there, with a band of their min-max or of mean ± one standard deviation.
 */
export function groupSeries(members, band) {
  const xs = unionSorted(members.map(m => m.xs));
  const n = xs.length;
  const raws = members.map(m => interpolate(...finitePoints(m.xs, m.raw), xs));
  const sms = members.map(m => interpolate(...finitePoints(m.xs, m.smoothed), xs));
  const raw = new Float64Array(n).fill(NaN);
  const smoothed = new Float64Array(n).fill(NaN);
  const lo = new Float64Array(n).fill(NaN);
  const hi = new Float64Array(n).fill(NaN);
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sr = 0, nr = 0, s = 0, s2 = 0, k = 0, mn = Infinity, mx = -Infinity;
    for (let m = 0; m < members.length; m++) {
      const r = raws[m][i];
      if (Number.isFinite(r)) { sr += r; nr++; }
      const v = sms[m][i];
      if (Number.isFinite(v)) {
        s += v; s2 += v * v; k++;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
    }
    counts[i] = k;
    if (nr) raw[i] = sr / nr;
    if (k) {
      const mean = s / k;
      smoothed[i] = mean;
      if (band === 'std') {
        const sd = Math.sqrt(Math.max(0, s2 / k - mean * mean));
        lo[i] = mean - sd;
        hi[i] = mean + sd;
      } else {
        lo[i] = mn;
        hi[i] = mx;
      }
    }
  }
  // The nearest member point gives each joint x a step and a wall time for the tooltip.
  const steps = new Float64Array(n).fill(NaN);
  const walls = new Float64Array(n).fill(NaN);
  for (const m of members) {
    const st = interpolate(m.xs, m.steps, xs);
    const wt = interpolate(m.xs, m.walls, xs);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(steps[i]) && Number.isFinite(st[i])) { steps[i] = Math.round(st[i]); walls[i] = wt[i]; }
    }
  }
  return {
    xs, steps, walls, firstSteps: steps, lastSteps: steps, raw, smoothed, lo, hi, counts, exact: false, band: true,
    marks: members.flatMap(m => m.marks),
  };
}

/**
 * All series on one x column: {x, cols: [{raw, smoothed, lo, hi}]} with plain arrays holding
 * null for a gap (uPlot's convention). On a log scale, values <= 0 are gaps too.
 */
export function joinSeries(list, logY) {
  const x = unionSorted(list.map(s => s.xs));
  const n = x.length;
  const ok = logY ? (v => Number.isFinite(v) && v > 0) : Number.isFinite;
  const cols = list.map(s => {
    const raw = new Array(n).fill(null);
    const smoothed = new Array(n).fill(null);
    const lo = new Array(n).fill(null);
    const hi = new Array(n).fill(null);
    let j = 0;
    for (let i = 0; i < s.xs.length; i++) {
      while (x[j] < s.xs[i]) j++;
      if (ok(s.raw[i])) raw[j] = s.raw[i];
      if (ok(s.smoothed[i])) smoothed[j] = s.smoothed[i];
      if (ok(s.hi[i])) {
        hi[j] = s.hi[i];
        lo[j] = ok(s.lo[i]) ? s.lo[i] : null;
      }
    }
    return { raw, smoothed, lo, hi };
  });
  return { x: Array.from(x), cols };
}

/**
 * The steps of a run's buckets that lie between x0 and x1 on a time axis ([from, to]), or null:
 * a zoom on relative or wall time becomes a step range per run for the server.
 */
export function stepRange(b, x0, x1, xAxis, origin) {
  let from = Infinity;
  let to = -Infinity;
  const t = xAxis === 'wall' ? (w => w) : (w => (w - origin) / 3600);
  for (let i = 0; i < b.size; i++) {
    const a = Math.min(t(b.firstWall[i]), t(b.lastWall[i]));
    const z = Math.max(t(b.firstWall[i]), t(b.lastWall[i]));
    if (z < x0 || a > x1) continue;
    if (b.firstStep[i] < from) from = b.firstStep[i];
    if (b.lastStep[i] > to) to = b.lastStep[i];
  }
  return from <= to ? [from, to] : null;
}

/** Index of the point of sorted `xs` nearest to x (-1 when empty). */
export function nearest(xs, x) {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
  return lo;
}
