package dev.trainscope.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API server on loopback for tests: S3Proxy in this process over jclouds' filesystem
 * back end (objects are files under a folder; folders are listed as {@code name/} objects), with
 * AWS signature v2 or v4 required, and an S3 client of the test's own to put and delete objects.
 */
public final class S3Server implements AutoCloseable {
  public static final String IDENTITY = "trainscope-test";
  public static final String SECRET = "trainscope-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final URI endpoint;
  private final S3Client client;

  private S3Server(Path basedir) throws Exception {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", basedir.toString());
    context = ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class);
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, SECRET).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
        .forcePathStyle(true).region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, SECRET)))
        .build();
  }

  /** Starts a server keeping its buckets under {@code basedir}. */
  public static S3Server start(Path basedir) throws Exception {
    return new S3Server(basedir);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Settings for the store's client: this server, the test keys, retries quick enough for a test. */
  S3Settings settings() {
    return settings(endpoint, SECRET);
  }

  /** Settings for another endpoint (a proxy in front of this server) or with another secret. */
  static S3Settings settings(URI endpoint, String secret) {
    return S3Settings.of(endpoint, Region.US_EAST_1,
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, secret)))
        .withRetries(6, java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1));
  }

  /** The system properties that give the SDK's chain this server and the test keys (see S3Settings). */
  public List<String[]> systemProperties() {
    return List.of(new String[] {"aws.endpointUrl", endpoint.toString()}, new String[] {"aws.accessKeyId", IDENTITY},
        new String[] {"aws.secretAccessKey", SECRET}, new String[] {"aws.region", "us-east-1"});
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] bytes) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  public void delete(String bucket, String key) {
    client.deleteObject(b -> b.bucket(bucket).key(key));
  }

  /** Deletes every object whose key starts with {@code prefix}. */
  public void deletePrefix(String bucket, String prefix) {
    for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      delete(bucket, o.key());
    }
  }

  /** Puts every file under {@code dir} as {@code prefix/<its path relative to dir>}; returns how many. */
  public int putTree(Path dir, String bucket, String prefix) throws IOException {
    int n = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        put(bucket, prefix.isEmpty() ? rel : prefix + "/" + rel, Files.readAllBytes(f));
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    client.close();
    proxy.stop();
    context.close();
  }
}
