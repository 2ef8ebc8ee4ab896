package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogdirData} must do, over the tensorboardX fixture (scalars, histograms,
 * images, audio, text, PR curves, hparams, a graph): each implementation's test extends this.
 */
abstract class LogdirDataContract {
  static final Path FIXTURE = RunViewTest.repoTfevents().resolve("gen-tensorboardX");

  /** The implementation under test, holding the fixture. */
  abstract LogdirData data();

  /** The first tag of {@code kind} in the fixture. */
  TagInfo first(TagKind kind) {
    for (RunInfo r : data().runs()) {
      for (TagInfo t : data().tags(r.name())) {
        if (t.kind() == kind && t.count() > 0) {
          return t;
        }
      }
    }
    throw new AssertionError("the fixture has no " + kind + " tag");
  }

  @Test
  void runs_sortedByName_andEachFoundByName() {
    List<String> names = data().runs().stream().map(RunInfo::name).toList();
    assertTrue(names.size() > 5, names.toString());
    assertEquals(names.stream().sorted().toList(), names);
    for (RunInfo r : data().runs()) {
      assertEquals(r, data().run(r.name()));
      // RunInfo counts the event files' tags; the projector's embeddings are listed besides them
      assertEquals(r.tags(), data().tags(r.name()).stream().filter(t -> t.kind() != TagKind.EMBEDDING).count(), r.name());
    }
  }

  @Test
  void unknownRunOrTag_isRefusedByName() {
    TagInfo t = first(TagKind.SCALAR);
    assertThrows(NoSuchRunException.class, () -> data().run("no-such-run"));
    assertThrows(NoSuchRunException.class, () -> data().tags("no-such-run"));
    assertThrows(NoSuchRunException.class, () -> data().problems("no-such-run"));
    assertThrows(NoSuchTagException.class, () -> data().tag(t.run(), "no/such/tag"));
    assertThrows(NoSuchTagException.class, () -> data().scalars(t.run(), "no/such/tag", 0, 1, 1));
  }

  @Test
  void aTagAskedForAnotherKind_isRefused() {
    TagInfo scalar = first(TagKind.SCALAR);
    TagInfo histogram = first(TagKind.HISTOGRAM);
    assertThrows(NoSuchTagException.class, () -> data().histograms(scalar.run(), scalar.tag()));
    assertThrows(NoSuchTagException.class, () -> data().blobs(scalar.run(), scalar.tag()));
    assertThrows(NoSuchTagException.class, () -> data().text(scalar.run(), scalar.tag()));
    assertThrows(NoSuchTagException.class, () -> data().prCurves(histogram.run(), histogram.tag()));
    assertThrows(NoSuchTagException.class, () -> data().scalars(histogram.run(), histogram.tag(), 0, 1, 1));
  }

  @Test
  void scalars_pagedWithASmallLimit_giveEveryPointOnce() {
    TagInfo t = first(TagKind.SCALAR);
    ScalarPoints all = data().scalars(t.run(), t.tag(), Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(t.count(), all.size());
    assertFalse(all.more());
    List<Long> paged = new ArrayList<>();
    ScalarPoints page = data().scalars(t.run(), t.tag(), Long.MIN_VALUE, Long.MAX_VALUE, 3);
    while (true) {
      assertTrue(page.size() <= 3);
      Arrays.stream(page.steps()).forEach(paged::add);
      if (!page.more()) {
        break;
      }
      page = data().scalars(t.run(), t.tag(), page.nextStep(), Long.MAX_VALUE, 3);
    }
    assertEquals(Arrays.stream(all.steps()).boxed().toList(), paged);
    assertThrows(IllegalArgumentException.class, () -> data().scalars(t.run(), t.tag(), 5, 4, 10));
  }

  @Test
  void scalarBuckets_atMostAsked_countEveryPoint_andKeepTheExtremes() {
    TagInfo t = first(TagKind.SCALAR);
    ScalarPoints all = data().scalars(t.run(), t.tag(), Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    ScalarBuckets b = data().scalarBuckets(t.run(), t.tag(), Long.MIN_VALUE, Long.MAX_VALUE, 3);
    assertTrue(b.size() >= 1 && b.size() <= 3, "buckets: " + b.size());
    assertEquals(all.size(), Arrays.stream(b.count()).sum());
    assertEquals(all.steps()[0], b.firstStep()[0]);
    assertEquals(all.steps()[all.size() - 1], b.lastStep()[b.size() - 1]);
    double min = Arrays.stream(all.values()).filter(Double::isFinite).min().orElseThrow();
    double max = Arrays.stream(all.values()).filter(Double::isFinite).max().orElseThrow();
    assertEquals(min, Arrays.stream(b.min()).filter(Double::isFinite).min().orElseThrow());
    assertEquals(max, Arrays.stream(b.max()).filter(Double::isFinite).max().orElseThrow());
  }

  @Test
  void histograms_inAStepRange_andTheirDistributions() {
    TagInfo t = first(TagKind.HISTOGRAM);
    List<HistogramStep> all = data().histograms(t.run(), t.tag());
    assertEquals(t.count(), all.size());
    long from = all.get(1).step();
    long to = all.get(all.size() - 2).step();
    List<HistogramStep> some = data().histograms(t.run(), t.tag(), from, to);
    assertEquals(all.subList(1, all.size() - 1).stream().map(HistogramStep::step).toList(),
        some.stream().map(HistogramStep::step).toList());
    List<DistributionStep> d = data().distributions(t.run(), t.tag());
    assertEquals(all.stream().map(HistogramStep::step).toList(), d.stream().map(DistributionStep::step).toList());
    assertArrayEquals(Distributions.compress(all.get(0).left(), all.get(0).right(), all.get(0).count()),
        d.get(0).values());
  }

  @Test
  void blobs_everyItemOfEveryStepReadable_andNoMore() throws Exception {
    TagInfo t = first(TagKind.IMAGE);
    List<BlobInfo> steps = data().blobs(t.run(), t.tag());
    assertEquals(t.count(), steps.size());
    for (BlobInfo b : steps) {
      for (int i = 0; i < Math.max(1, b.count()); i++) {
        assertTrue(data().blob(t.run(), t.tag(), b.step(), i).length > 0);
      }
      assertThrows(NoSuchTagException.class, () -> data().blob(t.run(), t.tag(), b.step(), Math.max(1, b.count())));
    }
  }

  @Test
  void textAndPrCurves_oneEntryPerStep() {
    TagInfo text = first(TagKind.TEXT);
    assertEquals(text.count(), data().text(text.run(), text.tag()).size());
    TagInfo pr = first(TagKind.PR_CURVE);
    List<PrCurveStep> curves = data().prCurves(pr.run(), pr.tag());
    assertEquals(pr.count(), curves.size());
    assertEquals(curves.get(0).precision().length, curves.get(0).recall().length);
  }

  /**
   * The tetrahedron tensorboardX's add_mesh wrote as three tags (mesh/tetrahedron_1, _2, _3, with
   * MeshPluginData naming the mesh and each tag's part) is one mesh, read back as its tensors hold it.
   */
  @Test
  void meshes_groupTheirPartsByName_andReadBackAsTheirTensors() throws Exception {
    TagInfo part = first(TagKind.MESH);
    String run = part.run();
    List<MeshInfo> meshes = data().meshes(run);
    assertEquals(1, meshes.size());
    MeshInfo m = meshes.get(0);
    assertEquals("mesh/tetrahedron", m.name());
    assertEquals(List.of("VERTEX:mesh/tetrahedron_1", "FACE:mesh/tetrahedron_2", "COLOR:mesh/tetrahedron_3"),
        m.parts().stream().map(p -> p.content() + ":" + p.tag()).toList());
    assertArrayEquals(new int[] {1, 4, 3}, m.parts().get(0).shape());
    assertArrayEquals(new long[] {0}, m.steps());
    MeshStep s = data().mesh(run, m.name(), 0, 0);
    assertEquals(1, s.samples());
    assertEquals(4, s.vertexCount());
    double[][] tensors = new double[3][];
    for (int i = 0; i < 3; i++) {
      tensors[i] = dev.trainscope.events.proto.TensorProto.parse(data().blob(run, m.parts().get(i).tag(), 0, 0))
          .toDoubleArray();
    }
    for (int i = 0; i < 12; i++) {
      assertEquals(tensors[0][i], s.vertices()[i], "vertex value " + i);
      assertEquals(tensors[1][i], s.faces()[i], "face index " + i);
      assertEquals(Math.round(tensors[2][i]), s.colors()[i], "colour value " + i);
    }
    assertThrows(NoSuchTagException.class, () -> data().mesh(run, "mesh/tetrahedron_1", 0, 0), "a tag is not a mesh");
    assertThrows(NoSuchTagException.class, () -> data().mesh(run, m.name(), 1, 0), "no step 1");
    assertThrows(IllegalArgumentException.class, () -> data().mesh(run, m.name(), 0, 1), "a batch of one");
    assertThrows(NoSuchRunException.class, () -> data().meshes("no-such-run"));
  }

  @Test
  void hparams_oneRowPerSession() {
    HParamsTable h = data().hparams();
    assertFalse(h.rows().isEmpty());
    for (HParamsTable.Row row : h.rows()) {
      data().run(row.run()); // a row names a run that exists
    }
  }
}
