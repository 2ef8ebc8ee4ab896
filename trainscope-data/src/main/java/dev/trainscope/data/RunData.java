package dev.trainscope.data;

import dev.trainscope.events.plugins.HParamsPluginData;
import java.util.LinkedHashMap;
import java.util.Map;

/** The data of one run, rebuilt from scratch when a file of the run is replaced. */
final class RunData {
  final Map<String, TagData> tags = new LinkedHashMap<>();
  /** The wall clock the run's scalar series are coded against. */
  final RunClock clock = new RunClock();
  long events;
  long problems;
  double firstWall = Double.NaN;
  double lastWall = Double.NaN;
  boolean hasGraph;
  boolean hasMetaGraph;
  ValueRef metaGraph;
  HParamsPluginData.Experiment experiment;
  HParamsPluginData.SessionStartInfo sessionStart;
  HParamsPluginData.SessionEndInfo sessionEnd;

  long droppedRestart() {
    long n = 0;
    for (TagData t : tags.values()) {
      n += t.droppedRestart;
    }
    return n;
  }

  long droppedSession() {
    long n = 0;
    for (TagData t : tags.values()) {
      n += t.droppedSession;
    }
    return n;
  }

  long memoryBytes() {
    long n = 256 + clock.memoryBytes();
    for (TagData t : tags.values()) {
      n += t.memoryBytes();
    }
    return n;
  }
}
