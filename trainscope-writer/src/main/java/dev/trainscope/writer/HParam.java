package dev.trainscope.writer;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.ProtoValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One hyperparameter of an hparams experiment, as TensorBoard's hparams plugin declares it
 * ({@code HParamInfo}): a name, a value type and optionally the values it may take.
 *
 * <pre>{@code
 * HParam.discrete("optimizer", "adam", "sgd"), HParam.interval("lr", 1e-5, 1e-1), HParam.of("dropout", HParam.Type.FLOAT64)
 * }</pre>
 *
 * @param domain the allowed values, or null when any value of the type is allowed
 * @param displayName "" for the name itself
 */
public record HParam(String name, Type type, Domain domain, String displayName, String description) {

  /** The value types of {@code api.proto}'s {@code DataType}. */
  public enum Type {
    UNSET(HParamsPluginData.TYPE_UNSET),
    STRING(HParamsPluginData.TYPE_STRING),
    BOOL(HParamsPluginData.TYPE_BOOL),
    FLOAT64(HParamsPluginData.TYPE_FLOAT64);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }

    /** The type of a hyperparameter value: a number, a boolean or a string. */
    static Type of(Object value, String name) {
      if (value instanceof Number) {
        return FLOAT64;
      } else if (value instanceof Boolean) {
        return BOOL;
      } else if (value instanceof CharSequence) {
        return STRING;
      }
      throw new IllegalArgumentException(name + " must be a number, boolean or string, was "
          + (value == null ? "null" : value.getClass().getName() + ": " + value));
    }
  }

  /** The values a hyperparameter may take. */
  public sealed interface Domain permits Discrete, Interval {}

  /** A finite set of values, all of the hyperparameter's type. */
  public record Discrete(List<Object> values) implements Domain {
    public Discrete {
      Require.nonNull(values, "values");
      values = List.copyOf(values);
    }
  }

  /** Real numbers in {@code [min, max]}. */
  public record Interval(double min, double max) implements Domain {
    public Interval {
      Require.finite(min, "min");
      Require.finite(max, "max");
      if (min > max) {
        throw new IllegalArgumentException("min must be <= max, were min " + min + " and max " + max);
      }
    }
  }

  public HParam {
    Require.tag(name, "name");
    Require.nonNull(type, "type");
    Require.nonNull(displayName, "displayName");
    Require.nonNull(description, "description");
    if (domain instanceof Interval && type != Type.FLOAT64) {
      throw new IllegalArgumentException("an interval domain needs type FLOAT64, hparam '" + name + "' has " + type);
    }
    if (domain instanceof Discrete d) {
      if (d.values().isEmpty()) {
        throw new IllegalArgumentException("the discrete domain of hparam '" + name + "' must not be empty");
      }
      for (int i = 0; i < d.values().size(); i++) {
        Type t = Type.of(d.values().get(i), "values[" + i + "] of hparam '" + name + "'");
        if (t != type) {
          throw new IllegalArgumentException("values[" + i + "] of hparam '" + name + "' is " + t
              + " (" + d.values().get(i) + "), the hparam's type is " + type);
        }
      }
    }
  }

  /** A hyperparameter of the given type with no declared domain. */
  public static HParam of(String name, Type type) {
    return new HParam(name, type, null, "", "");
  }

  /** A hyperparameter taking one of the given values, which share one type (numbers, booleans or strings). */
  public static HParam discrete(String name, Object... values) {
    Require.nonNull(values, "values");
    if (values.length == 0) {
      throw new IllegalArgumentException("values of hparam '" + name + "' must not be empty");
    }
    Type type = Type.of(values[0], "values[0] of hparam '" + name + "'");
    return new HParam(name, type, new Discrete(Arrays.asList(values)), "", "");
  }

  /** A real-valued hyperparameter in {@code [min, max]}. */
  public static HParam interval(String name, double min, double max) {
    return new HParam(name, Type.FLOAT64, new Interval(min, max), "", "");
  }

  /** This hyperparameter with a display name and a (Markdown) description. */
  public HParam describe(String displayName, String description) {
    return new HParam(name, type, domain, displayName, description);
  }

  HParamsPluginData.HParamInfo toInfo() {
    List<ProtoValue> discrete = null;
    HParamsPluginData.Interval interval = null;
    if (domain instanceof Discrete d) {
      discrete = new ArrayList<>(d.values().size());
      for (Object v : d.values()) {
        discrete.add(protoValue(v));
      }
    } else if (domain instanceof Interval i) {
      interval = new HParamsPluginData.Interval(i.min(), i.max());
    }
    return new HParamsPluginData.HParamInfo(name, displayName, description, type.code(), discrete, interval);
  }

  /** A number, boolean or string as a {@code google.protobuf.Value}. */
  static ProtoValue protoValue(Object v) {
    if (v instanceof Number n) {
      return new ProtoValue.Number(n.doubleValue());
    } else if (v instanceof Boolean b) {
      return new ProtoValue.Bool(b);
    }
    return new ProtoValue.Text(v.toString());
  }
}
