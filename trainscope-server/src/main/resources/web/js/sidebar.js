// The sidebar's width, set by dragging its right edge (or with the arrow keys on it; a double
// click goes back to the default). Kept in localStorage, not in the URL: the width suits the
// screen the page is on, and a link sent to someone with a smaller screen should not squeeze their
// charts; it is the same for every log directory served.

const KEY = 'trainscope.sidebarWidth';
const DEFAULT = 300;
const MIN = 200;

function maxWidth() {
  return Math.max(MIN, Math.min(720, Math.floor(window.innerWidth * 0.6)));
}

/**
 * Sets the layout's columns, inline and only when not the default: a CSS custom property on the
 * layout (inherited by every element of the page) made each redraw of 1,000 runs' charts slower.
 */
function apply(layout, handle, width) {
  const w = Math.round(Math.max(MIN, Math.min(maxWidth(), width)));
  layout.style.gridTemplateColumns = w === DEFAULT ? '' : `${w}px 1fr`;
  handle.setAttribute('aria-valuenow', String(w));
  return w;
}

function stored() {
  try {
    const n = Number(localStorage.getItem(KEY));
    return Number.isFinite(n) && n > 0 ? n : DEFAULT;
  } catch (e) {
    return DEFAULT;   // storage disabled: the default, every time
  }
}

function store(width) {
  try {
    if (width === DEFAULT) localStorage.removeItem(KEY); else localStorage.setItem(KEY, String(width));
  } catch (e) {
    // storage disabled or full: the width lasts as long as the page
  }
}

/** Adds the drag handle to the sidebar and applies the width last chosen. */
export function resizableSidebar(sidebar) {
  const layout = sidebar.parentElement;
  const handle = document.createElement('div');
  handle.className = 'sidebar-handle';
  handle.setAttribute('role', 'separator');
  handle.setAttribute('aria-orientation', 'vertical');
  handle.setAttribute('aria-label', 'Sidebar width');
  handle.setAttribute('aria-valuemin', String(MIN));
  handle.tabIndex = 0;
  handle.title = 'Drag to resize the sidebar (double-click: default width)';
  sidebar.append(handle);
  let width = apply(layout, handle, stored());
  const set = w => {
    width = apply(layout, handle, w);
    store(width);
  };
  handle.addEventListener('pointerdown', e => {
    e.preventDefault();
    handle.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startW = sidebar.getBoundingClientRect().width;
    document.body.classList.add('resizing');
    const move = ev => { width = apply(layout, handle, startW + ev.clientX - startX); };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
      document.body.classList.remove('resizing');
      store(width);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  });
  handle.addEventListener('dblclick', () => set(DEFAULT));
  handle.addEventListener('keydown', e => {
    const by = e.shiftKey ? 50 : 10;
    if (e.key === 'ArrowLeft') { e.preventDefault(); set(width - by); }
    if (e.key === 'ArrowRight') { e.preventDefault(); set(width + by); }
  });
  window.addEventListener('resize', () => { width = apply(layout, handle, width); });
}
