// The page's state, mirrored in the URL's hash so that a link reproduces the view. A tiny store:
// get(key), set({key: value}), subscribe(fn). Values are strings, numbers or booleans; defaults
// are left out of the URL.

const DEFAULTS = {
  tab: 'scalars',
  tagFilter: '',
  runFilter: '',
  hidden: '',         // runs unticked, joined by '\n' (a long list stays short when most are ticked)
  smoothing: 0.6,
  xAxis: 'step',      // step | relative | wall
  logY: false,
  ignoreOutliers: false,
  groupRuns: '',      // regex whose first capture group (or match) names a run group
  theme: '',
  full: '',           // the card shown full size, tab-specific key
  colors: '',         // colours chosen for runs: lines "run\t#rrggbb"
  names: '',          // display names (aliases) of runs: lines "run\talias"
  pins: '',           // keys of the Scalars cards pinned to the top, joined by '\n'
};

const listeners = new Set();
let state = { ...DEFAULTS };
let writing = false;

function parse(hash) {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const next = { ...DEFAULTS };
  for (const [k, v] of params) {
    if (!(k in DEFAULTS) && !k.startsWith('x.')) continue;   // x.* : keys owned by a tab
    const d = DEFAULTS[k];
    if (typeof d === 'number') {
      const n = Number(v);
      next[k] = Number.isFinite(n) ? n : d;
    } else if (typeof d === 'boolean') {
      next[k] = v === '1' || v === 'true';
    } else {
      next[k] = v;
    }
  }
  return next;
}

function serialize(s) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) {
    if (k in DEFAULTS && v === DEFAULTS[k]) continue;
    if (v === '' || v === undefined || v === null) continue;
    params.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return params.toString();
}

export function get(key) {
  return key in state ? state[key] : undefined;
}

export function all() {
  return { ...state };
}

/**
 * Merges changes into the state, updates the URL and tells subscribers which keys changed. With
 * {push: true} the change is a navigation (another tab, a finding's evidence): it gets its own
 * entry in the browser's history, so that Back returns to the view before it.
 */
export function set(changes, { push = false } = {}) {
  const changed = [];
  for (const [k, v] of Object.entries(changes)) {
    if (state[k] !== v) {
      state[k] = v;
      changed.push(k);
    }
  }
  if (changed.length === 0) return;
  writing = true;
  const hash = serialize(state);
  const url = hash ? '#' + hash : location.pathname + location.search;
  if (push) history.pushState({ pushed: true }, '', url);
  else history.replaceState(history.state, '', url);
  writing = false;
  notify(changed);
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let pending = null;
function notify(keys) {
  // Batch notifications on a microtask, so several set() calls redraw once.
  if (pending) {
    keys.forEach(k => pending.add(k));
    return;
  }
  pending = new Set(keys);
  queueMicrotask(() => {
    const ks = pending;
    pending = null;
    for (const fn of listeners) {
      try { fn(ks); } catch (e) { console.error(e); }
    }
  });
}

/** True when the current history entry was pushed by set({...}, {push: true}): Back stays in the page. */
export function pushed() {
  return !!(history.state && history.state.pushed);
}

export function init() {
  state = parse(location.hash);
  const fromUrl = () => {
    if (writing) return;
    const next = parse(location.hash);
    const changed = Object.keys({ ...state, ...next }).filter(k => state[k] !== next[k]);
    state = next;
    if (changed.length) notify(changed);
  };
  // Back and Forward between entries pushed above fire popstate (and hashchange); a typed or
  // pasted hash fires hashchange only
  window.addEventListener('hashchange', fromUrl);
  window.addEventListener('popstate', fromUrl);
}

/** The set of runs the user unticked. */
export function hiddenRuns() {
  const h = state.hidden;
  return new Set(h ? h.split('\n') : []);
}

export function setHiddenRuns(runs) {
  set({ hidden: hiddenValue(runs) });
}

/** The `hidden` state value that ticks {@code run} again, for a set() that changes other keys too. */
export function hiddenWithout(run) {
  const hidden = hiddenRuns();
  hidden.delete(run);
  return hiddenValue(hidden);
}

function hiddenValue(runs) {
  return [...runs].sort().join('\n');
}

/**
 * A state value holding a map, as lines "key\tvalue" (colors, names): a Map. Keys are run names,
 * which hold neither a tab nor a line break in practice; a line without a tab is skipped.
 */
export function pairs(key) {
  const text = state[key] || '';
  let m = parsedPairs.get(key);
  if (m && m.text === text) return m.map;
  const map = new Map();
  for (const line of text.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) map.set(line.slice(0, tab), line.slice(tab + 1));
  }
  parsedPairs.set(key, { text, map });
  return map;
}

const parsedPairs = new Map();

/** Sets (or, with an empty value, removes) one entry of a map held as lines (see pairs). */
export function setPair(key, name, value) {
  const map = new Map(pairs(key));
  if (value) map.set(name, value); else map.delete(name);
  set({ [key]: [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${k}\t${v}`).join('\n') });
}

/** A state value holding a list, one item a line (pins). */
export function list(key) {
  const text = state[key] || '';
  return text ? text.split('\n') : [];
}

export { DEFAULTS };
