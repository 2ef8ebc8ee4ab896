package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.trainscope.events.meaning.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A 24-bit hash of each training batch's inputs and labels, so that repeated batches show. */
final class FingerprintProbe extends Probe {
  FingerprintProbe() {
    super("fingerprints", Logged.FINGERPRINTS, Cadence.SCALARS);
  }

  @Override
  void begin(Context c) {
    c.describe(TagNames.INPUTS_FINGERPRINT, "batch fingerprint",
        "A 24-bit hash of each training batch's inputs and labels, exact as a float32: the same value at"
            + " two steps means the same batch.", Role.BATCH_FINGERPRINT, "train", null, null);
  }

  @Override
  void step(Context c, Step s) {
    List<ByteBuffer> buffers = new ArrayList<>();
    for (NDList list : List.of(s.batch.getBatch().getData(), s.batch.getBatch().getLabels())) {
      for (NDArray a : list) {
        // the engine's memory read in place while the batch lives: the default copy of each step's
        // 400 KB batch was most of this probe's time
        buffers.add(a.toByteBuffer(true));
      }
    }
    c.log.scalar(TagNames.INPUTS_FINGERPRINT, Stats.fingerprint(buffers.toArray(new ByteBuffer[0])), s.step);
  }
}
