package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.data.BlobInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The images tab in a real browser: at each step the slider picks, the {@code <img>} shows the
 * very bytes the event file holds (read here with the events scanner), and brightness and
 * contrast change the image's CSS filter and what is painted.
 */
@ExtendWith(Chromium.Tests.class)
class ImagesBrowserTest {
  static final String RUN = "media";
  static final String TAG = "image/rgb_chw_uint8";
  static final String CARD = ".card[data-tab=images][data-run='media'][data-tag='image/rgb_chw_uint8']";
  static final String SHOW = "tab=images&tagFilter=%5Eimage%2Frgb_chw_uint8%24&runFilter=%5Emedia%24";

  static Served served;
  static Chromium chromium;
  static Path eventFile;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    Path dir = Served.testdata().resolve("gen-tensorboardX");
    eventFile = dir.resolve("media/events.out.tfevents.1795718564.vm");
    served = Served.loaded(dir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** The bytes an {@code <img>} of the page was loaded from, fetched by the page itself, with their type. */
  static Map.Entry<String, byte[]> fetchFromPage(DashboardPage p, String imgSelector) {
    JsonNode r = p.json("""
        async sel => {
          const img = document.querySelector(sel);
          const res = await fetch(img.getAttribute('src'));
          const bytes = new Uint8Array(await res.arrayBuffer());
          let s = '';
          for (const b of bytes) s += String.fromCharCode(b);
          return { type: res.headers.get('content-type'), b64: btoa(s) };
        }""", imgSelector);
    return Map.entry(r.get("type").asText(), Base64.getDecoder().decode(r.get("b64").asText()));
  }

  @Test
  void stepSlider_showsTheFilesPngAtEachStep() throws Exception {
    List<BlobInfo> blobs = served.store.blobs(RUN, TAG);
    assertEquals(List.of(0L, 1L, 2L), blobs.stream().map(BlobInfo::step).toList());
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(SHOW);
      JsonNode d = p.readyChartData(CARD);
      assertEquals(2, d.get("selectedStep").asLong(), "the latest step first");
      String slider = CARD + " input.step-range";
      for (String move : List.of("Home", "ArrowRight", "End", "0")) {
        if (move.equals("0")) {
          p.locator(slider).fill("0");
        } else {
          p.locator(slider).focus();
          p.page.keyboard().press(move);
        }
        long step = move.equals("Home") || move.equals("0") ? 0 : move.equals("ArrowRight") ? 1 : 2;
        String img = CARD + " img[data-step='" + step + "'][data-index='0']";
        p.waitFor("sel => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0; }", img);
        assertEquals(step, p.chartData(CARD).get("selectedStep").asLong());
        assertEquals(1, p.locator(CARD + " img").count(), "one image at a time");
        Map.Entry<String, byte[]> got = fetchFromPage(p, img);
        byte[] inFile = EventFiles.image(eventFile, TAG, step);
        assertEquals("image/png", got.getKey());
        assertArrayEquals(inFile, got.getValue(), "step " + step + ": the bytes of the event file");
        assertArrayEquals(served.store.blob(RUN, TAG, step, 0), got.getValue());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(inFile));
        BlobInfo info = blobs.get((int) step);
        assertEquals(info.width(), decoded.getWidth());
        assertEquals(List.of(decoded.getWidth(), decoded.getHeight()),
            List.of(((Number) p.page.evaluate("s => document.querySelector(s).naturalWidth", img)).intValue(),
                ((Number) p.page.evaluate("s => document.querySelector(s).naturalHeight", img)).intValue()),
            "the browser decoded the image at its size");
      }
      p.assertNoErrors();
    }
  }

  /** Mean brightness (0..255) of a screenshot's pixels. */
  static double meanLuma(byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    double sum = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        sum += 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
      }
    }
    return sum / ((double) img.getWidth() * img.getHeight());
  }

  @Test
  void brightnessAndContrast_changeTheFilterAndThePaintedPixels() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(SHOW);
      p.readyChartData(CARD);
      String img = CARD + " img[data-step='2']";
      p.waitFor("sel => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0; }", img);
      String filter = "s => getComputedStyle(document.querySelector(s)).filter";
      assertEquals("brightness(1) contrast(1)", p.page.evaluate(filter, img));
      double before = meanLuma(p.locator(img).screenshot());

      p.locator("input[data-key='x.imgBrightness']").fill("1.5");
      p.locator("input[data-key='x.imgContrast']").fill("0.5");
      assertEquals("brightness(1.5) contrast(0.5)", p.page.evaluate(filter, img));
      assertTrue(p.hash().contains("x.imgBrightness=1.5") && p.hash().contains("x.imgContrast=0.5"), p.hash());

      p.locator("input[data-key='x.imgContrast']").fill("1");
      p.locator("input[data-key='x.imgBrightness']").fill("2");
      assertEquals("brightness(2) contrast(1)", p.page.evaluate(filter, img));
      double brighter = meanLuma(p.locator(img).screenshot());
      assertTrue(brighter > before + 10, "painted brighter: mean luma " + before + " -> " + brighter);

      p.locator("input[data-key='x.imgBrightness']").fill("0");
      double black = meanLuma(p.locator(img).screenshot());
      assertTrue(black < 5 && black < before / 10, "brightness 0 paints (nearly: edges blend) black: " + black);

      // the reset button returns to the default, which leaves the URL
      p.locator("input[data-key='x.imgBrightness'] ~ button").click();
      assertEquals("brightness(1) contrast(1)", p.page.evaluate(filter, img));
      assertTrue(!p.hash().contains("x.imgBrightness"), p.hash());
      p.assertNoErrors();
    }
  }
}
