// A finding's steps on a uPlot chart (scalars, distributions): a shaded span with dashed edges,
// drawn under the data by a drawAxes hook; at least two pixels wide, so one step shows.

/** Shades x values [from, to] of `u`'s plot area with `fill`, its edges dashed in `stroke`. */
export function drawStepSpan(u, from, to, fill, stroke) {
  const { left, top, width, height } = u.bbox;
  const a = Math.max(left, u.valToPos(from, 'x', true));
  const b = Math.min(left + width, u.valToPos(to, 'x', true));
  if (!(b >= a)) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = fill;
  ctx.fillRect(a, top, Math.max(2 * devicePixelRatio, b - a), height);
  ctx.strokeStyle = stroke;
  ctx.lineWidth = devicePixelRatio;
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  for (const px of [a, b]) {
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + height);
    ctx.stroke();
  }
  ctx.restore();
}
