package io.bocomp.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.exception.RetryableException;
import io.bocomp.BocompException;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.tune.parallel.Measurement;
import io.bocomp.tune.parallel.StageContext;
import io.bocomp.tune.parallel.TrialExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * {@code tune --cluster HOST[:PORT]}: the driver's side of a bocomp cluster. The driver joins as a
 * lite member (it holds no cluster data and measures nothing), serves each stage to the workers
 * ({@link StageBlobs}, fetched once per worker and stage) and sends them one {@link MeasureTask}
 * per trial; the tuner keeps trial ids, the journal and the search to itself.
 *
 * <p>Dispatch: trials wait in one queue in trial order; each worker gets at most as many at once
 * as it has slots (its {@value ClusterMember#SLOTS} attribute), the one with most free slots
 * first; a worker that joins mid-run gets work at once. Workers of another bocomp version get none
 * (one WARN line each).
 *
 * <p>Failures: when a worker leaves (crash, kill, network loss, shutdown) its trials go back to
 * the front of the queue; each dispatch of a trial has an attempt number, and an answer from an
 * attempt that is not the trial's latest, or for a trial already answered, is ignored (a late
 * answer of a re-dispatched trial). Trials are idempotent, so measuring one twice changes nothing.
 * Other failures (a worker's error outside the measurement itself) are retried too, at most
 * {@value #MAX_FAILURES} times per trial; then the trial's future fails and the run stops
 * (resumable). With no worker in the cluster, trials wait (one WARN line says so).
 */
public final class ClusterTrialExecutor implements TrialExecutor {
  static final int MAX_FAILURES = 5;
  private static final Logger LOG = Logger.getLogger(ClusterTrialExecutor.class.getName());

  private final HazelcastInstance hz;
  private final ClusterSettings settings;
  private final StageBlobs blobs;
  private final UUID listener;
  private final Set<UUID> warnedVersion = new HashSet<>();
  private final java.util.concurrent.atomic.AtomicInteger requeued =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile Session current;

  private ClusterTrialExecutor(HazelcastInstance hz, ClusterSettings settings, StageBlobs blobs) {
    this.hz = hz;
    this.settings = settings;
    this.blobs = blobs;
    this.listener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        Member m = e.getMember();
        if (ClusterMember.WORKER.equals(m.getAttribute(ClusterMember.ROLE))) {
          int slots = ClusterMember.slots(m);
          LOG.info("worker " + m.getAddress() + " joined (" + slots + " slot"
              + (slots == 1 ? "" : "s") + ")");
        }
        Session s = current;
        if (s != null) {
          s.dispatch();
        }
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        Session s = current;
        if (s != null) {
          s.memberLeft(e.getMember());
        }
      }
    });
  }

  /**
   * Joins the cluster of {@code s} as its driver.
   *
   * @throws ClusterJoinException when the members named refuse it or do not answer
   */
  public static ClusterTrialExecutor join(ClusterSettings s) {
    if (s.join().isEmpty()) {
      throw new BocompException("--cluster needs the address of a worker, HOST[:PORT]");
    }
    StageBlobs blobs = new StageBlobs();
    HazelcastInstance hz = ClusterMember.start(s, ClusterMember.DRIVER, 0, blobs);
    return new ClusterTrialExecutor(hz, s, blobs);
  }

  /** Usable workers now (this bocomp version). */
  public int workers() {
    return usableWorkers().size();
  }

  @Override
  public String describe() {
    List<Member> w = usableWorkers();
    int slots = w.stream().mapToInt(ClusterMember::slots).sum();
    return "cluster '" + settings.name() + "' via " + String.join(",", settings.join()) + " ("
        + w.size() + " worker" + (w.size() == 1 ? "" : "s") + ", " + slots + " slots now)";
  }

  @Override
  public TrialExecutor.Session open(StageContext context) {
    String id = context.id();
    blobs.put(id, ContextCodec.encode(context));
    Session s = new Session(id);
    current = s;
    if (usableWorkers().isEmpty()) {
      LOG.warning("no worker in cluster '" + settings.name() + "' yet: trials wait until one"
          + " joins (bocomp worker --join " + settings.join().get(0) + ")");
    }
    return s;
  }

  @Override
  public void close() {
    try {
      hz.getCluster().removeMembershipListener(listener);
    } catch (RuntimeException e) {
      // the member is already down
    }
    if (hz.getLifecycleService().isRunning()) {
      hz.shutdown();
    }
  }

  /** Trials sent back to the queue because their worker left, over the executor's life. */
  int requeued() {
    return requeued.get();
  }

  /** Addresses ("host:port") of the workers measuring a trial of the current stage now. */
  Set<String> busyWorkers() {
    Session s = current;
    Set<String> out = new HashSet<>();
    if (s == null) {
      return out;
    }
    Set<UUID> busy;
    synchronized (s) {
      busy = new HashSet<>(s.busy.keySet());
    }
    for (Member m : hz.getCluster().getMembers()) {
      if (busy.contains(m.getUuid())) {
        out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
      }
    }
    return out;
  }

  private List<Member> usableWorkers() {
    List<Member> out = new ArrayList<>();
    if (!hz.getLifecycleService().isRunning()) {
      return out;
    }
    for (Member m : hz.getCluster().getMembers()) {
      if (ClusterMember.usableWorker(m)) {
        out.add(m);
      } else if (ClusterMember.WORKER.equals(m.getAttribute(ClusterMember.ROLE))) {
        synchronized (warnedVersion) {
          if (warnedVersion.add(m.getUuid())) {
            LOG.warning("worker " + m.getAddress() + " runs bocomp "
                + m.getAttribute(ClusterMember.VERSION) + ", this driver "
                + ClusterMember.version() + ": it gets no trials");
          }
        }
      }
    }
    return out;
  }

  /** One trial and its current dispatch. */
  private static final class Job {
    final int trial;
    final String plan;
    final CompletableFuture<Measurement> result = new CompletableFuture<>();
    int attempt;
    int failures;
    UUID member;

    Job(int trial, String plan) {
      this.trial = trial;
      this.plan = plan;
    }
  }

  private record Send(Job job, int attempt, Member member) {}

  /** The trials of one stage. */
  private final class Session implements TrialExecutor.Session {
    private final String stage;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Set<Job> running = new LinkedHashSet<>();
    private final Map<UUID, Integer> busy = new HashMap<>();
    private boolean closed;

    Session(String stage) {
      this.stage = stage;
    }

    @Override
    public CompletableFuture<Measurement> submit(int trial, CompressionPlan plan) {
      Job j = new Job(trial, plan.toJsonNode().toString());
      synchronized (this) {
        if (closed) {
          j.result.cancel(false);
          return j.result;
        }
        queue.add(j);
      }
      dispatch();
      return j.result;
    }

    /** Sends queued trials to workers with free slots. */
    void dispatch() {
      List<Send> sends = new ArrayList<>();
      List<Member> workers = usableWorkers();
      synchronized (this) {
        while (!closed && !queue.isEmpty()) {
          Member best = null;
          int bestFree = 0;
          for (Member m : workers) {
            int free = ClusterMember.slots(m) - busy.getOrDefault(m.getUuid(), 0);
            if (free > bestFree) {
              best = m;
              bestFree = free;
            }
          }
          if (best == null) {
            break;
          }
          Job j = queue.poll();
          j.attempt++;
          j.member = best.getUuid();
          running.add(j);
          busy.merge(best.getUuid(), 1, Integer::sum);
          sends.add(new Send(j, j.attempt, best));
        }
      }
      for (Send s : sends) {
        send(s);
      }
    }

    private void send(Send s) {
      MeasureTask task = new MeasureTask(stage, hz.getCluster().getLocalMember().getUuid(),
          s.job().trial, s.attempt(), s.job().plan);
      try {
        hz.getExecutorService(ClusterMember.MEASURE_EXECUTOR).submitToMember(task, s.member(),
            new ExecutionCallback<byte[]>() {
              @Override
              public void onResponse(byte[] answer) {
                answered(s, answer);
              }

              @Override
              public void onFailure(Throwable t) {
                failed(s, t);
              }
            });
      } catch (RuntimeException e) {
        failed(s, e);
      }
    }

    /** True when {@code s} is the trial's latest dispatch and the trial is still open. */
    private boolean current(Send s) {
      return !closed && s.job().attempt == s.attempt() && !s.job().result.isDone()
          && s.member().getUuid().equals(s.job().member);
    }

    private void release(Job j) {
      running.remove(j);
      busy.computeIfPresent(j.member, (k, v) -> v > 1 ? v - 1 : null);
      j.member = null;
    }

    private void answered(Send s, byte[] answer) {
      Measurement m;
      try {
        m = ClusterMessages.decode(answer);
      } catch (RuntimeException e) {
        failed(s, e);
        return;
      }
      synchronized (this) {
        if (!current(s)) {
          return; // late: the trial was re-dispatched or answered already
        }
        release(s.job());
      }
      s.job().result.complete(m);
      dispatch();
    }

    private void failed(Send s, Throwable t) {
      Throwable cause = t;
      while (cause.getCause() != null && cause.getCause() != cause
          && !(cause instanceof RetryableException)) {
        cause = cause.getCause();
      }
      boolean memberGone = t instanceof RetryableException || cause instanceof RetryableException
          || !hz.getCluster().getMembers().contains(s.member());
      boolean give = false;
      synchronized (this) {
        if (!current(s)) {
          return;
        }
        release(s.job());
        if (!memberGone && ++s.job().failures >= MAX_FAILURES) {
          give = true;
        } else {
          queue.addFirst(s.job());
          if (memberGone) {
            requeued.incrementAndGet();
          }
        }
      }
      if (give) {
        s.job().result.completeExceptionally(new BocompException("worker " + s.member().getAddress()
            + " failed " + MAX_FAILURES + " times on trial " + s.job().trial + ": " + t, t));
      }
      dispatch();
    }

    /** A member left: its trials go back to the front of the queue, in trial order. */
    void memberLeft(Member m) {
      List<Job> back = new ArrayList<>();
      synchronized (this) {
        busy.remove(m.getUuid());
        for (Job j : running) {
          if (m.getUuid().equals(j.member)) {
            back.add(j);
          }
        }
        back.sort(Comparator.comparingInt((Job j) -> j.trial).reversed());
        for (Job j : back) {
          running.remove(j);
          j.member = null;
          j.attempt++; // any answer of the old dispatch is now late
          queue.addFirst(j);
        }
      }
      requeued.addAndGet(back.size());
      if (ClusterMember.WORKER.equals(m.getAttribute(ClusterMember.ROLE))) {
        LOG.warning("worker " + m.getAddress() + " left the cluster"
            + (back.isEmpty() ? "" : "; its " + back.size() + " trial(s) go to other workers"));
      }
      dispatch();
    }

    @Override
    public void close() {
      List<Job> open = new ArrayList<>();
      synchronized (this) {
        closed = true;
        open.addAll(queue);
        open.addAll(running);
        queue.clear();
        running.clear();
        busy.clear();
      }
      for (Job j : open) {
        j.result.cancel(false);
      }
      if (current == this) {
        current = null;
      }
      blobs.remove(stage);
    }
  }
}
