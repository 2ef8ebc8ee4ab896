package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Mesh tab in a real browser: the tetrahedron tensorboardX's add_mesh wrote (testdata's
 * gen-tensorboardX/custom_scalars_mesh) and meshes our writer wrote are drawn by three.js with the
 * tensors' very vertices, faces and colours (read from the scene's geometry and compared with the
 * tensors the file holds); dragging rotates the camera around the mesh and the wheel zooms; the
 * step slider shows each step's vertices; a point cloud is drawn as points.
 */
@ExtendWith(Chromium.Tests.class)
class MeshBrowserTest {
  static final String TETRA = ".card[data-tab=mesh][data-run='tetra'][data-mesh='mesh/tetrahedron']";
  static final String SPHERE = ".card[data-tab=mesh][data-run='sphere'][data-mesh='ball']";
  static final String CLOUD = ".card[data-tab=mesh][data-run='sphere'][data-mesh='spiral']";

  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser, @TempDir Path dir) throws Exception {
    chromium = browser;
    Served.copyRun(Served.testdata().resolve("gen-tensorboardX/custom_scalars_mesh"), dir, "tetra");
    try (SummaryWriter log = SummaryWriter.create(dir.resolve("sphere"))) {
      for (int step = 0; step < 2; step++) {
        Sphere s = Sphere.of(24, 16, 1 + step);
        log.mesh("ball", s.vertices, s.faces, s.colors, step);
      }
      float[][] spiral = new float[300][];
      int[][] colors = new int[300][];
      for (int i = 0; i < spiral.length; i++) {
        double t = i / 20.0;
        spiral[i] = new float[] {(float) Math.cos(t), (float) (i / 150.0 - 1), (float) Math.sin(t)};
        colors[i] = new int[] {i * 255 / 299, 80, 255 - i * 255 / 299};
      }
      log.mesh("spiral", spiral, null, colors, 5);
    }
    served = Served.loaded(dir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** A UV sphere of radius r with colours by position: the screenshot's mesh and a mesh of two steps. */
  record Sphere(float[][] vertices, int[][] faces, int[][] colors) {
    static Sphere of(int around, int down, double r) {
      List<float[]> v = new ArrayList<>();
      List<int[]> c = new ArrayList<>();
      for (int j = 0; j <= down; j++) {
        double phi = Math.PI * j / down;
        for (int i = 0; i < around; i++) {
          double theta = 2 * Math.PI * i / around;
          float x = (float) (r * Math.sin(phi) * Math.cos(theta));
          float y = (float) (r * Math.cos(phi));
          float z = (float) (r * Math.sin(phi) * Math.sin(theta));
          v.add(new float[] {x, y, z});
          c.add(new int[] {(int) (127.5 * (1 + x / r)), (int) (127.5 * (1 + y / r)), (int) (127.5 * (1 + z / r))});
        }
      }
      List<int[]> f = new ArrayList<>();
      for (int j = 0; j < down; j++) {
        for (int i = 0; i < around; i++) {
          int a = j * around + i;
          int b = j * around + (i + 1) % around;
          f.add(new int[] {a, a + around, b});
          f.add(new int[] {b, a + around, b + around});
        }
      }
      return new Sphere(v.toArray(new float[0][]), f.toArray(new int[0][]), c.toArray(new int[0][]));
    }
  }

  static double[] tensor(String run, String tag, long step) throws Exception {
    return TensorProto.parse(served.store.blob(run, tag, step, 0)).toDoubleArray();
  }

  /** three.js keeps colours in linear sRGB: a logged 0..255 value as the scene holds it. */
  static double linear(double c255) {
    double c = c255 / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  static JsonNode scene(DashboardPage p, String card) {
    p.waitFor("sel => { const c = document.querySelector(sel); return c && c.dataset.state === 'ready' && c.__mesh; }", card);
    return p.json("sel => document.querySelector(sel).__mesh", card);
  }

  static double distance(JsonNode camera) {
    return Math.sqrt(Math.pow(camera.get(0).asDouble(), 2) + Math.pow(camera.get(1).asDouble(), 2)
        + Math.pow(camera.get(2).asDouble(), 2));
  }

  @Test
  void tetrahedron_sceneHoldsTheTensors_andDragRotatesWheelZooms() throws Exception {
    double[] vertices = tensor("tetra", "mesh/tetrahedron_1", 0);
    double[] faces = tensor("tetra", "mesh/tetrahedron_2", 0);
    double[] colors = tensor("tetra", "mesh/tetrahedron_3", 0);
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=mesh&runFilter=%5Etetra%24");
      JsonNode s = scene(p, TETRA);
      assertEquals("mesh", s.get("kind").asText());
      assertEquals(vertices.length / 3, s.get("vertexCount").asInt(), "the tensor's vertex count");
      assertEquals(4, s.get("vertexCount").asInt());
      for (int i = 0; i < vertices.length; i++) {
        assertEquals(vertices[i], s.get("positions").get(i).asDouble(), 1e-6, "coordinate " + i);
        assertEquals(faces[i], s.get("index").get(i).asDouble(), "face index " + i);
        assertEquals(linear(colors[i]), s.get("colors").get(i).asDouble(), 1e-4, "colour " + i);
      }
      // the tetrahedron's vertices lie on a sphere around the origin: the camera orbits it there
      JsonNode before = s.get("camera");
      var box = p.locator(TETRA + " .mesh-view canvas").boundingBox();
      double cx = box.x + box.width / 2;
      double cy = box.y + box.height / 2;
      p.page.mouse().move(cx, cy);
      p.page.mouse().down();
      p.page.mouse().move(cx + 120, cy + 40, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(8));
      p.page.mouse().up();
      JsonNode turned = scene(p, TETRA).get("camera");
      assertTrue(Math.abs(turned.get(0).asDouble() - before.get(0).asDouble()) > 0.05
          || Math.abs(turned.get(2).asDouble() - before.get(2).asDouble()) > 0.05, "the drag moved the camera: " + before + " -> " + turned);
      assertEquals(distance(before), distance(turned), 1e-6, "rotation keeps the distance to the mesh");
      p.page.mouse().move(cx, cy);
      p.page.mouse().wheel(0, -400);
      p.waitFor("([sel, d]) => { const c = document.querySelector(sel).__mesh.camera;"
          + " return Math.hypot(c[0], c[1], c[2]) < d * 0.95; }", List.of(TETRA, distance(turned)));
      p.assertNoErrors();
    }
  }

  @Test
  void writersMeshes_stepSliderShowsEachStep_andAPointCloudIsPoints() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=mesh&runFilter=%5Esphere%24");
      JsonNode last = scene(p, SPHERE);
      double[] v1 = tensor("sphere", "ball_VERTEX", 1);
      assertEquals(1, last.get("step").asLong(), "the latest step first");
      assertEquals(v1.length / 3, last.get("vertexCount").asInt());
      assertEquals(v1[3], last.get("positions").get(3).asDouble(), 1e-6);
      assertEquals(tensor("sphere", "ball_FACE", 1).length, last.get("index").size());
      p.locator(SPHERE + " input.step-range").fill("0");
      p.waitFor("sel => document.querySelector(sel).__mesh.step === 0", SPHERE);
      JsonNode first = scene(p, SPHERE);
      double[] v0 = tensor("sphere", "ball_VERTEX", 0);
      for (int i = 0; i < v0.length; i += 37) {
        assertEquals(v0[i], first.get("positions").get(i).asDouble(), 1e-6, "step 0 coordinate " + i);
      }
      assertEquals(2 * v0[3], v1[3], 1e-6, "step 1 is twice as big");
      JsonNode cloud = scene(p, CLOUD);
      assertEquals("points", cloud.get("kind").asText());
      assertEquals(300, cloud.get("vertexCount").asInt());
      assertEquals(0, cloud.get("index").size());
      int lastRed = cloud.get("colors").size() - 3; // the last point is {255, 80, 0}
      assertEquals(linear(255), cloud.get("colors").get(lastRed).asDouble(), 1e-4);
      assertEquals(linear(80), cloud.get("colors").get(lastRed + 1).asDouble(), 1e-4);
      assertEquals(0, cloud.get("colors").get(lastRed + 2).asDouble(), 1e-9);
      assertTrue(p.locator(CLOUD + " .card-desc").textContent().contains("300 vertices (point cloud)"));
      p.assertNoErrors();
    }
  }

  /** With {@code -Dtrainscope.screenshots=true}, rewrites docs/screenshots/mesh.png: the writer's sphere and spiral. */
  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshot() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"),
        "SKIPPED: needs -Dtrainscope.screenshots=true");
    try (DashboardPage p = chromium.open(served.base)) {
      p.page.setViewportSize(1400, 760);
      p.open("tab=mesh&runFilter=%5Esphere%24");
      scene(p, SPHERE);
      scene(p, CLOUD);
      p.screenshot(Path.of("../docs/screenshots/mesh.png"));
      p.assertNoErrors();
    }
  }
}
