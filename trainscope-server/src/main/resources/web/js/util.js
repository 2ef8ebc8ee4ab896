// Small DOM helpers. Text from files (run names, tags, descriptions) only ever goes into the page
// through textContent or attributes, never innerHTML: a tag named <img onerror=...> stays text.

import { RE2JS } from '../vendor/re2js/index.js';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(e.style, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * A filter from user input or the URL, matching anywhere in a name, in any case; an Error when it
 * does not compile; null for empty input (matches all). Compiled by RE2 (re2js), which matches in
 * time linear in the name whatever the pattern: the browser's own RegExp backtracks, and a link
 * with `#runFilter=^(.|.)*Q` froze the tab on an ordinary run name. RE2 syntax is JavaScript's
 * without backreferences and lookarounds. Text without any special character is matched as it is.
 */
export function regex(text) {
  if (!text) return null;
  let re = compiled.get(text);
  if (re) return re;
  if (!/[\\^$.|?*+()[\]{}]/.test(text)) {
    re = new SafeRegex(text, null);
  } else {
    try {
      re = new SafeRegex(text, RE2JS.compile(text, RE2JS.CASE_INSENSITIVE));
    } catch (e) {
      re = new Error(String(e.message).replace('`(?i)', '`')); // the flag is ours, not the user's
    }
  }
  if (compiled.size >= 64) compiled.clear();
  compiled.set(text, re);
  return re;
}

/** Filters compiled lately: every card and list asks for the same few filters on each change. */
const compiled = new Map();

/** What regex() gives: test(s), and exec(s) -> [match, group 1, ...] or null, as a RegExp's. */
export class SafeRegex {
  constructor(source, re2) {
    this.source = source;
    this.re2 = re2;
    this.lower = source.toLowerCase();
  }

  test(s) {
    return this.re2 ? this.re2.test(s) : String(s).toLowerCase().includes(this.lower);
  }

  exec(s) {
    if (!this.re2) {
      const at = String(s).toLowerCase().indexOf(this.lower);
      return at < 0 ? null : [String(s).slice(at, at + this.source.length)];
    }
    const m = this.re2.matcher(s);
    if (!m.find()) return null;
    const out = [];
    for (let g = 0; g <= m.groupCount(); g++) out.push(m.group(g) ?? undefined);
    return out;
  }

  toString() {
    return `/${this.source}/i`;
  }
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** Numbers for people: integers as they are, others with 4 significant digits. */
export function fmt(v) {
  if (v === null || v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** Groups tags by their prefix before the first '/', in order of first appearance. */
export function groupByPrefix(tags) {
  const groups = new Map();
  for (const t of tags) {
    const slash = t.indexOf('/');
    const g = slash > 0 ? t.slice(0, slash) : t;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(t);
  }
  return groups;
}

/**
 * Calls render(card) for a card the first time it comes near the viewport, and keeps charts of
 * cards far off-screen from being drawn: a tab with 200 charts draws only those in view.
 */
export function lazy(card, render, margin = '400px') {
  const io = new IntersectionObserver(entries => {
    for (const e of entries) {
      if (e.isIntersecting) {
        io.disconnect();
        render(card);
      }
    }
  }, { rootMargin: margin });
  io.observe(card);
  return () => io.disconnect();
}
