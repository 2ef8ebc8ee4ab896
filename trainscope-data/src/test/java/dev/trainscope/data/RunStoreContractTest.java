package dev.trainscope.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store meets the {@link LogdirData} contract. */
class RunStoreContractTest extends LogdirDataContract {
  private static RunStore store;

  @BeforeAll
  static void load() throws InterruptedException {
    store = FixtureQueriesTest.open(FIXTURE);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Override
  LogdirData data() {
    return store;
  }
}
