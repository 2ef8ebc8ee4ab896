package dev.trainscope.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code projector_config.pbtxt}: the text-format {@code ProjectorConfig} that TensorBoard's
 * projector plugin, {@code torch.utils.tensorboard} and tensorboardX's {@code add_embedding} write
 * beside a run's event files. Only the fields the projector draws from are kept; others (a
 * checkpoint path, bookmarks) are skipped, whatever their nesting.
 *
 * @param embeddings the {@code embeddings { ... }} blocks, in the file's order
 * @param modelCheckpointPath {@code model_checkpoint_path}, "" when not given (tensors read from a
 *     TensorFlow checkpoint are not supported)
 */
public record ProjectorConfig(List<Entry> embeddings, String modelCheckpointPath) {
  public ProjectorConfig {
    embeddings = List.copyOf(embeddings);
  }

  /** The file's name, as TensorBoard looks for it in a run's directory. */
  public static final String FILE_NAME = "projector_config.pbtxt";

  /**
   * One {@code EmbeddingInfo}.
   *
   * @param tensorShape {@code tensor_shape} values (rows, dims) as given; empty when not given
   * @param spriteDim {@code sprite.single_image_dim} (width, height); empty when there is no sprite
   */
  public record Entry(String tensorName, String tensorPath, String metadataPath, String spritePath,
      List<Long> spriteDim, List<Long> tensorShape) {
    public Entry {
      spriteDim = List.copyOf(spriteDim);
      tensorShape = List.copyOf(tensorShape);
    }
  }

  /** Parses the text format; throws IllegalArgumentException with the position of what is not understood. */
  public static ProjectorConfig parse(String text) {
    Parser p = new Parser(text);
    List<Entry> entries = new ArrayList<>();
    String checkpoint = "";
    while (p.more()) {
      String field = p.name();
      if (field.equals("embeddings")) {
        p.open();
        entries.add(p.entry());
      } else if (field.equals("model_checkpoint_path")) {
        checkpoint = p.scalarString();
      } else {
        p.skipValue();
      }
    }
    return new ProjectorConfig(entries, checkpoint);
  }

  /** A tokenizer and reader of the text format's fields, strings, numbers and nested messages. */
  private static final class Parser {
    private final String s;
    private int at;

    Parser(String s) {
      this.s = s;
    }

    private void space() {
      while (at < s.length()) {
        char c = s.charAt(at);
        if (c == '#') {
          while (at < s.length() && s.charAt(at) != '\n') {
            at++;
          }
        } else if (Character.isWhitespace(c) || c == ',' || c == ';') {
          at++;
        } else {
          return;
        }
      }
    }

    boolean more() {
      space();
      return at < s.length();
    }

    private boolean peek(char c) {
      space();
      return at < s.length() && s.charAt(at) == c;
    }

    private IllegalArgumentException error(String what) {
      int line = 1;
      for (int i = 0; i < Math.min(at, s.length()); i++) {
        if (s.charAt(i) == '\n') {
          line++;
        }
      }
      return new IllegalArgumentException(FILE_NAME + " line " + line + ": " + what);
    }

    String name() {
      space();
      int start = at;
      while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
        at++;
      }
      if (start == at) {
        throw error("expected a field name, found '" + (at < s.length() ? s.charAt(at) : "the end") + "'");
      }
      return s.substring(start, at);
    }

    /** After a message field's name: an optional ':' and the '{' (or '<'). */
    void open() {
      if (peek(':')) {
        at++;
      }
      if (!peek('{') && !peek('<')) {
        throw error("expected '{'");
      }
      at++;
    }

    private boolean close() {
      if (peek('}') || peek('>')) {
        at++;
        return true;
      }
      return false;
    }

    Entry entry() {
      String name = "";
      String tensor = "";
      String metadata = "";
      String sprite = "";
      List<Long> spriteDim = new ArrayList<>();
      List<Long> shape = new ArrayList<>();
      while (!close()) {
        if (!more()) {
          throw error("an embeddings block is not closed");
        }
        String field = name();
        switch (field) {
          case "tensor_name" -> name = scalarString();
          case "tensor_path" -> tensor = scalarString();
          case "metadata_path" -> metadata = scalarString();
          case "tensor_shape" -> shape.add(scalarLong());
          case "sprite" -> {
            open();
            while (!close()) {
              if (!more()) {
                throw error("a sprite block is not closed");
              }
              String f = name();
              if (f.equals("image_path")) {
                sprite = scalarString();
              } else if (f.equals("single_image_dim")) {
                spriteDim.add(scalarLong());
              } else {
                skipValue();
              }
            }
          }
          default -> skipValue();
        }
      }
      return new Entry(name, tensor, metadata, sprite, sprite.isEmpty() ? List.of() : spriteDim, shape);
    }

    private void colon() {
      if (!peek(':')) {
        throw error("expected ':'");
      }
      at++;
      space();
    }

    String scalarString() {
      colon();
      if (at >= s.length() || (s.charAt(at) != '"' && s.charAt(at) != '\'')) {
        throw error("expected a quoted string");
      }
      StringBuilder out = new StringBuilder();
      while (at < s.length() && (s.charAt(at) == '"' || s.charAt(at) == '\'')) { // adjacent strings join
        out.append(quoted());
        space();
      }
      return out.toString();
    }

    private String quoted() {
      char q = s.charAt(at++);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      while (true) {
        if (at >= s.length()) {
          throw error("a string is not closed");
        }
        char c = s.charAt(at++);
        if (c == '\n') {
          at--;
          throw error("a string is not closed");
        }
        if (c == q) {
          return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (c != '\\') {
          byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          if (Character.isHighSurrogate(c) && at < s.length()) {
            b = new String(new char[] {c, s.charAt(at++)}).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }
          bytes.writeBytes(b);
          continue;
        }
        if (at >= s.length()) {
          throw error("a string ends in '\\'");
        }
        char e = s.charAt(at++);
        switch (e) {
          case 'n' -> bytes.write('\n');
          case 't' -> bytes.write('\t');
          case 'r' -> bytes.write('\r');
          case '\\', '"', '\'' -> bytes.write(e);
          case 'x' -> {
            int v = 0;
            int n = 0;
            while (n < 2 && at < s.length() && Character.digit(s.charAt(at), 16) >= 0) {
              v = v * 16 + Character.digit(s.charAt(at++), 16);
              n++;
            }
            bytes.write(v);
          }
          default -> {
            if (e >= '0' && e <= '7') {
              int v = e - '0';
              int n = 1;
              while (n < 3 && at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '7') {
                v = v * 8 + (s.charAt(at++) - '0');
                n++;
              }
              bytes.write(v);
            } else {
              throw error("unknown escape '\\" + e + "'");
            }
          }
        }
      }
    }

    long scalarLong() {
      colon();
      int start = at;
      while (at < s.length() && (Character.isDigit(s.charAt(at)) || s.charAt(at) == '-')) {
        at++;
      }
      try {
        return Long.parseLong(s.substring(start, at));
      } catch (NumberFormatException e) {
        throw error("expected an integer");
      }
    }

    /** Skips a field's value: a scalar, a quoted string, or a nested message. */
    void skipValue() {
      space();
      if (peek(':')) {
        at++;
        space();
      }
      if (peek('{') || peek('<')) {
        at++;
        while (!close()) {
          if (!more()) {
            throw error("a block is not closed");
          }
          name();
          skipValue();
        }
        return;
      }
      if (at < s.length() && (s.charAt(at) == '"' || s.charAt(at) == '\'')) {
        while (at < s.length() && (s.charAt(at) == '"' || s.charAt(at) == '\'')) {
          quoted();
          space();
        }
        return;
      }
      int start = at;
      while (at < s.length() && !Character.isWhitespace(s.charAt(at)) && "{}<>,;#".indexOf(s.charAt(at)) < 0) {
        at++;
      }
      if (start == at) {
        throw error("expected a value");
      }
    }
  }
}
