package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * TensorFlow's legacy histogram ({@code tensorboard/compat/proto/histogram.proto}).
 *
 * <pre>
 * message HistogramProto {
 *   double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
 *   repeated double bucket_limit = 6 [packed = true];   // right edge of bucket i
 *   repeated double bucket = 7 [packed = true];         // count in bucket i
 * }
 * </pre>
 *
 * Bucket i covers {@code (bucket_limit[i-1], bucket_limit[i]]}; bucket 0 starts at -infinity.
 */
public record HistogramProto(
    double min, double max, double num, double sum, double sumSquares, double[] bucketLimit, double[] bucket)
    implements SummaryValue.Kind {

  public HistogramProto {
    Objects.requireNonNull(bucketLimit, "bucketLimit");
    Objects.requireNonNull(bucket, "bucket");
  }

  /** Reads one HistogramProto from its bytes (without a length prefix). */
  public static HistogramProto parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one HistogramProto from {@code length} bytes at {@code offset}. */
  public static HistogramProto parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static HistogramProto decode(ProtoReader r) {
    double min = 0, max = 0, num = 0, sum = 0, sumSq = 0;
    ProtoReader.DoubleList limits = new ProtoReader.DoubleList();
    ProtoReader.DoubleList counts = new ProtoReader.DoubleList();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.I64, "min"); min = r.readDouble(); break;
        case 2: r.expect(t, ProtoReader.I64, "max"); max = r.readDouble(); break;
        case 3: r.expect(t, ProtoReader.I64, "num"); num = r.readDouble(); break;
        case 4: r.expect(t, ProtoReader.I64, "sum"); sum = r.readDouble(); break;
        case 5: r.expect(t, ProtoReader.I64, "sum_squares"); sumSq = r.readDouble(); break;
        case 6: r.readDoubles(t, limits); break;
        case 7: r.readDoubles(t, counts); break;
        default: r.skipField(t);
      }
    }
    return new HistogramProto(min, max, num, sum, sumSq, limits.toArray(), counts.toArray());
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeDoubleField(1, min);
    w.writeDoubleField(2, max);
    w.writeDoubleField(3, num);
    w.writeDoubleField(4, sum);
    w.writeDoubleField(5, sumSquares);
    w.writePackedDoubles(6, bucketLimit);
    w.writePackedDoubles(7, bucket);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistogramProto h
        && Double.compare(min, h.min) == 0 && Double.compare(max, h.max) == 0
        && Double.compare(num, h.num) == 0 && Double.compare(sum, h.sum) == 0
        && Double.compare(sumSquares, h.sumSquares) == 0
        && Arrays.equals(bucketLimit, h.bucketLimit) && Arrays.equals(bucket, h.bucket);
  }

  @Override
  public int hashCode() {
    return Objects.hash(min, max, num, sum, sumSquares) * 31 * 31
        + Arrays.hashCode(bucketLimit) * 31 + Arrays.hashCode(bucket);
  }

  @Override
  public String toString() {
    return "HistogramProto[min=" + min + ", max=" + max + ", num=" + num + ", sum=" + sum
        + ", sumSquares=" + sumSquares + ", buckets=" + bucket.length + "]";
  }
}
