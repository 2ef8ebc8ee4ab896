package dev.trainscope.data;

/**
 * The images, audio clips, graph or tensor of one step, whose bytes stay in the event file: fetch
 * them with {@link LogdirData#blob}.
 *
 * @param count how many items the step holds (images of a batch, clips)
 * @param width image width in pixels as logged (0 when unknown or not an image)
 * @param height image height in pixels as logged
 * @param contentType "image/png" and the like for images and audio, "application/octet-stream"
 *     otherwise
 * @param bytes the size of the record's payload holding them
 */
public record BlobInfo(long step, double wallTime, int count, int width, int height, String contentType, int bytes) {}
