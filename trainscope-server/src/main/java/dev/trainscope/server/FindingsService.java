package dev.trainscope.server;

import dev.trainscope.data.RunStore;
import dev.trainscope.data.StoreListener;
import dev.trainscope.data.TagInfo;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the diagnosis of a live store current: findings are recomputed in the background a moment
 * after data stops arriving (at most every {@code periodMillis}), never on a request's thread, so
 * the dashboard reads the latest result at once and hears through server-sent events when it
 * changed.
 */
final class FindingsService implements StoreListener, AutoCloseable {
  private final RunStore store;
  private final Doctor doctor;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "trainscope-doctor");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  });
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private volatile List<Finding> findings = List.of();
  private volatile long version;
  private volatile boolean computed;
  private volatile Runnable onChange = () -> {};

  FindingsService(RunStore store, Doctor doctor, long periodMillis) {
    this.store = store;
    this.doctor = doctor;
    store.addListener(this);
    worker.scheduleWithFixedDelay(this::refreshIfDirty, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  void onChange(Runnable r) {
    onChange = r;
  }

  /** The latest findings, by run, most severe first (computed now if never yet). */
  List<Finding> findings() {
    if (!computed) {
      synchronized (this) {
        if (!computed) {
          refresh();
        }
      }
    }
    return findings;
  }

  /** Increments each time the findings change. */
  long version() {
    return version;
  }

  /** Recomputes now, on the caller's thread (for tests and the first answer). */
  synchronized void refresh() {
    List<Finding> next = doctor.diagnose(store);
    computed = true;
    if (!next.equals(findings)) {
      findings = List.copyOf(next);
      version++;
      onChange.run();
    }
  }

  private void refreshIfDirty() {
    if (dirty.getAndSet(false)) {
      try {
        refresh();
      } catch (RuntimeException e) {
        dirty.set(true); // a run changed under us: try again next round
      }
    }
  }

  @Override
  public void runAdded(String run) {
    dirty.set(true);
  }

  @Override
  public void runRemoved(String run) {
    dirty.set(true);
  }

  @Override
  public void runReset(String run) {
    dirty.set(true);
  }

  @Override
  public void tagAdded(String run, TagInfo tag) {
    dirty.set(true);
  }

  @Override
  public void stepsAdded(String run, String tag, long lastStep) {
    dirty.set(true);
  }

  /** The findings of one run. */
  List<Finding> of(String run) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings()) {
      if (f.run().equals(run)) {
        out.add(f);
      }
    }
    return out;
  }

  @Override
  public void close() {
    store.removeListener(this);
    worker.shutdownNow();
  }
}
