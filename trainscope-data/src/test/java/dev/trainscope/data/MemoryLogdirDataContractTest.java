package dev.trainscope.data;

import org.junit.jupiter.api.BeforeAll;

/**
 * A copy of the store made through {@link LogdirData} alone meets the same contract: the interface
 * carries everything its readers ask for.
 */
class MemoryLogdirDataContractTest extends LogdirDataContract {
  private static MemoryLogdirData copy;

  @BeforeAll
  static void load() throws Exception {
    try (RunStore store = FixtureQueriesTest.open(FIXTURE)) {
      copy = MemoryLogdirData.copyOf(store);
    }
  }

  @Override
  LogdirData data() {
    return copy;
  }
}
