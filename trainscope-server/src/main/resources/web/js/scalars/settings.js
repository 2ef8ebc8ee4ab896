// The scalars tab's controls in the sidebar. Everything is kept in the URL state (state.js):
// smoothing, xAxis, logY, ignoreOutliers, groupRuns, and the tab's own keys
//   x.band     'std' for mean ± one standard deviation around run groups (default min-max)
//   x.pair     '1' to add charts pairing train/validation tags
//   x.combine  charts of several tags: one chart per line, its tags separated by tabs
//   x.closed   collapsed tag groups, one per line (written by tabs/scalars.js)
// `full` holds the key of the card shown full size.

import { el, regex, debounce } from '../util.js';
import { MAX_WEIGHT } from './smoothing.js';

/** The tab's settings as the charts use them. */
export function readSettings(state) {
  const re = regex(state.get('groupRuns'));
  let smoothing = Number(state.get('smoothing'));
  if (!Number.isFinite(smoothing)) smoothing = 0.6;
  const xAxis = ['step', 'relative', 'wall'].includes(state.get('xAxis')) ? state.get('xAxis') : 'step';
  return {
    smoothing: Math.max(0, Math.min(MAX_WEIGHT, smoothing)),
    xAxis,
    logY: !!state.get('logY'),
    ignoreOutliers: !!state.get('ignoreOutliers'),
    groupRe: re instanceof Error ? null : re,
    groupError: re instanceof Error ? re.message : '',
    band: state.get('x.band') === 'std' ? 'std' : 'minmax',
    pair: state.get('x.pair') === '1',
    combine: parseCombine(state.get('x.combine')),
  };
}

export function parseCombine(v) {
  if (!v) return [];
  return String(v).split('\n').map(line => line.split('\t').filter(Boolean)).filter(tags => tags.length > 0);
}

export function formatCombine(charts) {
  return charts.map(tags => tags.join('\t')).join('\n');
}

/** Builds the controls into `panel`; returns sync() to call when the state changed elsewhere. */
export function buildSettings(panel, state) {
  const id = n => `sc-${n}`;
  const slider = el('input', { type: 'range', id: id('smoothing'), min: '0', max: String(MAX_WEIGHT), step: '0.001',
    'aria-label': 'Smoothing' });
  const number = el('input', { type: 'number', class: 'sc-num', min: '0', max: String(MAX_WEIGHT), step: '0.01',
    'aria-label': 'Smoothing value' });
  const setSmoothing = v => {
    const n = Number(v);
    if (Number.isFinite(n)) state.set({ smoothing: Math.max(0, Math.min(MAX_WEIGHT, Math.round(n * 1000) / 1000)) });
  };
  slider.addEventListener('input', () => { number.value = slider.value; setSmoothing(slider.value); });
  number.addEventListener('change', () => setSmoothing(number.value));

  const xAxis = el('select', { id: id('x-axis') },
    el('option', { value: 'step', text: 'Step' }),
    el('option', { value: 'relative', text: 'Relative (hours)' }),
    el('option', { value: 'wall', text: 'Wall time' }));
  xAxis.addEventListener('change', () => state.set({ xAxis: xAxis.value }));

  const check = (key, label, title) => {
    const box = el('input', { type: 'checkbox', id: id(key.replace('.', '-')) });
    box.addEventListener('change', () => state.set({ [key]: key.startsWith('x.') ? (box.checked ? '1' : '') : box.checked }));
    return [box, el('label', { class: 'row', title }, box, label)];
  };
  const [logY, logRow] = check('logY', 'Log scale (y)', 'Logarithmic y-axis; values ≤ 0 are left out');
  const [outliers, outRow] = check('ignoreOutliers', 'Ignore outliers in y-range',
    'Fit the y-axis to the 5th–95th percentile of the lines, with a margin');
  const [pair, pairRow] = check('x.pair', 'Pair train / validation tags',
    'Add charts drawing train/x with val/x, x/train with x/val, train_x with val_x');

  const group = el('input', { type: 'search', id: id('group'), placeholder: 'e.g. ^(lr=[^/]+)/', autocomplete: 'off',
    spellcheck: 'false' });
  group.addEventListener('input', debounce(() => state.set({ groupRuns: group.value }), 250));
  const groupError = el('div', { class: 'error', hidden: true });
  const band = el('select', { id: id('band'), 'aria-label': 'Run group band' },
    el('option', { value: 'minmax', text: 'band: min – max' }),
    el('option', { value: 'std', text: 'band: mean ± std' }));
  band.addEventListener('change', () => state.set({ 'x.band': band.value === 'std' ? 'std' : '' }));

  panel.append(
    el('div', { class: 'sc-settings' },
      el('label', { class: 'field', for: id('smoothing'), text: 'Smoothing' }),
      el('div', { class: 'row' }, slider, number),
      el('label', { class: 'field' }, 'Horizontal axis', xAxis),
      logRow, outRow, pairRow,
      el('label', { class: 'field', title: 'Runs whose names give the same match (or first capture group) are drawn as one line: their mean, with a band' },
        'Group runs (regex)', group),
      groupError,
      el('div', { class: 'row sc-band-row' }, band),
      el('div', { class: 'field sc-hint', text: 'Drag on a chart to zoom, double-click to reset. ⊕ picks tags to draw on one chart.' })));

  function sync() {
    const s = readSettings(state);
    if (document.activeElement !== slider) slider.value = String(s.smoothing);
    if (document.activeElement !== number) number.value = String(s.smoothing);
    xAxis.value = s.xAxis;
    logY.checked = s.logY;
    outliers.checked = s.ignoreOutliers;
    pair.checked = s.pair;
    if (document.activeElement !== group) group.value = state.get('groupRuns') || '';
    groupError.hidden = !s.groupError;
    groupError.textContent = s.groupError;
    band.value = s.band;
    band.disabled = !s.groupRe;
  }
  sync();
  return sync;
}
