// What the browser tests read of the page's views: element.__chartData (what a chart drew, as
// each tab documents at its top), .runs-view.__tableData and .graph-surface.__graphView. They are
// defined only on a page opened for a test, which sets window.__trainscopeTest = true before the
// page's scripts run (the browser tests do so with Playwright's addInitScript); a user's page
// carries none of them.

/** True on a page opened by the browser tests. */
const testing = globalThis.__trainscopeTest === true;

/** Defines {@code target[name]} as the getter {@code get} on a test's page; nothing otherwise. */
export function testHook(target, name, get) {
  if (testing) Object.defineProperty(target, name, { configurable: true, get });
}
