// Numbers and times as the scalars tab shows them.

import { fmt } from '../util.js';

export { fmt };

/**
 * Step tick labels: compact ("12.5k", "3M") with as many decimals as the tick spacing needs, and
 * in full when compact would need too many ("1,099,511,627,776").
 */
export function fmtStepTicks(splits, incr) {
  const max = Math.max(...splits.map(v => Math.abs(v || 0)));
  const [unit, suffix] = max >= 1e9 ? [1e9, 'G'] : max >= 1e6 ? [1e6, 'M'] : max >= 1e4 ? [1e3, 'k'] : [1, ''];
  const step = incr > 0 ? incr : unit;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9));
  if (unit === 1 || decimals > 2) return splits.map(v => (v === null ? '' : fmtStepFull(v)));
  return splits.map(v => (v === null ? '' : v === 0 ? '0' : (v / unit).toFixed(decimals) + suffix));
}

/** A step in full, with thousands separated: 1234567 → "1,234,567". */
export function fmtStepFull(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  return Math.round(v).toLocaleString('en-US');
}

/** A duration in hours as people read it: "42 s", "12m 5s", "3h 20m", "2d 4h". */
export function fmtHours(h) {
  if (h === null || h === undefined || !Number.isFinite(h)) return '';
  const neg = h < 0;
  let s = Math.abs(h) * 3600;
  let out;
  if (s < 60) out = `${Number(s.toPrecision(3))} s`;
  else if (s < 3600) out = `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  else if (s < 48 * 3600) out = `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
  else out = `${Math.floor(s / 86400)}d ${Math.round((s % 86400) / 3600)}h`;
  return neg ? '-' + out : out;
}

/** A wall time (seconds since the epoch) as local date and time. */
export function fmtWall(sec) {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '';
  const d = new Date(sec * 1000);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "NaN ×3 at steps 10–20", "+Inf at step 7". */
export function fmtMark(m) {
  const where = m.firstStep === m.lastStep ? `step ${fmtStepFull(m.firstStep)}`
    : `steps ${fmtStepFull(m.firstStep)}–${fmtStepFull(m.lastStep)}`;
  const parts = [];
  if (m.nan) parts.push(m.nan > 1 ? `NaN ×${m.nan}` : 'NaN');
  if (m.posInf) parts.push(m.posInf > 1 ? `+Inf ×${m.posInf}` : '+Inf');
  if (m.negInf) parts.push(m.negInf > 1 ? `-Inf ×${m.negInf}` : '-Inf');
  return `${parts.join(', ')} at ${where}`;
}

/**
 * A long run name cut in the middle ("keras-tf2…/mod1-reuters-1690485395/validation"): runs of
 * one experiment share their start and differ at the end, so both ends stay.
 */
export function shorten(name, max = 48) {
  if (typeof name !== 'string' || name.length <= max) return name;
  const head = Math.floor((max - 1) / 3);
  return name.slice(0, head) + '…' + name.slice(name.length - (max - 1 - head));
}

/** Decimals (fixed) or mantissa decimals (exponent) tried for an axis's ticks: no more than this. */
const MAX_DECIMALS = 8;

/**
 * The labels of one value axis's ticks, all in one format chosen from the ticks: fixed decimals
 * ("0.000", "0.005", "0.010") while the largest tick lies in [0.001, 1e6) and no more than five
 * decimals tell the ticks apart, else all in exponent form ("1.0e-4", "5.0e-4"), with the fewest
 * decimals that write every tick as the number it is (uPlot's ticks are round numbers, up to
 * the floating-point noise of 0.1 + 0.2). Nulls (ticks uPlot hides) stay empty.
 * Returns {kind: 'fixed' | 'exp', decimals, labels}.
 */
export function axisFormat(splits) {
  const vals = splits.filter(v => v !== null && v !== undefined && Number.isFinite(v));
  if (vals.length === 0) return { kind: 'fixed', decimals: 0, labels: splits.map(() => '') };
  const max = Math.max(...vals.map(Math.abs));
  const fits = (write) => vals.every(v => {
    const back = Number(write(v));
    return Math.abs(back - v) <= 1e-9 * Math.max(Math.abs(v), gap(vals));
  }) && new Set(vals.map(write)).size === new Set(vals).size;
  const least = (write) => {
    for (let d = 0; d <= MAX_DECIMALS; d++) if (fits(v => write(v, d))) return d;
    return MAX_DECIMALS;
  };
  const fixed = (v, d) => v.toFixed(d);
  const exp = (v, d) => v.toExponential(d);
  let kind = max !== 0 && (max < 1e-3 || max >= 1e6) ? 'exp' : 'fixed';
  let decimals = kind === 'fixed' ? least(fixed) : 0;
  if (kind === 'fixed' && decimals > 5) kind = 'exp';
  if (kind === 'exp') decimals = least(exp);
  const write = kind === 'fixed' ? fixed : exp;
  const labels = splits.map(v => (v === null || v === undefined || !Number.isFinite(v) ? '' : clean(write(v, decimals))));
  return { kind, decimals, labels };
}

/** The smallest distance between distinct ticks (or the largest tick when there is one). */
function gap(vals) {
  const s = [...new Set(vals)].sort((a, b) => a - b);
  let g = Infinity;
  for (let i = 1; i < s.length; i++) g = Math.min(g, s[i] - s[i - 1]);
  return Number.isFinite(g) ? g : Math.abs(s[0]) || 1;
}

/** "-0.000" is zero: written without its sign. */
function clean(label) {
  return /^-0(\.0*)?(e[+-]?\d+)?$/.test(label) ? label.slice(1) : label;
}

/**
 * A value as logged, in full: a float32 (what TensorBoard's summaries hold) with the fewest
 * digits that read back as the same float32 ("0.05674", not "0.05674000084400177"), any other
 * double with the fewest digits that read back as that double.
 */
export function fmtExact(v) {
  if (v === null || v === undefined) return '';
  if (!Number.isFinite(v)) return fmt(v);
  if (Math.fround(v) === v) {
    for (let p = 1; p <= 9; p++) {
      const n = Number(v.toPrecision(p));
      if (Math.fround(n) === v) return String(n);
    }
  }
  return String(v);
}
