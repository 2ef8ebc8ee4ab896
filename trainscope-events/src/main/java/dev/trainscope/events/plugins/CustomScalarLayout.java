package dev.trainscope.events.plugins;

import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The layout of TensorBoard's custom scalars dashboard, as its {@code layout.proto}
 * ({@code tensorboard/plugins/custom_scalar/layout.proto}) lays it out:
 *
 * <pre>
 * Layout                { int32 version = 1; repeated Category category = 2; }
 * Category              { string title = 1; repeated Chart chart = 2; bool closed = 3; }
 * Chart                 { string title = 1; oneof content { MultilineChartContent multiline = 2;
 *                                                           MarginChartContent margin = 3; } }
 * MultilineChartContent { repeated string tag = 1; }            // regular expressions of tags
 * MarginChartContent    { repeated Series series = 1; }
 *   Series              { string value = 1; string lower = 2; string upper = 3; }   // exact tags
 * </pre>
 *
 * <p>TensorFlow's {@code custom_scalar.summary.pb}, tensorboardX's and torch's
 * {@code add_custom_scalars} write it serialized as the single string of a DT_STRING scalar tensor
 * under the tag {@link #TAG}, with plugin {@code custom_scalars} and empty plugin content. A chart
 * with neither content is kept as a multiline chart of no tags (TensorBoard shows it empty).
 */
public record CustomScalarLayout(int version, List<Category> categories) implements ProtoWriter.Encodable {
  /** The tag a layout is written under. */
  public static final String TAG = "custom_scalars__config__";

  public CustomScalarLayout {
    categories = List.copyOf(categories);
  }

  /** A collapsible group of charts. */
  public record Category(String title, List<Chart> charts, boolean closed) implements ProtoWriter.Encodable {
    public Category {
      Objects.requireNonNull(title, "title");
      charts = List.copyOf(charts);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, title);
      for (Chart c : charts) {
        w.writeMessageField(2, c);
      }
      w.writeBoolField(3, closed);
    }
  }

  /** A chart: a title and either multiline or margin content. */
  public record Chart(String title, Content content) implements ProtoWriter.Encodable {
    public Chart {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, title);
      if (content instanceof Multiline m) {
        w.writeMessageField(2, m);
      } else if (content instanceof Margin m) {
        w.writeMessageField(3, m);
      }
    }
  }

  /** What a chart draws. */
  public sealed interface Content extends ProtoWriter.Encodable permits Multiline, Margin {}

  /** One line per scalar tag matching any of the regular expressions, per run. */
  public record Multiline(List<String> tags) implements Content {
    public Multiline {
      tags = List.copyOf(tags);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      for (String t : tags) {
        w.writeStringFieldAlways(1, t);
      }
    }
  }

  /** Value lines with a band between a lower and an upper bound tag, per run. */
  public record Margin(List<MarginSeries> series) implements Content {
    public Margin {
      series = List.copyOf(series);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      for (MarginSeries s : series) {
        w.writeMessageField(1, s);
      }
    }
  }

  /** The exact tags of a margin chart's value and its bounds. */
  public record MarginSeries(String value, String lower, String upper) implements ProtoWriter.Encodable {
    public MarginSeries {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(lower, "lower");
      Objects.requireNonNull(upper, "upper");
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, value);
      w.writeStringField(2, lower);
      w.writeStringField(3, upper);
    }
  }

  /** Parses a serialized Layout; a field of the wrong wire type is a {@link MalformedProtoException}. */
  public static CustomScalarLayout parse(byte[] bytes) {
    ProtoReader r = ProtoReader.of(bytes);
    int version = 0;
    List<Category> categories = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "version"); version = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.LEN, "category"); categories.add(r.readMessage(CustomScalarLayout::category)); break;
        default: r.skipField(t);
      }
    }
    return new CustomScalarLayout(version, categories);
  }

  private static Category category(ProtoReader r) {
    String title = "";
    List<Chart> charts = new ArrayList<>();
    boolean closed = false;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "title"); title = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "chart"); charts.add(r.readMessage(CustomScalarLayout::chart)); break;
        case 3: r.expect(t, ProtoReader.VARINT, "closed"); closed = r.readBool(); break;
        default: r.skipField(t);
      }
    }
    return new Category(title, charts, closed);
  }

  private static Chart chart(ProtoReader r) {
    String title = "";
    Content content = new Multiline(List.of());
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "title"); title = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "multiline"); content = r.readMessage(CustomScalarLayout::multiline); break;
        case 3: r.expect(t, ProtoReader.LEN, "margin"); content = r.readMessage(CustomScalarLayout::margin); break;
        default: r.skipField(t);
      }
    }
    return new Chart(title, content);
  }

  private static Multiline multiline(ProtoReader r) {
    return new Multiline(repeated(r, "tag", ProtoReader::readString));
  }

  private static Margin margin(ProtoReader r) {
    return new Margin(repeated(r, "series", x -> x.readMessage(CustomScalarLayout::series)));
  }

  /** The values of a message whose one field (number 1) is a repeated string or message. */
  private static <T> List<T> repeated(ProtoReader r, String name, ProtoReader.Decoder<T> value) {
    List<T> out = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, name);
        out.add(value.decode(r));
      } else {
        r.skipField(t);
      }
    }
    return out;
  }

  private static MarginSeries series(ProtoReader r) {
    String value = "";
    String lower = "";
    String upper = "";
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "value"); value = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "lower"); lower = r.readString(); break;
        case 3: r.expect(t, ProtoReader.LEN, "upper"); upper = r.readString(); break;
        default: r.skipField(t);
      }
    }
    return new MarginSeries(value, lower, upper);
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
    for (Category c : categories) {
      w.writeMessageField(2, c);
    }
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }
}
