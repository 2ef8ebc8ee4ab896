package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

/** Geometry a good layout has, whatever the graph. */
final class LayoutChecks {
  private LayoutChecks() {}

  static void boxesInsideTheirScopes(GraphLayout.Layout layout) {
    Map<String, GraphLayout.Box> expanded = new HashMap<>();
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.kind() == GraphLayout.Kind.EXPANDED) {
        expanded.put(b.key(), b);
      }
    }
    for (GraphLayout.Box b : layout.boxes()) {
      assertTrue(b.x() >= -0.5 && b.y() >= -0.5, b.key() + " at " + b.x() + "," + b.y());
      assertTrue(b.x() + b.width() <= layout.width() + 0.5 && b.y() + b.height() <= layout.height() + 0.5,
          b.key() + " outside the drawing");
      GraphLayout.Box p = expanded.get(b.parent());
      if (p != null && p != b) {
        assertTrue(b.x() >= p.x() - 0.5 && b.y() >= p.y() - 0.5 && b.x() + b.width() <= p.x() + p.width() + 0.5
            && b.y() + b.height() <= p.y() + p.height() + 0.5, b.key() + " outside its scope " + p.key());
      }
    }
    for (GraphLayout.Line l : layout.lines()) {
      assertTrue(l.points().size() >= 2, "edge without a route");
      for (double[] pt : l.points()) {
        assertTrue(pt[0] >= -0.5 && pt[1] >= -0.5 && pt[0] <= layout.width() + 0.5 && pt[1] <= layout.height() + 0.5,
            "edge point outside the drawing");
      }
    }
  }
}
