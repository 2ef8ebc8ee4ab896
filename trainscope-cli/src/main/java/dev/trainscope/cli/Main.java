package dev.trainscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainscope} command: one subcommand per job. */
@Command(
    name = "trainscope",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "See inside a training deep network: TensorBoard event files, read fast and losslessly.",
    subcommands = {ServeCommand.class, DemoCommand.class, DoctorCommand.class, InspectCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** The version recorded in the jar's manifest at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"trainscope " + (v == null ? "(development build)" : v)};
    }
  }
}
