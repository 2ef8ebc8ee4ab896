package dev.trainscope.data;

import java.util.List;

/** The text (Markdown) of one step; a text summary may hold several strings. */
public record TextStep(long step, double wallTime, List<String> text) {
  public TextStep {
    text = List.copyOf(text);
  }
}
