package dev.trainscope.data;

import java.util.List;

/**
 * An embedding of a run, as the projector shows it: a matrix of {@code rows} vectors of {@code
 * dims} numbers, with optional metadata (labels) per row and an optional sprite image.
 *
 * @param tag the name it is listed under: a {@code tensor_name} without the {@code :<step>} that
 *     torch and tensorboardX add, or the tag of a rank-2 tensor in the event files
 * @param step the step it was logged at (0 when the file does not say)
 * @param tensorName the {@code tensor_name} of {@code projector_config.pbtxt}, or the tag
 * @param source {@code "tsv"} or {@code "binary"} (a file named by {@code projector_config.pbtxt}),
 *     {@code "tensor"} (a rank-2 tensor in an event file)
 * @param rows vectors held (0 when {@code problem} says why they cannot be read)
 * @param dims numbers per vector
 * @param metadataColumns the metadata's column names (a single column is named "label"); empty
 *     when there is no metadata
 * @param spriteWidth the width of one sprite image in pixels, 0 when there is no sprite
 * @param spriteHeight the height of one sprite image in pixels
 * @param problem why it cannot be drawn, "" when it can
 */
public record EmbeddingInfo(String run, String tag, long step, String tensorName, String source, int rows,
    int dims, List<String> metadataColumns, int spriteWidth, int spriteHeight, String problem) {
  public EmbeddingInfo {
    metadataColumns = List.copyOf(metadataColumns);
  }

  /** Receives the vectors of an embedding one row at a time; {@code values} is reused for the next row. */
  @FunctionalInterface
  public interface Rows {
    void row(int index, float[] values);
  }

  /**
   * The metadata of an embedding: one row per vector, one value per column.
   *
   * @param columns the column names ("label" for a file of one column, which has no header row)
   * @param rows the values, row by row
   */
  public record Metadata(List<String> columns, List<List<String>> rows) {
    public Metadata {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }
  }
}
