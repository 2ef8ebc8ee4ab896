package dev.trainscope.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.trainscope.data.TagKind;
import java.io.IOException;
import java.util.Locale;

/**
 * The API's JSON: records as objects, arrays as arrays, and NaN and infinities as the strings
 * "NaN", "Infinity" and "-Infinity" (JSON has no such numbers; the dashboard turns them back).
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

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      // Schubfach instead of the JDK's FloatingDecimal: the same shortest digits, several times faster
      // (double formatting was a fifth of a scalar query's CPU)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .addModule(new SimpleModule()
          .addSerializer(TagKind.class, new LowerCaseEnum<>())
          .addSerializer(dev.trainscope.diagnose.Severity.class, new LowerCaseEnum<>()))
      .build();
}
