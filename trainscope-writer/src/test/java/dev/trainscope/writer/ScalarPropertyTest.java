package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random scalar sequences, written and read back: the file holds exactly the calls, in order. */
class ScalarPropertyTest {

  record Call(String tag, double value, long step, double wall) {}

  @Provide
  Arbitrary<List<Call>> calls() {
    Arbitrary<String> tags = Arbitraries.oneOf(
        Arbitraries.of("loss", "train/acc", "val/loss", "über/λ", "🔥"),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(200));
    Arbitrary<Double> values = Arbitraries.oneOf(
        Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE,
            Double.MAX_VALUE, (double) Float.MAX_VALUE, 1e39));
    Arbitrary<Long> steps = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-2, 300));
    Arbitrary<Double> walls = Arbitraries.oneOf(Arbitraries.just(-1.0), Arbitraries.doubles().between(-1e10, 1e10));
    return Combinators.combine(tags, values, steps, walls).as(Call::new).list().ofMaxSize(300);
  }

  @Property(tries = 40)
  void scalars_writtenThenRead_equalTheCalls(@ForAll("calls") List<Call> calls) throws IOException {
    Path dir = Files.createTempDirectory("scalar-props");
    try {
      try (SummaryWriter w = SummaryWriter.builder(dir).clock(() -> Instant.ofEpochSecond(1_600_000_000L))
          .queueCapacity(16).build()) {
        for (Call c : calls) {
          if (c.wall() == -1.0) {
            w.scalar(c.tag(), c.value(), c.step());
          } else {
            w.scalar(c.tag(), c.value(), c.step(), c.wall());
          }
        }
      }
      List<Event> events = Read.events(Read.onlyEventFile(dir));
      assertEquals(calls.size() + 1, events.size());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        Event e = events.get(i + 1);
        assertEquals(c.step(), e.step());
        assertEquals(c.wall() == -1.0 ? 1.6e9 : c.wall(), e.wallTime());
        SummaryValue v = e.summary().values().get(0);
        String tag = utf8RoundTrip(c.tag());
        assertEquals(tag, v.tag());
        assertEquals(Float.floatToIntBits((float) c.value()),
            Float.floatToIntBits(((TensorProto) v.value()).floatVal()[0]));
        if (seen.add(tag)) {
          assertNotNull(v.metadata(), "first value of " + tag);
        } else {
          assertNull(v.metadata(), "later value of " + tag);
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  /** The tag as written: UTF-8 turns each lone surrogate into '?'. */
  private static String utf8RoundTrip(String s) {
    return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
  }
}
