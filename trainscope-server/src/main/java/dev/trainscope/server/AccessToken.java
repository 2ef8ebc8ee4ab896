package dev.trainscope.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The secret a dashboard asks for when others can reach it, as Jupyter's token: a browser brings
 * it once in the address ({@code ?token=...}) and keeps it in a cookie, a script sends it as
 * {@code Authorization: Bearer ...}. The server keeps no sessions: every request is checked
 * against the token itself, so replicas that read the same token file answer alike.
 *
 * <p>A token is made of URL-safe characters (RFC 3986's unreserved ones), so it goes into an
 * address and a cookie as it is, and has at least {@value #MIN_LENGTH} of them. Candidates are
 * compared through their SHA-256 digests with {@link MessageDigest#isEqual}, in time that says
 * nothing about how much of a guess was right, nor about the token's length.
 */
public final class AccessToken implements Access {
  /** A random token holds this many bytes from {@link SecureRandom}: 192 bits, 32 characters. */
  static final int RANDOM_BYTES = 24;
  /** Shorter tokens are refused: 16 characters of a hex digest already hold 64 bits. */
  static final int MIN_LENGTH = 16;
  /** A token file may be at most this long; a longer file is not a token. */
  static final int MAX_FILE_BYTES = 4096;
  private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;
  private final byte[] digest;

  private AccessToken(String value) {
    this.value = value;
    this.digest = sha256(value);
  }

  /** A fresh random token (URL-safe Base64 of {@value #RANDOM_BYTES} random bytes). */
  public static AccessToken random() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return new AccessToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** A token given as text; refused unless it is long enough and URL-safe. */
  public static AccessToken of(String value) {
    if (value.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("an access token needs at least " + MIN_LENGTH + " characters, had "
          + value.length());
    }
    if (!UNRESERVED.matcher(value).matches()) {
      throw new IllegalArgumentException("an access token is made of letters, digits and -._~ only "
          + "(for example the output of: openssl rand -hex 32)");
    }
    return new AccessToken(value);
  }

  /**
   * The token in a file (its text without the surrounding white space, such as the final line
   * break): how replicas behind a load balancer share one. An unreadable, empty or malformed file
   * is an {@link IllegalArgumentException} naming the file and what is wrong.
   */
  public static AccessToken fromFile(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the access token file " + file + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException("the access token file " + file + " is longer than " + MAX_FILE_BYTES
          + " bytes: it is not a token");
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("the access token file " + file + " is empty; write a token into it, "
          + "for example: openssl rand -hex 32 > " + file);
    }
    try {
      return of(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the access token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The token itself, to print in the address a user opens. */
  public String value() {
    return value;
  }

  /** Whether a candidate (from a cookie, a header or an address; null when none) is this token. */
  boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** Never the token: a log line or a stack trace must not give it away. */
  @Override
  public String toString() {
    return "AccessToken[" + value.length() + " characters]";
  }
}
