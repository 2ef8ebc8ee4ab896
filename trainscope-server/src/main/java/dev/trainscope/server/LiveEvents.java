package dev.trainscope.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trainscope.data.LoadProgress;
import dev.trainscope.data.LogdirData;
import dev.trainscope.data.StoreListener;
import dev.trainscope.data.TagInfo;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-sent events for live updates: the store's changes are gathered and sent to every
 * connected browser at most every {@code period} as one {@code update} event:
 *
 * <pre>
 * event: update
 * data: {"runsChanged": bool, "findingsChanged": bool, "tags": [{"run": r, "tag": t, "lastStep": s}, ...],
 *        "progress": {...}}
 * </pre>
 *
 * A browser re-fetches what it shows of those runs and tags. Coalescing keeps a run that logs a
 * thousand steps a second from flooding the page; a comment every 15 s keeps proxies from closing
 * an idle stream.
 */
final class LiveEvents implements StoreListener, AutoCloseable {
  private final LogdirData store;
  private final Queue<SseClient> clients = new ConcurrentLinkedQueue<>();
  private final Map<String, Responses.TagStep> steps = new ConcurrentHashMap<>();
  private final AtomicBoolean runsChanged = new AtomicBoolean();
  private final AtomicBoolean progressChanged = new AtomicBoolean();
  private final AtomicBoolean findingsChanged = new AtomicBoolean();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "trainscope-live");
    t.setDaemon(true);
    return t;
  });
  private long ticks;
  /** Held while a client is greeted and while an update is sent: a new client hears "hello" first. */
  private final Object sending = new Object();

  LiveEvents(LogdirData store, long periodMillis) {
    this.store = store;
    store.addListener(this);
    timer.scheduleWithFixedDelay(this::flush, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  void connect(SseClient client) {
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    synchronized (sending) {
      clients.add(client);
      try {
        client.sendEvent("hello", Json.MAPPER.writeValueAsString(new Responses.Hello(Api.progress(store))));
      } catch (JsonProcessingException e) {
        client.close(); // the page reconnects
      }
    }
  }

  int clients() {
    return clients.size();
  }

  /** The diagnosis changed: browsers re-read /api/findings. */
  void findingsChanged() {
    findingsChanged.set(true);
  }

  @Override
  public void runAdded(String run) {
    runsChanged.set(true);
  }

  @Override
  public void runRemoved(String run) {
    runsChanged.set(true);
  }

  @Override
  public void runReset(String run) {
    runsChanged.set(true);
  }

  @Override
  public void tagAdded(String run, TagInfo tag) {
    runsChanged.set(true);
  }

  @Override
  public void stepsAdded(String run, String tag, long lastStep) {
    steps.put(run + '\0' + tag, new Responses.TagStep(run, tag, lastStep));
  }

  @Override
  public void progress(LoadProgress progress) {
    progressChanged.set(true);
  }

  private void flush() {
    synchronized (sending) {
      flushNow();
    }
  }

  private void flushNow() {
    try {
      ticks++;
      if (clients.isEmpty()) {
        steps.clear();
        runsChanged.set(false);
        return;
      }
      boolean runs = runsChanged.getAndSet(false);
      boolean progress = progressChanged.getAndSet(false);
      boolean diagnosis = findingsChanged.getAndSet(false);
      List<Responses.TagStep> tags = new ArrayList<>();
      for (String key : new ArrayList<>(steps.keySet())) {
        Responses.TagStep t = steps.remove(key);
        if (t != null) {
          tags.add(t);
        }
      }
      if (!runs && !progress && !diagnosis && tags.isEmpty()) {
        if (ticks % 30 == 0) {
          for (SseClient c : clients) {
            c.sendComment("keep-alive");
          }
        }
        return;
      }
      String data = Json.MAPPER.writeValueAsString(new Responses.Update(runs, diagnosis, tags, Api.progress(store)));
      for (SseClient c : clients) {
        if (c.terminated()) {
          clients.remove(c);
        } else {
          c.sendEvent("update", data);
        }
      }
    } catch (RuntimeException | JsonProcessingException e) {
      // a failed round is retried with the next one
    }
  }

  @Override
  public void close() {
    store.removeListener(this);
    timer.shutdownNow();
    for (SseClient c : clients) {
      c.close();
    }
    clients.clear();
  }
}
