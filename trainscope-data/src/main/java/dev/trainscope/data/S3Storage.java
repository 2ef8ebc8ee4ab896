package dev.trainscope.data;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A log directory in an S3 bucket, or in anything that speaks S3's API (MinIO, Ceph, S3Proxy,
 * Google Cloud Storage's interoperable endpoint), through the AWS SDK for Java v2.
 *
 * <ul>
 *   <li>Discovery: one paged ListObjectsV2 over the prefix, without a delimiter, so a log
 *       directory of any depth is listed in {@code keys / 1,000} requests. "Folder" marker objects
 *       (keys ending in '/', as consoles and some back ends make) are no files and are skipped.
 *   <li>A file's identity is its key, and its change tag the ETag: an object re-uploaded larger is
 *       read on from where the last read stopped (the store checks that the bytes it read are still
 *       the first ones), one replaced by a shorter or a different one of the same size is read again.
 *   <li>Reads are ranged GETs through {@link RangedReadChannel}; nothing is copied to local disk.
 *   <li>Throttling (503 SlowDown) and server errors are retried with exponential backoff and
 *       jitter by the SDK's standard retry strategy (without its circuit breaker, which would stop
 *       retrying for the whole client after a burst of throttling); each attempt has a timeout.
 * </ul>
 */
final class S3Storage implements Storage {
  private final S3Location location;
  private final S3Settings settings;
  /** Built in the background: the SDK takes a second or two to load, which a server's own start can hide. */
  private final CompletableFuture<S3Client> client;
  private final ExecutorService background;
  /**
   * Arrays of {@code readAhead} bytes for the ranges of scans, used again: a fresh 8 MB array per
   * GET lived through young collections while loaders held it, and copying them cost a loader a
   * third of its time (BENCHMARKS.md).
   */
  private final ArrayBlockingQueue<byte[]> arrays = new ArrayBlockingQueue<>(16);
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  S3Storage(S3Location location, S3Settings settings) {
    this.location = Objects.requireNonNull(location, "location");
    this.settings = Objects.requireNonNull(settings, "settings");
    ExecutionInterceptor counter = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        requests.increment(); // every attempt, retries included
      }
    };
    AtomicInteger n = new AtomicInteger();
    this.background = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "trainscope-s3-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = CompletableFuture.supplyAsync(() -> build(settings, counter), background);
  }

  private static S3Client build(S3Settings settings, ExecutionInterceptor counter) {
    S3ClientBuilder b = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(java.time.Duration.ofSeconds(10))
            .socketTimeout(java.time.Duration.ofSeconds(30))
            .build())
        .region(settings.region())
        .credentialsProvider(settings.credentials())
        // the records carry their own CRC32C; a ranged GET has no whole-object checksum to check
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.backoff(), settings.maxBackoff()))
                .throttlingBackoffStrategy(
                    BackoffStrategy.exponentialDelay(settings.throttledBackoff(), settings.maxBackoff()))
                .circuitBreakerEnabled(false)
                .build())
            .apiCallAttemptTimeout(settings.attemptTimeout())
            .addExecutionInterceptor(counter));
    if (settings.endpoint() != null) {
      // MinIO, Ceph, S3Proxy and GCS take the bucket in the path; virtual hosts need DNS for each bucket
      b.endpointOverride(settings.endpoint()).forcePathStyle(true);
    } else {
      b.crossRegionAccessEnabled(true); // a bucket in another region than the configured one is found
    }
    return b.build();
  }

  /** The client, once built. */
  private S3Client s3() throws IOException {
    try {
      return client.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IOException("cannot make an S3 client for " + location() + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public String location() {
    return location.url("");
  }

  @Override
  public Listing listEventFiles() throws IOException {
    List<FileStat> out = new ArrayList<>();
    for (S3Object o : list(location.keyPrefix(), null)) {
      String path = path(o.key());
      if (path != null && path.substring(path.lastIndexOf('/') + 1).contains("tfevents")) {
        out.add(stat(path, o.size(), o.eTag()));
      }
    }
    return new Listing(out, List.of());
  }

  @Override
  public List<FileStat> listFiles(String dir, String suffix) throws IOException {
    List<FileStat> out = new ArrayList<>();
    for (S3Object o : list(dir.isEmpty() ? location.keyPrefix() : location.key(dir) + "/", "/")) {
      String path = path(o.key());
      if (path != null && path.endsWith(suffix)) {
        out.add(stat(path, o.size(), o.eTag()));
      }
    }
    out.sort(Comparator.comparing(FileStat::path));
    return out;
  }

  /** Every object under a key prefix, page by page; with a delimiter, only those directly in it. */
  private List<S3Object> list(String prefix, String delimiter) throws IOException {
    List<S3Object> out = new ArrayList<>();
    ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(location.bucket()).prefix(prefix)
        .maxKeys(settings.pageSize()).delimiter(delimiter);
    String token = null;
    do {
      ListObjectsV2Response page;
      try {
        page = s3().listObjectsV2(req.continuationToken(token).build());
      } catch (SdkException e) {
        throw failure("cannot list", location.url(prefix.isEmpty() ? "" : prefix.substring(location.keyPrefix().length())), e);
      }
      out.addAll(page.contents());
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  /** The path of a listed key relative to the log directory; null for a folder marker or a key no path can name. */
  private String path(String key) {
    if (!key.startsWith(location.keyPrefix()) || key.endsWith("/")) {
      return null;
    }
    String path = key.substring(location.keyPrefix().length());
    return validPath(path) ? path : null;
  }

  /** A path of names, none empty, '.' or '..' (which a server or the SDK might resolve). */
  private static boolean validPath(String path) {
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String name : path.split("/", -1)) {
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private FileStat stat(String path, Long size, String etag) {
    return new FileStat(path, size == null ? 0 : size, location.key(path), etag == null ? "" : etag);
  }

  @Override
  public FileStat stat(String path) throws IOException {
    String key = key(path);
    try {
      HeadObjectResponse r = s3().headObject(h -> h.bucket(location.bucket()).key(key));
      return stat(path, r.contentLength(), r.eTag());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw failure("cannot look at", location.url(path), e);
    } catch (SdkException e) {
      throw failure("cannot look at", location.url(path), e);
    }
  }

  @Override
  public SeekableByteChannel open(String path) throws IOException {
    return new RangedReadChannel(new Ranges(path, key(path)), settings.readAhead(), background, -1, 0);
  }

  @Override
  public SeekableByteChannel open(String path, long offset, int length) throws IOException {
    return new RangedReadChannel(new Ranges(path, key(path)), settings.readAhead(), null, offset, length);
  }

  private String key(String path) throws NoSuchFileException {
    if (!validPath(path)) {
      throw new NoSuchFileException(location.url(path), null, "not a file of the log directory " + location());
    }
    return location.key(path);
  }

  /** Ranged GETs of one object; after the first answer, only of the same version (If-Match its ETag). */
  private final class Ranges implements RangedReadChannel.RangeSource {
    private final String path;
    private final String key;
    private String etag;

    Ranges(String path, String key) {
      this.path = path;
      this.key = key;
    }

    @Override
    public RangedReadChannel.Range fetch(long offset, int length) throws IOException {
      GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(location.bucket()).key(key)
          .range("bytes=" + offset + "-" + (offset + length - 1));
      String expected;
      synchronized (this) {
        expected = etag;
      }
      if (expected != null) {
        req.ifMatch(expected);
      }
      try (ResponseInputStream<GetObjectResponse> in = s3().getObject(req.build())) {
        GetObjectResponse r = in.response();
        long total = totalSize(r.contentRange(), r.contentLength());
        if (r.contentRange() == null) {
          in.skipNBytes(Math.min(offset, total)); // the whole object came: the server ignored the range
        }
        int n = (int) Math.max(0, Math.min(length, total - offset));
        byte[] data = array(n);
        int got = in.readNBytes(data, 0, n);
        bytes.add(got);
        synchronized (this) {
          if (etag == null) {
            etag = r.eTag();
          }
        }
        return new RangedReadChannel.Range(data, got, Math.max(total, offset + got));
      } catch (S3Exception e) {
        if (e.statusCode() == 416) {
          return new RangedReadChannel.Range(new byte[0], size()); // at or past the end
        }
        if (e.statusCode() == 412) {
          throw new IOException(location.url(path) + " was replaced while being read (its ETag is no longer "
              + expected + "); it is read again at the next poll");
        }
        throw failure("cannot read", location.url(path), e);
      } catch (SdkException e) {
        throw failure("cannot read", location.url(path), e);
      }
    }

    @Override
    public void release(byte[] b) {
      if (b.length == settings.readAhead()) {
        arrays.offer(b); // dropped when enough are kept
      }
    }

    @Override
    public long size() throws IOException {
      FileStat s = stat(path);
      if (s == null) {
        throw new NoSuchFileException(location.url(path), null, "the object is gone");
      }
      return s.size();
    }
  }

  /** An array for a range of {@code n} bytes: a kept one for a scan's range, a new one for a small read. */
  private byte[] array(int n) {
    if (n < RangedReadChannel.STREAMING || n > settings.readAhead()) {
      return new byte[n];
    }
    byte[] b = arrays.poll();
    return b != null ? b : new byte[settings.readAhead()];
  }

  /** The object's size from {@code Content-Range: bytes a-b/size}, or the length of a whole answer. */
  static long totalSize(String contentRange, Long contentLength) {
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        try {
          return Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
          // fall through: a malformed header says nothing
        }
      }
    }
    return contentLength == null ? 0 : contentLength;
  }

  /**
   * What went wrong, in words a user can act on, naming the bucket and key: denied access (with the
   * variables that give keys), a missing bucket, throttling that outlasted the retries, an
   * endpoint that cannot be reached. A missing key is a {@link NoSuchFileException}; a missing
   * bucket is not, so that runs already read stay while it is (perhaps briefly) gone.
   */
  IOException failure(String what, String url, SdkException e) {
    if (e instanceof S3Exception s) {
      AwsErrorDetails d = s.awsErrorDetails();
      String code = d != null && d.errorCode() != null ? d.errorCode() : "";
      String msg = d != null && d.errorMessage() != null ? d.errorMessage() : "";
      String status = s.statusCode() + (code.isEmpty() ? "" : " " + code) + (msg.isEmpty() ? "" : ": " + msg);
      int attempts = s.numAttempts() == null ? 1 : s.numAttempts();
      if (s.statusCode() == 403) {
        return new AccessDeniedException(url, null, what + ": access denied (" + status + ") at "
            + settings.where() + "; check the keys (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) "
            + "and the bucket's policy");
      }
      if (code.equals("NoSuchBucket")) {
        return new IOException(what + " " + url + ": the bucket '" + location.bucket() + "' does not exist at "
            + settings.where() + " (" + status + ")");
      }
      if (s.statusCode() == 404) {
        return new NoSuchFileException(url, null, what + ": no such key (" + status + ")");
      }
      if (s.isThrottlingException() || s.statusCode() == 503) {
        return new IOException(what + " " + url + ": throttled by " + settings.where() + " (" + status + ") after "
            + attempts + " attempts with backoff; the next poll tries again");
      }
      return new IOException(what + " " + url + ": " + status + " from " + settings.where() + " after " + attempts
          + " attempt(s)");
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
      return new IOException(what + " " + url + ": no keys found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
          + "AWS_PROFILE (" + e.getMessage() + ")", e);
    }
    if (e instanceof SdkClientException) {
      return new IOException(what + " " + url + ": " + settings.where() + " did not answer (" + e.getMessage() + ")", e);
    }
    return new IOException(what + " " + url + ": " + e.getMessage(), e);
  }

  /**
   * A loader waits for each ranged GET, while the next range of a big file is fetched in the
   * background anyway: two loaders a core keep twice as many small files' requests in flight. On
   * loopback (S3Proxy, BENCHMARKS.md) one a core loaded a 100-run logdir a few percent faster, four
   * a core a few percent slower (their buffers and the cores they share); a store farther away gains more.
   */
  @Override
  public int loadersPerCore() {
    return 2;
  }

  @Override
  public Traffic traffic() {
    return new Traffic(requests.sum(), bytes.sum());
  }

  @Override
  public void close() {
    try {
      client.join().close();
    } catch (java.util.concurrent.CompletionException e) {
      // never built: nothing to close
    }
    background.shutdownNow();
    if (settings.credentials() instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // nothing to do: the client is closed
      }
    }
  }

  @Override
  public String toString() {
    return "S3Storage[" + location() + " at " + settings.where() + "]";
  }
}
