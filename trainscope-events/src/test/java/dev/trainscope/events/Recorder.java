package dev.trainscope.events;

import java.util.ArrayList;
import java.util.List;

/** An {@link EventHandler} that writes down what it was called with, for exact comparison. */
class Recorder implements EventHandler {
  /** An event as seen: its record offset, step and kind. */
  record SeenEvent(long offset, long step, EventKind kind) {}

  /** A value as seen: its event's step, index, tag, kind, and the number if it is a scalar. */
  record SeenValue(long step, int index, String tag, ValueKind kind, Double scalar) {}

  final List<SeenEvent> events = new ArrayList<>();
  final List<SeenValue> values = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();

  @Override
  public void onEvent(EventView event) {
    events.add(new SeenEvent(event.recordOffset(), event.step(), event.kind()));
  }

  @Override
  public void onValue(EventView event, ValueView value) {
    values.add(new SeenValue(event.step(), value.index(), value.tag(), value.kind(),
        value.isScalar() ? value.scalar() : null));
  }

  @Override
  public void onProblem(Problem problem) {
    problems.add(problem);
  }

  List<Problem.Kind> kinds() {
    return problems.stream().map(Problem::kind).toList();
  }

  List<Long> steps() {
    return events.stream().map(SeenEvent::step).toList();
  }

  List<String> tags() {
    return values.stream().map(SeenValue::tag).toList();
  }
}
