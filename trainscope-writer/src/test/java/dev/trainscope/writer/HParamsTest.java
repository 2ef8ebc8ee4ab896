package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.HParamsPluginData.Experiment;
import dev.trainscope.events.plugins.HParamsPluginData.HParamInfo;
import dev.trainscope.events.plugins.HParamsPluginData.SessionEndInfo;
import dev.trainscope.events.plugins.HParamsPluginData.SessionStartInfo;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HParamsTest {
  static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);

  @TempDir
  Path dir;

  private SummaryWriter writer() {
    return SummaryWriter.builder(dir).clock(() -> T0).build();
  }

  /** The plugin data of the only value of an hparams tag, after checking the value's form. */
  static HParamsPluginData data(Path file, String tag, int index) {
    Read.Value v = Read.values(file, tag).get(index);
    assertEquals(0, v.step());
    SummaryMetadata md = v.value().metadata();
    assertEquals(PluginNames.HPARAMS, md.pluginName());
    assertEquals(SummaryMetadata.DATA_CLASS_TENSOR, md.dataClass());
    TensorProto t = (TensorProto) v.value().value();
    assertEquals(DataType.DT_FLOAT, t.dataType());
    assertEquals(TensorShape.of(0), t.shape());
    HParamsPluginData d = HParamsPluginData.parse(md.pluginData().content());
    assertEquals(0, d.version());
    return d;
  }

  @Test
  void experimentAndSession_decodeAsHParamsPluginData() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("lr", 0.01);
    values.put("optimizer", "adam");
    values.put("batch_norm", true);
    values.put("layers", 3);
    try (SummaryWriter w = writer()) {
      w.hparamsExperiment(
          List.of(HParam.discrete("optimizer", "adam", "sgd"), HParam.interval("lr", 1e-5, 0.1),
              HParam.of("layers", HParam.Type.FLOAT64).describe("Layers", "hidden layers"),
              HParam.discrete("batch_norm", true, false)),
          List.of(HParamMetric.of("loss"),
              new HParamMetric("accuracy", "validation", "Accuracy", "top-1", HParamMetric.Dataset.VALIDATION)));
      w.hparamsSessionStart(values, "group-1");
      w.scalar("loss", 0.5, 100);
      w.hparamsSessionEnd(SessionStatus.FAILURE);
    }
    Path file = Read.onlyEventFile(dir);
    Experiment e = assertInstanceOf(Experiment.class, data(file, PluginNames.HPARAMS_EXPERIMENT_TAG, 0).data());
    assertEquals(1.70000000025e9, e.timeCreatedSecs());
    List<HParamInfo> infos = e.hparamInfos();
    assertEquals(4, infos.size());
    assertEquals(new HParamInfo("optimizer", "", "", HParamsPluginData.TYPE_STRING,
        List.of(new ProtoValue.Text("adam"), new ProtoValue.Text("sgd")), null), infos.get(0));
    assertEquals(new HParamInfo("lr", "", "", HParamsPluginData.TYPE_FLOAT64, null,
        new HParamsPluginData.Interval(1e-5, 0.1)), infos.get(1));
    assertEquals(new HParamInfo("layers", "Layers", "hidden layers", HParamsPluginData.TYPE_FLOAT64, null, null),
        infos.get(2));
    assertEquals(List.of(new ProtoValue.Bool(true), new ProtoValue.Bool(false)), infos.get(3).domainDiscrete());
    assertEquals(HParamsPluginData.TYPE_BOOL, infos.get(3).type());
    assertEquals(List.of(
        new HParamsPluginData.MetricInfo(new HParamsPluginData.MetricName("", "loss"), "", "", 0),
        new HParamsPluginData.MetricInfo(new HParamsPluginData.MetricName("validation", "accuracy"), "Accuracy",
            "top-1", HParamsPluginData.DATASET_VALIDATION)), e.metricInfos());

    SessionStartInfo start = assertInstanceOf(SessionStartInfo.class,
        data(file, PluginNames.HPARAMS_SESSION_START_TAG, 0).data());
    assertEquals(List.of("lr", "optimizer", "batch_norm", "layers"), new ArrayList<>(start.hparams().keySet()));
    assertEquals(new ProtoValue.Number(0.01), start.hparams().get("lr"));
    assertEquals(new ProtoValue.Text("adam"), start.hparams().get("optimizer"));
    assertEquals(new ProtoValue.Bool(true), start.hparams().get("batch_norm"));
    assertEquals(new ProtoValue.Number(3), start.hparams().get("layers"));
    assertEquals("group-1", start.groupName());
    assertEquals(1.70000000025e9, start.startTimeSecs());

    SessionEndInfo end = assertInstanceOf(SessionEndInfo.class,
        data(file, PluginNames.HPARAMS_SESSION_END_TAG, 0).data());
    assertEquals(HParamsPluginData.STATUS_FAILURE, end.status());
    assertEquals(1.70000000025e9, end.endTimeSecs());
  }

  @Test
  void hparamsValues_carryTheirMetadataEveryTime() {
    try (SummaryWriter w = writer()) {
      w.hparamsSessionStart(Map.of("a", 1));
      w.hparamsSessionStart(Map.of("a", 2));
    }
    Path file = Read.onlyEventFile(dir);
    SessionStartInfo second = (SessionStartInfo) data(file, PluginNames.HPARAMS_SESSION_START_TAG, 1).data();
    assertEquals(new ProtoValue.Number(2), second.hparams().get("a"));
  }

  @Test
  void hparams_oneCall_writesATrialRunLikeTorchAddHparams() {
    Map<String, Object> hp = new LinkedHashMap<>();
    hp.put("lr", 0.1f);
    hp.put("opt", "sgd");
    hp.put("bn", false);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("hparam/accuracy", 0.93);
    metrics.put("hparam/loss", 0.2);
    try (SummaryWriter w = writer()) {
      w.hparams(hp, metrics);
      w.hparams(Map.of("lr", 0.2), Map.of("hparam/accuracy", 0.5), "trial-2");
      w.hparams(Map.of("lr", 0.3), Map.of("hparam/accuracy", 0.7)); // same clock reading: a run of its own
    }
    SessionStartInfo third = (SessionStartInfo) data(Read.onlyEventFile(dir.resolve("1700000000.250000-1")),
        PluginNames.HPARAMS_SESSION_START_TAG, 0).data();
    assertEquals(new ProtoValue.Number(0.3), third.hparams().get("lr"));
    Path run = dir.resolve("1700000000.250000");
    assertTrue(Files.isDirectory(run));
    Path file = Read.onlyEventFile(run);
    Experiment e = (Experiment) data(file, PluginNames.HPARAMS_EXPERIMENT_TAG, 0).data();
    assertEquals(List.of(
        new HParamInfo("lr", "", "", HParamsPluginData.TYPE_FLOAT64, null, null),
        new HParamInfo("opt", "", "", HParamsPluginData.TYPE_STRING, null, null),
        new HParamInfo("bn", "", "", HParamsPluginData.TYPE_BOOL, null, null)), e.hparamInfos());
    assertEquals(List.of("hparam/accuracy", "hparam/loss"),
        e.metricInfos().stream().map(m -> m.name().tag()).toList());
    SessionStartInfo start = (SessionStartInfo) data(file, PluginNames.HPARAMS_SESSION_START_TAG, 0).data();
    assertEquals(new ProtoValue.Number(0.1f), start.hparams().get("lr"));
    assertEquals(new ProtoValue.Bool(false), start.hparams().get("bn"));
    SessionEndInfo end = (SessionEndInfo) data(file, PluginNames.HPARAMS_SESSION_END_TAG, 0).data();
    assertEquals(HParamsPluginData.STATUS_SUCCESS, end.status());
    Read.Value acc = Read.values(file, "hparam/accuracy").get(0);
    assertEquals(0, acc.step());
    assertEquals(0.93f, ((TensorProto) acc.value().value()).floatVal()[0]);
    assertEquals(PluginNames.SCALARS, acc.value().metadata().pluginName());

    Path trial2 = Read.onlyEventFile(dir.resolve("trial-2"));
    assertEquals(1, Read.values(trial2, "hparam/accuracy").size());
    assertEquals(List.of(), Read.values(Read.onlyEventFile(dir), PluginNames.HPARAMS_EXPERIMENT_TAG),
        "the writer's own run holds no trial");
  }

  @Test
  void hparams_badValues_throwNamingTheKey() {
    try (SummaryWriter w = writer()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.hparamsSessionStart(Map.of("layers", List.of(1, 2))));
      assertTrue(e.getMessage().startsWith("hparams['layers'] must be a number, boolean or string, was java.util."),
          e.getMessage());
      Map<String, Object> withNull = new LinkedHashMap<>();
      withNull.put("x", null);
      e = assertThrows(IllegalArgumentException.class, () -> w.hparams(withNull, Map.of()));
      assertEquals("hparams['x'] must be a number, boolean or string, was null", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.hparamsSessionStart(Map.of()));
      assertEquals("hparams must not be empty, was {}", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.hparams(Map.of("a", 1), Map.of(), "../escape"));
      assertEquals("runName must be a plain file name part (no '/', '\\\\', NUL, not empty, \".\" or \"..\"),"
          + " was \"../escape\"", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> HParam.discrete("opt", "adam", 3));
      assertEquals("values[1] of hparam 'opt' is FLOAT64 (3), the hparam's type is STRING", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> HParam.interval("lr", 1, 0));
      assertEquals("min must be <= max, were min 1.0 and max 0.0", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.hparamsExperiment(List.of(HParam.of("a", HParam.Type.STRING), HParam.of("a", HParam.Type.BOOL)),
              List.of()));
      assertEquals("hparams[1] repeats the name 'a'", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.hparamsSessionEnd(null));
      assertEquals("status must not be null", e.getMessage());
    }
    assertEquals(1, Read.events(Read.onlyEventFile(dir)).size(), "only the file-version record");
  }
}
