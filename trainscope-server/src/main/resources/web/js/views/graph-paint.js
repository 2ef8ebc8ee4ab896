// A laid-out graph view painted without the DOM: on a canvas (the big views, where thousands of SVG
// elements would make every pan and zoom repaint for hundreds of milliseconds, and PNG export) and
// as SVG text (SVG export, any size). Both draw the same thing as views/graph-view.js's SVG: boxes,
// containers with title bars, routed edges with arrowheads and shape labels, finding badges.
//
// On screen the canvas paints only what is in view, and leaves out what would be too small to read
// (text under 5 px, arrowheads and edge labels when zoomed far out), so a frame costs little however
// big the graph.

import { mix, alpha } from '../theme.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The colours of the page's theme, mixed as app.css mixes them for the SVG. */
export function graphColors() {
  const cs = getComputedStyle(document.documentElement);
  const v = name => cs.getPropertyValue(name).trim();
  const c = {
    fg: v('--fg'), muted: v('--muted'), card: v('--card'), bg: v('--bg'), panel: v('--panel'), grid: v('--grid'),
    border: v('--border'), accent: v('--accent'), info: v('--info'), warn: v('--warn'), error: v('--error'),
    focus: v('--focus'),
  };
  c.opFill = c.card;
  c.paramFill = mix(c.card, c.info, 0.12);
  c.groupFill = mix(c.card, c.accent, 0.10);
  c.containerFill = alpha(c.grid, 0.35);
  c.headerFill = mix(c.panel, c.accent, 0.14);
  return c;
}

function fmtCount(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(n);
}

/** About how wide a text of 10-11 px is: enough to decide what fits in a title bar. */
const textWidth = s => s.length * 6.6;

/** The two lines a box shows; an open scope's title bar drops its counts, then shortens its name, to fit. */
export function boxText(b) {
  if (b.kind === 'expanded') {
    let name = `− ${b.label}`;
    const counts = `${fmtCount(b.ops)} ops${b.params ? ' · ' + fmtCount(b.params) + ' params' : ''}`;
    if (textWidth(name) + textWidth(counts) + 30 <= b.w) return [name, counts];
    const room = Math.max(4, Math.floor((b.w - 20) / 6.6));
    if (name.length > room) name = name.slice(0, room - 1) + '…';
    return [name, ''];
  }
  if (b.kind === 'group') return [`+ ${b.label}`, `${fmtCount(b.ops)} ops${b.params ? ' · ' + fmtCount(b.params) : ''}`];
  return [b.label, b.op];
}

/** Where an edge's label goes: beside the middle of its longest segment, or null when too short. */
export function labelAt(p) {
  let best = 0;
  let at = null;
  for (let i = 0; i + 3 < p.length; i += 2) {
    const len = Math.hypot(p[i + 2] - p[i], p[i + 3] - p[i + 1]);
    if (len > best) {
      best = len;
      at = [(p[i] + p[i + 2]) / 2 + 4, (p[i + 1] + p[i + 3]) / 2 + 3];
    }
  }
  return best > 18 ? at : null;
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, Math.min(r, w / 2, h / 2));
}

/**
 * Paints the view. opts: {k, tx, ty} (world to CSS pixels), dpr, width, height (CSS pixels of the
 * target; 0 = no culling), selected (a box key), colors, full (true: no level-of-detail cuts).
 */
export function paintScene(ctx, data, opts) {
  const { k, tx, ty, dpr = 1, width = 0, height = 0, selected = null, colors: c, full = false } = opts;
  ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
  // the part of the world in view, with a margin
  const cull = width > 0;
  const x0 = (-tx) / k - 20;
  const y0 = (-ty) / k - 20;
  const x1 = (width - tx) / k + 20;
  const y1 = (height - ty) / k + 20;
  const inView = (x, y, w, h) => !cull || (x + w >= x0 && x <= x1 && y + h >= y0 && y <= y1);
  const readable = px => full || px * k >= 5;
  ctx.lineJoin = 'round';

  const containers = data.boxes.filter(b => b.kind === 'expanded');
  containers.sort((a, b) => a.key.split('/').length - b.key.split('/').length);
  for (const b of containers) {
    if (!inView(b.x, b.y, b.w, b.h)) continue;
    roundRect(ctx, b.x, b.y, b.w, b.h, 8);
    ctx.fillStyle = c.containerFill;
    ctx.fill();
    ctx.lineWidth = b.key === selected ? 3 : 1;
    ctx.strokeStyle = b.key === selected ? c.focus : b.findings ? (b.severity === 'error' ? c.error : c.warn) : c.border;
    ctx.stroke();
    roundRect(ctx, b.x, b.y, b.w, Math.min(24, b.h), 8);
    ctx.fillStyle = c.headerFill;
    ctx.fill();
    if (readable(11)) {
      const [l1, l2] = boxText(b);
      ctx.font = `600 11px ${FONT}`;
      ctx.fillStyle = c.fg;
      ctx.textAlign = 'left';
      ctx.fillText(l1, b.x + 10, b.y + 16, Math.max(10, b.w - 20));
      ctx.font = `10px ${FONT}`;
      ctx.fillStyle = c.muted;
      ctx.textAlign = 'right';
      ctx.fillText(l2, b.x + b.w - 8, b.y + 16);
    }
  }

  // edges: one path per kind, arrowheads and labels only when they can be seen
  const arrows = full || k >= 0.25;
  for (const control of [false, true]) {
    ctx.beginPath();
    for (const l of data.lines) {
      if (l.control !== control) continue;
      const p = l.points;
      if (cull) {
        let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        for (let i = 0; i < p.length; i += 2) {
          if (p[i] < minX) minX = p[i];
          if (p[i] > maxX) maxX = p[i];
          if (p[i + 1] < minY) minY = p[i + 1];
          if (p[i + 1] > maxY) maxY = p[i + 1];
        }
        if (!inView(minX, minY, maxX - minX, maxY - minY)) continue;
      }
      ctx.moveTo(p[0], p[1]);
      for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i], p[i + 1]);
      if (arrows && p.length >= 4) {
        const n = p.length;
        const ex = p[n - 2], ey = p[n - 1];
        const ang = Math.atan2(ey - p[n - 3], ex - p[n - 4]);
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - 6 * Math.cos(ang - 0.45), ey - 6 * Math.sin(ang - 0.45));
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - 6 * Math.cos(ang + 0.45), ey - 6 * Math.sin(ang + 0.45));
      }
    }
    ctx.setLineDash(control ? [4, 3] : []);
    ctx.globalAlpha = control ? 0.6 : 1;
    ctx.lineWidth = 1;
    ctx.strokeStyle = c.muted;
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  if (readable(9)) {
    ctx.font = `9px ${FONT}`;
    ctx.fillStyle = c.muted;
    ctx.textAlign = 'left';
    for (const l of data.lines) {
      if (!l.label) continue;
      const at = labelAt(l.points);
      if (at && inView(at[0], at[1] - 9, 60, 12)) ctx.fillText(l.label, at[0], at[1]);
    }
  }

  for (const b of data.boxes) {
    if (b.kind === 'expanded' || !inView(b.x, b.y, b.w, b.h)) continue;
    const group = b.kind === 'group';
    roundRect(ctx, b.x, b.y, b.w, b.h, group ? 10 : 4);
    ctx.fillStyle = group ? c.groupFill : b.params ? c.paramFill : c.opFill;
    ctx.fill();
    ctx.lineWidth = b.key === selected ? 3 : b.findings ? 2 : group ? 1.2 : 1;
    ctx.strokeStyle = b.key === selected ? c.focus : b.findings ? (b.severity === 'error' ? c.error : c.warn)
      : group ? c.accent : b.params ? c.info : c.muted;
    ctx.stroke();
    if (readable(10)) {
      const [l1, l2] = boxText(b);
      ctx.textAlign = 'center';
      ctx.font = `600 11px ${FONT}`;
      ctx.fillStyle = c.fg;
      ctx.fillText(l1, b.x + b.w / 2, b.y + (group ? 18 : 13), b.w - 6);
      ctx.font = `10px ${FONT}`;
      ctx.fillStyle = c.muted;
      ctx.fillText(l2, b.x + b.w / 2, b.y + (group ? 34 : 25), b.w - 6);
    }
  }
  for (const b of data.boxes) {
    if (!b.findings || !inView(b.x, b.y - 8, b.w + 8, b.h)) continue;
    ctx.beginPath();
    ctx.arc(b.x + b.w - 4, b.y - 4, 8, 0, 2 * Math.PI);
    ctx.fillStyle = b.severity === 'error' ? c.error : b.severity === 'info' ? c.info : c.warn;
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.font = `700 11px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.fillText('!', b.x + b.w - 4, b.y);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The box drawn on top at a world position: ops and closed scopes first, then open scopes' title bars. */
export function hitTest(data, x, y) {
  for (let i = data.boxes.length - 1; i >= 0; i--) {
    const b = data.boxes[i];
    if (b.kind !== 'expanded' && x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return { box: b, header: false };
  }
  let best = null;
  for (const b of data.boxes) {
    if (b.kind === 'expanded' && x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + 24) {
      if (!best || b.key.length > best.key.length) best = b; // the innermost
    }
  }
  return best ? { box: best, header: true } : null;
}

const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The view as a standalone SVG document, colours written out. */
export function svgText(data, c) {
  const w = Math.ceil(data.width) + 20;
  const h = Math.ceil(data.height) + 20;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="-10 -10 ${w} ${h}" `
    + `font-family='${FONT}'>`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">`
    + `<path d="M0,0 L10,5 L0,10 z" fill="${c.muted}"/></marker></defs>`,
    `<rect x="-10" y="-10" width="${w}" height="${h}" fill="${c.bg}"/>`];
  const containers = data.boxes.filter(b => b.kind === 'expanded');
  containers.sort((a, b) => a.key.split('/').length - b.key.split('/').length);
  for (const b of containers) {
    const [l1, l2] = boxText(b);
    out.push(`<g transform="translate(${b.x},${b.y})"><rect width="${b.w}" height="${b.h}" rx="8" fill="${c.containerFill}" `
      + `stroke="${c.border}"/><rect width="${b.w}" height="24" rx="8" fill="${c.headerFill}"/>`
      + `<text x="10" y="16" font-size="11" font-weight="600" fill="${c.fg}">${esc(l1)}</text>`
      + `<text x="${b.w - 8}" y="16" font-size="10" text-anchor="end" fill="${c.muted}">${esc(l2)}</text></g>`);
  }
  for (const l of data.lines) {
    const p = l.points;
    let d = `M${p[0]},${p[1]}`;
    for (let i = 2; i < p.length; i += 2) d += ` L${p[i]},${p[i + 1]}`;
    out.push(`<path d="${d}" fill="none" stroke="${c.muted}"${l.control ? ' stroke-dasharray="4 3" opacity="0.6"' : ''} `
      + `marker-end="url(#a)"/>`);
    const at = l.label ? labelAt(p) : null;
    if (at) out.push(`<text x="${at[0]}" y="${at[1]}" font-size="9" fill="${c.muted}">${esc(l.label)}</text>`);
  }
  for (const b of data.boxes) {
    if (b.kind === 'expanded') continue;
    const group = b.kind === 'group';
    const [l1, l2] = boxText(b);
    const stroke = b.findings ? (b.severity === 'error' ? c.error : c.warn) : group ? c.accent : b.params ? c.info : c.muted;
    out.push(`<g transform="translate(${b.x},${b.y})"><rect width="${b.w}" height="${b.h}" rx="${group ? 10 : 4}" `
      + `fill="${group ? c.groupFill : b.params ? c.paramFill : c.opFill}" stroke="${stroke}"/>`
      + `<text x="${b.w / 2}" y="${group ? 18 : 13}" font-size="11" font-weight="600" text-anchor="middle" fill="${c.fg}">${esc(l1)}</text>`
      + `<text x="${b.w / 2}" y="${group ? 34 : 25}" font-size="10" text-anchor="middle" fill="${c.muted}">${esc(l2)}</text>`
      + (b.findings ? `<circle cx="${b.w - 4}" cy="-4" r="8" fill="${b.severity === 'error' ? c.error : c.warn}"/>`
        + `<text x="${b.w - 4}" y="0" font-size="11" font-weight="700" text-anchor="middle" fill="#fff">!</text>` : '')
      + `</g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
