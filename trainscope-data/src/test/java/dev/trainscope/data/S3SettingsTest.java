package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Where the endpoint and region come from, and how s3:// URLs are read. */
class S3SettingsTest {

  static S3Settings from(Map<String, String> env) {
    return S3Settings.fromEnvironment(env::get);
  }

  @Test
  void endpoint_serviceSpecificFirst_thenGeneral_thenTensorBoards() {
    assertEquals(URI.create("http://s3only:1"), S3Settings.endpoint(Map.of("AWS_ENDPOINT_URL_S3", "http://s3only:1",
        "AWS_ENDPOINT_URL", "http://all:2", "S3_ENDPOINT", "tb:3")::get));
    assertEquals(URI.create("http://all:2"), S3Settings.endpoint(Map.of("AWS_ENDPOINT_URL", "http://all:2",
        "S3_ENDPOINT", "tb:3")::get));
    assertEquals(URI.create("http://prop:4"), S3Settings.endpoint(Map.of("aws.endpointUrl", "http://prop:4",
        "AWS_ENDPOINT_URL", "http://all:2")::get));
    assertEquals(URI.create("https://storage.googleapis.com"),
        S3Settings.endpoint(Map.of("S3_ENDPOINT", "storage.googleapis.com")::get));
    assertEquals(URI.create("http://minio:9000"), S3Settings.endpoint(Map.of("S3_ENDPOINT", "minio:9000",
        "S3_USE_HTTPS", "0")::get));
    assertNull(S3Settings.endpoint(Map.<String, String>of()::get));
  }

  @Test
  void endpoint_notAnHttpUrl_refusedNamingTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> S3Settings.endpoint(Map.of("AWS_ENDPOINT_URL", "ftp://x")::get));
    assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL") && e.getMessage().contains("ftp://x"), e.getMessage());
  }

  @Test
  void region_fromTheVariables_elseUsEast1() {
    assertEquals(Region.of("eu-west-3"), from(Map.of("AWS_REGION", "eu-west-3",
        "AWS_CONFIG_FILE", "/nonexistent")).region());
    assertEquals(Region.of("ap-south-1"), from(Map.of("aws.region", "ap-south-1", "AWS_REGION", "eu-west-3")).region());
  }

  @Test
  void location_parsesBucketAndPrefix() {
    assertEquals(new S3Location("b", ""), S3Location.parse("s3://b"));
    assertEquals(new S3Location("b", ""), S3Location.parse("S3://b/"));
    assertEquals(new S3Location("b", "x/y"), S3Location.parse("s3://b/x/y//"));
    assertEquals("x/y/", S3Location.parse("s3://b/x/y").keyPrefix());
    assertEquals("s3://b/x/y/run/f", S3Location.parse("s3://b/x/y").url("run/f"));
    assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3:///x"));
    assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3://b//x"));
    assertThrows(IllegalArgumentException.class, () -> S3Location.parse("gs://b/x"));
  }

  @Test
  void storageAt_otherSchemes_refusedNamingTheOnesRead() {
    for (String url : new String[] {"gs://b/x", "hdfs://nn/x", "http://h/x", "file:///tmp/x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Storage.at(url));
      assertTrue(e.getMessage().contains("does not read") && e.getMessage().contains("s3://BUCKET/PREFIX"), e.getMessage());
    }
    assertTrue(Storage.at("relative/folder").location().endsWith("relative/folder"));
  }
}
