package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import dev.trainscope.events.proto.SummaryMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tags the listener writes, the steps it writes them at and their kind, for a short training
 * that reaches every cadence (scalars every step, histograms every 3, pictures every 4, two
 * validation passes, the final snapshot, the feature views on both passes), against the list the
 * listener wrote before it was split into probes ({@code listener-tags.txt}, recorded from the
 * listener of commit ebf0f4b on the same seed). The list this run wrote, with a digest of each
 * value, is left in {@code target/listener-tags.actual.txt} to compare by hand.
 */
class ListenerTagsUnchangedTest {
  @TempDir
  Path dir;
  TrainscopeListener listener;

  @Test
  void aShortTraining_writesTheSameTagsAtTheSameStepsAsBeforeTheProbes() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset trainSet = Fixture.dataset(manager, 0, 7 * 32, true, 32, true);
      ArrayDataset valSet = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 64, true, 32, false);
      listener = TrainscopeListener.builder(dir)
              .histogramsEvery(3)
              .imagesEvery(4)
              .probeSize(8)
              .learningRate(Fixture.LR)
              .classNames(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
              .hparams(Map.of("lr", 1e-3, "model", "small"))
              .featureChannels(2)
              .featureViewsBudget(1)
              .build();
      Fixture.train(Fixture.smallCnn(), 11, 2, trainSet, valSet, new Shape(32, 1, 28, 28),
          model -> List.of(listener));
    }
    Logs logs = Logs.read(dir);
    List<String> withDigests = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (Map.Entry<String, List<Logs.Value>> e : logs.byTag.entrySet()) {
      SummaryMetadata md = logs.metadata.get(e.getKey());
      String plugin = md == null || md.pluginName().isEmpty() ? "-" : md.pluginName();
      for (Logs.Value v : e.getValue()) {
        String line = e.getKey() + " " + v.step() + " " + plugin + " " + v.value().value().getClass().getSimpleName();
        actual.add(line);
        withDigests.add(line + " " + Integer.toHexString(v.value().value().hashCode()));
      }
    }
    actual.add("graph " + logs.graphs.size());
    withDigests.add("graph " + logs.graphs.size());
    actual.sort(null);
    withDigests.sort(null);
    Files.write(Path.of("target", "listener-tags.actual.txt"), withDigests, StandardCharsets.UTF_8);
    List<String> expected;
    try (InputStream in = getClass().getResourceAsStream("listener-tags.txt")) {
      if (in == null) {
        throw new IOException("no test resource listener-tags.txt next to " + getClass().getName());
      }
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertEquals(String.join("\n", expected), String.join("\n", actual));
    // every tag but the hparams plugin's own is described by the probe that writes it, before it is written
    Set<String> written = new TreeSet<>(logs.byTag.keySet());
    written.removeIf(t -> t.startsWith("_hparams_/"));
    assertEquals(written, new TreeSet<>(listener.describedTags()));
  }
}
