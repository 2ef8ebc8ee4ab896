package dev.trainscope.data;

import java.util.Locale;

/**
 * A log directory in a bucket, as given on the command line: {@code s3://bucket} or {@code
 * s3://bucket/prefix} (a trailing '/' or none, the same). Keys of the log directory start with
 * {@link #keyPrefix()}.
 *
 * @param bucket the bucket's name
 * @param prefix the folder inside it, without leading or trailing '/', "" for the whole bucket
 */
record S3Location(String bucket, String prefix) {
  static final String SCHEME = "s3";

  S3Location {
    if (bucket.isEmpty() || bucket.contains("/")) {
      throw new IllegalArgumentException("bucket name must be non-empty and without '/', was '" + bucket + "'");
    }
    if (prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must not start or end with '/', was '" + prefix + "'");
    }
  }

  /** Parses {@code s3://bucket[/prefix]}; the scheme may be in any case, as in a URL. */
  static S3Location parse(String url) {
    String scheme = SCHEME + "://";
    if (url.length() < scheme.length() || !url.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
      throw new IllegalArgumentException("not an s3:// URL: '" + url + "'");
    }
    String rest = url.substring(scheme.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("'" + url + "' names no bucket: write s3://BUCKET/PREFIX");
    }
    if (prefix.startsWith("/")) {
      throw new IllegalArgumentException("'" + url + "' has an empty folder name after the bucket");
    }
    return new S3Location(bucket, prefix);
  }

  /** What every key of the log directory starts with: the prefix and a '/', or "" for a whole bucket. */
  String keyPrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** The object key of a path relative to the log directory. */
  String key(String path) {
    return keyPrefix() + path;
  }

  /** The URL of a path relative to the log directory ("" for the directory itself), for messages. */
  String url(String path) {
    String base = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    return path.isEmpty() ? base : base + "/" + path;
  }
}
