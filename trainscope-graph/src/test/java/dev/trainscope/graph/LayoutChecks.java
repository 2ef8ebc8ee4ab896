package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  /** An axis-aligned rectangle and what it is, for the messages. */
  record Rect(String what, double x, double y, double w, double h) {
    /** Whether the two share more than a hair's breadth of area. */
    boolean overlaps(Rect o) {
      double e = 0.5;
      return x + e < o.x + o.w && o.x + e < x + w && y + e < o.y + o.h && o.y + e < y + h;
    }

    /** Whether the segment from (x1, y1) to (x2, y2) runs through the inside (edges shrunk by a hair). */
    boolean crossedBy(double x1, double y1, double x2, double y2) {
      double e = 0.5;
      double lo = 0;
      double hi = 1;
      double[] p = {-(x2 - x1), x2 - x1, -(y2 - y1), y2 - y1};
      double[] q = {x1 - (x + e), (x + w - e) - x1, y1 - (y + e), (y + h - e) - y1};
      for (int i = 0; i < 4; i++) { // Liang-Barsky clipping
        if (p[i] == 0) {
          if (q[i] < 0) {
            return false;
          }
        } else {
          double t = q[i] / p[i];
          if (p[i] < 0) {
            lo = Math.max(lo, t);
          } else {
            hi = Math.min(hi, t);
          }
        }
      }
      return lo < hi;
    }

    @Override
    public String toString() {
      return String.format("%s at %.1f,%.1f %.1fx%.1f", what, x, y, w, h);
    }
  }

  /** The title bars of the open scopes: their top left corners, as wide as the layout keeps clear. */
  static List<Rect> titleBars(GraphLayout.Layout layout) {
    List<Rect> out = new ArrayList<>();
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.kind() == GraphLayout.Kind.EXPANDED) {
        out.add(new Rect("title of " + b.key(), b.x(), b.y(), Math.min(b.width(), GraphLayout.titleWidth(b.label())),
            Math.min(b.height(), GraphLayout.TITLE_HEIGHT)));
      }
    }
    return out;
  }

  /**
   * Every labelled edge has a label box, and no two label boxes overlap, nor a label box a title
   * bar or a box (op or closed scope).
   */
  static void labelsClearOfLabelsTitlesAndBoxes(GraphLayout.Layout layout) {
    List<Rect> labels = new ArrayList<>();
    for (GraphLayout.Line l : layout.lines()) {
      if (!l.label().isEmpty()) {
        double[] b = l.labelBox();
        assertTrue(b != null, "no place for the label of " + l.from() + " > " + l.to());
        labels.add(new Rect("label '" + l.label() + "' of " + l.from() + " > " + l.to(), b[0], b[1], b[2], b[3]));
      }
    }
    List<Rect> solid = new ArrayList<>(titleBars(layout));
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.kind() != GraphLayout.Kind.EXPANDED) {
        solid.add(new Rect("box " + b.key(), b.x(), b.y(), b.width(), b.height()));
      }
    }
    for (int i = 0; i < labels.size(); i++) {
      for (int j = i + 1; j < labels.size(); j++) {
        assertTrue(!labels.get(i).overlaps(labels.get(j)), labels.get(i) + " overlaps " + labels.get(j));
      }
      for (Rect r : solid) {
        assertTrue(!labels.get(i).overlaps(r), labels.get(i) + " overlaps " + r);
      }
    }
  }

  /** No segment of any edge runs through an open scope's title bar. */
  static void noEdgeThroughATitle(GraphLayout.Layout layout) {
    List<Rect> titles = titleBars(layout);
    for (GraphLayout.Line l : layout.lines()) {
      List<double[]> p = l.points();
      for (int i = 0; i + 1 < p.size(); i++) {
        for (Rect t : titles) {
          double[] a = p.get(i);
          double[] b = p.get(i + 1);
          assertTrue(!t.crossedBy(a[0], a[1], b[0], b[1]), String.format("%s > %s runs through the %s (segment %.1f,%.1f to %.1f,%.1f)",
              l.from(), l.to(), t, a[0], a[1], b[0], b[1]));
        }
      }
    }
  }
}
