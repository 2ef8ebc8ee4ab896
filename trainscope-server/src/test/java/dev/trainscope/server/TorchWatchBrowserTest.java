package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.data.TagInfo;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch end to end: two real trainings on MNIST digits with Debian's PyTorch, watched by the
 * {@code trainscope-torch} package ({@code trainscope-torch/tests/faults.py}: a 10-layer sigmoid MLP
 * whose gradients vanish, a ReLU MLP whose biases start at -4), read by the run store, diagnosed as
 * {@code trainscope doctor} does, and shown in the Layers tab.
 *
 * <p>Needs {@code /usr/bin/python3} with {@code torch} ({@code -Dtrainscope.python=PATH} for another
 * interpreter); ./test installs Debian's python3-torch when it is missing. Without it the test
 * fails, naming what to install, unless {@code -Dtrainscope.python=skip} is given.
 */
@ExtendWith(Chromium.Tests.class)
class TorchWatchBrowserTest {
  @TempDir
  Path logdir;

  static String python() {
    String p = System.getProperty("trainscope.python", "");
    return p.isBlank() ? "/usr/bin/python3" : p;
  }

  static boolean skipRequested() {
    return "skip".equalsIgnoreCase(System.getProperty("trainscope.python", ""));
  }

  /** The repository's root: surefire runs in trainscope-server. */
  static Path repo() {
    return Path.of("").toAbsolutePath().getParent();
  }

  private Process start(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(python());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PYTHONPATH", repo().resolve("trainscope-torch").toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  private void await(Process p, Path log, String what) throws Exception {
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(what + " did not finish in 180 s: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    assertEquals(0, p.exitValue(), what + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Both faulty trainings, at once (one core each). */
  private void train() throws Exception {
    Path out = Files.createTempFile(logdir.getParent(), "python", ".log");
    String why;
    try {
      Process check = start(List.of("-c", "import torch"), out);
      why = !check.waitFor(120, TimeUnit.SECONDS) ? "it did not answer in 120 s"
          : check.exitValue() != 0 ? Files.readString(out, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      why = e.getMessage();
    }
    if (why != null) {
      throw new AssertionError(python() + " cannot import torch (" + why + "): this test trains real PyTorch "
          + "networks. Install Debian's python3-torch (./test does), point -Dtrainscope.python=PATH at an "
          + "interpreter that has torch, or skip it with -Dtrainscope.python=skip");
    }
    String script = repo().resolve("trainscope-torch").resolve("tests").resolve("faults.py").toString();
    Path vlog = logdir.getParent().resolve("vanishing.log");
    Path dlog = logdir.getParent().resolve("dead-relu.log");
    Process vanishing = start(List.of(script, logdir.toString(), "vanishing", "--steps", "200"), vlog);
    Process dead = start(List.of(script, logdir.toString(), "dead-relu", "--steps", "200"), dlog);
    await(vanishing, vlog, "the vanishing-gradient training");
    await(dead, dlog, "the dead-ReLU training");
  }

  private static Finding only(List<Finding> findings, String run, String rule) {
    List<Finding> hits = findings.stream().filter(f -> f.run().equals(run) && f.rule().equals(rule)).toList();
    assertEquals(1, hits.size(), run + " / " + rule + " in " + findings);
    return hits.get(0);
  }

  @Test
  void watchedPyTorchTrainings_doctorNamesEachFaultsLayer_layersTabShowsThem(Chromium chromium) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(skipRequested(), "-Dtrainscope.python=skip");
    train();
    try (Served served = Served.loaded(logdir); DashboardPage p = chromium.open(served.base)) {
      // the store read the package's metadata: the DJL listener's description lines, PyTorch's layer names
      TagInfo gn = served.store.tag("vanishing", "grad_norm/fc1");
      assertTrue(gn.description().endsWith("\n\nrole: grad_norm, split: train, layer: fc1, param: weight"),
          gn.description());
      assertEquals(200, gn.count());
      TagInfo dead = served.store.tag("dead-relu", "dead_units/fc1");
      assertTrue(dead.description().endsWith("\n\nrole: dead_units, layer: fc1"), dead.description());

      // the diagnosis, as `trainscope doctor` runs it
      List<Finding> findings = Doctor.defaults().diagnose(served.store);
      Finding vanishing = only(findings, "vanishing", "vanishing-gradients");
      assertEquals("fc1", vanishing.layer(), vanishing.toString());
      assertTrue(vanishing.tags().contains("grad_norm/fc1"), vanishing.tags().toString());
      List<Finding> deadRelu = findings.stream()
          .filter(f -> f.run().equals("dead-relu") && f.rule().equals("dead-relu")).toList();
      assertTrue(deadRelu.stream().anyMatch(f -> f.layer().equals("fc1") && f.tags().equals(List.of("dead_units/fc1"))),
          deadRelu.toString());
      assertTrue(findings.stream().noneMatch(f -> f.run().equals("dead-relu") && f.rule().equals("vanishing-gradients")),
          "a dead layer's zero gradients are no vanishing gradients: " + findings);

      // the Layers tab: the layers input first, PyTorch's names, the faulty ones marked
      p.open("tab=layers");
      String grads = ".layers-run[data-run=vanishing] .heatmap[data-role=grad_norm]";
      p.waitFor("sel => document.querySelector(sel)", grads);
      JsonNode shown = p.chartData(grads);
      List<String> fcs = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        fcs.add("fc" + i);
      }
      List<String> rows = FiltersBrowserTest.list(shown.get("rows"));
      assertEquals(fcs, rows.stream().filter(r -> !r.endsWith("/bias")).toList(), rows.toString());
      p.waitFor("sel => document.querySelector(sel + ' .hm-label[data-layer=fc1]').dataset.finding === 'error'", grads);
      String units = ".layers-run[data-run=dead-relu] .heatmap[data-role=dead_units]";
      p.waitFor("sel => document.querySelector(sel)", units);
      JsonNode deadShown = p.chartData(units);
      assertEquals(List.of("fc1", "fc2", "fc3"), FiltersBrowserTest.list(deadShown.get("rows")));
      assertEquals(1.0, deadShown.get("values").get(0).get(0).asDouble(), 0.0, "every unit of fc1 is dead");
      p.waitFor("sel => document.querySelector(sel + ' .hm-label[data-layer=fc1]').dataset.finding === 'warning'", units);
      p.assertNoErrors();
    }
  }
}
