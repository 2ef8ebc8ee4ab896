package dev.trainscope.events.meaning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagMeaningTest {
  @Test
  void line_roundTrips_withEveryField() {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("channel", "3");
    attrs.put("sweep", "-3..3 sd");
    TagMeaning m = new TagMeaning(Role.FEATURE_TOP9, Split.VALIDATION, "conv2d_1", "", attrs, TagMeaning.METADATA);
    assertEquals("role: feature_top9, split: val, layer: conv2d_1, channel: 3, sweep: -3..3 sd", m.line());
    assertEquals(m, TagMeaning.fromDescription(m.describe("The images that excite the channel most.")));
    assertEquals("The sentence.\n\nrole: grad_norm, split: train, layer: linear_1, param: bias",
        TagMeaning.of(Role.GRAD_NORM, Split.TRAIN, "linear_1", "bias", TagMeaning.METADATA).describe("The sentence."));
  }

  @Test
  void fromDescription_readsTheLastLineOnly_andNothingElse() {
    assertEquals(Role.LOSS, TagMeaning.fromDescription("The loss.\n\nrole: loss, split: train").role());
    assertEquals(Split.TRAIN, TagMeaning.fromDescription("role: loss, split: train").split());
    assertNull(TagMeaning.fromDescription("role: loss\n\nthe loss, but the line is not last"));
    assertNull(TagMeaning.fromDescription("A description for people."));
    assertNull(TagMeaning.fromDescription(""));
    assertNull(TagMeaning.fromDescription(null));
    assertNull(TagMeaning.fromDescription("role: something_new"), "a role this version does not know");
    assertNull(TagMeaning.fromDescription("role: loss, garbage"), "a pair without a key");
  }

  @Test
  void roleParse_takesUsersSpellings_andNamesTheKnownOnes() {
    assertEquals(Role.DEAD_UNITS, Role.parse("dead-units"));
    assertEquals(Role.DEAD_UNITS, Role.parse(" Dead Units "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.parse("lsos"));
    assertEquals(true, e.getMessage().startsWith("unknown role 'lsos'; known: loss, accuracy, metric, learning_rate"),
        e.getMessage());
  }

  @Test
  void splitParse_knowsTheUsualWords() {
    assertEquals(Split.VALIDATION, Split.parse("validation"));
    assertEquals(Split.VALIDATION, Split.parse("test"));
    assertEquals(Split.TRAIN, Split.parse("Training"));
    assertEquals(Split.UNKNOWN, Split.parse("holdout-7"));
  }
}
