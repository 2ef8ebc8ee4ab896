package dev.trainscope.server;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;

/**
 * Text summaries as HTML (CommonMark with GitHub's tables, as TensorBoard's text plugin renders
 * them), made safe with commonmark-java's own switches: raw HTML in the Markdown is escaped, not
 * passed through, and URLs are sanitised: links keep only {@code http:}, {@code https:} and
 * {@code mailto:} (and relative URLs), images only those and base64 PNG, JPEG, GIF or WebP
 * {@code data:} URLs. Anything else ({@code javascript:}, {@code vbscript:}, {@code file:}, a
 * {@code data:} link, which commonmark-java's default sanitiser keeps) becomes an empty URL. The
 * browser inserts the result as it is.
 */
final class Markdown {
  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
  private static final Pattern IMAGE_DATA = Pattern.compile("data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=\\s]*");

  /** The default sanitiser's rules with a shorter list of schemes, and images as data kept apart. */
  private static final UrlSanitizer URLS = new UrlSanitizer() {
    private final DefaultUrlSanitizer web = new DefaultUrlSanitizer(List.of("http", "https", "mailto"));

    @Override
    public String sanitizeLinkUrl(String url) {
      return web.sanitizeLinkUrl(url);
    }

    @Override
    public String sanitizeImageUrl(String url) {
      String u = url.trim();
      if (u.toLowerCase(Locale.ROOT).startsWith("data:")) {
        return IMAGE_DATA.matcher(u.toLowerCase(Locale.ROOT)).matches() ? u : "";
      }
      return web.sanitizeImageUrl(url);
    }
  };

  private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true)
      .sanitizeUrls(true).urlSanitizer(URLS).build();

  private Markdown() {}

  static String toHtml(String markdown) {
    return RENDERER.render(PARSER.parse(markdown));
  }
}
