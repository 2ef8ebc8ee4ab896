package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value logged again at the last step (Lightning logs its epoch counter twice at every epoch's
 * end) replaces the held one, as in TensorBoard, and is no restart; a step that goes back is.
 */
class SameStepRewriteTest {
  @Test
  void valueAgainAtTheLastStep_isARewrite_aStepGoingBackIsARestart(@TempDir Path dir) throws Exception {
    List<dev.trainscope.events.proto.Event> events = new ArrayList<>();
    for (long s = 9; s < 100; s += 10) {
      events.add(TestEvents.scalar("epoch", s, s / 40));
      if (s % 40 == 39) {
        events.add(TestEvents.scalar("epoch", s, s / 40)); // the epoch's end: logged again
      }
      events.add(TestEvents.scalar("loss", s, 1f / s));
    }
    events.add(TestEvents.scalar("loss", 50, 0.5f)); // resumed from an older checkpoint
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), events);
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      TagInfo epoch = store.tag("run", "epoch");
      assertEquals(10, epoch.count());
      assertEquals(0, epoch.droppedByRestart());
      assertEquals(2, epoch.rewrittenAtStep());
      TagInfo loss = store.tag("run", "loss");
      assertEquals(5 + 1, loss.count());
      assertEquals(5, loss.droppedByRestart(), "steps 50..99 replaced by the resumed run");
      assertEquals(5, store.run("run").droppedByRestart());
    }
  }
}
