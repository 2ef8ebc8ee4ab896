package dev.trainscope.benchmarks;

import dev.trainscope.data.LoadProgress;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import dev.trainscope.data.ScalarBuckets;
import dev.trainscope.data.StoreListener;
import dev.trainscope.data.TagInfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A whole-process benchmark of the run store: loads a log directory as {@code trainscope serve}
 * does and reports, on one line each: the time until the first run is queryable (a scalar query
 * answers with data), the time to load everything, scalar events per second, the bytes per scalar
 * point the store holds (its own accounting, and the heap used after a full GC over the points),
 * and the process's resident memory; and the load's pace in each half second, with the rate after
 * the first three seconds, when the JIT compiler has done its main work.
 *
 * <p>{@code java -Xmx16g -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.LoadLogdir DIR}
 *
 * <p>DIR may be {@code s3://BUCKET/PREFIX} (endpoint and keys from the AWS_* variables, as {@code
 * trainscope serve} reads them); the requests made and bytes fetched are then reported too
 * ({@code benchmarks/s3-load.sh} compares such a load with one from disk).
 */
public final class LoadLogdir {
  private LoadLogdir() {}

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    long heapBefore = usedHeapAfterGc();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    AtomicLong firstData = new AtomicLong();
    CountDownLatch firstRun = new CountDownLatch(1);
    RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
    long firstRequests = 0;
    store.addListener(new StoreListener() {
      @Override
      public void stepsAdded(String run, String tag, long lastStep) {
        if (firstData.compareAndSet(0, System.nanoTime())) {
          firstRun.countDown();
        }
      }
    });
    Thread loader = new Thread(() -> {
      try {
        store.reload();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    loader.start();
    // the load's pace every half second (bytes read so far), to see the JIT's warm-up
    List<long[]> pace = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread sampler = new Thread(() -> {
      try {
        while (loader.isAlive()) {
          Thread.sleep(500);
          pace.add(new long[] {System.nanoTime(), store.progress().bytesRead()});
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    firstRun.await(600, TimeUnit.SECONDS);
    // the first run is queryable once a query over it answers with data
    long queryable = 0;
    while (queryable == 0) {
      for (RunInfo r : store.runs()) {
        TagInfo scalar = store.tags(r.name()).stream().filter(t -> t.kind() == dev.trainscope.data.TagKind.SCALAR)
            .findFirst().orElse(null);
        if (scalar != null) {
          ScalarBuckets b = store.scalarBuckets(r.name(), scalar.tag(), Long.MIN_VALUE, Long.MAX_VALUE, 100);
          if (b.size() > 0) {
            queryable = System.nanoTime();
            break;
          }
        }
      }
      if (queryable == 0) {
        Thread.sleep(1);
      }
    }
    firstRequests = store.traffic().requests();
    loader.join();
    long loaded = System.nanoTime();
    long cpu = os.getProcessCpuTime() - cpuStart;
    long points = 0;
    long events = 0;
    for (RunInfo r : store.runs()) {
      events += r.events();
      for (TagInfo t : store.tags(r.name())) {
        points += t.count();
      }
    }
    LoadProgress p = store.progress();
    long heapAfter = usedHeapAfterGc();
    double seconds = (loaded - start) / 1e9;
    System.out.printf(Locale.ROOT, "logdir            %s (%d runs, %,.0f MB)%n", dir, store.runs().size(), p.bytesKnown() / 1e6);
    System.out.printf(Locale.ROOT, "first run queryable  %.3f s%n", (queryable - start) / 1e9);
    System.out.printf(Locale.ROOT, "loaded everything    %.2f s (%,d events, %,d scalar points)%n", seconds, events, points);
    System.out.printf(Locale.ROOT, "load throughput      %.1f M events/s, %.0f MB/s%n", events / seconds / 1e6,
        p.bytesRead() / seconds / 1e6);
    double eventsPerByte = (double) events / p.bytesRead();
    StringBuilder line = new StringBuilder();
    long prevT = start;
    long prevB = 0;
    long warmT = 0;
    long warmB = 0;
    for (long[] s : pace) {
      line.append(String.format(Locale.ROOT, " %.0f", (s[1] - prevB) * eventsPerByte / ((s[0] - prevT) / 1e9) / 1e6));
      if (warmT == 0 && s[0] - start >= 3_000_000_000L) {
        warmT = s[0];
        warmB = s[1];
      }
      prevT = s[0];
      prevB = s[1];
    }
    System.out.printf(Locale.ROOT, "pace                 M events/s in each half second:%s%n", line);
    if (warmT > 0 && loaded > warmT) {
      System.out.printf(Locale.ROOT, "after the first 3 s  %.1f M events/s (the JIT warmed up)%n",
          (p.bytesRead() - warmB) * eventsPerByte / ((loaded - warmT) / 1e9) / 1e6);
    }
    System.out.printf(Locale.ROOT, "storage traffic      %,d requests (%,d by the first queryable run), %,.1f MB fetched%n",
        store.traffic().requests(), firstRequests, store.traffic().bytes() / 1e6);
    System.out.printf(Locale.ROOT, "cpu time             %.2f s (%.2f cores busy on average; user and system, GC included)%n",
        cpu / 1e9, cpu / 1e9 / seconds);
    System.out.printf(Locale.ROOT, "store accounting     %.2f bytes per scalar point%n", (double) store.memoryBytes() / points);
    System.out.printf(Locale.ROOT, "heap after GC        %.2f bytes per scalar point (%,.0f MB)%n",
        (double) (heapAfter - heapBefore) / points, (heapAfter - heapBefore) / 1e6);
    System.out.printf(Locale.ROOT, "resident memory      %,.0f MB (VmRSS), peak %,.0f MB (VmHWM)%n", status("VmRSS:") / 1e3,
        status("VmHWM:") / 1e3);
    store.close();
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }

  /** A kB figure from /proc/self/status. */
  static long status(String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }
}
