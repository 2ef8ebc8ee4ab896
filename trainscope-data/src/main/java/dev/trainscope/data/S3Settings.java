package dev.trainscope.data;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;

/**
 * How to reach an S3 API: the endpoint (null for AWS itself), the region, the credentials, and
 * the read, retry and timeout settings. {@link #fromEnvironment} reads what the AWS SDK and
 * TensorBoard read.
 *
 * @param endpoint a custom endpoint (MinIO, Ceph, S3Proxy, Google Cloud Storage's
 *     {@code https://storage.googleapis.com}), addressed path-style; null for AWS
 * @param region the region requests are signed for
 * @param credentials the SDK's provider of keys
 * @param maxAttempts attempts of one request, the first included, before a failure is reported
 * @param backoff the first delay before a retry of a server error; it doubles up to {@code maxBackoff}
 * @param throttledBackoff the first delay before a retry of a throttled request (503 SlowDown)
 * @param maxBackoff the longest delay between two attempts
 * @param attemptTimeout the longest one attempt may take, a ranged GET of {@code readAhead} bytes included
 * @param readAhead the bytes a sequential read fetches at once
 * @param pageSize the keys asked for per listing page (at most 1,000 by S3's rules)
 */
record S3Settings(URI endpoint, Region region, AwsCredentialsProvider credentials, int maxAttempts,
    Duration backoff, Duration throttledBackoff, Duration maxBackoff, Duration attemptTimeout, int readAhead,
    int pageSize) {

  /** The region when none is configured: any works with a custom endpoint that ignores it. */
  static final Region DEFAULT_REGION = Region.US_EAST_1;
  static final int DEFAULT_READ_AHEAD = 8 << 20;

  S3Settings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    if (readAhead < 4096) {
      throw new IllegalArgumentException("readAhead must be >= 4096, was " + readAhead);
    }
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("pageSize must be in 1..1000, was " + pageSize);
    }
  }

  /** The given endpoint, region and keys with the default read and retry settings. */
  static S3Settings of(URI endpoint, Region region, AwsCredentialsProvider credentials) {
    return new S3Settings(endpoint, region, credentials, 8, Duration.ofMillis(100), Duration.ofMillis(500),
        Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_READ_AHEAD, 1000);
  }

  S3Settings withRetries(int attempts, Duration first, Duration firstThrottled, Duration max) {
    return new S3Settings(endpoint, region, credentials, attempts, first, firstThrottled, max, attemptTimeout,
        readAhead, pageSize);
  }

  S3Settings withPageSize(int keys) {
    return new S3Settings(endpoint, region, credentials, maxAttempts, backoff, throttledBackoff, maxBackoff,
        attemptTimeout, readAhead, keys);
  }

  /** The settings of the process: system properties first, then environment variables. */
  static S3Settings fromEnvironment() {
    return fromEnvironment(name -> {
      String v = System.getProperty(name);
      return v != null ? v : System.getenv(name);
    });
  }

  /**
   * The endpoint from {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL} (or the system
   * properties {@code aws.endpointUrlS3}, {@code aws.endpointUrl}) or TensorBoard's {@code
   * S3_ENDPOINT} (a URL, or host:port with {@code S3_USE_HTTPS=0} for plain HTTP); the region as
   * {@link #configuredRegion} says; the keys
   * from the SDK's chain ({@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, {@code
   * aws.accessKeyId}, {@code AWS_PROFILE}, web identity, the container or instance role).
   *
   * @param lookup a variable's value by name (either spelling), or null
   */
  static S3Settings fromEnvironment(UnaryOperator<String> lookup) {
    return of(endpoint(lookup), configuredRegion(lookup), DefaultCredentialsProvider.builder().build());
  }

  static URI endpoint(UnaryOperator<String> lookup) {
    for (String name : new String[] {"aws.endpointUrlS3", "AWS_ENDPOINT_URL_S3", "aws.endpointUrl", "AWS_ENDPOINT_URL"}) {
      String v = lookup.apply(name);
      if (v != null && !v.isBlank()) {
        return uri(name, v.trim());
      }
    }
    String tb = lookup.apply("S3_ENDPOINT");
    if (tb != null && !tb.isBlank()) {
      tb = tb.trim();
      if (!tb.contains("://")) {
        String https = lookup.apply("S3_USE_HTTPS");
        boolean plain = https != null && (https.trim().equals("0") || https.trim().equalsIgnoreCase("false"));
        tb = (plain ? "http://" : "https://") + tb;
      }
      return uri("S3_ENDPOINT", tb);
    }
    return null;
  }

  private static URI uri(String name, String value) {
    URI u;
    try {
      u = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a URL: '" + value + "' (" + e.getMessage() + ")");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new IllegalArgumentException(name + " must be an http:// or https:// URL with a host, was '" + value + "'");
    }
    return u;
  }

  /**
   * The region from {@code aws.region}, {@code AWS_REGION} or the profile ({@code AWS_PROFILE} in
   * {@code ~/.aws/config}), else us-east-1. Never from the instance metadata service, which the
   * SDK's default chain asks last: off EC2 that costs seconds of timeouts at start, and on AWS the
   * client follows a bucket's redirect to its region anyway (cross-region access).
   */
  private static Region configuredRegion(UnaryOperator<String> lookup) {
    for (String name : new String[] {"aws.region", "AWS_REGION"}) {
      String v = lookup.apply(name);
      if (v != null && !v.isBlank()) {
        return Region.of(v.trim());
      }
    }
    try {
      return new AwsProfileRegionProvider().getRegion();
    } catch (SdkClientException | IllegalStateException e) {
      return DEFAULT_REGION; // nothing configured: a custom endpoint works without AWS config
    }
  }

  /** Where requests go, for messages. */
  String where() {
    return endpoint != null ? endpoint.toString() : "AWS S3 in " + region.id();
  }
}
