package dev.trainscope.data;

import dev.trainscope.events.meaning.TagMeaning;

/**
 * A tag of a run, as the store holds it.
 *
 * @param plugin the plugin name TensorBoard would report for it ("scalars", "images", ...)
 * @param count values held (after restarts)
 * @param firstStep the lowest held step (meaningless when count is 0)
 * @param lastStep the highest held step
 * @param droppedByRestart values replaced because a later value came with a step before theirs (a
 *     training resumed from an older checkpoint); a value logged again at the last step replaces
 *     the held one without counting here
 * @param droppedBySessionStart values dropped by a SessionLog START at or before their step
 * @param rewrittenAtStep values replaced by a value logged again at the same step (the later one
 *     is kept, as TensorBoard keeps it)
 * @param meaning what the tag is: as its metadata states, else as its name suggests ({@link
 *     Conventions}); read once, when the tag was first seen
 */
public record TagInfo(
    String run,
    String tag,
    TagKind kind,
    String plugin,
    String displayName,
    String description,
    long count,
    long firstStep,
    long lastStep,
    double lastWallTime,
    long droppedByRestart,
    long droppedBySessionStart,
    long rewrittenAtStep,
    TagMeaning meaning) {

  /** All values replaced or dropped, whatever the reason (TensorBoard's count is {@code count + dropped()}). */
  public long dropped() {
    return droppedByRestart + droppedBySessionStart + rewrittenAtStep;
  }
}
