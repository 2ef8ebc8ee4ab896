package dev.trainscope.diagnose;

import java.util.List;

/**
 * One check a practitioner makes by eye, made by the machine: it reads a {@link Subject}'s series
 * and adds a {@link Finding} for each problem it sees, and says what evidence it could use.
 */
public interface Rule {
  /** A short stable id: "loss-surge". */
  String id();

  void check(Subject subject, Thresholds thresholds, List<Finding> out);

  /** Whether the training's logs let the rule examine it, and on what. */
  Coverage coverage(Subject subject);
}
