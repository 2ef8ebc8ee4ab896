package dev.trainscope.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainscope} command: one subcommand per job. */
@Command(
    name = "trainscope",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "See inside a training deep network: TensorBoard event files, read fast and losslessly.")
public final class Main implements Runnable {
  /**
   * The subcommands, in the order the help lists them. Added by {@link #commandLine(String...)}
   * rather than named in the annotation, so that a command line that names one builds the model
   * of that one alone: picocli reflects over every subcommand it is given, and over the classes
   * their options name (the store, the diagnosis, the demo's networks), which took a second of
   * {@code inspect}'s start on this machine (BENCHMARKS.md, "Issue 22").
   */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("serve", ServeCommand::new);
    m.put("demo", DemoCommand::new);
    m.put("doctor", DoctorCommand::new);
    m.put("inspect", InspectCommand::new);
    m.put("export", ExportCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return Collections.unmodifiableMap(m);
  }

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
    return commandLine(args).execute(args);
  }

  /** The command line with every subcommand. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for these arguments: when the first names a subcommand other than {@code
   * help}, with that subcommand alone (it answers the same); else with all of them, for the
   * overall help, {@code help COMMAND}, and the message about an unknown command.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
      cl.addSubcommand(first, SUBCOMMANDS.get(first).get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
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
