package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.CustomScalarLayout;
import dev.trainscope.events.plugins.CustomScalarLayout.Category;
import dev.trainscope.events.plugins.CustomScalarLayout.Chart;
import dev.trainscope.events.plugins.CustomScalarLayout.Margin;
import dev.trainscope.events.plugins.CustomScalarLayout.MarginSeries;
import dev.trainscope.events.plugins.CustomScalarLayout.Multiline;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The custom scalars Layout as tensorboardX 2.6.5 wrote it (gen-tensorboardX/custom_scalars_mesh,
 * whose layout TensorBoard's manifest shows as a 78-byte string), and round trips of our encoder.
 */
class CustomScalarLayoutTest {
  static final CustomScalarLayout EXPECTED = new CustomScalarLayout(0, List.of(
      new Category("Group A", List.of(
          new Chart("losses", new Multiline(List.of("loss/train", "loss/val"))),
          new Chart("margin", new Margin(List.of(new MarginSeries("m/mid", "m/lo", "m/hi"))))), false)));

  @Test
  void parse_tensorboardXFile_givesItsCategoriesAndCharts() throws IOException {
    List<TensorProto> tensors = new ArrayList<>();
    List<SummaryMetadata> mds = new ArrayList<>();
    RealFixturesTest.PerTag handler = new RealFixturesTest.PerTag() {
      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        if (v.tag().equals(CustomScalarLayout.TAG)) {
          tensors.add(v.tensor());
          mds.add(md);
        }
      }
    };
    EventScanner.create().scan(RealFixturesTest.fixture("gen-tensorboardX/custom_scalars_mesh"), handler);
    assertEquals(List.of(), handler.problems);
    assertEquals(1, tensors.size());
    TensorProto t = tensors.get(0);
    assertEquals(DataType.DT_STRING, t.dataType());
    assertEquals(TensorShape.SCALAR, t.shape());
    assertEquals(PluginNames.CUSTOM_SCALARS, mds.get(0).pluginName());
    assertEquals(0, mds.get(0).pluginData().content().length, "no plugin content");
    byte[] bytes = t.strings().get(0);
    assertEquals(78, bytes.length, "as TensorBoard's manifest counts");
    assertEquals(EXPECTED, CustomScalarLayout.parse(bytes));
    assertArrayEquals(bytes, EXPECTED.toByteArray(), "our encoder writes the same bytes");
  }

  @Test
  void roundTrip_versionClosedCategoryAndEmptyStrings() {
    CustomScalarLayout l = new CustomScalarLayout(3, List.of(
        new Category("a", List.of(), true),
        new Category("", List.of(new Chart("", new Multiline(List.of(""))),
            new Chart("m", new Margin(List.of(new MarginSeries("v", "", "u"), new MarginSeries("v2", "l2", "u2"))))), false)));
    assertEquals(l, CustomScalarLayout.parse(l.toByteArray()));
  }

  @Test
  void parse_chartWithoutContent_isAnEmptyMultiline_unknownFieldsSkipped() {
    // Layout { category { title "c" chart { title "t" } 9: "x" } }
    byte[] b = HexFormat.of().parseHex("12" + "0b" + "0a0163" + "1203" + "0a0174" + "4a0178");
    assertEquals(new CustomScalarLayout(0, List.of(new Category("c", List.of(new Chart("t", new Multiline(List.of()))), false))),
        CustomScalarLayout.parse(b));
  }

  @Test
  void parse_wrongWireTypeOrTruncated_isMalformed() {
    assertThrows(MalformedProtoException.class, () -> CustomScalarLayout.parse(HexFormat.of().parseHex("1001")));
    assertThrows(MalformedProtoException.class, () -> CustomScalarLayout.parse(HexFormat.of().parseHex("120a0a01")));
  }
}
