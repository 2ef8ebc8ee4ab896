package dev.trainscope.diagnose;

/**
 * Whether a rule could examine a training, on what evidence, or why not: so that "healthy" can be
 * told from "not checked".
 *
 * @param status checked (on the evidence it is made for), partly (on weaker, indirect evidence),
 *     or not checked
 * @param detail the evidence read, or what was missing
 */
public record Coverage(Status status, String detail) {
  public enum Status {
    CHECKED,
    PARTLY,
    NOT_CHECKED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  public static Coverage checked(String evidence) {
    return new Coverage(Status.CHECKED, evidence);
  }

  public static Coverage partly(String evidence) {
    return new Coverage(Status.PARTLY, evidence);
  }

  public static Coverage notChecked(String missing) {
    return new Coverage(Status.NOT_CHECKED, missing);
  }

  /** The first of these that examined anything, else the last (which says what was missing). */
  static Coverage best(Coverage... options) {
    for (Coverage c : options) {
      if (c.status() == Status.CHECKED) {
        return c;
      }
    }
    for (Coverage c : options) {
      if (c.status() == Status.PARTLY) {
        return c;
      }
    }
    return options[options.length - 1];
  }
}
