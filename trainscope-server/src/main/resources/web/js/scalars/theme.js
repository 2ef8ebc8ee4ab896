// Chart colours come from the page's CSS variables (app.css), read again when the theme changes,
// so light and dark charts match the rest of the page.

import { themeColors, onThemeChange as onSharedThemeChange } from '../theme.js';

export const theme = { fg: '#1d2330', muted: '#6b7280', grid: '#e9ecef', border: '#dfe3e8', card: '#ffffff',
  accent: '#e8590c', mark: '#c92a2a', dark: false };

export function readTheme() {
  const c = themeColors();
  for (const k of ['fg', 'muted', 'grid', 'border', 'card', 'accent']) {
    if (c[k]) theme[k] = c[k];
  }
  const mark = getComputedStyle(document.documentElement).getPropertyValue('--mark').trim();
  if (mark) theme.mark = mark;
  theme.dark = c.dark;
  return theme;
}

/** A '#rrggbb' colour with an alpha (0..1); other colour strings are returned as they are. */
export function withAlpha(color, a) {
  if (typeof color !== 'string' || !/^#[0-9a-f]{6}$/i.test(color)) return color;
  return color + Math.round(Math.max(0, Math.min(1, a)) * 255).toString(16).padStart(2, '0');
}

/** Line dashes telling apart the tags drawn on one chart (canvas setLineDash patterns). */
export const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 5]];
export const DASH_CSS = ['solid', 'dashed', 'dotted', 'dashed', 'dotted'];

/** Calls fn whenever main.js switches the theme, after the colours above were read again. */
export function onThemeChange(fn) {
  return onSharedThemeChange(() => { readTheme(); fn(); });
}
