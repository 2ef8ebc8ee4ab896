package dev.trainscope.data;

import dev.trainscope.events.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

/**
 * Loads the log directories of a store and keeps them loaded: lists them now and at every reload
 * interval (discovery as TensorBoard does it, see {@link RunStore}), brings each run's file list up
 * to date, and schedules the runs with unread bytes on the loader pool, parallel across runs and
 * sequential within one ({@link RunLoader} reads them).
 */
final class LogdirLoader {
  private final List<Source> sources;
  private final Duration reloadInterval;
  private final ExecutorService loaders;
  /** Holds back loaders while the JIT compiler warms up (see WarmUpGate). */
  private final WarmUpGate gate;
  private final ScheduledExecutorService poller;
  private final Map<String, Run> runs;
  private final RunProblems problems;
  private final StoreListeners listeners;
  private final RunLoader runLoader;
  private final MemoryBudget budget;
  private final LoadTotals totals;
  /** What the last poll could not list: folders, or a whole log directory. */
  private volatile List<Problem> listingProblems = List.of();
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean firstPollDone;
  private volatile boolean closed;

  LogdirLoader(List<Source> sources, Duration reloadInterval, int threads, int perCore, Map<String, Run> runs,
      RunProblems problems, StoreListeners listeners, RunLoader runLoader, MemoryBudget budget, LoadTotals totals) {
    this.totals = totals;
    this.sources = sources;
    this.reloadInterval = reloadInterval;
    this.runs = runs;
    this.problems = problems;
    this.listeners = listeners;
    this.runLoader = runLoader;
    this.budget = budget;
    this.loaders = Executors.newFixedThreadPool(threads, daemon("trainscope-loader"));
    this.gate = WarmUpGate.forProcess(threads, perCore);
    this.poller = Executors.newSingleThreadScheduledExecutor(daemon("trainscope-poller"));
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Lists the log directories now and keeps polling them every reload interval; loads in the background. */
  void start() {
    checkOpen();
    poller.execute(this::pollQuietly);
    if (!reloadInterval.isZero()) {
      long ms = Math.max(1, reloadInterval.toMillis());
      poller.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** Lists the log directories and waits until everything found has been read. */
  void reload() throws InterruptedException {
    checkOpen();
    try {
      poller.submit(this::poll).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("listing the log directories failed", e.getCause());
    }
    awaitIdle();
  }

  /** Waits until no load is queued or running. */
  void awaitIdle() throws InterruptedException {
    synchronized (idle) {
      while (active.get() > 0 && !closed) { // close() drops queued loads: they never finish
        idle.wait(100);
      }
    }
  }

  /** Stops polling and loading, and closes the storages (their connections and threads). */
  void close() {
    closed = true;
    runLoader.close();
    poller.shutdownNow();
    loaders.shutdownNow();
    try {
      loaders.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Source s : sources) {
      try {
        s.storage().close();
      } catch (IOException | RuntimeException e) {
        // closing: nothing more to read through it either way
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // keep polling; the next round may succeed
    }
  }

  private synchronized void poll() {
    if (closed) {
      return;
    }
    Map<String, List<Storage.FileStat>> found = new TreeMap<>();
    Map<String, Source> sourceOf = new HashMap<>();
    Set<String> unreachable = new LinkedHashSet<>();
    List<Problem> unlisted = new ArrayList<>();
    Set<String> started = new HashSet<>();
    for (Source s : sources) {
      List<Storage.FileStat> files;
      try {
        // a run new to the store starts loading as soon as its folder is listed, while the walk
        // goes on (10,000 runs take a third of a second to list); with one source only, where a
        // run's files all come from the one folder the walk has left
        Storage.Listing listing = sources.size() == 1
            ? s.storage().listEventFiles(folder -> startEarly(s, folder, started))
            : s.storage().listEventFiles();
        files = listing.files();
        for (Storage.Unlisted u : listing.unlisted()) {
          unlisted.add(new Problem(Problem.Kind.IO_ERROR, s.storage().location() + "/" + u.path(), 0,
              "cannot list this folder (" + u.reason() + "); it is left out, the rest of the log directory is read"));
        }
      } catch (NoSuchFileException e) {
        files = List.of(); // the log directory is gone: so are its runs
      } catch (IOException e) {
        unreachable.add(s.name()); // keep what we have; try again next time
        unlisted.add(new Problem(Problem.Kind.IO_ERROR, s.storage().location(), 0, "cannot list the log directory ("
            + e + "); its runs stay as they were, and the next poll tries again"));
        continue;
      }
      for (Storage.FileStat f : files) {
        int slash = f.path().lastIndexOf('/');
        String run = s.runName(slash < 0 ? "" : f.path().substring(0, slash));
        found.computeIfAbsent(run, k -> new ArrayList<>()).add(f);
        sourceOf.put(run, s);
      }
    }
    for (Run run : runs.values()) {
      if (!found.containsKey(run.name) && !unreachable.contains(run.source.name())) {
        runs.remove(run.name);
        problems.remove(run.name);
        run.removed = true;
        totals.account(run);
        listeners.tell(l -> l.runRemoved(run.name));
      }
    }
    for (Map.Entry<String, List<Storage.FileStat>> e : found.entrySet()) {
      String name = e.getKey();
      if (started.contains(name)) {
        continue; // added, listed and scheduled while the walk went on
      }
      Run run = runs.get(name);
      boolean added = false;
      if (run == null) {
        run = new Run(name, sourceOf.get(name));
        runs.put(name, run);
        added = true;
      }
      update(run, e.getValue());
      if (added) {
        listeners.tell(l -> l.runAdded(name));
      }
      if (run.hasPending() || run.resetRequested) {
        schedule(run);
      }
    }
    listingProblems = List.copyOf(unlisted); // what no longer holds is gone
    firstPollDone = true;
    LoadProgress p = progress();
    listeners.tell(l -> l.progress(p));
  }

  /**
   * Adds and schedules the run of a folder the walk has just left, when the store does not know it
   * yet: what the loop after the listing would do for it, done sooner.
   */
  private void startEarly(Source s, List<Storage.FileStat> folder, Set<String> started) {
    String path = folder.get(0).path();
    int slash = path.lastIndexOf('/');
    String name = s.runName(slash < 0 ? "" : path.substring(0, slash));
    if (closed || runs.containsKey(name) || !started.add(name)) {
      return;
    }
    Run run = new Run(name, s);
    runs.put(name, run);
    update(run, new ArrayList<>(folder));
    listeners.tell(l -> l.runAdded(name));
    if (run.hasPending() || run.resetRequested) {
      schedule(run);
    }
  }

  /** Brings a run's file list up to date with a listing. */
  private void update(Run run, List<Storage.FileStat> listed) {
    listed.sort(Comparator.comparing(f -> f.path().substring(f.path().lastIndexOf('/') + 1)));
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      Map<String, Run.RunFile> known = new HashMap<>();
      for (Run.RunFile f : run.files) {
        known.put(f.path, f);
      }
      List<Run.RunFile> next = new ArrayList<>(listed.size());
      boolean insertedBeforeRead = false;
      for (Storage.FileStat s : listed) {
        Run.RunFile f = known.remove(s.path());
        if (f == null) {
          f = new Run.RunFile(s.path(), s.identity(), s.size(), s.changeTag());
          for (Run.RunFile k : run.files) {
            if (k.name.compareTo(f.name) > 0 && k.position.offset() > 0) {
              insertedBeforeRead = true; // a new file sorts before one already read: read the run again in order
            }
          }
        } else {
          if (f.identity.equals(s.identity()) && s.size() < f.position.offset()) {
            // The listing was taken before the loader read on past it, or the file shrank: only a
            // look at the file now, while the loader cannot move, tells which.
            s = statNow(run, s);
          }
          if (f.identity.equals(s.identity()) && s.size() == f.listedSize && !s.changeTag().equals(f.changeTag)) {
            // Changed without growing: rewritten in place, unless a write was caught between
            // changing the file's time and its size, which a look now tells.
            s = statNow(run, s);
          }
          if (!f.identity.equals(s.identity()) || s.size() < f.position.offset()
              || (s.size() == f.listedSize && !s.changeTag().equals(f.changeTag) && f.position.offset() > 0)) {
            run.resetRequested = true; // replaced, shrunk, or rewritten in place
            f.identity = s.identity();
            f.knownSize = s.size();
          } else {
            f.knownSize = Math.max(f.knownSize, s.size());
          }
          f.listedSize = s.size();
          f.changeTag = s.changeTag();
          if (f.failed) {
            f.failed = false; // read failed last time: try again now
            f.seenSize = f.position.offset();
          }
        }
        next.add(f);
      }
      for (Run.RunFile gone : known.values()) {
        problems.forget(run.name, gone.path, p -> true);
      }
      if (!known.isEmpty() && run.files.stream().anyMatch(f -> f.position.offset() > 0)) {
        // A file is gone: its values with it, and the files after it move down in the read order,
        // which the references to blobs and histograms count on. Read the run again.
        run.resetRequested = true;
      }
      if (insertedBeforeRead) {
        run.resetRequested = true;
      }
      if (!next.equals(run.files)) {
        run.files = List.copyOf(next);
      }
      CommittedRuns.publish(run, totals);
    } finally {
      w.unlock();
    }
  }

  /** The file as it is now; the listed stat when it cannot be looked at (the next poll decides). */
  private static Storage.FileStat statNow(Run run, Storage.FileStat listed) {
    try {
      Storage.FileStat now = run.source.storage().stat(listed.path());
      return now != null ? now : listed;
    } catch (IOException e) {
      return listed;
    }
  }

  // ---- loading ----

  private void schedule(Run run) {
    if (run.queued.compareAndSet(false, true)) {
      active.incrementAndGet();
      try {
        loaders.execute(() -> load(run));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        run.queued.set(false);
        done();
      }
    }
  }

  private void done() {
    if (active.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  private void load(Run run) {
    boolean counted = gate.enter();
    try {
      loadNow(run);
    } finally {
      if (counted) {
        gate.exit();
      }
    }
  }

  private void loadNow(Run run) {
    try {
      boolean again = true;
      while (again && !run.removed && !closed) {
        if (run.resetRequested) {
          runLoader.reset(run);
        }
        List<Run.RunFile> files = run.files;
        for (int i = 0; i < files.size() && !run.resetRequested && !run.removed && !closed; i++) {
          Run.RunFile f = files.get(i);
          if (f.pending() && !runLoader.loadFile(run, i, f)) {
            break; // the file list changed under us: start over with the new one
          }
        }
        again = run.resetRequested || run.hasPending();
        if (!again) {
          MemoryBudget.compact(run);
        }
        run.memoryBytes = MemoryBudget.memoryOf(run);
        totals.account(run);
      }
      budget.enforceBudget();
    } catch (RuntimeException e) {
      problems.record(run.name, new Problem(Problem.Kind.IO_ERROR, run.name, 0, "loading failed: " + e));
    } finally {
      run.queued.set(false);
      totals.account(run); // what a failed or vanished file changed
      if (!closed && !run.removed && (run.resetRequested || run.hasPending())) {
        schedule(run);
      }
      try {
        LoadProgress p = progress();
        listeners.tell(l -> l.progress(p));
      } finally {
        done(); // after the listeners, so that reload() returns once they have heard of this load
      }
    }
  }

  LoadProgress progress() {
    return totals.progress(runs.size(), firstPollDone);
  }

  /**
   * What the last look at the log directories could not list: a folder left out (a symbolic link
   * to a place that cannot be read, a folder without permission), or a whole log directory, each
   * with the path and the reason. Empty once the listing works again.
   */
  List<Problem> logdirProblems() {
    return listingProblems;
  }
}
