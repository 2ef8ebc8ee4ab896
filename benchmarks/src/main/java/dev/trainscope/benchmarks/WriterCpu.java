package dev.trainscope.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.trainscope.writer.SummaryWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * CPU time per scalar of the writer's background thread and of the whole process, for N scalars
 * logged as {@link WriterBenchmark} logs them (four tags in turn) then flushed, ten rounds in one
 * JVM, the first two printed as warm-up. CPU time is steadier than wall time on a machine shared
 * with other work: it leaves out the time the threads wait for a core.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.trainscope.benchmarks.WriterCpu 10000000}
 */
public final class WriterCpu {
  private static final int ROUNDS = 10;
  private static final int WARMUP = 2;

  private WriterCpu() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createTempDirectory("trainscope-writer-cpu");
      long process0 = os.getProcessCpuTime();
      long writerThread = 0;
      try (SummaryWriter w = SummaryWriter.create(dir)) {
        long step = 0;
        for (int i = 0; i < n; i++) {
          w.scalar(WriterBenchmark.TAGS[i & 3], i * 0.001, step);
          if ((i & 3) == 3) {
            step++;
          }
        }
        w.flush();
        for (long id : threads.getAllThreadIds()) {
          ThreadInfo info = threads.getThreadInfo(id);
          if (info != null && info.getThreadName().startsWith("trainscope-writer-")
              && !info.getThreadName().endsWith("-shutdown")) {
            writerThread += threads.getThreadCpuTime(id);
          }
        }
      }
      long process = os.getProcessCpuTime() - process0;
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      System.out.printf("%s process %.1f ns/scalar  writer-thread %.1f ns/scalar%n", round < WARMUP ? "warm-up" : "measured",
          (double) process / n, (double) writerThread / n);
    }
  }
}
