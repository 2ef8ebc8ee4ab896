package dev.trainscope.data;

import java.util.List;

/**
 * A mesh of a run: the tags of the mesh plugin that belong to it (TensorBoard's mesh plugin writes
 * one tensor per part: vertices, faces, colours), with the settings it was logged with.
 *
 * @param name the mesh's name from its metadata ({@code MeshPluginData.name}), not a tag
 * @param jsonConfig the three.js settings logged with it, as JSON ("" or "null" when none)
 * @param parts the parts logged, vertices first
 * @param steps the steps of its vertices, ascending
 */
public record MeshInfo(String run, String name, String jsonConfig, List<Part> parts, long[] steps) {
  public MeshInfo {
    parts = List.copyOf(parts);
    steps = steps.clone();
  }

  /**
   * One part of a mesh.
   *
   * @param content "VERTEX", "FACE" or "COLOR"
   * @param tag the tag holding it
   * @param shape its tensor's shape as the metadata states it: [batch, n, 3]
   */
  public record Part(String content, String tag, int[] shape) {}

  /** The tag of a part ("VERTEX", "FACE", "COLOR"), or null when the mesh has none. */
  public String tagOf(String content) {
    for (Part p : parts) {
      if (p.content().equals(content)) {
        return p.tag();
      }
    }
    return null;
  }
}
