package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The diagnosis on real PyTorch runs written in the Keras-callback and Lightning layouts,
 * labelled with the fault injected into each ({@code ../shared/data/training-runs}): every faulty
 * run's verdict names its cause first, localised to a layer where the fault sits in one, and no
 * healthy run gets a warning. This is the development set the rules were tuned on (the held-out
 * score is in BENCHMARKS.md); the test keeps what it reached from slipping.
 */
class LabelledRunsTest {
  static Path corpus;
  static RunStore store;
  static Map<String, JsonNode> labels = new TreeMap<>();
  static Map<String, Examination> byRun = new TreeMap<>();

  @BeforeAll
  static void load() throws Exception {
    corpus = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data").resolve("training-runs");
    assertTrue(Files.isRegularFile(corpus.resolve("labels.json")), "the labelled runs of ../shared are missing: "
        + corpus.toAbsolutePath() + " (CI has them beside the checkout; -Dtrainscope.shared=DIR points elsewhere)");
    new ObjectMapper().readTree(corpus.resolve("labels.json").toFile()).fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue()));
    store = RunStore.builder().logdir(corpus).reloadInterval(Duration.ZERO).build();
    store.reload();
    for (Examination e : Doctor.defaults().examine(store)) {
      String run = e.subject().contains("/") ? e.subject().substring(0, e.subject().indexOf('/')) : e.subject();
      byRun.put(run, e);
    }
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void everyFaultyRun_namesItsCauseFirst() {
    List<String> wrong = new ArrayList<>();
    int faulty = 0;
    for (Map.Entry<String, JsonNode> l : labels.entrySet()) {
      String fault = l.getValue().get("fault").asText();
      if (fault.equals("healthy")) {
        continue;
      }
      faulty++;
      Verdict v = byRun.get(l.getKey()).verdict();
      if (!KnownFaults.rightRoot(fault, v)) {
        wrong.add(l.getKey() + " " + fault + ": root " + (v.root() == null ? "none" : v.root().rule()));
      }
      if (KnownFaults.LAYERED.contains(fault) && v.root() != null && KnownFaults.rightRoot(fault, v)
          && !fault.equals("exploding")) {
        assertTrue(!v.root().layer().isEmpty(), l.getKey() + " " + fault + " is localised to a layer: " + v.root());
      }
    }
    assertEquals(24, faulty, "18 main faults and 6 extra ones");
    assertEquals(List.of(), wrong);
  }

  @Test
  void noHealthyRun_getsAWarning() {
    List<String> alarms = new ArrayList<>();
    for (Map.Entry<String, JsonNode> l : labels.entrySet()) {
      if (l.getValue().get("fault").asText().equals("healthy") && !byRun.get(l.getKey()).verdict().healthy()) {
        alarms.add(l.getKey() + ": " + byRun.get(l.getKey()).findings());
      }
    }
    assertEquals(List.of(), alarms);
  }

  @Test
  void lightningsDoubleEpochLog_isNoRestart_butTheRestartedRunIs() {
    assertTrue(byRun.get("run_01").verdict().notes().isEmpty(), byRun.get("run_01").verdict().notes().toString());
    assertEquals("restarted", byRun.get("run_39").verdict().notes().get(0).rule(), "healthy (restarted) is noted");
  }

  @Test
  void eachConvention_isReadAsOneTraining_withTheRightRoles() {
    // Keras: train/ and validation/ of one run; Lightning: one file whose tags say their split
    Examination keras = byRun.get("run_17");
    assertEquals(List.of("run_17/train", "run_17/validation"), keras.runs());
    assertTrue(keras.roles().stream().anyMatch(t -> t.tag().equals("epoch_loss")
        && t.split() == dev.trainscope.events.meaning.Split.VALIDATION && t.source().equals("name: Keras")));
    Examination lightning = byRun.get("run_32");
    assertTrue(lightning.roles().stream().anyMatch(t -> t.tag().equals("grad_2.0_norm/model.0.weight")
        && t.role() == dev.trainscope.events.meaning.Role.GRAD_NORM && t.layer().equals("model.0")));
    assertTrue(lightning.roles().stream().anyMatch(t -> t.tag().equals("epoch")
        && t.role() == dev.trainscope.events.meaning.Role.EPOCH));
  }
}
