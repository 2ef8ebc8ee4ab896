// What a uPlot chart of a card needs from its box: a new size when the box's width changes (a
// build when it had none yet: a chart is built only once its box has a width) and a rebuild when
// the theme changes, since uPlot takes its colours at creation.

import { onThemeChange } from '../theme.js';
import { redrawSoon } from '../schedule.js';

/**
 * Follows chart.wrap for a chart with {wrap, u, width, size(), rebuildNow}; returns the function
 * that stops it.
 */
export function followBox(chart) {
  const ro = new ResizeObserver(() => {
    const w = chart.wrap.clientWidth;
    if (w && w !== chart.width) {
      chart.width = w;
      if (chart.u) chart.u.setSize(chart.size()); else redrawSoon(chart.rebuildNow);
    }
  });
  ro.observe(chart.wrap);
  const offTheme = onThemeChange(() => redrawSoon(chart.rebuildNow));
  return () => {
    ro.disconnect();
    offTheme();
  };
}
