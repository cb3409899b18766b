package io.bocomp.tune;

import io.bocomp.BocompException;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.Measurement;
import io.bocomp.tune.parallel.StageContext;
import io.bocomp.tune.parallel.TrialExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs the trials of one stage in q-batches measured by a {@link TrialExecutor} (several workers,
 * local or in a cluster), the parallel counterpart of {@link StageRunner}.
 *
 * <p>Batches: the initial design is one batch (its points do not depend on any result); after it,
 * trials {@code D + kq .. D + kq + q - 1}. A batch is proposed from the trials before it alone
 * ({@link Search#proposeBatch}), each theta is resolved to its plan and cache key here, and only
 * plans never measured are sent out; a plan that an earlier trial of the same batch also sends is
 * sent once, the later trial then recording it as cached, as a sequential run would.
 *
 * <p>Determinism: answers arrive in any order and are recorded by trial id, so the journal, the
 * history the next batch is proposed from, and the cache grow in trial order whatever the number
 * of workers or the order of arrival. The journal is thus always a prefix of the run; a resume in
 * the middle of a batch proposes that batch again from the same trials (same seed, same history,
 * measured-before check limited to the trials before the batch) and sends only its missing trials.
 * With q = 1 the proposals are those of {@link StageRunner}.
 *
 * <p>Stop: between two recorded trials, or while waiting for an answer; trials in flight are
 * abandoned (a resume measures them again). An executor that cannot measure a trial stops the run
 * with a {@link BocompException}; the journal keeps the trials recorded before it.
 */
final class BatchStageRunner {
  private static final long POLL_MILLIS = 50;

  private final int stage;
  private final int trials;
  private final int q;
  private final Search search;
  private final TrialEvaluator evaluator;
  private final TrialExecutor.Session session;
  private final Journal journal;
  private final TuneListener listener;
  private final BooleanSupplier stop;

  BatchStageRunner(int stage, int trials, int q, Search search, TrialEvaluator evaluator,
      TrialExecutor.Session session, Journal journal, TuneListener listener, BooleanSupplier stop) {
    if (q < 1) {
      throw new IllegalArgumentException("q must be >= 1, got " + q);
    }
    this.stage = stage;
    this.trials = trials;
    this.q = q;
    this.search = search;
    this.evaluator = evaluator;
    this.session = session;
    this.journal = journal;
    this.listener = listener;
    this.stop = stop;
  }

  /**
   * Runs a stage's remaining trials on {@code executor} (null: one local worker), opening it on
   * {@code context} only when trials remain.
   */
  static List<TrialRecord> run(int stage, int trials, int q, Search search,
      TrialEvaluator evaluator, TrialExecutor executor, StageContext context, Journal journal,
      TuneListener listener, BooleanSupplier stop, List<TrialRecord> replayed) {
    if (replayed.size() >= trials) {
      return new ArrayList<>(replayed);
    }
    TrialExecutor own = executor == null ? new LocalTrialExecutor(1) : null;
    try (TrialExecutor.Session s = (executor != null ? executor : own).open(context)) {
      return new BatchStageRunner(stage, trials, q, search, evaluator, s, journal, listener, stop)
          .run(replayed);
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  /** The first trial of the batch that trial t belongs to. */
  int batchStart(int t) {
    int d = Math.min(search.designSize(), trials);
    return t < d ? 0 : d + (t - d) / q * q;
  }

  /** One past the last trial of the batch that starts at {@code start}. */
  int batchEnd(int start) {
    int d = Math.min(search.designSize(), trials);
    return start < d ? d : Math.min(start + q, trials);
  }

  /**
   * Runs the remaining trials.
   *
   * @param replayed the stage's trials read from the journal (in order)
   * @return all the stage's trials; fewer than the stage's count when stopped
   */
  List<TrialRecord> run(List<TrialRecord> replayed) {
    List<TrialRecord> history = new ArrayList<>(replayed);
    double best = StageRunner.bestFeasibleLoss(history);
    int t = history.size();
    while (t < trials && !stop.getAsBoolean()) {
      int start = batchStart(t);
      int end = batchEnd(start);
      long t0 = System.nanoTime();
      List<Proposal> batch = search.proposeBatch(start, end - start, history,
          measuredBefore(start, history));
      double boMs = (System.nanoTime() - t0) / 1e6 / (end - start);
      List<Pending> pending = new ArrayList<>();
      Map<String, Integer> sent = new HashMap<>();
      for (int i = t; i < end; i++) {
        Proposal p = batch.get(i - start);
        TrialEvaluator.Resolved r = evaluator.resolve(p.theta());
        CompletableFuture<Measurement> f = null;
        int sameAs = -1;
        if (r.failure() == null && !evaluator.cacheHolds(r.key())) {
          Integer earlier = sent.putIfAbsent(r.key(), i);
          if (earlier != null) {
            sameAs = earlier;
          } else {
            f = session.submit(i, r.plan().plan());
          }
        }
        pending.add(new Pending(i, p, r, f, sameAs));
      }
      for (Pending x : pending) {
        TrialRecord rec = record(x, boMs);
        if (rec == null) {
          return history; // stopped while waiting
        }
        journal.append(JournalCodec.trial(rec));
        history.add(rec);
        if (rec.feasible() && !(rec.loss() >= best)) {
          best = rec.loss();
        }
        listener.trialRecorded(rec, best);
        if (rec.trial() + 1 < trials && stop.getAsBoolean()) {
          return history;
        }
      }
      t = end;
    }
    return history;
  }

  /** A trial of the current batch: sent out ({@code result}), or cached, or a repeat of an earlier one. */
  private record Pending(int trial, Proposal proposal, TrialEvaluator.Resolved resolved,
      CompletableFuture<Measurement> result, int sameAs) {}

  /** The trial's record, once its answer is in (null when stopped while waiting). */
  private TrialRecord record(Pending x, double boMs) {
    TrialEvaluator.Resolved r = x.resolved();
    if (r.failure() != null) {
      return evaluator.failedRecord(stage, x.trial(), x.proposal(), r,
          TrialEvaluator.reason(r.failure()), boMs, 0);
    }
    CompletableFuture<Measurement> f = x.result();
    if (f == null) {
      if (evaluator.cacheHolds(r.key())) {
        return evaluator.cachedRecord(stage, x.trial(), x.proposal(), r, boMs);
      }
      // the earlier trial of this plan failed: this one is measured on its own, as it would be
      // one after the other
      f = session.submit(x.trial(), r.plan().plan());
    }
    Measurement m = await(f, x.trial());
    if (m == null) {
      return null;
    }
    if (m.failed()) {
      return evaluator.failedRecord(stage, x.trial(), x.proposal(), r, m.failure(), boMs,
          m.buildMillis());
    }
    return evaluator.measuredRecord(stage, x.trial(), x.proposal(), r, m.distance(), boMs,
        m.buildMillis(), m.forwardMillis(), m.distanceMillis());
  }

  private Measurement await(CompletableFuture<Measurement> f, int trial) {
    while (true) {
      try {
        return f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (stop.getAsBoolean()) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (CancellationException e) {
        return null;
      } catch (ExecutionException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        throw new BocompException("trial " + trial + (stage > 0 ? " of stage " + (stage + 1) : "")
            + " could not be measured (" + c.getMessage() + "); the journal holds the trials"
            + " before it: continue with --resume", c);
      }
    }
  }

  /**
   * What a sequential run's repeat check would see when proposing trial {@code start}: the cache
   * minus the networks first measured by this stage's trials from {@code start} on (present only
   * when a resume lands inside a batch).
   */
  private Predicate<double[]> measuredBefore(int start, List<TrialRecord> history) {
    Set<String> later = new HashSet<>();
    for (TrialRecord r : history.subList(start, history.size())) {
      if (!r.failed() && !r.cached()) {
        later.add(r.planKey());
      }
    }
    if (later.isEmpty()) {
      return evaluator::measured;
    }
    return theta -> {
      TrialEvaluator.Resolved r = evaluator.resolve(theta);
      return r.failure() == null && evaluator.cacheHolds(r.key()) && !later.contains(r.key());
    };
  }
}
