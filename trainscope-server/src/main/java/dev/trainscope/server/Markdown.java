package dev.trainscope.server;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Text summaries as HTML (CommonMark with GitHub's tables, as TensorBoard's text plugin renders
 * them), made safe with commonmark-java's own switches: raw HTML in the Markdown
 * is escaped, not passed through, and link and image URLs with unsafe schemes (javascript:,
 * data: other than images, vbscript:) are neutralised. The browser inserts the result as it is.
 */
final class Markdown {
  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
  private static final HtmlRenderer RENDERER =
      HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true).build();

  private Markdown() {}

  static String toHtml(String markdown) {
    return RENDERER.render(PARSER.parse(markdown));
  }
}
