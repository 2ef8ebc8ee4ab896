// How a run looks in every tab: its colour and its name. A stable colour per run: the same run
// keeps its colour across reloads, filters and tabs, because it comes from a hash of the name, not
// from the run's position in a list, unless the user chose one (the URL's `colors`). The name
// shown is the user's alias for the run (the URL's `names`) or its folder name.

import * as state from './state.js';
import { el } from './util.js';

// Sixteen hues that stay apart on light and dark backgrounds (no two near-twins).
const PALETTE = [
  '#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5f3dc4',
  '#66a80f', '#c2255c', '#15aabf', '#a0522d', '#099268', '#f06595', '#3b5bdb', '#607d8b',
];

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  // FNV's low bits hardly depend on the high bits of the input: runs such as lr=0.1/seed=0 and
  // lr=0.01/seed=0 would share a colour. A finalizer (murmur3's fmix32) spreads every bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const cache = new Map();

/** The run's colour: the one chosen for it, else one of the palette by a hash of its name. */
export function runColor(run) {
  const chosen = state.pairs('colors').get(run);
  if (chosen && HEX.test(chosen)) return chosen.toLowerCase();
  return hashColor(run);
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The colour a run has until one is chosen. */
export function hashColor(run) {
  let c = cache.get(run);
  if (!c) {
    c = PALETTE[hash(run) % PALETTE.length];
    cache.set(run, c);
  }
  return c;
}

/** True when the user chose the run's colour. */
export function colorChosen(run) {
  return HEX.test(state.pairs('colors').get(run) || '');
}

/** The name the page shows for a run: its alias, else its folder name. */
export function runName(run) {
  return state.pairs('names').get(run) || run;
}

/**
 * A run's name as the page shows it: an element (a span unless {@code tag} says otherwise, e.g.
 * 'option') whose text is runName(run) and whose hover title is the folder name, as the run list
 * shows it (attrs may give another title). relabelRuns() gives it the new alias after a rename, so a tab need not draw again.
 * An element holding only text (an option) may go on after the name: attrs['data-name-after'].
 */
export function runLabel(run, attrs = {}, tag = 'span') {
  return el(tag, { class: 'run-name', title: run, ...attrs, text: runName(run) + (attrs['data-name-after'] || ''),
    'data-name-of': run });
}

/** Gives every label runLabel made under {@code root} its run's display name now (after a rename). */
export function relabelRuns(root) {
  for (const node of root.querySelectorAll('[data-name-of]')) {
    const name = runName(node.dataset.nameOf) + (node.dataset.nameAfter || '');
    if (node.textContent !== name) node.textContent = name;
  }
}
