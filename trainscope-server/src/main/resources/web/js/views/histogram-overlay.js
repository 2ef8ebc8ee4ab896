// The "overlay" histogram mode: every step's histogram as a line on one count axis, older steps
// fainter, the latest one bold.

import { fmt } from '../util.js';
import { mix } from '../theme.js';
import { niceTicks } from './ticks.js';

export const margin = { left: 48, right: 14, top: 10, bottom: 24 };

export function frame(chart, plot) {
  const top = chart.ymax > 0 ? chart.ymax * 1.05 : 1;
  return { top, yOf: v => plot.y1 - (v / top) * (plot.y1 - plot.y0) };
}

function trace(chart, f, g, i) {
  const row = chart.rebinned[i];
  for (let k = 0; k < chart.bins; k++) {
    const x = chart.xOfBin(k);
    const y = f.yOf(row[k]);
    if (k === 0) g.moveTo(x, y); else g.lineTo(x, y);
  }
}

export function draw(chart, g, f, colors, hover) {
  const { plot } = chart;
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.textAlign = 'right';
  for (const v of niceTicks(0, f.top, Math.max(2, Math.floor((plot.y1 - plot.y0) / 36)))) {
    const y = f.yOf(v);
    g.strokeStyle = colors.grid;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(plot.x0, y);
    g.lineTo(plot.x1, y);
    g.stroke();
    g.fillStyle = colors.muted;
    g.fillText(fmt(v), plot.x0 - 6, y);
  }
  const n = chart.steps.length;
  g.lineJoin = 'round';
  for (let i = 0; i < n; i++) {
    const t = n > 1 ? i / (n - 1) : 1;
    g.beginPath();
    trace(chart, f, g, i);
    g.strokeStyle = mix(colors.card, chart.color, 0.15 + 0.85 * t);
    g.lineWidth = i === n - 1 ? 2 : 1;
    g.stroke();
  }
  if (hover) {
    g.beginPath();
    trace(chart, f, g, hover.index);
    g.strokeStyle = colors.fg;
    g.lineWidth = 2;
    g.stroke();
    g.beginPath();
    g.arc(hover.x, f.yOf(chart.rebinned[hover.index][hover.bin]), 3, 0, 2 * Math.PI);
    g.fillStyle = colors.fg;
    g.fill();
  }
}

/** The step whose line passes nearest the pointer at its bin. */
export function pick(chart, f, mx, my) {
  const k = chart.binAtX(mx);
  if (k < 0) return -1;
  let best = -1;
  let dist = Infinity;
  for (let i = chart.steps.length - 1; i >= 0; i--) {
    const d = Math.abs(f.yOf(chart.rebinned[i][k]) - my);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  return best;
}
