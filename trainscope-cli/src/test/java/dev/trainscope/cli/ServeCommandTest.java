package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.server.Access;
import dev.trainscope.server.AccessToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s argument checks, which end the command before anything listens, and its help. */
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

  @Test
  void aPathPrefixThatIsNotAPlainPathIsRefused(@TempDir Path dir) {
    String[] r = run("--logdir", dir.toString(), "--port", "0", "--path_prefix", "tb");
    assertEquals("2", r[0]);
    assertEquals("trainscope serve: --path_prefix must start with '/', was 'tb'", r[2].strip());
    r = run("--logdir", dir.toString(), "--port", "0", "--path_prefix", "/a/../b");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("may not hold '..'"), r[2]);
  }

  @Test
  void aTokenFileThatIsMissingOrEmptyIsRefused(@TempDir Path dir) throws Exception {
    String[] r = run("--logdir", dir.toString(), "--port", "0", "--auth-token-file", dir.resolve("none").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("trainscope serve: cannot read the access token file " + dir.resolve("none")), r[2]);
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    r = run("--logdir", dir.toString(), "--port", "0", "--auth-token-file", empty.toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("the access token file " + empty + " is empty"), r[2]);
    Path good = Files.writeString(dir.resolve("good"), "0123456789abcdef0123\n");
    r = run("--logdir", dir.toString(), "--port", "0", "--auth", "none", "--auth-token-file", good.toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--auth none and --auth-token-file contradict each other"), r[2]);
    r = run("--logdir", dir.toString(), "--port", "0", "--auth", "sometimes");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--auth") && r[2].contains("token, none"), r[2]);
  }

  @Test
  void help_listsTheOptionsForATeamServer() {
    String[] r = run("--help");
    assertEquals("0", r[0]);
    for (String option : new String[] {"--path_prefix=PATH", "--auth=MODE", "--auth-token-file=FILE", "--bind_all",
        "--allowed_hosts"}) {
      assertTrue(r[1].contains(option), option + " in\n" + r[1]);
    }
  }

  /** A token unless the server listens on loopback only, or unless told otherwise. */
  @Test
  void resolve_asksForATokenBeyondLoopback(@TempDir Path dir) throws Exception {
    assertEquals(Access.open(), share().resolve("127.0.0.1").access());
    assertEquals(Access.open(), share().resolve("localhost").access());
    assertEquals(Access.open(), share().resolve("::1").access());
    assertTrue(share().resolve("0.0.0.0").access() instanceof AccessToken);
    assertTrue(share().resolve("::").access() instanceof AccessToken);
    assertTrue(share().resolve("192.0.2.7").access() instanceof AccessToken);
    ShareOptions none = share();
    none.auth = ShareOptions.Auth.none;
    assertEquals(Access.open(), none.resolve("0.0.0.0").access());
    ShareOptions forced = share();
    forced.auth = ShareOptions.Auth.token;
    assertTrue(forced.resolve("127.0.0.1").access() instanceof AccessToken);
    ShareOptions file = share();
    file.tokenFile = Files.writeString(dir.resolve("token"), "0123456789abcdef0123\n");
    AccessToken fromFile = (AccessToken) file.resolve("127.0.0.1").access();
    assertEquals("0123456789abcdef0123", fromFile.value());
    file.pathPrefix = "/tb/";
    assertEquals("http://h:1/tb/?token=0123456789abcdef0123", file.resolve("127.0.0.1").url("http://h:1"));
    assertEquals("http://h:1/", share().resolve("127.0.0.1").url("http://h:1"));
  }

  static ShareOptions share() {
    return new ShareOptions();
  }
}
