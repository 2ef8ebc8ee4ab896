package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.djl.Fault;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trainscope demo}, on a few steps: training without and with the dashboard. */
class DemoCommandTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void djlUnderTarget() {
    // PyTorch's native library is unpacked under target/, never into the home directory
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    }
  }

  /** Runs a fresh command on a thread, its output captured. */
  static final class Run {
    final DemoCommand command = new DemoCommand();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit;

    Run(String... args) {
      CommandLine cl = new CommandLine(command);
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
    }

    synchronized String out() {
      return out.toString();
    }

    /** Waits until stdout holds a line matching {@code regex}; returns the match. */
    Matcher await(String regex) throws InterruptedException {
      Pattern p = Pattern.compile(regex);
      for (int i = 0; i < 1200; i++) {
        Matcher m = p.matcher(out());
        if (m.find()) {
          return m;
        }
        if (exit.isDone()) {
          break;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no /" + regex + "/ in stdout:\n" + out() + "\nstderr:\n" + err);
    }
  }

  static List<Path> runs(Path logdir) throws IOException {
    try (Stream<Path> s = Files.list(logdir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void noServe_trainsWritesARunAndExits() throws Exception {
    Run r = new Run("--no-serve", "--epochs", "1", "--train-samples", "128", "--fault", "repeat-batch",
        "--logdir", dir.toString());
    assertEquals(0, r.exit.get(5, TimeUnit.MINUTES), r.err.toString());
    assertTrue(r.out().matches("(?s)trained 2 steps in [0-9.]+ s \\([0-9.]+ steps/s\\); validation accuracy [0-9.]+%,"
        + " loss [0-9.]+\nlogs: .* \\(the listener took [0-9.]+ s of the training time, [0-9.]+%;"
        + " metrics [0-9.]+ s, (?:[a-z /]+ [0-9.]+ s, )*probe pass [0-9.]+ s\\)\n"), r.out());
    List<Path> runs = runs(dir);
    assertEquals(1, runs.size());
    assertTrue(runs.get(0).getFileName().toString().matches("\\d{8}-\\d{6}-repeat-batch"), runs.toString());
    try (Stream<Path> files = Files.list(runs.get(0))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().contains("tfevents")));
    }
    String err = r.err.toString();
    assertTrue(err.contains("the same batch at every step; seed 1; logging to "), err);
    assertTrue(err.contains("epoch 1/1 [##############################] step 2/2"), "one progress line per epoch off a"
        + " terminal: " + err);
  }

  @Test
  void help_listsEveryFault_inTheDescriptionAndAtTheOption() throws Exception {
    Run r = new Run("--help");
    assertEquals(0, r.exit.get(1, TimeUnit.MINUTES));
    String help = r.out().replaceAll("\\s+", " ");
    List<String> faults = Arrays.stream(Fault.values()).map(Fault::id).toList();
    assertEquals(faults.stream().filter(f -> !f.equals("none")).toList(),
        listAfter(help, "so you can see what it looks like: "), help);
    assertEquals(faults, listAfter(help, "Inject a training fault: "), help);
  }

  /**
   * The comma-separated names after {@code lead} up to the next full stop, parentheses left out (and
   * the line breaks picocli may put after a hyphen).
   */
  private static List<String> listAfter(String text, String lead) {
    int from = text.indexOf(lead);
    assertTrue(from >= 0, "no '" + lead + "' in " + text);
    from += lead.length();
    String list = text.substring(from, text.indexOf('.', from)).replaceAll(" \\([^)]*\\)", "")
        .replace("- ", "-");
    return List.of(list.split(", "));
  }

  @Test
  void serve_printsTheUrlFirst_servesTheRunAsItTrains_andStaysUpAfter() throws Exception {
    Run r = new Run("--port", "0", "--epochs", "1", "--train-samples", "256", "--logdir", dir.toString());
    Matcher url = r.await("Trainscope is serving .* at (http://127\\.0\\.0\\.1:\\d+/)  \\(the run appears");
    r.await("training done; the dashboard stays up at " + Pattern.quote(url.group(1)));
    assertTrue(r.out().indexOf("Trainscope is serving") < r.out().indexOf("trained 4 steps"), r.out());
    String run = runs(dir).get(0).getFileName().toString();
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 100 && !names.contains(run); i++) {
      Thread.sleep(100);
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "api/runs")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode());
      names.clear();
      for (JsonNode n : json.readTree(res.body()).get("runs")) {
        names.add(n.get("name").asText());
      }
    }
    assertEquals(List.of(run), names);
    r.command.stopped.countDown();
    assertEquals(0, r.exit.get(1, TimeUnit.MINUTES));
  }

  @Test
  void badArguments_exit2WithAMessage() throws Exception {
    Run r = new Run("--fault", "typo", "--logdir", dir.toString());
    assertEquals(2, r.exit.get(1, TimeUnit.MINUTES));
    assertTrue(r.err.toString().startsWith("trainscope demo: unknown fault 'typo'; known: none, lr-high"), r.err.toString());
    Run s = new Run("--train-samples", "9000", "--logdir", dir.toString());
    assertEquals(2, s.exit.get(1, TimeUnit.MINUTES));
    assertTrue(s.err.toString().contains("--train-samples must be in 1..8000, was 9000"), s.err.toString());
    Run p = new Run("--port", "70000", "--logdir", dir.toString());
    assertEquals(2, p.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: --port must be in 0..65535, was 70000\n", p.err.toString());
    Run v = new Run("--fault", "overfit", "--arch", "mlp", "--logdir", dir.toString());
    assertEquals(2, v.exit.get(1, TimeUnit.MINUTES));
    assertTrue(v.err.toString().contains("--arch, --optimizer and --lr go with --fault none only"), v.err.toString());
    Run k = new Run("--skip", "graph,feature_views,typo", "--logdir", dir.toString());
    assertEquals(2, k.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: unknown --skip 'typo'; known: metrics, learning-rate, speed, weights, gradients,"
        + " updates, activations, inputs, fingerprints, predictions, filters, feature-maps, feature-views, graph,"
        + " embedding\n",
        k.err.toString());
  }

  @Test
  void badModel_orOptionsThatDoNotGoWithTheAutoencoder_exit2WithAMessage() throws Exception {
    Run m = new Run("--model", "gan", "--logdir", dir.toString());
    assertEquals(2, m.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: --model must be cnn or autoencoder, was 'gan'\n", m.err.toString());
    Run f = new Run("--model", "autoencoder", "--fault", "lr-high", "--logdir", dir.toString());
    assertEquals(2, f.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: --fault goes with --model cnn only: the autoencoder has no faults to inject, was"
        + " --fault lr-high\n", f.err.toString());
    Run a = new Run("--model", "autoencoder", "--arch", "cnn", "--logdir", dir.toString());
    assertEquals(2, a.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: --arch goes with --model cnn only: the autoencoder is its own network and trains"
        + " with Adam\n", a.err.toString());
    Run o = new Run("--model", "autoencoder", "--optimizer", "sgd", "--logdir", dir.toString());
    assertEquals(2, o.exit.get(1, TimeUnit.MINUTES));
    assertTrue(o.err.toString().startsWith("trainscope demo: --optimizer goes with --model cnn only"), o.err.toString());
    Run b = new Run("--model", "autoencoder", "--batch-size", "0", "--logdir", dir.toString());
    assertEquals(2, b.exit.get(1, TimeUnit.MINUTES));
    assertEquals("trainscope demo: batch size must be in [1, 1024], was 0\n", b.err.toString());
    assertEquals(List.of(), runs(dir), "nothing written");
  }

  @Test
  void autoencoder_noServe_trainsTheVaeAndSaysWhereTheTraversalsAre() throws Exception {
    Run r = new Run("--model", "autoencoder", "--no-serve", "--epochs", "1", "--train-samples", "128",
        "--logdir", dir.toString());
    assertEquals(0, r.exit.get(5, TimeUnit.MINUTES), r.err.toString());
    assertTrue(r.out().matches("(?s)trained 2 steps in [0-9.]+ s \\([0-9.]+ steps/s\\); validation loss [0-9.]+ nats a"
        + " digit \\(reconstruction [0-9.]+, KL [0-9.]+\\)\nlogs: .* \\(the listeners took [0-9.]+ s of the training"
        + " time, [0-9.]+%; latent traversals [0-9]+ ms a logging step, the median of 2, [0-9]+ to [0-9]+\\)\n"), r.out());
    List<Path> runs = runs(dir);
    assertEquals(1, runs.size());
    assertTrue(runs.get(0).getFileName().toString().matches("\\d{8}-\\d{6}-autoencoder"), runs.toString());
    String err = r.err.toString();
    assertTrue(err.contains("a convolutional VAE with 8 latent dimensions learning the digits, its latent traversals"
        + " logged; seed 1; logging to "), err);
    assertTrue(err.matches("(?s).*epoch 1/1 \\[#+\\] step 2/2 .* val loss [0-9.]+\n"), "no accuracy: " + err);
  }
}
