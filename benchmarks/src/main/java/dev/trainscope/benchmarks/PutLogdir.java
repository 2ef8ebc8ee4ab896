package dev.trainscope.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Puts a local log directory into a bucket of an S3 API at {@code AWS_ENDPOINT_URL} (keys from
 * the SDK's chain), creating the bucket, for {@code s3-load.sh}: every file under DIR becomes
 * {@code PREFIX/<its relative path>}.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.PutLogdir DIR BUCKET PREFIX}
 */
public final class PutLogdir {
  private PutLogdir() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String bucket = args[1];
    String prefix = args[2];
    try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).forcePathStyle(true).region(Region.US_EAST_1)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        Stream<Path> files = Files.walk(dir)) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
      List<Path> all = files.filter(Files::isRegularFile).toList();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> puts = all.stream().<Future<?>>map(f -> pool.submit(() -> {
        String key = prefix + "/" + dir.relativize(f).toString().replace('\\', '/');
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(f));
      })).toList();
      for (Future<?> p : puts) {
        p.get();
      }
      pool.shutdown();
      System.out.println("put " + all.size() + " files into s3://" + bucket + "/" + prefix);
    }
  }
}
