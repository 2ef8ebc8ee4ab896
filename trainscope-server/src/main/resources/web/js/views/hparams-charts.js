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
    grid: css.getPropertyValue('--grid').trim() || '#eee', border: css.getPropertyValue('--border').trim() || '#ccc',
    card: css.getPropertyValue('--card').trim() || '#fff' };
}

/** A value as the chart takes it: a category's text, a number, or '-' (ECharts' missing value). */
function chartValue(col, row) {
  const v = col.value(row);
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '-';
  return col.type === 'number' ? v : String(v);
}

/**
 * Each session's colour by {@code colorCol} over the rows' extent (GRADIENT, low to high; grey and
 * faint without a value), and the scale as a graphic for the chart's right edge; null when there is
 * nothing to colour by. Items carry their colour themselves rather than an extra value for a
 * visualMap: a parallel line has one value per axis, and a point without the colour value stays drawn.
 */
function colorScale(colorCol, rows, c) {
  const ext = colorCol ? extentOf(colorCol, rows) : null;
  if (!ext) return null;
  return {
    legend: colorLegend(ext, c),
    of(r) {
      const v = colorCol.value(r);
      return typeof v === 'number' && Number.isFinite(v)
        ? { color: gradientColor(ext[1] > ext[0] ? (v - ext[0]) / (ext[1] - ext[0]) : 0.5) } : { color: c.muted, opacity: 0.5 };
    },
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

/** Where a session without a value sits on a parallel axis: its label, and the lowest category of a text axis. */
const NA = 'n/a';

/** A colour of GRADIENT at t in [0, 1]. */
function gradientColor(t) {
  const x = Math.max(0, Math.min(1, t)) * (GRADIENT.length - 1);
  const i = Math.min(GRADIENT.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = k => [1, 3, 5].map(j => parseInt(GRADIENT[k].slice(j, j + 2), 16));
  const [a, b] = [rgb(i), rgb(i + 1)];
  return `rgb(${a.map((v, j) => Math.round(v + (b[j] - v) * f)).join(',')})`;
}

/**
 * A numeric parallel axis that has sessions without a value: those are drawn at an "n/a" mark
 * below the least value (by a sixth of the span; on a log axis, of its decades), where the axis
 * starts. {type, min, na, label(v)}.
 */
function naAxis(a, rows, log) {
  const ext = extentOf(a, rows);
  if (!ext) return { type: 'value', min: 0, max: 1, na: 0, label: v => (v === 0 ? NA : '') };
  let na;
  let near;
  if (log) {
    const step = Math.pow(10, Math.max(0.3, Math.log10(ext[1] / ext[0]) / 6));
    na = ext[0] / step;
    near = v => v < na * Math.sqrt(step);
  } else {
    const span = ext[1] - ext[0] || Math.abs(ext[0]) || 1;
    na = ext[0] - span / 6;
    near = v => v < na + span / 12;
  }
  const same = v => Math.abs(v - na) <= 1e-9 * Math.max(1, Math.abs(na));
  return { type: log ? 'log' : 'value', min: na, na, label: v => (same(v) ? NA : near(v) ? '' : fmt(v)) };
}

/**
 * Draws parallel coordinates of {@code rows} over {@code axes} (columns) into {@code chart}, with
 * the brushes {@code filters} holds; {@code onBrush(filters for the axes)} hears a brush drawn,
 * moved or cleared; {@code onOpen(run)} a click on a line; {@code runName(run)} names a line's run
 * in its tooltip. A session without a value on an axis is drawn at that axis's "n/a" mark (ECharts
 * cannot break a parallel line), in grey when it has no value for {@code colorCol}. A line holds
 * one value per axis and nothing else (its colour is its own style), so that every ECharts action
 * (showTip, highlight) finds each value on an axis. Returns {missing: the sessions lacking a
 * value on some axis}.
 */
export function drawParallel(chart, { axes, rows, colorCol, filters, runName = run => run, onBrush, onOpen }) {
  const c = colors();
  const lacking = axes.map(a => rows.some(r => chartValue(a, r) === '-'));
  const domains = axes.map((a, i) => (a.type === 'number' ? null : (lacking[i] ? [NA] : []).concat(domainOf(a, rows))));
  const numeric = axes.map((a, i) => (a.type === 'number' && lacking[i] ? naAxis(a, rows, logScale(a, rows)) : null));
  const scale = colorScale(colorCol, rows, c);
  let missing = 0;
  const data = rows.map(r => {
    let lacks = false;
    const value = axes.map((a, i) => {
      const v = chartValue(a, r);
      if (v !== '-') return v;
      lacks = true;
      return numeric[i] ? numeric[i].na : NA;
    });
    if (lacks) missing++;
    return scale ? { name: r.run, value, lineStyle: scale.of(r) } : { name: r.run, value };
  });
  chart.setOption({
    animation: false,
    textStyle: { color: c.fg },
    tooltip: { trigger: 'item', confine: true, formatter: p => runText(p.name, runName) },
    parallel: { left: 40, right: scale ? 90 : 40, top: 60, bottom: 30,
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
      const na = numeric[i];
      if (na) {
        return { ...base, type: na.type, logBase: 10, scale: true, min: na.min, max: na.max,
          axisLabel: { color: c.muted, fontSize: 10, formatter: na.label } };
      }
      return logScale(a, rows) ? { ...base, type: 'log', logBase: 10 } : { ...base, type: 'value', scale: true };
    }),
    graphic: scale ? [scale.legend] : [],
    series: [{ type: 'parallel', data, smooth: false, progressive: 0, inactiveOpacity: 0.04, activeOpacity: 1,
      lineStyle: { width: 1.5, opacity: 0.85, color: '#e8590c' }, emphasis: { lineStyle: { width: 3 } } }],
  }, { notMerge: true });
  tooltipAtLines(chart);
  // the filters as brushes; the event they raise matches the filters already held, so no loop
  axes.forEach((a, i) => {
    const intervals = intervalsOf(filters[a.id], domains[i]);
    if (intervals.length) chart.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: a.id, intervals });
  });
  chart.off('axisareaselected');
  chart.on('axisareaselected', () => onBrush(brushFilters(chart, axes, domains, lacking)));
  chart.off('click');
  chart.on('click', p => { if (p.name) onOpen(p.name); });
  return { missing };
}

/**
 * Where showTip puts a line's tooltip: where the line crosses the middle axis. ECharts 5.3 finds a
 * series item's point through the series' getTooltipPosition, else its coordinate system's
 * dataToPoint(values); the parallel one's dataToPoint takes one value and its axis, so showTip
 * with a dataIndex (the keyboard, a test) threw on every parallel chart. The series model is new
 * with each setOption (notMerge), so this follows each one.
 */
function tooltipAtLines(chart) {
  const series = chart.getModel().getSeriesByIndex(0);
  const sys = series && series.coordinateSystem;
  if (!sys || !sys.dimensions || !sys.dimensions.length) return;
  series.getTooltipPosition = dataIndex => {
    const dim = sys.dimensions[Math.floor(sys.dimensions.length / 2)];
    const data = series.getData();
    return sys.dataToPoint(data.get(data.mapDimension(dim) || dim, dataIndex), dim);
  };
}

/** The colour scale of the lines, at the right: the greatest value on top. */
function colorLegend(ext, c) {
  const stops = GRADIENT.map((color, i) => ({ offset: 1 - i / (GRADIENT.length - 1), color }));
  const text = (y, t) => ({ type: 'text', x: 5, y, style: { text: t, fill: c.muted, fontSize: 10, textAlign: 'center' } });
  return { type: 'group', right: 12, top: 'middle', silent: true, children: [
    text(0, fmt(ext[1])),
    { type: 'rect', x: 0, y: 16, shape: { width: 10, height: 120 }, style: { fill: new echarts.graphic.LinearGradient(0, 0, 0, 1, stops) } },
    text(142, fmt(ext[0])),
  ] };
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

/** The brushes on every axis as filters ({axis id: range or {in}}; null where none); n/a is not a value. */
function brushFilters(chart, axes, domains, lacking) {
  const out = {};
  axes.forEach((a, i) => {
    const model = chart.getModel().getComponent('parallelAxis', i);
    const intervals = (model && model.activeIntervals) || [];
    if (!intervals.length) {
      out[a.id] = null;
    } else if (a.type === 'number') {
      out[a.id] = [Math.min(...intervals.map(x => x[0])), Math.max(...intervals.map(x => x[1]))];
    } else {
      const chosen = domains[i].filter((v, k) => !(lacking[i] && k === 0) && intervals.some(([lo, hi]) => k >= lo && k <= hi));
      out[a.id] = { in: chosen };
    }
  });
  return out;
}

/**
 * Draws a matrix of scatter plots: a column per hyperparameter, a row per metric, a point per
 * session coloured by {@code colorCol}; {@code onOpen(run)} hears a click on a point; {@code
 * runName(run)} names a point's run in its tooltip. A plot leaves out the sessions without both
 * values and counts them in its corner ("3 n/a"). Returns {missing: the sessions lacking a value
 * on some axis}.
 */
export function drawScatter(chart, { xs, ys, rows, colorCol, runName = run => run, onOpen }) {
  const c = colors();
  const grids = [];
  const xAxes = [];
  const yAxes = [];
  const series = [];
  const left0 = 9;
  const right = colorCol ? 9 : 3;
  const top = 4;
  const bottom = 8;
  const w = (100 - left0 - right) / Math.max(1, xs.length);
  const h = (100 - top - bottom) / Math.max(1, ys.length);
  const axisLine = { lineStyle: { color: c.muted } };
  const titles = [];
  const scale = colorScale(colorCol, rows, c);
  ys.forEach((y, j) => xs.forEach((x, i) => {
    const k = grids.length;
    grids.push({ left: `${left0 + i * w + 1.2}%`, top: `${top + j * h + 1.5}%`, width: `${w - 2.4}%`, height: `${h - 4}%` });
    const cat = x.type !== 'number';
    xAxes.push({ gridIndex: k, type: cat ? 'category' : logScale(x, rows) ? 'log' : 'value', scale: true, data: cat ? domainOf(x, rows) : undefined,
      name: j === ys.length - 1 ? x.label : '', nameLocation: 'middle', nameGap: 22,
      nameTextStyle: { color: c.fg, fontSize: 11 }, axisLine, splitLine: { lineStyle: { color: c.grid } },
      axisLabel: { color: c.muted, fontSize: 9, hideOverlap: true, formatter: v => (typeof v === 'number' ? fmt(v) : v) } });
    yAxes.push({ gridIndex: k, type: logScale(y, rows) ? 'log' : 'value', scale: true, name: i === 0 ? y.label : '', nameLocation: 'middle',
      nameGap: 38, nameTextStyle: { color: c.fg, fontSize: 11 }, axisLine, splitLine: { lineStyle: { color: c.grid } },
      axisLabel: { color: c.muted, fontSize: 9, hideOverlap: true, formatter: v => fmt(v) } });
    const data = [];
    let lost = 0;
    for (const r of rows) {
      const xv = chartValue(x, r);
      const yv = chartValue(y, r);
      if (xv === '-' || yv === '-') {
        lost++;
        continue;
      }
      data.push(scale ? { name: r.run, value: [xv, yv], itemStyle: scale.of(r) } : { name: r.run, value: [xv, yv] });
    }
    if (lost) {
      titles.push({ text: `${lost} n/a`, right: `${100 - (left0 + (i + 1) * w) + 1.6}%`, top: `${top + j * h + 1.6}%`,
        backgroundColor: c.card, padding: [1, 3], textStyle: { color: c.muted, fontSize: 10, fontWeight: 'normal' } });
    }
    series.push({ type: 'scatter', xAxisIndex: k, yAxisIndex: k, data, symbolSize: 7,
      itemStyle: { opacity: 0.85, color: '#e8590c' }, emphasis: { scale: 1.8 } });
  }));

  chart.setOption({
    animation: false,
    textStyle: { color: c.fg },
    tooltip: { trigger: 'item', confine: true,
      formatter: p => `${runText(p.name, runName)}<br>${fmt(p.value[1])} at ${esc(typeof p.value[0] === 'number' ? fmt(p.value[0]) : p.value[0])}` },
    grid: grids, xAxis: xAxes, yAxis: yAxes, series, graphic: scale ? [scale.legend] : [], title: titles,
  }, { notMerge: true });
  chart.off('click');
  chart.on('click', p => { if (p.name) onOpen(p.name); });
  const lacks = r => xs.concat(ys).some(a => chartValue(a, r) === '-');
  return { missing: xs.length && ys.length ? rows.filter(lacks).length : 0 };
}
