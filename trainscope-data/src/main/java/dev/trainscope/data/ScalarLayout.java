package dev.trainscope.data;

import dev.trainscope.events.plugins.CustomScalarLayout;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The custom scalars dashboard's layout over a log directory: the layouts of every run (each run's
 * latest {@link TagKind#CUSTOM_SCALARS} value) merged as TensorBoard's custom_scalars plugin merges
 * them: categories of the same title become one, holding the charts of each in run order (a chart
 * that several runs logged alike is kept once).
 *
 * @param runs the runs whose layouts were merged, sorted
 * @param unreadable a run whose layout could not be read, with the reason (it is left out)
 */
public record ScalarLayout(List<Category> categories, List<String> runs, Map<String, String> unreadable) {
  public ScalarLayout {
    categories = List.copyOf(categories);
    runs = List.copyOf(runs);
    unreadable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(unreadable));
  }

  /** A titled group of charts, shown collapsed when {@code closed}. */
  public record Category(String title, boolean closed, List<Chart> charts) {
    public Category {
      charts = List.copyOf(charts);
    }
  }

  /**
   * A chart: with {@code margin} false, one line per scalar tag matching any of {@code tags}
   * (regular expressions) in each run; with {@code margin} true, per {@code series} the value tag's
   * line with a band from the lower to the upper tag (exact names).
   */
  public record Chart(String title, boolean margin, List<String> tags, List<MarginSeries> series) {
    public Chart {
      tags = List.copyOf(tags);
      series = List.copyOf(series);
    }
  }

  /** The tags of a margin chart's value and of its lower and upper bounds. */
  public record MarginSeries(String value, String lower, String upper) {}

  /** Reads and merges the layouts of every run of {@code data}. */
  static ScalarLayout read(LogdirData data) {
    Map<String, Category> byTitle = new LinkedHashMap<>();
    List<String> runs = new ArrayList<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    for (RunInfo run : data.runs()) {
      CustomScalarLayout layout;
      try {
        layout = latest(data, run.name());
      } catch (IOException | MalformedProtoException | IndexOutOfBoundsException e) {
        unreadable.put(run.name(), "its custom scalars layout cannot be read: " + e.getMessage());
        continue;
      } catch (NoSuchElementException e) {
        continue; // the run or its layout went away meanwhile
      }
      if (layout == null) {
        continue;
      }
      runs.add(run.name());
      for (CustomScalarLayout.Category c : layout.categories()) {
        Category held = byTitle.get(c.title());
        List<Chart> charts = new ArrayList<>(held == null ? List.of() : held.charts());
        for (CustomScalarLayout.Chart chart : c.charts()) {
          Chart ours = chart(chart);
          if (!charts.contains(ours)) {
            charts.add(ours);
          }
        }
        byTitle.put(c.title(), new Category(c.title(), held == null ? c.closed() : held.closed(), charts));
      }
    }
    return new ScalarLayout(new ArrayList<>(byTitle.values()), runs, unreadable);
  }

  /** The layout of a run's latest custom scalars value, or null when it has none. */
  private static CustomScalarLayout latest(LogdirData data, String run) throws IOException {
    for (TagInfo t : data.tags(run)) {
      if (t.kind() != TagKind.CUSTOM_SCALARS || !t.tag().equals(CustomScalarLayout.TAG)) {
        continue;
      }
      List<BlobInfo> steps = data.blobs(run, t.tag());
      if (steps.isEmpty()) {
        return null;
      }
      byte[] tensor = data.blob(run, t.tag(), steps.get(steps.size() - 1).step(), 0);
      return CustomScalarLayout.parse(TensorProto.parse(tensor).strings().get(0));
    }
    return null;
  }

  private static Chart chart(CustomScalarLayout.Chart c) {
    if (c.content() instanceof CustomScalarLayout.Margin m) {
      return new Chart(c.title(), true, List.of(),
          m.series().stream().map(s -> new MarginSeries(s.value(), s.lower(), s.upper())).toList());
    }
    return new Chart(c.title(), false, ((CustomScalarLayout.Multiline) c.content()).tags(), List.of());
  }
}
