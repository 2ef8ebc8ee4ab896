package dev.trainscope.server;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The API's JSON: records as objects ({@link Responses}, {@link FindingJson}: enums, roles and
 * splits already turned into their ids there), arrays as arrays, and NaN and infinities as the
 * strings "NaN", "Infinity" and "-Infinity" (JSON has no such numbers; the dashboard turns them
 * back).
 */
final class Json {
  private Json() {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      // Schubfach instead of the JDK's FloatingDecimal: the same shortest digits, several times faster
      // (double formatting was a fifth of a scalar query's CPU)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();
}
