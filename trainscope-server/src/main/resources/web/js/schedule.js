// Redraws batched on a microtask: several changes in one turn (data, size, theme, mode) draw once.

const pending = new Set();
let queued = false;

/** Runs draw() once at the end of the current task, however often it was asked for. */
export function redrawSoon(draw) {
  pending.add(draw);
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    const fns = [...pending];
    pending.clear();
    for (const f of fns) {
      try { f(); } catch (e) { console.error(e); }
    }
  });
}
