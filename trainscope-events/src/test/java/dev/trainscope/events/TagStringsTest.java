package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tag table against String's own decoding: lengths around its word compares, order, floods. */
class TagStringsTest {

  /** A tag's bytes inside a bigger buffer, as the scanner hands them over. */
  private static String get(TagStrings t, String tag, int pad) {
    byte[] utf8 = tag.getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[pad + utf8.length + pad];
    System.arraycopy(utf8, 0, buf, pad, utf8.length);
    return t.get(buf, pad, utf8.length);
  }

  @Test
  void everyLength_roundTrips_andRepeatsGiveTheSameString() {
    TagStrings t = new TagStrings();
    Random random = new Random(7);
    List<String> tags = new ArrayList<>();
    for (int len = 0; len <= 40; len++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < len; i++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      tags.add(b.toString());
      tags.add(b.toString().replace('a', 'é')); // two bytes in UTF-8
    }
    tags.add("x".repeat(600)); // longer than what is kept
    List<String> first = new ArrayList<>();
    for (String tag : tags) {
      first.add(get(t, tag, 3));
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tags.size(); i++) {
        String s = get(t, tags.get(i), round);
        assertEquals(tags.get(i), s);
        if (tags.get(i).length() <= 512) {
          assertSame(first.get(i), s, "the guess or the table answers with the String made the first time");
        }
      }
    }
  }

  @Test
  void tagsThatDifferOnlyInTheMiddle_areNotConfused() {
    TagStrings t = new TagStrings();
    String a = "layer_01/weights/AAAAAAAA/histogram";
    String b = "layer_01/weights/AAAAAAAB/histogram";
    for (int i = 0; i < 5; i++) {
      assertEquals(a, get(t, a, 1));
      assertEquals(b, get(t, b, 1));
      assertEquals(b, get(t, b, 2)); // the guess after b is a; b again must not match it
    }
  }

  @Test
  void aFloodOfDistinctTags_isAnsweredRightThroughTheTableBeingCleared() {
    TagStrings t = new TagStrings();
    for (int i = 0; i < 100_000; i++) {
      String tag = "tag/" + i;
      assertEquals(tag, get(t, tag, 0));
    }
    assertEquals("tag/5", get(t, "tag/5", 0));
  }
}
