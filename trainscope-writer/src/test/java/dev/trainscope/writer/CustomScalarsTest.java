package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.CustomScalarLayout;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomScalarsTest {
  @TempDir
  Path dir;

  /** The layout tensorboardX 2.6.5 wrote in gen-tensorboardX/custom_scalars_mesh (the repository's copy). */
  static final Path TENSORBOARDX_FILE = Path.of(System.getProperty("trainscope.testdata", "../testdata"))
      .resolve("tfevents/gen-tensorboardX/custom_scalars_mesh/events.out.tfevents.1795718564.vm");

  static CustomScalars sameAsTensorboardX() {
    return CustomScalars.builder()
        .category("Group A")
        .multiline("losses", "loss/train", "loss/val")
        .margin("margin", "m/mid", "m/lo", "m/hi")
        .build();
  }

  @Test
  void customScalars_writesTheTagPluginAndTensorTensorBoardReads_sameBytesAsTensorboardX() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.customScalars(sameAsTensorboardX());
    }
    List<Read.Value> ours = Read.values(Read.onlyEventFile(dir), CustomScalarLayout.TAG);
    assertEquals(1, ours.size());
    Read.Value v = ours.get(0);
    assertEquals(0, v.step());
    SummaryMetadata md = v.value().metadata();
    assertEquals(PluginNames.CUSTOM_SCALARS, md.pluginName());
    assertEquals(0, md.pluginData().content().length, "the plugin has no content, as TensorBoard writes it");
    TensorProto t = (TensorProto) v.value().value();
    assertEquals(DataType.DT_STRING, t.dataType());
    assertEquals(TensorShape.SCALAR, t.shape());

    TensorProto theirs = (TensorProto) Read.values(TENSORBOARDX_FILE, CustomScalarLayout.TAG).get(0).value().value();
    assertArrayEquals(theirs.strings().get(0), t.strings().get(0), "the Layout bytes tensorboardX wrote");
    assertEquals(CustomScalarLayout.parse(theirs.strings().get(0)), CustomScalarLayout.parse(t.strings().get(0)));
  }

  @Test
  void builder_categoriesInOrder_closedKept_severalMarginCharts() {
    CustomScalars l = CustomScalars.builder()
        .category("a", true).multiline("x", "^x$")
        .category("b").margin("m1", "v", "lo", "hi").margin("m2", "v2", "lo2", "hi2")
        .build();
    assertEquals(new CustomScalarLayout(0, List.of(
        new CustomScalarLayout.Category("a", List.of(new CustomScalarLayout.Chart("x",
            new CustomScalarLayout.Multiline(List.of("^x$")))), true),
        new CustomScalarLayout.Category("b", List.of(
            new CustomScalarLayout.Chart("m1", new CustomScalarLayout.Margin(List.of(new CustomScalarLayout.MarginSeries("v", "lo", "hi")))),
            new CustomScalarLayout.Chart("m2", new CustomScalarLayout.Margin(List.of(new CustomScalarLayout.MarginSeries("v2", "lo2", "hi2"))))),
            false))), l.layout);
  }

  @Test
  void builder_misuse_throwsNamingIt() {
    assertEquals("a chart must come after category(...), and none was started",
        assertThrows(IllegalStateException.class, () -> CustomScalars.builder().multiline("x", "y")).getMessage());
    assertEquals("a layout needs at least one category, and none was started",
        assertThrows(IllegalStateException.class, () -> CustomScalars.builder().build()).getMessage());
    assertEquals("tagRegexes must name at least one tag, was empty",
        assertThrows(IllegalArgumentException.class, () -> CustomScalars.builder().category("c").multiline("x")).getMessage());
    assertEquals("title must not be null",
        assertThrows(IllegalArgumentException.class, () -> CustomScalars.builder().category(null)).getMessage());
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      assertThrows(IllegalArgumentException.class, () -> w.customScalars(null));
    }
  }
}
