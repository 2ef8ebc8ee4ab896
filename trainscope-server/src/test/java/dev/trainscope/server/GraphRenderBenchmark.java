package dev.trainscope.server;

import com.microsoft.playwright.Page;
import dev.trainscope.data.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Graph tab end to end on a big graph, in Debian's Chromium (not a unit test: run by
 * benchmarks/graph-render.sh). A server with a GraphDef given as {@code --model} (the script passes
 * the 5,436-node ResNet-50 training graph of benchmarks' GenerateGraph); for each round a fresh page: the time from navigation until the default
 * view is drawn, then from a click on "Expand all" until every op's box is drawn (server layout of
 * all scopes, JSON, SVG built), then the frame intervals while zooming and panning that drawing
 * (60 wheel steps and 60 drag steps, one per animation frame). Medians over the rounds. A view this
 * big is painted on a canvas (views/graph-paint.js), so the frames measure that painter.
 */
public final class GraphRenderBenchmark {
  public static void main(String[] args) throws Exception {
    Path pb = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("graph-render");
    Path logdir = Files.createDirectories(dir.resolve("logs"));
    RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build();
    store.reload();
    DashboardServer server = new DashboardServer(store, 500, Map.of("resnet50.pb", pb));
    String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
    List<double[]> rows = new ArrayList<>();
    int boxes = 0;
    try (Chromium chromium = Chromium.launch()) {
      System.out.println("Chromium " + chromium.version());
      for (int r = 0; r < rounds + 1; r++) {
        try (DashboardPage p = chromium.open(base, 1400, 900)) {
          Page page = p.page;
          long t0 = System.nanoTime();
          page.navigate(base + "/#tab=graph&x.graph=%0Amodel%3Aresnet50.pb");
          page.waitForFunction("() => document.querySelector('.graph-tab')?.dataset.state === 'ready'"
              + " && document.querySelectorAll('g.graph-box').length > 0", null,
              new Page.WaitForFunctionOptions().setTimeout(120_000));
          long t1 = System.nanoTime();
          page.locator(".graph-toolbar button:text('Expand all')").click();
          try {
            page.waitForFunction("() => document.querySelector('.graph-tab')?.dataset.state === 'ready'"
              + " && document.querySelector('.graph-surface').__graphView.data.boxes.length > 5000"
              + " && +document.querySelector('.graph-surface').dataset.painted > 0", null,
              new Page.WaitForFunctionOptions().setTimeout(300_000));
          } catch (com.microsoft.playwright.TimeoutError e) {
            System.out.println("state: " + page.evaluate("() => { const s = document.querySelector('.graph-surface');"
                + " return JSON.stringify({tab: document.querySelector('.graph-tab').dataset.state, renderer: s.dataset.renderer,"
                + " painted: s.dataset.painted, boxes: s.__graphView.data && s.__graphView.data.boxes.length,"
                + " status: document.querySelector('.graph-status').textContent,"
                + " error: document.querySelector('.graph-error')?.textContent}); }"));
            throw e;
          }
          // and painted: two animation frames later
          page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
          long t2 = System.nanoTime();
          boxes = ((Number) page.evaluate("() => document.querySelector('.graph-surface').__graphView.data.boxes.length")).intValue();
          double[] zoom = frames(page, "wheel");
          double[] pan = frames(page, "drag");
          if (r > 0) { // the first round warms the server's caches and JIT; reported separately
            rows.add(new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, zoom[0], zoom[1], pan[0], pan[1]});
          } else {
            System.out.printf("cold round: default view %.0f ms, expand all %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
          }
        }
      }
    } finally {
      server.close();
      store.close();
    }
    System.out.println("boxes drawn with all scopes open: " + boxes);
    String[] names = {"open: default view drawn (ms)", "expand all: drawn (ms)", "zoom: median frame (ms)",
        "zoom: p95 frame (ms)", "pan: median frame (ms)", "pan: p95 frame (ms)"};
    for (int c = 0; c < names.length; c++) {
      double[] v = new double[rows.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = rows.get(i)[c];
      }
      Arrays.sort(v);
      System.out.printf("%-32s median %8.1f  (min %.1f, max %.1f, %d rounds)%n", names[c], v[v.length / 2], v[0],
          v[v.length - 1], v.length);
    }
  }

  /** Median and 95th percentile frame interval while zooming (wheel) or panning (drag), one step per frame. */
  static double[] frames(Page page, String how) {
    Object r = page.evaluate("how => new Promise(done => {"
        + " const svg = document.querySelector('.graph-surface'); const b = svg.getBoundingClientRect();"
        + " const x = b.left + b.width / 2, y = b.top + b.height / 2; const times = []; let i = 0;"
        + " if (how === 'drag') svg.dispatchEvent(new PointerEvent('pointerdown', {clientX: x, clientY: y, button: 0, bubbles: true}));"
        + " const step = t => { times.push(t);"
        + "   if (how === 'wheel') svg.dispatchEvent(new WheelEvent('wheel', {clientX: x, clientY: y, deltaY: i < 30 ? -60 : 60, bubbles: true, cancelable: true}));"
        + "   else window.dispatchEvent(new PointerEvent('pointermove', {clientX: x + 5 * i, clientY: y + 3 * i, bubbles: true}));"
        + "   if (++i <= 60) requestAnimationFrame(step);"
        + "   else { if (how === 'drag') window.dispatchEvent(new PointerEvent('pointerup', {bubbles: true}));"
        + "     const d = []; for (let k = 1; k < times.length; k++) d.push(times[k] - times[k - 1]); d.sort((a, b) => a - b);"
        + "     done([d[Math.floor(d.length / 2)], d[Math.floor(d.length * 0.95)]]); } };"
        + " requestAnimationFrame(step); })", how);
    @SuppressWarnings("unchecked")
    List<Number> l = (List<Number>) r;
    return new double[] {l.get(0).doubleValue(), l.get(1).doubleValue()};
  }
}
