package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void links_keepOnlyWebSchemes_dataAndScriptLinksEmptied() {
    assertEquals("<p><a rel=\"nofollow\" href=\"\">x</a></p>\n", Markdown.toHtml("[x](data:text/html;base64,PHNjcmlwdD4=)"));
    assertEquals("<p><a rel=\"nofollow\" href=\"\">x</a></p>\n", Markdown.toHtml("[x](DATA:text/html,hi)"));
    assertEquals("<p><a rel=\"nofollow\" href=\"\">data:text/html,hi</a></p>\n", Markdown.toHtml("<data:text/html,hi>"));
    assertEquals("<p><a rel=\"nofollow\" href=\"\">x</a></p>\n", Markdown.toHtml("[x](javascript:alert(1))"));
    assertEquals("<p><a rel=\"nofollow\" href=\"\">x</a></p>\n", Markdown.toHtml("[x](file:///etc/passwd)"));
    assertEquals("<p><a rel=\"nofollow\" href=\"https://example.org/a\">x</a></p>\n", Markdown.toHtml("[x](https://example.org/a)"));
    assertEquals("<p><a rel=\"nofollow\" href=\"mailto:a@example.org\">x</a></p>\n", Markdown.toHtml("[x](mailto:a@example.org)"));
    assertEquals("<p><a rel=\"nofollow\" href=\"notes/run1\">x</a></p>\n", Markdown.toHtml("[x](notes/run1)"));
  }

  @Test
  void images_keepRasterDataUrls_dropOtherData() {
    assertEquals("<p><img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"i\" /></p>\n",
        Markdown.toHtml("![i](data:image/png;base64,iVBORw0KGgo=)"));
    assertEquals("<p><img src=\"\" alt=\"i\" /></p>\n", Markdown.toHtml("![i](data:image/svg+xml;base64,PHN2Zz4=)"));
    assertEquals("<p><img src=\"\" alt=\"i\" /></p>\n", Markdown.toHtml("![i](data:text/html,<b>)"));
    assertEquals("<p><img src=\"https://example.org/i.png\" alt=\"i\" /></p>\n", Markdown.toHtml("![i](https://example.org/i.png)"));
  }
}
