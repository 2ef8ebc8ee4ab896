// The page's theme as colours a canvas can use (all tabs share this module), and a hook for redrawing when it changes: the
// shell flips <html data-theme>, which CSS follows by itself but canvases and uPlot do not.

const subscribers = new Set();
let observer = null;

/** The theme's colours, read from the CSS variables in app.css. */
export function themeColors() {
  const cs = getComputedStyle(document.documentElement);
  const v = name => cs.getPropertyValue(name).trim();
  return {
    fg: v('--fg'), muted: v('--muted'), grid: v('--grid'), border: v('--border'), card: v('--card'),
    bg: v('--bg'), accent: v('--accent'), focus: v('--focus'), error: v('--error'),
    dark: document.documentElement.dataset.theme === 'dark',
  };
}

/** Calls fn after every theme change; returns a function that stops it. */
export function onThemeChange(fn) {
  subscribers.add(fn);
  if (!observer) {
    observer = new MutationObserver(() => {
      for (const f of [...subscribers]) {
        try { f(); } catch (e) { console.error(e); }
      }
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }
  return () => subscribers.delete(fn);
}

function parse(c) {
  if (c.startsWith('#')) {
    const h = c.length === 4 ? c.slice(1).split('').map(x => x + x).join('') : c.slice(1);
    return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
  }
  const m = c.match(/[\d.]+/g);
  return m ? m.slice(0, 3).map(Number) : [128, 128, 128];
}

/** The colour t of the way from a to b (0 = a, 1 = b). */
export function mix(a, b, t) {
  const x = parse(a);
  const y = parse(b);
  const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function alpha(c, a) {
  const [r, g, b] = parse(c);
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}
