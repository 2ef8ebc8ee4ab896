package dev.trainscope.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The API's JSON: records as objects, arrays as arrays, and NaN and infinities as the strings
 * "NaN", "Infinity" and "-Infinity" (JSON has no such numbers; the dashboard turns them back);
 * enums as lower-case names, a tag's role and split by their ids.
 */
final class Json {
  private Json() {}

  /** Enum constants as lower-case strings ("scalar", "warning"). */
  private static final class LowerCaseEnum<E extends Enum<E>> extends JsonSerializer<E> {
    @Override
    public void serialize(E e, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeString(e.name().toLowerCase(Locale.ROOT));
    }
  }

  /** A role or split by its id, as descriptions, overrides and the doctor name it ("grad_norm", "val"). */
  private static final class RoleId extends JsonSerializer<Role> {
    @Override
    public void serialize(Role r, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeString(r.id());
    }
  }

  private static final class SplitId extends JsonSerializer<Split> {
    @Override
    public void serialize(Split s, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeString(s.id());
    }
  }

  /** A tag's meaning: its six components and nothing derived from them. */
  private static final class Meaning extends JsonSerializer<TagMeaning> {
    @Override
    public void serialize(TagMeaning m, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeStartObject();
      g.writeStringField("role", m.role().id());
      g.writeStringField("split", m.split().id());
      g.writeStringField("layer", m.layer());
      g.writeStringField("param", m.param());
      g.writeObjectFieldStart("attributes");
      for (Map.Entry<String, String> a : m.attributes().entrySet()) {
        g.writeStringField(a.getKey(), a.getValue());
      }
      g.writeEndObject();
      g.writeStringField("source", m.source());
      g.writeEndObject();
    }
  }

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      // Schubfach instead of the JDK's FloatingDecimal: the same shortest digits, several times faster
      // (double formatting was a fifth of a scalar query's CPU)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .addModule(new SimpleModule()
          .addSerializer(TagKind.class, new LowerCaseEnum<>())
          .addSerializer(dev.trainscope.diagnose.Severity.class, new LowerCaseEnum<>())
          .addSerializer(Role.class, new RoleId())
          .addSerializer(Split.class, new SplitId())
          .addSerializer(TagMeaning.class, new Meaning()))
      .build();
}
