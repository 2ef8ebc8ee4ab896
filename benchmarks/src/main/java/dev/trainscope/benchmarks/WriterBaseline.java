package dev.trainscope.benchmarks;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32C;

/**
 * The straightforward design {@code WriterBenchmark} compares the SummaryWriter with: an {@link
 * ArrayBlockingQueue} of {@link Event} objects (one allocated per call, the queue's lock taken by
 * both sides), a consumer that drains it in batches with {@code drainTo}, encodes each event with
 * trainscope-events' generic encoder, frames it and writes the batch through a FileChannel when the
 * queue runs empty, as the SummaryWriter does.
 */
final class WriterBaseline implements AutoCloseable {
  private static final Object CLOSE = new Object();
  private static final SummaryMetadata SCALARS =
      SummaryMetadata.forPlugin(PluginNames.SCALARS, new byte[0], SummaryMetadata.DATA_CLASS_SCALAR);

  private final ArrayBlockingQueue<Object> queue;
  private final FileChannel channel;
  private final Thread consumer;
  private final Set<String> tagsWithMetadata = new HashSet<>();

  WriterBaseline(Path file, int capacity) throws IOException {
    queue = new ArrayBlockingQueue<>(capacity);
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    consumer = new Thread(this::consume, "baseline-writer");
    consumer.setDaemon(true);
    consumer.start();
  }

  void scalar(String tag, double value, long step) {
    double wall = System.currentTimeMillis() / 1000.0;
    put(new Event(wall, step, Summary.of(SummaryValue.of(tag, null, TensorProto.scalar((float) value))), null));
  }

  void flush() {
    CountDownLatch done = new CountDownLatch(1);
    put(done);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void put(Object o) {
    try {
      queue.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void consume() {
    List<Object> batch = new ArrayList<>(4096);
    CRC32C crc = new CRC32C();
    byte[] out = new byte[1 << 20];
    int pos = 0;
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, 4095);
        for (Object o : batch) {
          if (o instanceof Event e) {
            Summary s = e.summary();
            SummaryValue v = s.values().get(0);
            if (tagsWithMetadata.add(v.tag())) {
              e = new Event(e.wallTime(), e.step(), Summary.of(SummaryValue.of(v.tag(), SCALARS, v.value())), null);
            }
            byte[] data = e.toByteArray();
            if (pos + TfRecordFormat.framedLength(data.length) > out.length) {
              write(out, pos);
              pos = 0;
            }
            pos = TfRecordFormat.frame(crc, data, 0, data.length, out, pos);
          } else {
            write(out, pos);
            pos = 0;
            if (o == CLOSE) {
              channel.close();
              return;
            }
            ((CountDownLatch) o).countDown();
          }
        }
        batch.clear();
        if (queue.isEmpty()) {
          write(out, pos);
          pos = 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(byte[] out, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(out, 0, len);
    while (bb.hasRemaining()) {
      channel.write(bb);
    }
  }

  @Override
  public void close() throws InterruptedException {
    put(CLOSE);
    consumer.join();
  }
}
