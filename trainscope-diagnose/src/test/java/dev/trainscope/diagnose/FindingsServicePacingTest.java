package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FindingsServicePacingTest {

  /**
   * A background pass that took d waits until PAUSE_FACTOR x d have passed from its start: a
   * second pass asked for sooner does not run (it reads the clock once and returns), one asked for
   * later does (it reads the clock before and after the examination).
   */
  @Test
  void backgroundPassesWaitFiveTimesTheirDuration(@TempDir Path logdir) throws Exception {
    AtomicLong now = new AtomicLong();
    AtomicInteger reads = new AtomicInteger();
    // every read of the clock moves it on by 1,000 ns: a pass (two reads) lasts 1,000 ns
    java.util.function.LongSupplier clock = () -> {
      reads.incrementAndGet();
      return now.addAndGet(1_000);
    };
    try (RunStore store = RunStore.builder().logdir(logdir.toString()).reloadInterval(Duration.ZERO).build();
         FindingsService service = new FindingsService(store, Doctor.defaults(), TimeUnit.DAYS.toMillis(1), clock)) {
      // the worker's first pass runs at once (dirty from the start): the constructor's read and its two
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (reads.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(3, reads.get(), "the first background pass ran");
      // it started at 2,000 and ended at 3,000: the next may start at 2,000 + 5 x 1,000
      service.stepsAdded("a run", "loss", 1);
      service.refreshIfDirty(); // at 4,000
      assertEquals(4, reads.get(), "too soon: skipped after one look at the clock");
      now.set(10_000);
      service.refreshIfDirty(); // at 11,000, still dirty from the first call
      assertEquals(6, reads.get(), "late enough: examined, timed from before to after");
      service.stepsAdded("a run", "loss", 2);
      service.refreshIfDirty(); // at 13,000: the last pass allows the next at 16,000
      assertEquals(7, reads.get());
      now.set(20_000);
      service.refreshIfDirty();
      assertEquals(9, reads.get());
      service.refreshIfDirty(); // at 23,000, before 21,000 + 5 x 1,000: skipped
      assertEquals(10, reads.get());
      assertTrue(service.findings().isEmpty(), "an empty log directory has no findings");
    }
  }
}
