// The HParams tab's charts, drawn by ECharts (uPlot, which draws the scalar charts, has no
// parallel coordinates and no scatter matrix): parallel coordinates with an axis per
// hyperparameter and metric, brushable, lines coloured by a metric; and a matrix of scatter plots,
// hyperparameters across, metrics down.

import * as echarts from '../../webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { fmt } from '../util.js';
import { domainOf, extentOf } from './hparams-model.js';

const GRADIENT = ['#3b5bdb', '#15aabf', '#66a80f', '#f08c00', '#e03131'];

/** Text from files (run names) for ECharts' HTML tooltips, which take markup. */
function esc(s) {
  return String(s).replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`);
}

/** A session's run in a tooltip: its display name, and the folder name under it when they differ. */
function runText(run, runName) {
  const name = runName(run);
  return name === run ? esc(run) : `${esc(name)}<br><span style="opacity:0.7">${esc(run)}</span>`;
}

function colors() {
  const css = getComputedStyle(document.documentElement);
  return { fg: css.getPropertyValue('--fg').trim() || '#222', muted: css.getPropertyValue('--muted').trim() || '#777',
    grid: css.getPropertyValue('--grid').trim() || '#eee', border: css.getPropertyValue('--border').trim() || '#ccc' };
}

/** A value as the chart takes it: a category's text, a number, or '-' (ECharts' missing value). */
function chartValue(col, row) {
  const v = col.value(row);
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '-';
  return col.type === 'number' ? v : String(v);
}

function colorMap(colorCol, rows, dimension, seriesIndex) {
  const ext = colorCol ? extentOf(colorCol, rows) : null;
  if (!ext) return null;
  const c = colors();
  return {
    type: 'continuous', dimension, seriesIndex, min: ext[0], max: ext[1] > ext[0] ? ext[1] : ext[0] + 1,
    inRange: { color: GRADIENT }, calculable: false, orient: 'vertical', right: 4, top: 'middle', itemHeight: 120,
    text: [fmt(ext[1]), fmt(ext[0])], textStyle: { color: c.muted, fontSize: 10 },
  };
}

/**
 * Whether a numeric column reads better on a log axis: positive values spanning two decades or
 * more, as learning rates and weight decays searched log-uniformly do.
 */
function logScale(col, rows) {
  const ext = col.type === 'number' ? extentOf(col, rows) : null;
  return !!ext && ext[0] > 0 && ext[1] / ext[0] >= 100;
}

/** A chart in {@code host}, resized with it; {chart, destroy()}. */
export function mountChart(host) {
  const chart = echarts.init(host, null, { renderer: 'canvas' });
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(host);
  return { chart, destroy() { ro.disconnect(); chart.dispose(); } };
}

/**
 * Draws parallel coordinates of {@code rows} over {@code axes} (columns) into {@code chart}, with
 * the brushes {@code filters} holds; {@code onBrush(filters for the axes)} hears a brush drawn,
 * moved or cleared; {@code onOpen(run)} a click on a line; {@code runName(run)} names a line's run
 * in its tooltip.
 */
export function drawParallel(chart, { axes, rows, colorCol, filters, runName = run => run, onBrush, onOpen }) {
  const c = colors();
  const domains = axes.map(a => (a.type === 'number' ? null : domainOf(a, rows)));
  const colorDim = colorCol ? axes.findIndex(a => a.id === colorCol.id) : -1;
  const data = rows.map(r => {
    const value = axes.map(a => chartValue(a, r));
    if (colorCol && colorDim < 0) value.push(chartValue(colorCol, r));
    return { name: r.run, value };
  });
  const visual = colorMap(colorCol, rows, colorDim >= 0 ? colorDim : axes.length, 0);
  chart.setOption({
    animation: false,
    textStyle: { color: c.fg },
    tooltip: { trigger: 'item', confine: true, formatter: p => runText(p.name, runName) },
    parallel: { left: 40, right: visual ? 90 : 40, top: 60, bottom: 30,
      parallelAxisDefault: {
        realtime: false, nameLocation: 'end', nameGap: 14, nameRotate: 20,
        nameTextStyle: { color: c.fg, fontSize: 11, width: 120, overflow: 'truncate' },
        axisLine: { lineStyle: { color: c.muted } }, axisTick: { lineStyle: { color: c.muted } },
        axisLabel: { color: c.muted, fontSize: 10, formatter: v => (typeof v === 'number' ? fmt(v) : v) },
        areaSelectStyle: { width: 18, opacity: 0.3 },
      } },
    parallelAxis: axes.map((a, i) => {
      const base = { dim: i, id: a.id, name: a.label };
      if (a.type !== 'number') return { ...base, type: 'category', data: domains[i] };
      return logScale(a, rows) ? { ...base, type: 'log', logBase: 10 } : { ...base, type: 'value', scale: true };
    }),
    visualMap: visual ? [visual] : [],
    series: [{ type: 'parallel', data, smooth: false, progressive: 0, inactiveOpacity: 0.04, activeOpacity: 1,
      lineStyle: { width: 1.5, opacity: 0.85, color: visual ? undefined : '#e8590c' }, emphasis: { lineStyle: { width: 3 } } }],
  }, { notMerge: true });
  // the filters as brushes; the event they raise matches the filters already held, so no loop
  axes.forEach((a, i) => {
    const intervals = intervalsOf(filters[a.id], domains[i]);
    if (intervals.length) chart.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: a.id, intervals });
  });
  chart.off('axisareaselected');
  chart.on('axisareaselected', () => onBrush(brushFilters(chart, axes, domains)));
  chart.off('click');
  chart.on('click', p => { if (p.name) onOpen(p.name); });
}

/** A filter as brush intervals: a numeric range, or each chosen category's index. */
function intervalsOf(f, domain) {
  if (!f) return [];
  if (Array.isArray(f)) return [[f[0] ?? -Number.MAX_VALUE, f[1] ?? Number.MAX_VALUE]];
  if (domain && Array.isArray(f.in)) {
    return f.in.map(v => domain.indexOf(String(v))).filter(i => i >= 0).map(i => [i - 0.3, i + 0.3]);
  }
  return [];
}

/** The brushes on every axis as filters ({axis id: range or {in}}; null where none). */
function brushFilters(chart, axes, domains) {
  const out = {};
  axes.forEach((a, i) => {
    const model = chart.getModel().getComponent('parallelAxis', i);
    const intervals = (model && model.activeIntervals) || [];
    if (!intervals.length) {
      out[a.id] = null;
    } else if (a.type === 'number') {
      out[a.id] = [Math.min(...intervals.map(x => x[0])), Math.max(...intervals.map(x => x[1]))];
    } else {
      const chosen = domains[i].filter((v, k) => intervals.some(([lo, hi]) => k >= lo && k <= hi));
      out[a.id] = { in: chosen };
    }
  });
  return out;
}

/**
 * Draws a matrix of scatter plots: a column per hyperparameter, a row per metric, a point per
 * session coloured by {@code colorCol}; {@code onOpen(run)} hears a click on a point; {@code
 * runName(run)} names a point's run in its tooltip.
 */
export function drawScatter(chart, { xs, ys, rows, colorCol, runName = run => run, onOpen }) {
  const c = colors();
  const grids = [];
  const xAxes = [];
  const yAxes = [];
  const series = [];
  const left = 9;
  const right = colorCol ? 9 : 3;
  const top = 4;
  const bottom = 8;
  const w = (100 - left - right) / Math.max(1, xs.length);
  const h = (100 - top - bottom) / Math.max(1, ys.length);
  const axisLine = { lineStyle: { color: c.muted } };
  ys.forEach((y, j) => xs.forEach((x, i) => {
    const k = grids.length;
    grids.push({ left: `${left + i * w + 1.2}%`, top: `${top + j * h + 1.5}%`, width: `${w - 2.4}%`, height: `${h - 4}%` });
    const cat = x.type !== 'number';
    xAxes.push({ gridIndex: k, type: cat ? 'category' : logScale(x, rows) ? 'log' : 'value', scale: true, data: cat ? domainOf(x, rows) : undefined,
      name: j === ys.length - 1 ? x.label : '', nameLocation: 'middle', nameGap: 22,
      nameTextStyle: { color: c.fg, fontSize: 11 }, axisLine, splitLine: { lineStyle: { color: c.grid } },
      axisLabel: { color: c.muted, fontSize: 9, hideOverlap: true, formatter: v => (typeof v === 'number' ? fmt(v) : v) } });
    yAxes.push({ gridIndex: k, type: logScale(y, rows) ? 'log' : 'value', scale: true, name: i === 0 ? y.label : '', nameLocation: 'middle',
      nameGap: 38, nameTextStyle: { color: c.fg, fontSize: 11 }, axisLine, splitLine: { lineStyle: { color: c.grid } },
      axisLabel: { color: c.muted, fontSize: 9, hideOverlap: true, formatter: v => fmt(v) } });
    const data = [];
    for (const r of rows) {
      const xv = chartValue(x, r);
      const yv = chartValue(y, r);
      if (xv === '-' || yv === '-') continue;
      data.push({ name: r.run, value: [xv, yv, colorCol ? chartValue(colorCol, r) : 0] });
    }
    series.push({ type: 'scatter', xAxisIndex: k, yAxisIndex: k, data, symbolSize: 7,
      itemStyle: { opacity: 0.85, color: colorCol ? undefined : '#e8590c' }, emphasis: { scale: 1.8 } });
  }));
  const visual = colorMap(colorCol, rows, 2, series.map((s, i) => i));
  chart.setOption({
    animation: false,
    textStyle: { color: c.fg },
    tooltip: { trigger: 'item', confine: true,
      formatter: p => `${runText(p.name, runName)}<br>${fmt(p.value[1])} at ${esc(typeof p.value[0] === 'number' ? fmt(p.value[0]) : p.value[0])}` },
    grid: grids, xAxis: xAxes, yAxis: yAxes, series, visualMap: visual ? [visual] : [],
  }, { notMerge: true });
  chart.off('click');
  chart.on('click', p => { if (p.name) onOpen(p.name); });
}
