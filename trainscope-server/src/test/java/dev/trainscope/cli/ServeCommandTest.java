package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s argument checks, which end the command before anything listens. */
class ServeCommandTest {

  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void aModelThatIsNotAReadableFileIsRefused(@TempDir Path dir) {
    String[] r = run("--logdir", dir.toString(), "--port", "0", "--model", dir.resolve("missing.onnx").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--model") && r[2].contains("missing.onnx") && r[2].contains("not a readable file"), r[2]);
    r = run("--logdir", dir.toString(), "--port", "0", "--model", dir.toString());
    assertEquals("2", r[0], "a directory is not a model file");
  }
}
