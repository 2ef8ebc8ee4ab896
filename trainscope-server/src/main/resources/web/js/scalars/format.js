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
