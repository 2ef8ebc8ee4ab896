package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private static String run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int status = cl.execute(args);
    return status + "\n" + out;
  }

  /**
   * The command line built for the arguments (one subcommand's model when they name one) answers
   * as the one with every subcommand does: help, usage errors, unknown commands, a subcommand's run.
   */
  @Test
  void commandLineForTheArguments_answersAsTheFullOne() {
    List<String[]> cases = List.of(
        new String[] {}, new String[] {"--help"}, new String[] {"--version"},
        new String[] {"inspect", "--help"}, new String[] {"inspect"}, new String[] {"inspect", "/no/such/file"},
        new String[] {"inspect", "--runs", "--bogus", "x"}, new String[] {"serve", "--help"},
        new String[] {"doctor", "--help"}, new String[] {"demo", "--help"}, new String[] {"help", "inspect"},
        new String[] {"help"}, new String[] {"inspec", "x"}, new String[] {"serve", "--reload_interval", "-1", "--logdir", "x"});
    for (String[] args : cases) {
      assertEquals(run(Main.commandLine(), args), run(Main.commandLine(args), args), String.join(" ", args));
    }
    assertEquals(List.of("inspect"), List.copyOf(Main.commandLine("inspect", "x").getSubcommands().keySet()));
    assertEquals(List.copyOf(Main.SUBCOMMANDS.keySet()), List.copyOf(Main.commandLine("help").getSubcommands().keySet()));
  }
}
