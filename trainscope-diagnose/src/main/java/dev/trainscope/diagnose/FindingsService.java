package dev.trainscope.diagnose;

import dev.trainscope.data.LogdirData;
import dev.trainscope.data.StoreListener;
import dev.trainscope.data.TagInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the diagnosis of a live store current: findings are recomputed in the background a moment
 * after data stops arriving (at most every {@code periodMillis}), never on a request's thread, so
 * the dashboard reads the latest result at once and hears through server-sent events when it
 * changed. Only the trainings (doctor's subjects: a run, or a train/validation pair) whose runs
 * received data are examined again; a run added, removed or reset regroups them all. The dashboard's
 * Findings tab, graph and live events read it; it knows nothing of HTTP.
 *
 * <p>The background passes take at most a fifth of the time: after a pass that took {@code d}, the
 * next waits until {@link #PAUSE_FACTOR} {@code x d} have passed. While 10,000 runs load, a pass
 * over all of them takes seconds, and passes back to back took the loaders' cores (BENCHMARKS.md,
 * "Issue 22"); a pass over a few runs takes milliseconds and keeps its period.
 */
public final class FindingsService implements StoreListener, AutoCloseable {
  private final LogdirData store;
  private final Doctor doctor;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "trainscope-doctor");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  });
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  /** Every subject must be examined again (the first time, and when runs come, go or reset). */
  private final AtomicBoolean regroup = new AtomicBoolean(true);
  /** Runs that received data since the last examination. */
  private final Set<String> changed = ConcurrentHashMap.newKeySet();
  /** The examination of each subject, by its name; touched by the worker (and refresh) only. */
  private final Map<String, Examination> bySubject = new HashMap<>();
  private volatile List<Finding> findings = List.of();
  private volatile List<Examination> examinations = List.of();
  private volatile long version;
  private volatile boolean computed;
  private volatile Runnable onChange = () -> {};
  /** How many times a pass's duration the next background pass waits from its start. */
  static final int PAUSE_FACTOR = 5;
  private final java.util.function.LongSupplier nanoTime;
  /** When the next background pass may start (System.nanoTime's scale); worker thread only. */
  private long nextPassNanos;

  /** Examines {@code store} with {@code doctor} in the background, at most every {@code periodMillis}. */
  public FindingsService(LogdirData store, Doctor doctor, long periodMillis) {
    this(store, doctor, periodMillis, System::nanoTime);
  }

  /** With the clock that spaces the background passes (for tests). */
  FindingsService(LogdirData store, Doctor doctor, long periodMillis, java.util.function.LongSupplier nanoTime) {
    this.store = store;
    this.doctor = doctor;
    this.nanoTime = nanoTime;
    this.nextPassNanos = nanoTime.getAsLong();
    store.addListener(this);
    worker.scheduleWithFixedDelay(this::refreshIfDirty, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code r} on the worker each time the findings change. */
  public void onChange(Runnable r) {
    onChange = r;
  }

  /** The latest findings, by run, most severe first (computed now if never yet). */
  public List<Finding> findings() {
    if (!computed) {
      synchronized (this) {
        if (!computed) {
          refresh();
        }
      }
    }
    return findings;
  }

  /** The latest examination of every training (roles, coverage, findings, verdict), by name. */
  public List<Examination> examinations() {
    findings();
    return examinations;
  }

  /** The examination of the training a run belongs to, or null. */
  public Examination examinationOf(String run) {
    for (Examination e : examinations()) {
      if (e.runs().contains(run)) {
        return e;
      }
    }
    return null;
  }

  /** Increments each time the findings change. */
  public long version() {
    return version;
  }

  /** Recomputes now, on the caller's thread (for tests and the first answer). */
  public synchronized void refresh() {
    boolean all = regroup.getAndSet(false);
    Set<String> runs = Set.copyOf(changed);
    changed.removeAll(runs);
    try {
      Map<String, Examination> next = new HashMap<>();
      for (Subject subject : doctor.subjects(store)) {
        Examination held = bySubject.get(subject.name());
        boolean stale = all || held == null || subject.runs().stream().anyMatch(runs::contains);
        next.put(subject.name(), stale ? doctor.examine(subject) : held);
      }
      bySubject.clear();
      bySubject.putAll(next);
    } catch (RuntimeException e) {
      // a run changed under us: examine what was asked again next time
      if (all) {
        regroup.set(true);
      }
      changed.addAll(runs);
      throw e;
    }
    List<Finding> everything = new ArrayList<>();
    List<Examination> exams = new ArrayList<>(bySubject.values());
    exams.sort(java.util.Comparator.comparing(Examination::subject));
    exams.forEach(e -> everything.addAll(e.findings()));
    everything.sort(Doctor.ORDER);
    computed = true;
    if (!everything.equals(findings)) {
      findings = List.copyOf(everything);
      examinations = List.copyOf(exams);
      version++;
      onChange.run();
    } else {
      examinations = List.copyOf(exams); // the same findings; coverage may have changed
    }
  }

  /** The background pass: examines again what changed, unless too soon after the last pass. */
  synchronized void refreshIfDirty() {
    long start = nanoTime.getAsLong();
    if (start - nextPassNanos < 0) {
      return; // dirty stays set: a later round does it
    }
    if (dirty.getAndSet(false)) {
      try {
        refresh();
      } catch (RuntimeException e) {
        dirty.set(true); // a run changed under us: try again next round
      } finally {
        nextPassNanos = start + PAUSE_FACTOR * (nanoTime.getAsLong() - start);
      }
    }
  }

  @Override
  public void runAdded(String run) {
    regroup.set(true);
    dirty.set(true);
  }

  @Override
  public void runRemoved(String run) {
    regroup.set(true);
    dirty.set(true);
  }

  @Override
  public void runReset(String run) {
    regroup.set(true);
    dirty.set(true);
  }

  @Override
  public void tagAdded(String run, TagInfo tag) {
    changed.add(run);
    dirty.set(true);
  }

  @Override
  public void stepsAdded(String run, String tag, long lastStep) {
    changed.add(run);
    dirty.set(true);
  }

  /** The findings of one run. */
  public List<Finding> of(String run) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings()) {
      if (f.run().equals(run)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The latest diagnosis at once, or that of the trainings one run belongs to.
   *
   * @param version as {@link #version()}
   * @param findings every finding, or those of the run, most severe first
   * @param examinations every training, or those the run belongs to, by name
   * @param counts per run with findings (all runs, whichever was asked), how many of each severity
   */
  public record Report(long version, List<Finding> findings, List<Examination> examinations,
      Map<String, Map<Severity, Integer>> counts) {}

  /** The latest diagnosis, of every run when {@code run} is null, else of that run and its trainings. */
  public Report report(String run) {
    List<Finding> all = findings();
    List<Examination> exams = examinations;
    long v = version;
    List<Finding> some = new ArrayList<>();
    Map<String, Map<Severity, Integer>> counts = new LinkedHashMap<>();
    for (Finding f : all) {
      if (run == null || f.run().equals(run)) {
        some.add(f);
      }
      counts.computeIfAbsent(f.run(), k -> new java.util.EnumMap<>(Severity.class)).merge(f.severity(), 1, Integer::sum);
    }
    List<Examination> theirs = new ArrayList<>();
    for (Examination e : exams) {
      if (run == null || e.runs().contains(run)) {
        theirs.add(e);
      }
    }
    return new Report(v, some, theirs, counts);
  }

  @Override
  public void close() {
    store.removeListener(this);
    worker.shutdownNow();
  }
}
