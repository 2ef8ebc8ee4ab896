package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/hparams} over log directories holding several hparams experiments: the real files of
 * ../shared (TensorFlow's Keras tutorial, tensorboardX trials, two Lightning versions in one
 * logdir), and experiments written here with Trainscope's writer whose columns overlap and differ.
 * Each session keeps its own experiment's metrics, with their last, least and greatest values.
 */
class HParamsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path tmp;

  static JsonNode hparams(Served s) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.base + "/api/hparams")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static Map<String, JsonNode> byRun(JsonNode table) {
    Map<String, JsonNode> out = new HashMap<>();
    table.get("rows").forEach(r -> out.put(r.get("run").asText(), r));
    return out;
  }

  static Map<String, JsonNode> columns(JsonNode table) {
    Map<String, JsonNode> out = new HashMap<>();
    table.get("columns").forEach(c -> out.put(c.get("name").asText(), c));
    return out;
  }

  /** The experiments' names and session counts, as {@code experiments} lists them. */
  static Map<String, Integer> experiments(JsonNode table) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    table.get("experiments").forEach(x -> out.put(x.get("name").asText(), x.get("sessions").asInt()));
    return out;
  }

  /** Each row's experiment, by run. */
  static Map<String, String> experimentOfRows(JsonNode table) {
    Map<String, String> out = new java.util.TreeMap<>();
    table.get("rows").forEach(r -> out.put(r.get("run").asText(), r.get("experiment").asText()));
    return out;
  }

  static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void sharedLogdir_everyExperimentKeepsItsOwnMetrics() throws Exception {
    Path shared = Served.shared();
    if (shared == null) {
      assertFalse("true".equals(System.getenv("CI")), "../shared/data/tfevents is missing; CI always has it");
      Assumptions.abort("SKIPPED: ../shared/data/tfevents absent");
    }
    try (Served s = Served.loaded(shared)) {
      JsonNode t = hparams(s);
      Map<String, JsonNode> rows = byRun(t);
      double[] accuracy = {0.5, 0.6f, 0.7f};
      double[] loss = {1.0, 0.5, 1f / 3f};
      for (int i = 0; i < 3; i++) {
        JsonNode r = rows.get("gen-tensorboardX/hparams/trial_" + i);
        assertNotNull(r, rows.keySet().toString());
        assertEquals(List.of("hparam/accuracy", "hparam/loss"), names(r.get("metrics")), r.toString());
        assertEquals(accuracy[i], r.get("metrics").get("hparam/accuracy").asDouble());
        assertEquals(loss[i], r.get("metrics").get("hparam/loss").asDouble());
        JsonNode acc = r.get("stats").get("hparam/accuracy");
        assertEquals(accuracy[i], acc.get("last").asDouble());
        assertEquals(accuracy[i], acc.get("min").asDouble());
        assertEquals(accuracy[i], acc.get("max").asDouble());
        // tensorboardX logs the end with the start, before the run's own scalars: finished by liveness
        assertEquals("STATUS_SUCCESS", r.get("status").asText());
        assertEquals("finished", r.get("state").asText());
        assertTrue(r.get("stateInferred").asBoolean());
      }
      assertEquals("sgd", rows.get("gen-tensorboardX/hparams/trial_0").get("values").get("optimizer").asText());
      assertTrue(rows.get("gen-tensorboardX/hparams/trial_1").get("values").get("use_bn").isBoolean());

      JsonNode keras = rows.get("keras-tf2-TensorBoard-Tutorial/archive/hparam_tuning/Experiment 0_adam_200_0.2");
      assertNotNull(keras, rows.keySet().toString());
      assertEquals(List.of("accuracy"), names(keras.get("metrics")));
      assertEquals(0.9783999919891357, keras.get("metrics").get("accuracy").asDouble());
      assertEquals("", keras.get("status").asText(), "TensorFlow's hp.hparams logs no session end");
      assertEquals("finished", keras.get("state").asText());
      assertEquals(200.0, keras.get("values").get("units").asDouble());

      // Lightning: its experiment names only the placeholder hp_metric; the losses it logged are metrics too
      JsonNode lstm = rows.get("Text-Generation-With-LSTM/lightning_logs/version_0");
      assertEquals(List.of("hp_metric", "train_loss", "val_loss"), names(lstm.get("metrics")));
      JsonNode val = lstm.get("stats").get("val_loss");
      assertTrue(val.get("min").asDouble() <= val.get("last").asDouble());
      assertTrue(val.get("last").asDouble() <= val.get("max").asDouble());
      assertTrue(val.get("min").asDouble() < val.get("max").asDouble(), val.toString());
      assertEquals(512.0, lstm.get("values").get("hidden_units").asDouble());

      Map<String, JsonNode> cols = columns(t);
      assertEquals("bool", cols.get("use_bn").get("type").asText());
      assertEquals("[false,true]", cols.get("use_bn").get("domain").toString());
      assertEquals("string", cols.get("optimizer").get("type").asText());
      assertEquals("[\"adam\",\"sgd\"]", cols.get("optimizer").get("domain").toString());
      assertEquals("number", cols.get("lr").get("type").asText());
      assertTrue(cols.get("lr").get("domain").isNull());
      assertEquals("[200.0,300.0,512.0]", cols.get("units").get("domain").toString(), "Keras' hp.Discrete");
      for (String m : List.of("hp_metric", "hparam/accuracy", "hparam/loss", "accuracy", "val_loss")) {
        assertEquals("metric", cols.get(m).get("kind").asText(), m);
      }
      // metrics come after every hyperparameter
      List<String> kinds = new ArrayList<>();
      t.get("columns").forEach(c -> kinds.add(c.get("kind").asText()));
      assertEquals(kinds.lastIndexOf("hparam") + 1, kinds.indexOf("metric"), kinds.toString());

      // the experiments: tensorboardX's trials (each logs its own copy) one, named by their folder;
      // Keras' by the run holding its experiment; each Lightning training its own
      String tbx = "gen-tensorboardX/hparams";
      String kerasExp = "keras-tf2-TensorBoard-Tutorial/archive/hparam_tuning";
      assertEquals(Map.of(tbx, 3, kerasExp, 1, "NeRF-from-scratch/lightning_logs", 1,
          "Text-Generation-With-LSTM/lightning_logs", 1), experiments(t));
      assertEquals(List.of("NeRF-from-scratch/lightning_logs", "Text-Generation-With-LSTM/lightning_logs", tbx, kerasExp),
          new ArrayList<>(experiments(t).keySet()), "by name");
      for (int i = 0; i < 3; i++) {
        assertEquals(tbx, rows.get(tbx + "/trial_" + i).get("experiment").asText());
      }
      assertEquals(kerasExp, keras.get("experiment").asText());
      assertEquals("Text-Generation-With-LSTM/lightning_logs", lstm.get("experiment").asText());
      assertEquals("NeRF-from-scratch/lightning_logs",
          rows.get("NeRF-from-scratch/lightning_logs/version_0").get("experiment").asText());
    }
  }

  /**
   * Experiments without an experiment summary above their sessions: a sweep whose trials each log
   * theirs with add_hparams (timestamped sub-runs of each trial's run) is one experiment named by
   * its folder; a second kind of trial in the same folder (other hparams) is told apart by its
   * hparam names; a lone session at the top level belongs to ".".
   */
  @Test
  void experimentsWithoutASummaryAbove_groupedByFolderAndHparamNames() throws Exception {
    Path logdir = tmp.resolve("logs");
    for (int i = 0; i < 3; i++) {
      try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("sweep/lr_" + i)).build()) {
        log.hparams(Map.of("lr", 0.1 * (i + 1), "batch", 32), Map.of("hparam/acc", 0.5 + 0.1 * i));
      }
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("sweep/wd_0")).build()) {
      log.hparams(Map.of("weight_decay", 0.01), Map.of("hparam/acc", 0.4));
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("solo")).build()) {
      log.hparamsSessionStart(Map.of("lr", 0.3));
    }
    try (Served s = Served.loaded(logdir)) {
      JsonNode t = hparams(s);
      assertEquals(Map.of(".", 1, "sweep [batch, lr]", 3, "sweep [weight_decay]", 1), experiments(t));
      Map<String, String> of = experimentOfRows(t);
      assertEquals("solo=.", of.entrySet().stream().filter(e -> e.getKey().startsWith("solo")).findFirst()
          .orElseThrow().toString());
      of.forEach((run, exp) -> {
        if (run.startsWith("sweep/lr_")) {
          assertEquals("sweep [batch, lr]", exp, run);
        } else if (run.startsWith("sweep/wd_")) {
          assertEquals("sweep [weight_decay]", exp, run);
        }
      });
      assertEquals(5, of.size(), of.toString());
    }
  }

  @Test
  void labelledTrainingRuns_lightningSessionsHaveTheirValidationMetrics() throws Exception {
    try (Served s = Served.loaded(Served.trainingRuns())) {
      JsonNode t = hparams(s);
      assertEquals(19, t.get("rows").size(), "19 runs in Lightning's layout");
      JsonNode r = byRun(t).get("run_01");
      assertEquals(0.9624999761581421, r.get("metrics").get("val_acc").asDouble(), "README: final val acc 0.9625");
      assertEquals(r.get("metrics").get("val_acc").asDouble(), r.get("metrics").get("hp_metric").asDouble());
      assertEquals(-1.0, r.get("stats").get("hp_metric").get("min").asDouble(), "Lightning's placeholder first");
    }
  }

  /**
   * Three experiments in one log directory: {@code a} (lr in an interval, optimizer from a list;
   * metric accuracy and the validation run's loss), {@code b} (lr again, dropout and use_bn; metric
   * loss) and {@code c}, one add_hparams-style trial in a timestamped sub-run of a training.
   */
  @Test
  void severalExperiments_unionOfColumns_eachSessionWithItsOwnMetricsStatsAndState() throws Exception {
    Path logdir = tmp.resolve("logs");
    InstantSource old = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L));
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("a")).clock(old).build()) {
      log.hparamsExperiment(
          List.of(HParam.interval("lr", 1e-4, 1e-1), HParam.discrete("optimizer", "sgd", "adam", "rmsprop")),
          List.of(HParamMetric.of("accuracy"),
              new HParamMetric("loss", "validation", "val loss", "", HParamMetric.Dataset.VALIDATION)));
    }
    double[][] accuracy = {{0.2, 0.9, 0.7}, {0.1, 0.3, 0.4}};
    for (int i = 0; i < 2; i++) {
      Path run = logdir.resolve("a").resolve("trial_" + i);
      try (SummaryWriter log = SummaryWriter.builder(run).clock(old).build()) {
        log.hparamsSessionStart(Map.of("lr", i == 0 ? 0.01 : 0.001, "optimizer", i == 0 ? "adam" : "sgd"));
        for (int step = 0; step < 3; step++) {
          log.scalar("accuracy", accuracy[i][step], step, 1_700_000_000.0 + step);
        }
        log.hparamsSessionEnd(i == 0 ? SessionStatus.SUCCESS : SessionStatus.FAILURE);
      }
      try (SummaryWriter log = SummaryWriter.builder(run.resolve("validation")).clock(old).build()) {
        log.scalar("loss", 2.0 - i, 0, 1_700_000_000.0);
        log.scalar("loss", 1.5 - i, 1, 1_700_000_001.0);
      }
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("b")).clock(old).build()) {
      log.hparamsExperiment(List.of(HParam.of("lr", HParam.Type.FLOAT64), HParam.of("dropout", HParam.Type.FLOAT64),
          HParam.of("use_bn", HParam.Type.BOOL)), List.of(HParamMetric.of("loss")));
    }
    double now = System.currentTimeMillis() / 1000.0;
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("b/old")).clock(old).build()) {
      log.hparamsSessionStart(Map.of("lr", 0.1, "dropout", 0.5, "use_bn", true));
      log.scalar("loss", 3.0, 0, 1_700_000_000.0);
      log.scalar("loss", Double.NaN, 1, 1_700_000_001.0);
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("b/resumed")).clock(old).build()) {
      log.hparamsSessionStart(Map.of("lr", 0.1, "dropout", 0.1, "use_bn", true));
      log.hparamsSessionEnd(SessionStatus.FAILURE);
      log.hparamsSessionStart(Map.of("lr", 0.05, "dropout", 0.1, "use_bn", true));
      log.scalar("loss", 1.0, 0, 1_700_000_000.0);
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("b/live")).build()) {
      log.hparamsSessionStart(Map.of("lr", 0.2, "dropout", 0.0, "use_bn", false));
      log.scalar("loss", 0.25, 0, now - 5);
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("c")).clock(old).build()) {
      log.scalar("train/loss", 1.0, 0, 1_700_000_000.0);
      log.hparams(Map.of("lr", 0.3, "optimizer", "adam", "layers", 4), Map.of("hparam/f1", 0.75));
    }

    try (Served s = Served.loaded(logdir)) {
      JsonNode t = hparams(s);
      Map<String, JsonNode> rows = byRun(t);
      assertEquals(6, rows.size(), rows.keySet().toString());

      JsonNode a0 = rows.get("a/trial_0");
      assertEquals(List.of("accuracy", "validation/loss"), names(a0.get("metrics")));
      assertEquals("[\"a/trial_0\",\"a/trial_0/validation\"]", a0.get("runs").toString());
      JsonNode acc = a0.get("stats").get("accuracy");
      assertEquals(0.7f, acc.get("last").asDouble(), 1e-7);
      assertEquals(0.2f, acc.get("min").asDouble(), 1e-7);
      assertEquals(0.9f, acc.get("max").asDouble(), 1e-7);
      assertEquals(2, acc.get("lastStep").asLong());
      assertEquals(1.5, a0.get("stats").get("validation/loss").get("last").asDouble());
      assertEquals(2.0, a0.get("stats").get("validation/loss").get("max").asDouble());
      assertEquals("finished", a0.get("state").asText());
      assertFalse(a0.get("stateInferred").asBoolean());
      JsonNode a1 = rows.get("a/trial_1");
      assertEquals("STATUS_FAILURE", a1.get("status").asText());
      assertEquals("failed", a1.get("state").asText());
      assertEquals(0.4f, a1.get("metrics").get("accuracy").asDouble(), 1e-7);

      JsonNode bOld = rows.get("b/old");
      assertEquals(List.of("loss"), names(bOld.get("metrics")), "b's metric only, not a's");
      assertEquals("NaN", bOld.get("metrics").get("loss").asText(), "the last value, NaN as logged");
      assertEquals(3.0, bOld.get("stats").get("loss").get("min").asDouble(), "min and max of the finite values");
      assertEquals(3.0, bOld.get("stats").get("loss").get("max").asDouble());
      assertEquals("finished", bOld.get("state").asText(), "no end logged, silent for years");
      assertTrue(bOld.get("stateInferred").asBoolean());
      assertTrue(bOld.get("values").get("use_bn").asBoolean());
      JsonNode resumed = rows.get("b/resumed");
      assertEquals("", resumed.get("status").asText(), "the failure ended the session before this one");
      assertEquals(0.05, resumed.get("values").get("lr").asDouble());
      JsonNode bLive = rows.get("b/live");
      assertEquals("running", bLive.get("state").asText(), "no end logged, written seconds ago");
      assertTrue(bLive.get("stateInferred").asBoolean());

      JsonNode c = null;
      for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
        if (e.getKey().startsWith("c/")) {
          c = e.getValue();
        }
      }
      assertNotNull(c, rows.keySet().toString());
      assertEquals(List.of("hparam/f1"), names(c.get("metrics")));
      assertEquals(0.75, c.get("metrics").get("hparam/f1").asDouble());
      assertEquals("c", c.get("runs").get(1).asText(), "add_hparams' sub-run and the training's run");
      assertEquals(4.0, c.get("values").get("layers").asDouble());

      // the union of the columns: hparams of every experiment and session, then every metric
      List<String> order = new ArrayList<>();
      t.get("columns").forEach(x -> order.add(x.get("kind").asText().charAt(0) + ":" + x.get("name").asText()));
      assertEquals(List.of("h:lr", "h:optimizer", "h:dropout", "h:use_bn", "h:layers",
          "m:accuracy", "m:validation/loss", "m:loss", "m:hparam/f1"), order);
      Map<String, JsonNode> cols = columns(t);
      assertEquals("[1.0E-4,0.1]", cols.get("lr").get("interval").toString());
      assertEquals("number", cols.get("lr").get("type").asText());
      assertEquals("[\"adam\",\"rmsprop\",\"sgd\"]", cols.get("optimizer").get("domain").toString(),
          "the declared values, rmsprop too, sorted");
      assertEquals("bool", cols.get("use_bn").get("type").asText());
      assertEquals("[false,true]", cols.get("use_bn").get("domain").toString());
      assertEquals("val loss", cols.get("validation/loss").get("displayName").asText());
      assertEquals(List.of("lr", "optimizer", "dropout", "use_bn", "layers"),
          JSON.convertValue(t.get("hparams"), List.class));

      // three experiments, though a and b share the column lr and the metric name loss: a and b by
      // the runs holding their experiments; c's add_hparams session, which logs its own, by the
      // folder holding c
      assertEquals(Map.of("a", 2, "b", 3, ".", 1), experiments(t));
      Map<String, String> of = experimentOfRows(t);
      assertEquals("a", of.get("a/trial_0"));
      assertEquals("a", of.get("a/trial_1"));
      assertEquals("b", of.get("b/old"));
      assertEquals("b", of.get("b/resumed"));
      assertEquals("b", of.get("b/live"));
      assertEquals(".", c.get("experiment").asText());
    }
  }
}
