// Redraws batched on a microtask (../schedule.js): however many reasons a card has to redraw in
// one turn of the event loop (data arriving, several settings changing), it draws once.

import { redrawSoon } from '../schedule.js';
import { cardOf } from './card.js';

export function schedule(card) {
  if (!card.__drawTask) {
    card.__drawTask = () => {
      try {
        card.draw();
      } catch (e) {
        console.error(e);
        card.setState('error', `Cannot draw: ${e.message}`);
      }
    };
  }
  redrawSoon(card.__drawTask);
}

/**
 * Tells cards when they come near the viewport and when they leave it: util.js lazy() in both
 * directions, so a card far off-screen lets go of its canvas and is not refetched by live
 * updates. One observer for all cards, rooted at the scrolling content so the margin applies.
 */
export class Visibility {
  constructor(root, margin = '600px') {
    this.io = new IntersectionObserver(entries => {
      for (const e of entries) {
        const card = cardOf.get(e.target);
        if (card) card.setVisible(e.isIntersecting);
      }
    }, { root, rootMargin: margin });
  }

  observe(card) {
    this.io.observe(card.el);
  }

  unobserve(card) {
    this.io.unobserve(card.el);
  }

  disconnect() {
    this.io.disconnect();
  }
}
