package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A TensorFlow {@code GraphDef}, as TF1's FileWriter, TF2's trace_export, torch.utils.tensorboard
 * and tensorboardX write it into Event field 4, and as a MetaGraphDef holds it.
 *
 * <pre>
 * message GraphDef { repeated NodeDef node = 1; FunctionDefLibrary library = 2; VersionDef versions = 4; }
 * message VersionDef { int32 producer = 1; int32 min_consumer = 2; }
 * message FunctionDefLibrary { repeated FunctionDef function = 1; }
 * message FunctionDef { OpDef signature = 1; repeated NodeDef node_def = 3; }   OpDef { string name = 1; }
 * </pre>
 */
public record GraphDefProto(List<NodeDef> nodes, int producer, List<Function> functions) {
  public GraphDefProto {
    nodes = List.copyOf(nodes);
    functions = List.copyOf(functions);
  }

  /** A function of the graph's library (TF2 puts most of a model inside these). */
  public record Function(String name, List<NodeDef> nodes) {
    public Function {
      nodes = List.copyOf(nodes);
    }
  }

  /** Decodes serialized GraphDef bytes; throws {@link MalformedProtoException} on bad bytes. */
  public static GraphDefProto parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  static GraphDefProto decode(ProtoReader r) {
    List<NodeDef> nodes = new ArrayList<>();
    List<Function> functions = new ArrayList<>();
    int producer = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "node"); nodes.add(r.readMessage(NodeDef::decode)); break;
        case 2: r.expect(t, ProtoReader.LEN, "library"); r.readMessage(lr -> readLibrary(lr, functions)); break;
        case 4: r.expect(t, ProtoReader.LEN, "versions"); producer = r.readMessage(GraphDefProto::readProducer); break;
        default: r.skipField(t);
      }
    }
    return new GraphDefProto(nodes, producer, functions);
  }

  private static Void readLibrary(ProtoReader r, List<Function> into) {
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, "library.function");
        into.add(r.readMessage(GraphDefProto::readFunction));
      } else {
        r.skipField(t);
      }
    }
    return null;
  }

  private static Function readFunction(ProtoReader r) {
    String name = "";
    List<NodeDef> nodes = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "function.signature"); name = r.readMessage(GraphDefProto::readOpName); break;
        case 3: r.expect(t, ProtoReader.LEN, "function.node_def"); nodes.add(r.readMessage(NodeDef::decode)); break;
        default: r.skipField(t);
      }
    }
    return new Function(name, nodes);
  }

  private static String readOpName(ProtoReader r) {
    String name = "";
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, "signature.name");
        name = r.readString();
      } else {
        r.skipField(t);
      }
    }
    return name;
  }

  private static Integer readProducer(ProtoReader r) {
    int producer = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.VARINT, "versions.producer");
        producer = r.readInt32();
      } else {
        r.skipField(t);
      }
    }
    return producer;
  }

  /** Writes nodes and the producer version; functions are read-only here (no writer emits them). */
  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    for (NodeDef n : nodes) {
      w.writeMessageField(1, n::encodeTo);
    }
    if (producer != 0) {
      w.writeMessageField(4, vw -> vw.writeInt64Field(1, producer));
    }
  }

  /**
   * The GraphDef inside a serialized {@code MetaGraphDef} ({@code meta_info_def = 1} whose
   * {@code tensorflow_version = 5}; {@code graph_def = 2}), with the TensorFlow version that wrote it.
   */
  public record Meta(GraphDefProto graph, String tensorflowVersion) {
    public static Meta parse(byte[] bytes) {
      ProtoReader r = ProtoReader.of(bytes);
      GraphDefProto graph = new GraphDefProto(List.of(), 0, List.of());
      String version = "";
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "meta_info_def"); version = r.readMessage(Meta::readVersion); break;
          case 2: r.expect(t, ProtoReader.LEN, "graph_def"); graph = r.readMessage(GraphDefProto::decode); break;
          default: r.skipField(t);
        }
      }
      return new Meta(graph, version);
    }

    private static String readVersion(ProtoReader r) {
      String v = "";
      for (int t; (t = r.readTag()) != 0; ) {
        if (ProtoReader.fieldNumber(t) == 5) {
          r.expect(t, ProtoReader.LEN, "tensorflow_version");
          v = r.readString();
        } else {
          r.skipField(t);
        }
      }
      return v;
    }
  }
}
