package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import dev.trainscope.data.S3Server;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A board over two buckets of a real S3 API (S3Proxy on loopback), one of which does not exist:
 * the runs of the other are listed, and the top bar says what cannot be read, with its URL, until
 * the bucket is there; then the problem is gone and its runs appear.
 */
@ExtendWith(Chromium.Tests.class)
class S3ProblemsBrowserTest {
  @TempDir static Path dir;
  static S3Server s3;
  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    s3 = S3Server.start(dir);
    s3.createBucket("logs");
    s3.putTree(Served.testdata().resolve("gen-tensorboardX/hparams"), "logs", "team");
    for (String[] p : s3.systemProperties()) {
      System.setProperty(p[0], p[1]);
    }
    RunStore store = RunStore.builder().logdirSpec("ok:s3://logs/team,late:s3://late-bucket/runs")
        .reloadInterval(Duration.ofMillis(300)).build();
    served = Served.live(store, Duration.ofMillis(300));
  }

  @AfterAll
  static void stop() throws Exception {
    served.close();
    for (String[] p : s3.systemProperties()) {
      System.clearProperty(p[0]);
    }
    s3.close();
  }

  @Test
  void missingBucket_shownInTheTopBarWithItsUrl_otherRunsListed_clearedWhenTheBucketIsThere() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      p.page.waitForFunction("() => !document.getElementById('storage-problems').hidden");
      String shown = p.locator("#storage-problems").textContent();
      assertTrue(shown.contains("s3://late-bucket/runs") && shown.contains("bucket 'late-bucket' does not exist"), shown);
      p.page.waitForFunction("() => document.getElementById('progress').textContent.includes('run')");
      assertTrue(served.store.runs().size() >= 2, served.store.runs().toString());
      assertTrue(p.locator("#progress").textContent().contains(served.store.runs().size() + " runs"),
          p.locator("#progress").textContent());

      s3.createBucket("late-bucket");
      s3.putTree(Served.testdata().resolve("gen-tensorboardX/hparams/trial_0"), "late-bucket", "runs/a");
      p.page.waitForFunction("() => document.getElementById('storage-problems').hidden");
      assertEquals("", p.locator("#storage-problems").textContent());
      p.page.waitForFunction("() => document.body.textContent.includes('late/a')");
      assertEquals(java.util.List.of(), p.pageErrors);
    }
  }
}
