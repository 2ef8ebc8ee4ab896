package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import java.util.ArrayList;
import java.util.List;

/**
 * What a graph view needs from a {@code RunMetadata}: per node, where and how long it ran and how
 * much memory it took.
 *
 * <pre>
 * message RunMetadata { StepStats step_stats = 1; }   StepStats { repeated DeviceStepStats dev_stats = 1; }
 * message DeviceStepStats { string device = 1; repeated NodeExecStats node_stats = 2; }
 * message NodeExecStats { string node_name = 1; int64 all_start_micros = 2; int64 op_start_rel_micros = 3;
 *   int64 op_end_rel_micros = 4; int64 all_end_rel_micros = 5; repeated AllocatorMemoryUsed memory = 6; }
 * message AllocatorMemoryUsed { string allocator_name = 1; int64 total_bytes = 2; int64 peak_bytes = 3; }
 * </pre>
 */
public record RunMetadataProto(List<NodeStats> nodes) {
  public RunMetadataProto {
    nodes = List.copyOf(nodes);
  }

  /**
   * @param micros {@code all_end_rel_micros}: the node's time from scheduled start to end
   * @param memoryBytes the sum of {@code total_bytes} over its allocators
   */
  public record NodeStats(String device, String nodeName, long startMicros, long micros, long memoryBytes) {}

  public static RunMetadataProto parse(byte[] bytes) {
    ProtoReader r = ProtoReader.of(bytes);
    List<NodeStats> out = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, "step_stats");
        r.readMessage(sr -> readStepStats(sr, out));
      } else {
        r.skipField(t);
      }
    }
    return new RunMetadataProto(out);
  }

  private static Void readStepStats(ProtoReader r, List<NodeStats> out) {
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, "dev_stats");
        r.readMessage(dr -> readDevice(dr, out));
      } else {
        r.skipField(t);
      }
    }
    return null;
  }

  private static Void readDevice(ProtoReader r, List<NodeStats> out) {
    String device = "";
    List<NodeStats> mine = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "device"); device = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "node_stats"); mine.add(r.readMessage(RunMetadataProto::readNode)); break;
        default: r.skipField(t);
      }
    }
    for (NodeStats n : mine) {
      out.add(new NodeStats(device, n.nodeName(), n.startMicros(), n.micros(), n.memoryBytes()));
    }
    return null;
  }

  private static NodeStats readNode(ProtoReader r) {
    String name = "";
    long start = 0;
    long end = 0;
    long memory = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "node_name"); name = r.readString(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "all_start_micros"); start = r.readInt64(); break;
        case 5: r.expect(t, ProtoReader.VARINT, "all_end_rel_micros"); end = r.readInt64(); break;
        case 6: r.expect(t, ProtoReader.LEN, "memory"); memory += r.readMessage(RunMetadataProto::readTotalBytes); break;
        default: r.skipField(t);
      }
    }
    return new NodeStats("", name, start, end, memory);
  }

  private static Long readTotalBytes(ProtoReader r) {
    long total = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 2) {
        r.expect(t, ProtoReader.VARINT, "total_bytes");
        total = r.readInt64();
      } else {
        r.skipField(t);
      }
    }
    return total;
  }
}
