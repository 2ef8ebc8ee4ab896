// Times and x axes shared by the tabs: step, time relative to the run's first value, wall time.

import { fmt } from '../util.js';

const pad = n => String(n).padStart(2, '0');

/** A wall time (seconds since the epoch) as local "YYYY-MM-DD HH:MM:SS". */
export function fmtWall(sec) {
  if (!Number.isFinite(sec) || sec <= 0) return '';
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in seconds for people: "850 ms", "12.5 s", "3m 20s", "1h 05m", "2d 3h". */
export function fmtDuration(sec) {
  if (!Number.isFinite(sec)) return '';
  const neg = sec < 0 ? '-' : '';
  const s = Math.abs(sec);
  if (s < 1) return `${neg}${Math.round(s * 1000)} ms`;
  if (s < 60) return `${neg}${Number(s.toPrecision(3))} s`;
  if (s < 3600) return `${neg}${Math.floor(s / 60)}m ${pad(Math.floor(s % 60))}s`;
  if (s < 86400) return `${neg}${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${neg}${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Step or relative or wall x values for a series, by the xAxis state (step | relative | wall). */
export function xValues(mode, steps, wallTimes) {
  const n = steps.length;
  const out = new Array(n);
  if (mode === 'wall') {
    for (let i = 0; i < n; i++) out[i] = wallTimes[i];
  } else if (mode === 'relative') {
    const t0 = n ? wallTimes[0] : 0;
    for (let i = 0; i < n; i++) out[i] = wallTimes[i] - t0;
  } else {
    for (let i = 0; i < n; i++) out[i] = steps[i];
  }
  return out;
}

/** How an x value reads in a tooltip. */
export function fmtX(mode, x) {
  if (mode === 'wall') return fmtWall(x);
  if (mode === 'relative') return fmtDuration(x);
  return `step ${fmt(x)}`;
}

export const X_AXES = [['step', 'Step'], ['relative', 'Relative'], ['wall', 'Wall']];
