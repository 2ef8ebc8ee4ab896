package dev.trainscope.data;

/**
 * One element of a mesh's batch at one step, as three.js draws it.
 *
 * @param sample which element of the batch (0 for a mesh logged without one)
 * @param samples how many elements the batch holds
 * @param vertices x, y, z of each vertex
 * @param faces three vertex indices per triangle; empty for a point cloud
 * @param colors r, g, b (0 to 255) of each vertex; empty when none were logged
 */
public record MeshStep(String run, String name, long step, double wallTime, int sample, int samples, String jsonConfig,
    float[] vertices, int[] faces, int[] colors) {

  public int vertexCount() {
    return vertices.length / 3;
  }
}
