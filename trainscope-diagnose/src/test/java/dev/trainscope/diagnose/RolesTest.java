package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.Conventions;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import org.junit.jupiter.api.Test;

/** The rules read the meaning the store gave each tag, unless the user overrides it. */
class RolesTest {
  static TagInfo tag(String run, String tag, TagKind kind) {
    return new TagInfo(run, tag, kind, "scalars", "", "", 1, 0, 0, 0, 0, 0, 0, Conventions.infer(run, tag, kind, ""));
  }

  @Test
  void withoutOverrides_theStoresMeaningStands() {
    TagRole r = Roles.defaults().infer(tag("lightning_logs/version_0", "grad_2.0_norm/model.0.weight", TagKind.SCALAR));
    assertEquals(Role.GRAD_NORM, r.role());
    assertEquals("model.0", r.layer());
    assertEquals("weight", r.param());
    assertEquals("name: Lightning", r.source());
  }

  @Test
  void overrides_winOverInference_andSayTheyDid() {
    Roles roles = Roles.withOverrides(java.util.List.of("^my_objective$=loss:train", "v_top1=accuracy:val"));
    TagRole mine = roles.infer(tag("r", "my_objective", TagKind.SCALAR));
    assertEquals(Role.LOSS, mine.role());
    assertEquals(Split.TRAIN, mine.split());
    assertEquals(TagMeaning.OVERRIDE, mine.source());
    assertEquals(Split.VALIDATION, roles.infer(tag("r", "v_top1", TagKind.SCALAR)).split());
    assertEquals("name", roles.infer(tag("r", "Loss/train", TagKind.SCALAR)).source(), "others unchanged");
  }

  @Test
  void badOverrides_sayWhatIsWrong() {
    String msg = assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("x=lsos")))
        .getMessage();
    assertTrue(msg.startsWith("unknown role 'lsos'; known: loss, accuracy, metric, learning_rate"), msg);
    assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("noequals")));
    assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("([=loss")));
  }
}
