package dev.trainscope.cli;

import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Roles;
import dev.trainscope.diagnose.Rules;
import dev.trainscope.diagnose.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How the diagnosis reads a log directory: what a tag is where its name does not say, and the
 * rules' thresholds. Shared by {@code doctor} and {@code serve}, so that the Findings tab and
 * {@code doctor} say the same of the same runs.
 */
final class DiagnosisOptions {
  @Option(names = "--role", paramLabel = "REGEX=ROLE",
      description = "Say what a tag is when its name does not: e.g. --role 'myloss=loss' --role 'v_acc=accuracy:val'.")
  List<String> roles = new ArrayList<>();

  @Option(names = "--roles", paramLabel = "FILE", description = "A file of REGEX=ROLE lines (# starts a comment).")
  Path rolesFile;

  @Option(names = "--threshold", paramLabel = "NAME=VALUE", description = "Change a rule's threshold, e.g. dead.fraction=0.5.")
  List<String> thresholds = new ArrayList<>();

  /**
   * The diagnosis these options describe.
   *
   * @throws IllegalArgumentException for a role, role line or threshold that cannot be read
   * @throws IOException when the roles file cannot be read
   */
  Doctor doctor() throws IOException {
    List<String> roleSpecs = new ArrayList<>(roles);
    if (rolesFile != null) {
      for (String line : Files.readAllLines(rolesFile)) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          roleSpecs.add(l);
        }
      }
    }
    return new Doctor(Rules.all(), Roles.withOverrides(roleSpecs), Thresholds.defaults().with(thresholds));
  }
}
