// A laid-out graph view painted without the DOM: on a canvas (the big views, where thousands of SVG
// elements would make every pan and zoom repaint for hundreds of milliseconds, and PNG export) and
// as SVG text (SVG export, any size). Both draw the same thing as views/graph-view.js's SVG: boxes,
// containers with title bars, routed edges with arrowheads and shape labels, finding badges.
//
// Where things go is the server's layout (GraphLayout): an open scope's title bar is its top left
// corner, titleW wide and TITLE_H high, which no edge enters; an edge label goes in the labelBox
// the layout made room for. An edge is as thick as the model edges it bundles (edgeWidth) and its
// arrowhead in proportion (ARROW_LENGTH widths long), so a thin edge never wears a big one. Views
// laid out without label boxes (the big ones) place labels beside their longest segment and leave
// out those that would overlap one already placed.
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

/** How high an open scope's title bar is (GraphLayout.TITLE_HEIGHT). */
export const TITLE_H = 24;

/** An open scope's title bar: its top left corner, as wide as the layout kept clear for it. */
export function titleBar(b) {
  return { x: b.x, y: b.y, w: Math.min(b.w, b.titleW || b.w), h: Math.min(TITLE_H, b.h) };
}

/** The two lines a box shows; an open scope's title bar shows its name, shortened to fit (the counts are in its tooltip). */
export function boxText(b) {
  if (b.kind === 'expanded') {
    let name = `− ${b.label}`;
    const room = Math.max(4, Math.floor((titleBar(b).w - 20) / 6.6));
    if (name.length > room) name = name.slice(0, room - 1) + '…';
    return [name, ''];
  }
  if (b.kind === 'group') return [`+ ${b.label}`, `${fmtCount(b.ops)} ops${b.params ? ' · ' + fmtCount(b.params) : ''}`];
  return [b.label, b.op];
}

/** An edge's stroke width: 1 for one model edge, thicker (up to 3) the more it bundles. */
export function edgeWidth(count) {
  return Math.min(3, 1 + Math.log2(Math.max(1, count)) / 2);
}

/** An arrowhead is this many stroke widths long, and 0.8 of that wide. */
export const ARROW_LENGTH = 5;

/**
 * What to draw for an edge: its polyline (ending inside the arrowhead, so a thick line does not
 * show past the tip), the arrowhead's three corners [tipX, tipY, x1, y1, x2, y2] (null when the
 * last segment has no length) and the stroke width.
 */
export function edgeShape(l) {
  const p = l.points;
  const w = edgeWidth(l.count);
  const n = p.length;
  const dx = p[n - 2] - p[n - 4];
  const dy = p[n - 1] - p[n - 3];
  const len = Math.hypot(dx, dy);
  if (n < 4 || !(len > 0)) return { points: p, head: null, width: w };
  const L = ARROW_LENGTH * w;
  const ux = dx / len;
  const uy = dy / len;
  const tipX = p[n - 2];
  const tipY = p[n - 1];
  const bx = tipX - ux * L;
  const by = tipY - uy * L;
  const half = 0.4 * L;
  const head = [tipX, tipY, bx - uy * half, by + ux * half, bx + uy * half, by - ux * half];
  const points = p.slice();
  const trim = Math.min(0.6 * L, len);
  points[n - 2] = tipX - ux * trim;
  points[n - 1] = tipY - uy * trim;
  return { points, head, width: w };
}

/** About how wide a 9 px edge label is (GraphLayout.labelWidth). */
const labelWidth = s => 6 + s.length * 5.4;

/**
 * Where each edge's label is drawn, as {x, y, w, h} boxes (null for none): the layout's label box,
 * or for a view without them beside the middle of the longest segment, left out where it would
 * overlap a label placed before it.
 */
export function labelBoxes(data) {
  const placed = [];
  return data.lines.map(l => {
    if (!l.label) return null;
    if (l.labelBox) return { x: l.labelBox[0], y: l.labelBox[1], w: l.labelBox[2], h: l.labelBox[3] };
    const at = labelAt(l.points);
    if (!at) return null;
    const box = { x: at[0], y: at[1] - 9, w: labelWidth(l.label), h: 12 };
    if (placed.some(o => box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h)) return null;
    placed.push(box);
    return box;
  });
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
    const t = titleBar(b);
    roundRect(ctx, t.x, t.y, t.w, t.h, 8);
    ctx.fillStyle = c.headerFill;
    ctx.fill();
    if (readable(11)) {
      const [l1] = boxText(b);
      ctx.font = `600 11px ${FONT}`;
      ctx.fillStyle = c.fg;
      ctx.textAlign = 'left';
      ctx.fillText(l1, b.x + 10, b.y + 16, Math.max(10, t.w - 20));
    }
  }

  // edges: one path per kind and width, arrowheads and labels only when they can be seen
  const arrows = full || k >= 0.25;
  const shapes = [];
  for (const l of data.lines) {
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
    shapes.push([l, edgeShape(l)]);
  }
  const widths = [...new Set(shapes.map(([, e]) => e.width))];
  for (const control of [false, true]) {
    for (const w of widths) {
      ctx.beginPath();
      const heads = new Path2D();
      for (const [l, e] of shapes) {
        if (l.control !== control || e.width !== w) continue;
        const p = arrows ? e.points : l.points;
        ctx.moveTo(p[0], p[1]);
        for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i], p[i + 1]);
        if (arrows && e.head) {
          const h = e.head;
          heads.moveTo(h[0], h[1]);
          heads.lineTo(h[2], h[3]);
          heads.lineTo(h[4], h[5]);
          heads.closePath();
        }
      }
      ctx.setLineDash(control ? [4, 3] : []);
      ctx.globalAlpha = control ? 0.6 : 1;
      ctx.lineWidth = w;
      ctx.strokeStyle = c.muted;
      ctx.stroke();
      ctx.fillStyle = c.muted;
      ctx.fill(heads);
    }
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  if (readable(9)) {
    ctx.font = `9px ${FONT}`;
    ctx.fillStyle = c.muted;
    ctx.textAlign = 'left';
    const boxes = labelBoxes(data);
    data.lines.forEach((l, i) => {
      const at = boxes[i];
      if (at && inView(at.x, at.y, at.w, at.h)) ctx.fillText(l.label, at.x + 3, at.y + 9, at.w - 3);
    });
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
    const t = b.kind === 'expanded' ? titleBar(b) : null;
    if (t && x >= t.x && x <= t.x + t.w && y >= t.y && y <= t.y + t.h) {
      if (!best || b.key.length > best.key.length) best = b; // the innermost
    }
  }
  return best ? { box: best, header: true } : null;
}

/** An arrowhead's corners as an SVG path. */
export function headPath(h) {
  return `M${h[0]},${h[1]} L${h[2]},${h[3]} L${h[4]},${h[5]} z`;
}

const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The view as a standalone SVG document, colours written out. */
export function svgText(data, c) {
  const w = Math.ceil(data.width) + 20;
  const h = Math.ceil(data.height) + 20;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="-10 -10 ${w} ${h}" `
    + `font-family='${FONT}'>`,
    `<rect x="-10" y="-10" width="${w}" height="${h}" fill="${c.bg}"/>`];
  const containers = data.boxes.filter(b => b.kind === 'expanded');
  containers.sort((a, b) => a.key.split('/').length - b.key.split('/').length);
  for (const b of containers) {
    const [l1] = boxText(b);
    const t = titleBar(b);
    out.push(`<g transform="translate(${b.x},${b.y})"><rect width="${b.w}" height="${b.h}" rx="8" fill="${c.containerFill}" `
      + `stroke="${c.border}"/><rect width="${t.w}" height="${t.h}" rx="8" fill="${c.headerFill}"/>`
      + `<text x="10" y="16" font-size="11" font-weight="600" fill="${c.fg}">${esc(l1)}</text></g>`);
  }
  const labels = labelBoxes(data);
  data.lines.forEach((l, i) => {
    const e = edgeShape(l);
    const p = e.points;
    let d = `M${p[0]},${p[1]}`;
    for (let j = 2; j < p.length; j += 2) d += ` L${p[j]},${p[j + 1]}`;
    out.push(`<path d="${d}" fill="none" stroke="${c.muted}" stroke-width="${e.width}"`
      + `${l.control ? ' stroke-dasharray="4 3" opacity="0.6"' : ''}/>`);
    if (e.head) out.push(`<path d="${headPath(e.head)}" fill="${c.muted}"${l.control ? ' opacity="0.6"' : ''}/>`);
    const at = labels[i];
    if (at) out.push(`<text x="${at.x + 3}" y="${at.y + 9}" font-size="9" fill="${c.muted}">${esc(l.label)}</text>`);
  });
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
