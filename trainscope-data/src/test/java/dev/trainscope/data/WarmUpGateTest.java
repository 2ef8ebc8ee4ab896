package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class WarmUpGateTest {

  /** Compile time that grows as fast as the wall clock: a compiler busy all the time. */
  private static LongSupplier busyCompiler() {
    long start = System.nanoTime();
    return () -> (System.nanoTime() - start) / 1_000_000;
  }

  private static Thread enterInBackground(WarmUpGate gate, AtomicBoolean counted, CountDownLatch entered) {
    Thread t = new Thread(() -> {
      counted.set(gate.enter());
      entered.countDown();
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void twoCores_busyCompiler_secondLoaderWaitsForTheFirst() throws Exception {
    WarmUpGate gate = new WarmUpGate(2, 2, busyCompiler(), new WarmUpGate.Jit(), 60_000);
    assertTrue(gate.enter(), "the first loader goes at once, counted");
    AtomicBoolean counted = new AtomicBoolean();
    CountDownLatch entered = new CountDownLatch(1);
    enterInBackground(gate, counted, entered);
    assertFalse(entered.await(400, TimeUnit.MILLISECONDS), "the second waits while the compiler is busy");
    gate.exit();
    assertTrue(entered.await(2, TimeUnit.SECONDS), "and goes when the first is done");
    assertTrue(counted.get());
  }

  @Test
  void quietCompiler_opensTheGateForEveryone_andForLaterGatesOfTheProcess() throws Exception {
    AtomicLong compile = new AtomicLong(); // no compile time grows: quiet
    WarmUpGate.Jit jit = new WarmUpGate.Jit();
    WarmUpGate gate = new WarmUpGate(2, 2, compile::get, jit, 60_000);
    assertTrue(gate.enter());
    AtomicBoolean counted = new AtomicBoolean(true);
    CountDownLatch entered = new CountDownLatch(1);
    enterInBackground(gate, counted, entered);
    assertTrue(entered.await(2, TimeUnit.SECONDS), "opens after a few samples, the first still loading");
    assertFalse(counted.get(), "an open gate counts nobody");
    assertTrue(jit.warm);
    WarmUpGate later = new WarmUpGate(2, 2, busyCompiler(), jit, 60_000);
    assertFalse(later.enter(), "a warm process holds nobody");
    assertFalse(later.enter());
  }

  @Test
  void busyCompiler_gateOpensAfterTheLongestHold() throws Exception {
    WarmUpGate gate = new WarmUpGate(2, 2, busyCompiler(), new WarmUpGate.Jit(), 300);
    assertTrue(gate.enter());
    long t0 = System.nanoTime();
    AtomicBoolean counted = new AtomicBoolean(true);
    CountDownLatch entered = new CountDownLatch(1);
    enterInBackground(gate, counted, entered);
    assertTrue(entered.await(3, TimeUnit.SECONDS));
    long waited = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(waited >= 250, "held until the limit, " + waited + " ms");
    assertFalse(counted.get());
  }

  @Test
  void enoughCores_orNoCompileTimes_holdNobody() {
    // 4 cores leave one to the compiler with 2 loaders running
    WarmUpGate roomy = new WarmUpGate(2, 4, busyCompiler(), new WarmUpGate.Jit(), 60_000);
    assertFalse(roomy.enter());
    assertFalse(roomy.enter());
    WarmUpGate blind = new WarmUpGate(2, 2, null, new WarmUpGate.Jit(), 60_000);
    assertFalse(blind.enter());
    assertFalse(blind.enter());
    WarmUpGate single = new WarmUpGate(1, 2, busyCompiler(), new WarmUpGate.Jit(), 60_000);
    assertFalse(single.enter(), "one loader: nothing to hold back");
  }

  @Test
  void manyCores_holdOnlyOneLoaderBack() throws Exception {
    WarmUpGate gate = new WarmUpGate(8, 8, busyCompiler(), new WarmUpGate.Jit(), 60_000);
    int counted = 0;
    for (int i = 0; i < 7; i++) {
      counted += gate.enter() ? 1 : 0;
    }
    assertEquals(7, counted, "seven of eight go at once");
    AtomicBoolean eighth = new AtomicBoolean();
    CountDownLatch entered = new CountDownLatch(1);
    enterInBackground(gate, eighth, entered);
    assertFalse(entered.await(300, TimeUnit.MILLISECONDS));
    gate.exit();
    assertTrue(entered.await(2, TimeUnit.SECONDS));
  }
}
