// The Scalars tab's export: every point of the selected runs x the scalar tags matching the tag
// filter, as CSV or JSON Lines, streamed by the server (GET api/export, the writer of
// `trainscope export`). A link the browser downloads; nothing is held in the page.

import { el, regex } from '../util.js';

/** Builds the control into `panel`; returns sync() to call when runs, tags or the filter changed. */
export function buildExport(panel, ctx) {
  const format = el('select', { id: 'sc-export-format', 'aria-label': 'Export format' },
    el('option', { value: 'csv', text: 'CSV' }),
    el('option', { value: 'json', text: 'JSON Lines' }));
  const link = el('a', { id: 'sc-export', class: 'button', href: '#', download: '', role: 'button',
    title: 'Every point (not the charts\' sample) of the selected runs x the scalar tags matching the tag filter, '
      + 'in long format: run, tag, step, wall_time, value', text: 'Download' });
  const what = el('div', { class: 'field sc-hint', id: 'sc-export-what' });
  panel.append(el('div', { class: 'sc-settings sc-export' },
    el('label', { class: 'field', for: 'sc-export-format', text: 'Export' }),
    el('div', { class: 'row' }, format, link),
    what));

  /** The runs and the tag filter of an export now, or the reason there is none. */
  function selection() {
    const runs = ctx.selectedRuns();
    const text = ctx.state.get('tagFilter') || '';
    const re = regex(text);
    if (re instanceof Error) return { reason: 'The tag filter is not a regular expression.' };
    const tags = ctx.tags(['scalar']);
    if (runs.length === 0 || tags.size === 0) return { reason: 'No scalar tag in the selected runs matches the tag filter.' };
    return { runs, filter: text, tags: tags.size };
  }

  function sync() {
    const s = selection();
    link.toggleAttribute('aria-disabled', !!s.reason);
    link.classList.toggle('disabled', !!s.reason);
    what.textContent = s.reason || `${s.runs.length} run${s.runs.length === 1 ? '' : 's'} × ${s.tags} tag${s.tags === 1 ? '' : 's'}, every point`;
  }

  // the URL is made when the link is followed, from the selection of that moment
  link.addEventListener('click', e => {
    const s = selection();
    if (s.reason) {
      e.preventDefault();
      sync();
      return;
    }
    const all = s.runs.length === ctx.runs().length;
    link.href = ctx.api.exportUrl(all ? [] : s.runs, s.filter, format.value);
  });
  sync();
  return sync;
}
