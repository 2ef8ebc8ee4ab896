// Sidebar controls bound to URL state. A tab's own keys are "x.<name>" (state.js keeps them as
// strings); each control reads its key with a typed default, writes undefined for the default
// (so the URL stays short) and sync() follows the state after back/forward or a pasted link.

import { el } from '../util.js';

/** A state value read as the type of its default. */
export function read(state, key, def) {
  const v = state.get(key);
  if (v === undefined || v === null || v === '') return def;
  if (typeof def === 'number') {
    const n = Number(v);
    return Number.isFinite(n) ? n : def;
  }
  if (typeof def === 'boolean') return v === true || v === '1' || v === 'true';
  return String(v);
}

export function write(state, key, value, def) {
  if (key.startsWith('x.')) {
    state.set({ [key]: value === def ? undefined : (typeof value === 'boolean' ? (value ? '1' : '0') : String(value)) });
  } else {
    state.set({ [key]: value });
  }
}

/** A row of toggle buttons, one per [value, label] option. */
export function segmented(parent, state, { key, label, options, def, title }) {
  const buttons = options.map(([value, text]) => {
    const b = el('button', { type: 'button', 'data-value': value, text });
    b.addEventListener('click', () => write(state, key, value, def));
    return b;
  });
  const group = el('div', { class: 'segmented', role: 'group', 'aria-label': label, 'data-key': key }, ...buttons);
  parent.append(el('div', { class: 'field', title }, el('span', { text: label }), group));
  const sync = () => {
    const v = read(state, key, def);
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.value === v));
  };
  sync();
  return { sync };
}

export function checkbox(parent, state, { key, label, def = false, title }) {
  const box = el('input', { type: 'checkbox', 'data-key': key });
  box.addEventListener('change', () => write(state, key, box.checked, def));
  parent.append(el('label', { class: 'row', title }, box, el('span', { text: label })));
  const sync = () => { box.checked = read(state, key, def); };
  sync();
  return { sync };
}

export function select(parent, state, { key, label, options, def, title }) {
  const sel = el('select', { 'data-key': key },
    ...options.map(([value, text]) => el('option', { value: String(value), text })));
  sel.addEventListener('change', () => {
    const v = typeof def === 'number' ? Number(sel.value) : sel.value;
    write(state, key, v, def);
  });
  parent.append(el('label', { class: 'field', title }, label, sel));
  const sync = () => { sel.value = String(read(state, key, def)); };
  sync();
  return { sync };
}

/** A slider with its value beside it; double-click or the reset button returns to the default. */
export function slider(parent, state, { key, label, min, max, step, def, format = v => String(v) }) {
  const input = el('input', { type: 'range', min, max, step, 'data-key': key, 'aria-label': label });
  const out = el('output', { class: 'slider-value' });
  const reset = el('button', { type: 'button', class: 'link', text: 'reset', title: `Reset ${label.toLowerCase()}` });
  input.addEventListener('input', () => {
    out.textContent = format(Number(input.value));
    write(state, key, Number(input.value), def);
  });
  input.addEventListener('dblclick', () => write(state, key, def, def));
  reset.addEventListener('click', () => write(state, key, def, def));
  parent.append(el('div', { class: 'field' }, el('span', { text: label }),
    el('div', { class: 'row' }, input, out, reset)));
  const sync = () => {
    const v = read(state, key, def);
    input.value = String(v);
    out.textContent = format(v);
    reset.hidden = v === def;
  };
  sync();
  return { sync };
}
