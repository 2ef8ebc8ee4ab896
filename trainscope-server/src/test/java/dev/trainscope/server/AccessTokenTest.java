package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access tokens: random ones, ones given in a file, and how a candidate is matched. */
class AccessTokenTest {

  @Test
  void random_isUrlSafe_192Bits_andNeverTheSame() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String t = AccessToken.random().value();
      assertTrue(t.matches("[A-Za-z0-9_-]{32}"), t);
      assertTrue(seen.add(t), "drawn twice: " + t);
    }
  }

  @Test
  void matches_onlyTheWholeToken() {
    AccessToken t = AccessToken.of("0123456789abcdef0123");
    assertTrue(t.matches("0123456789abcdef0123"));
    assertFalse(t.matches(null));
    assertFalse(t.matches(""));
    assertFalse(t.matches("0123456789abcdef012"));
    assertFalse(t.matches("0123456789abcdef01234"));
    assertFalse(t.matches("0123456789ABCDEF0123"));
    assertFalse(t.toString().contains("0123456789"), "a token must not show in logs: " + t);
  }

  @Test
  void of_refusesShortOrUnsafeTokens() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessToken.of("short")).getMessage()
        .contains("at least 16 characters, had 5"));
    for (String bad : new String[] {"0123456789abcdef+/==", "0123456789 abcdef0123", "0123456789abcdef;x=1", "é123456789abcdef01"}) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessToken.of(bad)).getMessage()
          .contains("letters, digits and -._~"), bad);
    }
  }

  @Test
  void fromFile_readsTheTokenWithoutTheLineBreak(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "  c0ffee-c0ffee-c0ffee.c0ffee~\r\n");
    assertTrue(AccessToken.fromFile(f).matches("c0ffee-c0ffee-c0ffee.c0ffee~"));
  }

  @Test
  void fromFile_refusesAMissingEmptyOrMalformedFile_namingIt(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing");
    String m = assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(missing)).getMessage();
    assertTrue(m.startsWith("cannot read the access token file " + missing), m);
    String d = assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(dir)).getMessage();
    assertTrue(d.startsWith("cannot read the access token file " + dir), d);
    Path empty = Files.writeString(dir.resolve("empty"), " \n\n");
    String e = assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(empty)).getMessage();
    assertEquals("the access token file " + empty + " is empty; write a token into it, for example: openssl rand -hex 32 > "
        + empty, e);
    Path shortOne = Files.writeString(dir.resolve("short"), "secret\n");
    String s = assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(shortOne)).getMessage();
    assertEquals("the access token file " + shortOne + ": an access token needs at least 16 characters, had 6", s);
    Path big = Files.write(dir.resolve("big"), new byte[5000]);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(big)).getMessage()
        .contains("is longer than 4096 bytes"));
  }
}
