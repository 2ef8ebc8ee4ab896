package dev.trainscope.writer;

import dev.trainscope.events.plugins.CustomScalarLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A layout for TensorBoard's custom scalars dashboard, written by {@link
 * SummaryWriter#customScalars(CustomScalars)}: categories (collapsible groups) of charts, each
 * either a multiline chart, one line per scalar tag matching any of its regular expressions, or a
 * margin chart, a value tag's line with a band between a lower and an upper bound tag. The same
 * layout as tensorboardX's {@code add_custom_scalars} and TensorBoard's
 * {@code custom_scalar.summary.pb} write.
 *
 * <pre>{@code
 * log.customScalars(CustomScalars.builder()
 *     .category("Loss")
 *     .multiline("train and validation", "loss/train", "loss/val")
 *     .margin("accuracy with its interval", "acc/mean", "acc/low", "acc/high")
 *     .build());
 * }</pre>
 */
public final class CustomScalars {
  final CustomScalarLayout layout;

  private CustomScalars(CustomScalarLayout layout) {
    this.layout = layout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Categories in order; a chart goes into the category named last before it. */
  public static final class Builder {
    private final List<CustomScalarLayout.Category> done = new ArrayList<>();
    private String title;
    private boolean closed;
    private List<CustomScalarLayout.Chart> charts;

    private Builder() {}

    /** Starts a category, shown open. */
    public Builder category(String title) {
      return category(title, false);
    }

    /** Starts a category, shown collapsed when {@code closed}. */
    public Builder category(String title, boolean closed) {
      Require.nonNull(title, "title");
      finish();
      this.title = title;
      this.closed = closed;
      this.charts = new ArrayList<>();
      return this;
    }

    /** A chart of one line per run and scalar tag matching any of {@code tagRegexes}. */
    public Builder multiline(String title, String... tagRegexes) {
      Require.nonNull(tagRegexes, "tagRegexes");
      if (tagRegexes.length == 0) {
        throw new IllegalArgumentException("tagRegexes must name at least one tag, was empty");
      }
      for (int i = 0; i < tagRegexes.length; i++) {
        Require.nonNull(tagRegexes[i], "tagRegexes[" + i + "]");
      }
      return chart(title, new CustomScalarLayout.Multiline(List.of(tagRegexes)));
    }

    /** A chart of the {@code value} tag's line per run with a band from {@code lower} to {@code upper}. */
    public Builder margin(String title, String value, String lower, String upper) {
      Require.tag(value, "value");
      Require.tag(lower, "lower");
      Require.tag(upper, "upper");
      return chart(title, new CustomScalarLayout.Margin(List.of(new CustomScalarLayout.MarginSeries(value, lower, upper))));
    }

    private Builder chart(String title, CustomScalarLayout.Content content) {
      Require.nonNull(title, "title");
      if (charts == null) {
        throw new IllegalStateException("a chart must come after category(...), and none was started");
      }
      charts.add(new CustomScalarLayout.Chart(title, content));
      return this;
    }

    private void finish() {
      if (charts != null) {
        done.add(new CustomScalarLayout.Category(title, charts, closed));
      }
    }

    public CustomScalars build() {
      finish();
      charts = null;
      if (done.isEmpty()) {
        throw new IllegalStateException("a layout needs at least one category, and none was started");
      }
      CustomScalars out = new CustomScalars(new CustomScalarLayout(0, done));
      done.clear();
      return out;
    }
  }
}
