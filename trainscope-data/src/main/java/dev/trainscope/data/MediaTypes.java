package dev.trainscope.data;

/**
 * The media type of an image or audio clip, judged from its bytes alone. The content type an
 * event file declares is whatever its writer chose, so it is never trusted: a file that says
 * {@code image/svg+xml} or {@code audio/wav, text/javascript} would run script on a page that
 * served its bytes under that name. Only passive formats that browsers decode as media are
 * recognised.
 *
 * <p>The signatures are those of the WHATWG MIME Sniffing Standard (section 6, "Matching an
 * image type pattern" and "Matching an audio or video type pattern"), narrowed to the formats
 * TensorBoard writers produce or browsers play: PNG, JPEG, GIF, WebP and BMP images; WAV, MP3
 * (with an ID3 tag), Ogg and FLAC audio.
 */
public final class MediaTypes {
  private MediaTypes() {}

  /** What {@link #sniff} answers for bytes it does not recognise. */
  public static final String UNKNOWN = "application/octet-stream";

  /** The media type of the whole array. */
  public static String sniff(byte[] b) {
    return sniff(b, 0, b.length);
  }

  /**
   * The media type of {@code b[off, off + len)}: {@code image/png}, {@code image/jpeg}, {@code
   * image/gif}, {@code image/webp}, {@code image/bmp}, {@code audio/wav}, {@code audio/mpeg},
   * {@code audio/ogg} or {@code audio/flac}; {@link #UNKNOWN} for anything else.
   */
  public static String sniff(byte[] b, int off, int len) {
    if (starts(b, off, len, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (starts(b, off, len, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (starts(b, off, len, 0, 'G', 'I', 'F', '8', '7', 'a') || starts(b, off, len, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return "image/gif";
    }
    if (starts(b, off, len, 0, 'R', 'I', 'F', 'F')) {
      if (starts(b, off, len, 8, 'W', 'E', 'B', 'P', 'V', 'P')) {
        return "image/webp";
      }
      if (starts(b, off, len, 8, 'W', 'A', 'V', 'E')) {
        return "audio/wav";
      }
    }
    if (starts(b, off, len, 0, 'B', 'M') && len >= 26) {
      return "image/bmp";
    }
    if (starts(b, off, len, 0, 'I', 'D', '3')) {
      return "audio/mpeg";
    }
    if (starts(b, off, len, 0, 'O', 'g', 'g', 'S', 0)) {
      return "audio/ogg";
    }
    if (starts(b, off, len, 0, 'f', 'L', 'a', 'C')) {
      return "audio/flac";
    }
    return UNKNOWN;
  }

  /** True for the types {@link #sniff} recognises, which are safe to show inline. */
  public static boolean isMedia(String type) {
    return !UNKNOWN.equals(type);
  }

  private static boolean starts(byte[] b, int off, int len, int at, int... pattern) {
    if (len < at + pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if ((b[off + at + i] & 0xFF) != pattern[i]) {
        return false;
      }
    }
    return true;
  }
}
