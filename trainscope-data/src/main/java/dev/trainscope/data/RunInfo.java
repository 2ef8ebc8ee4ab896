package dev.trainscope.data;

import java.util.List;

/**
 * A run: a directory holding event files.
 *
 * @param name the directory relative to the log directory ("." for the root), prefixed by the
 *     source name when the log directory was given as name:path pairs
 * @param files the run's event files, in the order they are read (by name)
 * @param bytesRead bytes of those files read so far (a file whose read failed counts as far as it
 *     was read, not as seen)
 * @param bytesKnown their size when last listed
 * @param events events read
 * @param problems damage reported while reading (truncation while a file is being written is not
 *     counted), plus the files whose last read failed
 * @param hasGraph a GraphDef was logged
 * @param hasMetaGraph a MetaGraphDef was logged
 * @param restarts how many times the run was read again from the start because a file was
 *     replaced or shrank
 */
public record RunInfo(
    String name,
    List<String> files,
    long bytesRead,
    long bytesKnown,
    long events,
    int tags,
    double firstWallTime,
    double lastWallTime,
    long problems,
    boolean hasGraph,
    boolean hasMetaGraph,
    long droppedByRestart,
    long droppedBySessionStart,
    int restarts) {

  public RunInfo {
    files = List.copyOf(files);
  }

  /** True when every byte listed has been read. */
  public boolean loaded() {
    return bytesRead >= bytesKnown;
  }
}
