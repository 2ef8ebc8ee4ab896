package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hparams plugin's data ({@code tensorboard/plugins/hparams/plugin_data.proto} and
 * {@code api.proto}), carried in the plugin content of the tags {@code _hparams_/experiment},
 * {@code _hparams_/session_start_info} and {@code _hparams_/session_end_info}.
 *
 * <pre>
 * message HParamsPluginData { int32 version = 1;
 *   oneof data { Experiment experiment = 2; SessionStartInfo session_start_info = 3;
 *                SessionEndInfo session_end_info = 4; } }
 * message Experiment { string name = 6; string description = 1; string user = 2;
 *   double time_created_secs = 3; repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; }
 * message HParamInfo { string name = 1; string display_name = 2; string description = 3; DataType type = 4;
 *   oneof domain { google.protobuf.ListValue domain_discrete = 5; Interval domain_interval = 6; } }
 * message Interval { double min_value = 1; double max_value = 2; }
 * message MetricInfo { MetricName name = 1; string display_name = 3; string description = 4; DatasetType dataset_type = 5; }
 * message MetricName { string group = 1; string tag = 2; }
 * message SessionStartInfo { map&lt;string, google.protobuf.Value&gt; hparams = 1; string model_uri = 2;
 *   string monitor_url = 3; string group_name = 4; double start_time_secs = 5; }
 * message SessionEndInfo { Status status = 1; double end_time_secs = 2; }
 * </pre>
 *
 * @param data an {@link Experiment}, {@link SessionStartInfo} or {@link SessionEndInfo}; null if none
 */
public record HParamsPluginData(int version, Data data) implements ProtoWriter.Encodable {

  /** HParamInfo types. */
  public static final int TYPE_UNSET = 0;
  public static final int TYPE_STRING = 1;
  public static final int TYPE_BOOL = 2;
  public static final int TYPE_FLOAT64 = 3;

  /** MetricInfo dataset types. */
  public static final int DATASET_UNKNOWN = 0;
  public static final int DATASET_TRAINING = 1;
  public static final int DATASET_VALIDATION = 2;

  /** SessionEndInfo statuses. */
  public static final int STATUS_UNKNOWN = 0;
  public static final int STATUS_SUCCESS = 1;
  public static final int STATUS_FAILURE = 2;
  public static final int STATUS_RUNNING = 3;

  /** The members of {@code oneof data}. */
  public sealed interface Data extends ProtoWriter.Encodable permits Experiment, SessionStartInfo, SessionEndInfo {}

  public record Experiment(
      String name, String description, String user, double timeCreatedSecs,
      List<HParamInfo> hparamInfos, List<MetricInfo> metricInfos) implements Data {
    public Experiment {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(user, "user");
      hparamInfos = List.copyOf(hparamInfos);
      metricInfos = List.copyOf(metricInfos);
    }

    static Experiment decode(ProtoReader r) {
      String name = "", description = "", user = "";
      double created = 0;
      List<HParamInfo> hparams = new ArrayList<>();
      List<MetricInfo> metrics = new ArrayList<>();
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "description"); description = r.readString(); break;
          case 2: r.expect(t, ProtoReader.LEN, "user"); user = r.readString(); break;
          case 3: r.expect(t, ProtoReader.I64, "time_created_secs"); created = r.readDouble(); break;
          case 4: r.expect(t, ProtoReader.LEN, "hparam_infos"); hparams.add(r.readMessage(HParamInfo::decode)); break;
          case 5: r.expect(t, ProtoReader.LEN, "metric_infos"); metrics.add(r.readMessage(MetricInfo::decode)); break;
          case 6: r.expect(t, ProtoReader.LEN, "name"); name = r.readString(); break;
          default: r.skipField(t);
        }
      }
      return new Experiment(name, description, user, created, hparams, metrics);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, description);
      w.writeStringField(2, user);
      w.writeDoubleField(3, timeCreatedSecs);
      for (HParamInfo h : hparamInfos) {
        w.writeMessageField(4, h);
      }
      for (MetricInfo m : metricInfos) {
        w.writeMessageField(5, m);
      }
      w.writeStringField(6, name);
    }
  }

  /**
   * @param domainDiscrete the allowed values, or null
   * @param domainInterval [min, max], or null
   */
  public record HParamInfo(
      String name, String displayName, String description, int type,
      List<ProtoValue> domainDiscrete, Interval domainInterval) implements ProtoWriter.Encodable {
    public HParamInfo {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(description, "description");
      domainDiscrete = domainDiscrete == null ? null : List.copyOf(domainDiscrete);
    }

    static HParamInfo decode(ProtoReader r) {
      String name = "", display = "", description = "";
      int type = 0;
      List<ProtoValue> discrete = null;
      Interval interval = null;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "name"); name = r.readString(); break;
          case 2: r.expect(t, ProtoReader.LEN, "display_name"); display = r.readString(); break;
          case 3: r.expect(t, ProtoReader.LEN, "description"); description = r.readString(); break;
          case 4: r.expect(t, ProtoReader.VARINT, "type"); type = r.readInt32(); break;
          case 5:
            r.expect(t, ProtoReader.LEN, "domain_discrete");
            discrete = r.readMessage(ProtoValue::decodeList);
            interval = null;
            break;
          case 6:
            r.expect(t, ProtoReader.LEN, "domain_interval");
            interval = r.readMessage(Interval::decode);
            discrete = null;
            break;
          default: r.skipField(t);
        }
      }
      return new HParamInfo(name, display, description, type, discrete, interval);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, name);
      w.writeStringField(2, displayName);
      w.writeStringField(3, description);
      w.writeInt64Field(4, type);
      if (domainDiscrete != null) {
        w.writeMessageField(5, lw -> {
          for (ProtoValue v : domainDiscrete) {
            lw.writeMessageField(1, v);
          }
        });
      } else if (domainInterval != null) {
        w.writeMessageField(6, domainInterval);
      }
    }
  }

  public record Interval(double minValue, double maxValue) implements ProtoWriter.Encodable {
    static Interval decode(ProtoReader r) {
      double min = 0, max = 0;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.I64, "min_value"); min = r.readDouble(); break;
          case 2: r.expect(t, ProtoReader.I64, "max_value"); max = r.readDouble(); break;
          default: r.skipField(t);
        }
      }
      return new Interval(min, max);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeDoubleField(1, minValue);
      w.writeDoubleField(2, maxValue);
    }
  }

  public record MetricName(String group, String tag) implements ProtoWriter.Encodable {
    public MetricName {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(tag, "tag");
    }

    static MetricName decode(ProtoReader r) {
      String group = "", tag = "";
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "group"); group = r.readString(); break;
          case 2: r.expect(t, ProtoReader.LEN, "tag"); tag = r.readString(); break;
          default: r.skipField(t);
        }
      }
      return new MetricName(group, tag);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringField(1, group);
      w.writeStringField(2, tag);
    }
  }

  /** @param name null when absent */
  public record MetricInfo(MetricName name, String displayName, String description, int datasetType)
      implements ProtoWriter.Encodable {
    public MetricInfo {
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(description, "description");
    }

    static MetricInfo decode(ProtoReader r) {
      MetricName name = null;
      String display = "", description = "";
      int dataset = 0;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "name"); name = r.readMessage(MetricName::decode); break;
          case 3: r.expect(t, ProtoReader.LEN, "display_name"); display = r.readString(); break;
          case 4: r.expect(t, ProtoReader.LEN, "description"); description = r.readString(); break;
          case 5: r.expect(t, ProtoReader.VARINT, "dataset_type"); dataset = r.readInt32(); break;
          default: r.skipField(t);
        }
      }
      return new MetricInfo(name, display, description, dataset);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      if (name != null) {
        w.writeMessageField(1, name);
      }
      w.writeStringField(3, displayName);
      w.writeStringField(4, description);
      w.writeInt64Field(5, datasetType);
    }
  }

  public record SessionStartInfo(
      Map<String, ProtoValue> hparams, String modelUri, String monitorUrl, String groupName, double startTimeSecs)
      implements Data {
    public SessionStartInfo {
      hparams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hparams));
      Objects.requireNonNull(modelUri, "modelUri");
      Objects.requireNonNull(monitorUrl, "monitorUrl");
      Objects.requireNonNull(groupName, "groupName");
    }

    static SessionStartInfo decode(ProtoReader r) {
      Map<String, ProtoValue> hparams = new LinkedHashMap<>();
      String model = "", monitor = "", group = "";
      double start = 0;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.LEN, "hparams"); ProtoValue.readEntryInto(r, hparams); break;
          case 2: r.expect(t, ProtoReader.LEN, "model_uri"); model = r.readString(); break;
          case 3: r.expect(t, ProtoReader.LEN, "monitor_url"); monitor = r.readString(); break;
          case 4: r.expect(t, ProtoReader.LEN, "group_name"); group = r.readString(); break;
          case 5: r.expect(t, ProtoReader.I64, "start_time_secs"); start = r.readDouble(); break;
          default: r.skipField(t);
        }
      }
      return new SessionStartInfo(hparams, model, monitor, group, start);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      ProtoValue.writeMap(w, 1, hparams);
      w.writeStringField(2, modelUri);
      w.writeStringField(3, monitorUrl);
      w.writeStringField(4, groupName);
      w.writeDoubleField(5, startTimeSecs);
    }
  }

  public record SessionEndInfo(int status, double endTimeSecs) implements Data {
    static SessionEndInfo decode(ProtoReader r) {
      int status = 0;
      double end = 0;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.VARINT, "status"); status = r.readInt32(); break;
          case 2: r.expect(t, ProtoReader.I64, "end_time_secs"); end = r.readDouble(); break;
          default: r.skipField(t);
        }
      }
      return new SessionEndInfo(status, end);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeInt64Field(1, status);
      w.writeDoubleField(2, endTimeSecs);
    }

    public String statusName() {
      switch (status) {
        case STATUS_UNKNOWN: return "STATUS_UNKNOWN";
        case STATUS_SUCCESS: return "STATUS_SUCCESS";
        case STATUS_FAILURE: return "STATUS_FAILURE";
        case STATUS_RUNNING: return "STATUS_RUNNING";
        default: return Integer.toString(status);
      }
    }
  }

  public static HParamsPluginData parse(byte[] content) {
    ProtoReader r = ProtoReader.of(content);
    int version = 0;
    Data data = null;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "version"); version = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.LEN, "experiment"); data = r.readMessage(Experiment::decode); break;
        case 3: r.expect(t, ProtoReader.LEN, "session_start_info"); data = r.readMessage(SessionStartInfo::decode); break;
        case 4: r.expect(t, ProtoReader.LEN, "session_end_info"); data = r.readMessage(SessionEndInfo::decode); break;
        default: r.skipField(t);
      }
    }
    return new HParamsPluginData(version, data);
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
    if (data instanceof Experiment) {
      w.writeMessageField(2, data);
    } else if (data instanceof SessionStartInfo) {
      w.writeMessageField(3, data);
    } else if (data instanceof SessionEndInfo) {
      w.writeMessageField(4, data);
    }
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }
}
