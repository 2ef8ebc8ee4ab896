package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

/**
 * The fuzz tests' stand-in for a native fuzzer's malloc limit: what one input may make the
 * decoders allocate (on the calling thread), a fixed 16 MB plus 256 bytes per input byte. A
 * decoder that believes a size declared in the input allocates far more; the small heap of the
 * fuzzing run only catches what it cannot hold at all.
 */
final class AllocationBudget {
  private AllocationBudget() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs the decoding of an input of {@code inputLength} bytes and checks what it allocated. Over
   * the budget, it runs it again and checks that: the first use of a class (loading, initialising)
   * allocates on the thread too, the same input twice does not.
   */
  static void within(int inputLength, Runnable decode) {
    long budget = (16L << 20) + 256L * inputLength;
    if (allocatedBy(decode) > budget) {
      long again = allocatedBy(decode);
      assertTrue(again <= budget, () -> again + " bytes allocated for one input, more than the " + budget + " allowed");
    }
  }

  private static long allocatedBy(Runnable r) {
    long start = THREADS.getCurrentThreadAllocatedBytes();
    r.run();
    return THREADS.getCurrentThreadAllocatedBytes() - start;
  }
}
