// TensorBoard's "offset" histogram mode: a ridge of filled curves, one per step, each raised by
// its step so that early steps sit at the back (top) and later steps nearer the viewer (bottom),
// coloured from faint to the run's full colour as training goes on.

import { fmt } from '../util.js';
import { mix } from '../theme.js';
import { niceTicks } from './ticks.js';

export const margin = { left: 12, right: 60, top: 10, bottom: 24 };

/** Baseline y of each step and the height of the tallest bin. */
export function frame(chart, plot) {
  const steps = chart.steps;
  const n = steps.length;
  const plotH = plot.y1 - plot.y0;
  const h = n > 1 ? plotH * 0.5 : plotH * 0.92;
  const s0 = steps[0].step;
  const s1 = steps[n - 1].step;
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = s1 > s0 ? (steps[i].step - s0) / (s1 - s0) : 1;
    base[i] = plot.y0 + h + (plotH - h) * t;
  }
  return { base, h, s0, s1 };
}

function curveY(chart, f, i, k) {
  return f.base[i] - (chart.ymax > 0 ? chart.rebinned[i][k] / chart.ymax : 0) * f.h;
}

function trace(chart, f, g, i) {
  const bins = chart.bins;
  g.moveTo(chart.xOfBin(-0.5), f.base[i]);
  for (let k = 0; k < bins; k++) g.lineTo(chart.xOfBin(k), curveY(chart, f, i, k));
  g.lineTo(chart.xOfBin(bins - 0.5), f.base[i]);
}

export function draw(chart, g, f, colors, hover) {
  const n = chart.steps.length;
  const { plot } = chart;
  // step axis on the right
  g.fillStyle = colors.muted;
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.textAlign = 'left';
  const yOfStep = s => (f.s1 > f.s0 ? plot.y0 + f.h + (plot.y1 - plot.y0 - f.h) * (s - f.s0) / (f.s1 - f.s0) : plot.y1);
  const labels = f.s1 > f.s0 ? [f.s0, f.s1] : [f.s1];
  if (f.s1 > f.s0) {
    for (const s of niceTicks(f.s0, f.s1, Math.max(2, Math.floor((plot.y1 - plot.y0 - f.h) / 26)))) {
      if (labels.every(l => Math.abs(yOfStep(l) - yOfStep(s)) >= 14)) labels.push(s);
    }
  }
  g.strokeStyle = colors.grid;
  g.lineWidth = 1;
  for (const s of labels) {
    const y = yOfStep(s);
    g.fillText(fmt(s), plot.x1 + 8, y);
    g.beginPath();
    g.moveTo(plot.x1, y);
    g.lineTo(plot.x1 + 4, y);
    g.stroke();
  }
  g.textAlign = 'right';
  g.fillText('step', chart.box.width - 4, plot.y0 - 2 + 6);
  g.lineJoin = 'round';
  for (let i = 0; i < n; i++) {
    const t = n > 1 ? i / (n - 1) : 1;
    g.beginPath();
    trace(chart, f, g, i);
    g.closePath();
    g.fillStyle = mix(colors.card, chart.color, 0.18 + 0.82 * t);
    g.fill();
    g.strokeStyle = colors.card;
    g.lineWidth = 1;
    g.stroke();
  }
  if (hover) {
    g.beginPath();
    trace(chart, f, g, hover.index);
    g.strokeStyle = colors.fg;
    g.lineWidth = 1.5;
    g.stroke();
    g.beginPath();
    g.arc(hover.x, curveY(chart, f, hover.index, hover.bin), 3, 0, 2 * Math.PI);
    g.fillStyle = colors.fg;
    g.fill();
  }
}

/** The step under (mx, my): the frontmost curve covering the point, else the nearest baseline. */
export function pick(chart, f, mx, my) {
  const k = chart.binAtX(mx);
  if (k < 0) return -1;
  const n = chart.steps.length;
  for (let i = n - 1; i >= 0; i--) {
    if (my <= f.base[i] + 1 && my >= curveY(chart, f, i, k) - 1) return i;
  }
  let best = -1;
  let dist = Infinity;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(f.base[i] - my);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  return best;
}
