// Images of one (tag, run): the items of the steps in a window laid out as
// columns (one per step) of the batch's items, sized to the card. Small images are enlarged by a
// whole factor and drawn with crisp pixels (a 28 x 28 digit stays sharp); large ones are shrunk
// to fit; "actual size" shows every pixel once and lets the area scroll.

import { el, fmt } from '../util.js';

const GAP = 8;
const MAX_ZOOM = 8;
/** A step's batch beyond this many items is cut, with a note: a 512-image batch would flood the page. */
export const MAX_ITEMS = 32;

/**
 * Renders the window into area.
 * @param cols [{step, wallTime, count, width, height, contentType}] oldest first
 * @param urlOf (step, index) -> URL
 */
export function renderMedia(area, cols, { urlOf, tag, showStepHeads }) {
  const columns = cols.map(b => {
    const items = [];
    const n = Math.min(b.count, MAX_ITEMS);
    for (let i = 0; i < n; i++) {
      const src = urlOf(b.step, i);
      const media = el('img', { src, alt: `${tag}, step ${b.step}${b.count > 1 ? `, image ${i + 1} of ${b.count}` : ''}`,
        'data-step': b.step, 'data-index': i, decoding: 'async', draggable: 'false' });
      media.dataset.w = b.width;
      media.dataset.h = b.height;
      media.addEventListener('error', () => {
        media.replaceWith(el('span', { class: 'media-error', 'data-step': b.step, 'data-index': i,
          text: `image of step ${b.step} failed to load` }));
      }, { once: true });
      items.push(el('figure', { class: 'media-item' }, media,
        b.count > 1 ? el('figcaption', { text: `#${i}` }) : null));
    }
    const more = b.count > n ? el('div', { class: 'muted media-more', text: `${n} of ${fmt(b.count)} items shown` }) : null;
    return el('div', { class: 'media-col', 'data-step': b.step },
      showStepHeads ? el('div', { class: 'media-step', text: `step ${fmt(b.step)}` }) : null,
      el('div', { class: 'media-items' }, ...items), more);
  });
  area.replaceChildren(el('div', { class: 'media-cols' }, ...columns));
}

/**
 * Sizes every image of the area: at actual size, or enlarged by a whole factor with crisp pixels,
 * or shrunk smoothly, to fit `perRow` items per column row within maxHeight.
 */
export function layoutMedia(area, { actual, stacked, maxHeight }) {
  const cols = area.querySelectorAll('.media-col');
  const width = area.clientWidth;
  if (!width || cols.length === 0) return;
  const colWidth = (width - GAP * (cols.length - 1)) / cols.length;
  for (const col of cols) {
    const imgs = col.querySelectorAll('img');
    const perRow = stacked ? 1 : Math.min(imgs.length, 4);
    const avail = perRow > 0 ? (colWidth - GAP * (perRow - 1)) / perRow : colWidth;
    for (const img of imgs) {
      let w = Number(img.dataset.w) || img.naturalWidth;
      let h = Number(img.dataset.h) || img.naturalHeight;
      if (!w || !h) {
        img.addEventListener('load', () => layoutMedia(area, { actual, stacked, maxHeight }), { once: true });
        continue;
      }
      let zoom = 1;
      if (!actual) {
        const fit = Math.min(avail / w, maxHeight / h);
        zoom = fit >= 1 ? Math.max(1, Math.min(MAX_ZOOM, Math.floor(fit))) : fit;
      }
      img.style.width = `${Math.max(1, Math.round(w * zoom))}px`;
      img.style.height = `${Math.max(1, Math.round(h * zoom))}px`;
      img.classList.toggle('pixelated', zoom >= 2 && Number.isInteger(zoom));
      img.dataset.zoom = String(Number(zoom.toFixed(3)));
    }
  }
  area.classList.toggle('actual', actual);
  area.classList.toggle('stacked', stacked);
}
