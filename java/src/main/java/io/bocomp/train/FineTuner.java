package io.bocomp.train;

import io.bocomp.data.Dataset;
import io.bocomp.engine.OpenBlasThreads;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Mini-batch training of a {@link TrainingGraph} against teacher outputs (and labels): seeded
 * shuffling per epoch, each mini-batch split into one contiguous shard per worker (each worker runs
 * forward, loss and backward on its shard with single-threaded OpenBLAS, like data-parallel
 * replicas), gradients summed in worker order, one optimizer step. With the same seed and worker
 * count a run is bit-for-bit reproducible.
 *
 * <p>A non-finite loss stops the run and restores the weights of the last step whose loss was
 * finite ({@link Status#DIVERGED}); a stop request (Ctrl-C) ends it after the current step
 * ({@link Status#STOPPED}). Either way the graph holds good weights when {@link #run} returns.
 */
public final class FineTuner {
  /** How a run ended. */
  public enum Status {
    COMPLETED, STOPPED, DIVERGED
  }

  /** Training settings. {@code threads} workers split each mini-batch. */
  public record Config(int epochs, int batch, LearningRateSchedule schedule, Optimizer optimizer,
      Loss loss, long seed, int threads, double clipNorm) {
    public Config {
      if (epochs < 0 || batch < 1 || threads < 1) {
        throw new IllegalArgumentException("epochs >= 0, batch >= 1 and threads >= 1 required");
      }
    }
  }

  /** One finished epoch. */
  public record Epoch(int epoch, double meanLoss, double seconds, double imagesPerSecond) {}

  /** What a run did. */
  public record Result(Status status, List<Epoch> epochs, int steps, String message) {}

  /** Progress callbacks (on the training thread). */
  public interface Listener {
    default void started(int epochs, int stepsPerEpoch) {}

    default void step(int epoch, int step, double batchLoss, double imagesPerSecond) {}

    default void epochFinished(Epoch e) {}

    /** True if {@link #checkpoint} should get the model after each epoch (an export costs a copy). */
    default boolean wantsCheckpoints() {
      return false;
    }

    /** The model as trained so far, after epoch {@code e}. */
    default void checkpoint(Epoch e, Model current) {}
  }

  private final TrainingGraph graph;
  private final Config cfg;

  public FineTuner(TrainingGraph graph, Config cfg) {
    this.graph = graph;
    this.cfg = cfg;
  }

  /**
   * Trains on {@code data} toward {@code teacher} ([N, K] outputs of the reference model on the same
   * images, in order).
   */
  public Result run(Dataset data, Tensor teacher, Listener listener, BooleanSupplier stop) {
    int n = data.size();
    int k = teacher.size() / Math.max(1, n);
    int stepsPerEpoch = (n + cfg.batch() - 1) / cfg.batch();
    int totalSteps = stepsPerEpoch * cfg.epochs();
    List<Parameter> params = graph.parameters();
    Workspace[] ws = new Workspace[cfg.threads()];
    for (int i = 0; i < ws.length; i++) {
      ws[i] = graph.newWorkspace();
    }
    FloatBuffer[] lastGood = new FloatBuffer[params.size()];
    for (Parameter p : params) {
      lastGood[p.index()] = Tensor.allocate(p.size());
    }
    int[] sample = data.images().shape();
    int per = data.images().size() / Math.max(1, n);
    Tensor batchImages = Tensor.zeros(withBatch(sample, Math.min(cfg.batch(), n)));
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    Random rng = new Random(cfg.seed());
    List<Epoch> epochs = new ArrayList<>();
    listener.started(cfg.epochs(), stepsPerEpoch);
    ExecutorService pool = cfg.threads() > 1 ? Executors.newFixedThreadPool(cfg.threads() - 1,
        r -> {
          Thread t = new Thread(r, "bocomp-train");
          t.setDaemon(true);
          return t;
        }) : null;
    OpenBlasThreads.acquireSingleThreaded();
    int step = 0;
    try {
      for (int e = 0; e < cfg.epochs(); e++) {
        shuffle(order, rng);
        long t0 = System.nanoTime();
        double lossSum = 0;
        int seen = 0;
        for (int s = 0; s < stepsPerEpoch; s++) {
          if (stop.getAsBoolean()) {
            return new Result(Status.STOPPED, epochs, step, "stopped at epoch " + (e + 1)
                + ", step " + s + " of " + stepsPerEpoch);
          }
          int from = s * cfg.batch();
          int[] rows = Arrays.copyOfRange(order, from, Math.min(n, from + cfg.batch()));
          FloatBuffer src = data.images().data();
          FloatBuffer dst = batchImages.data();
          for (int r = 0; r < rows.length; r++) {
            dst.put(r * per, src, rows[r] * per, per);
          }
          double loss = step(ws, pool, batchImages, rows, teacher.data(), k, data.labels());
          double batchLoss = loss / rows.length;
          if (!Double.isFinite(batchLoss)) {
            restore(params, lastGood);
            return new Result(Status.DIVERGED, epochs, step, "the loss became " + batchLoss
                + " at epoch " + (e + 1) + ", step " + (s + 1) + "; kept the weights of the last"
                + " step with a finite loss (try a lower --lr)");
          }
          for (Parameter p : params) {
            lastGood[p.index()].put(0, p.trained(), 0, p.size());
          }
          float lr = cfg.schedule().at(step, Math.max(1, totalSteps), e);
          clip(ws[0].paramGrad, cfg.clipNorm());
          cfg.optimizer().step(params, ws[0].paramGrad, lr);
          for (Parameter p : params) {
            p.afterStep(); // quantized weights: Q(latent) for the next forward pass
          }
          step++;
          lossSum += loss;
          seen += rows.length;
          double secs = (System.nanoTime() - t0) / 1e9;
          listener.step(e, s, batchLoss, seen / Math.max(1e-9, secs));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Epoch done = new Epoch(e + 1, lossSum / Math.max(1, seen), secs, seen / secs);
        epochs.add(done);
        listener.epochFinished(done);
        if (listener.wantsCheckpoints()) {
          listener.checkpoint(done, graph.export());
        }
      }
      return new Result(Status.COMPLETED, epochs, step, "trained " + cfg.epochs() + " epoch(s)");
    } finally {
      OpenBlasThreads.releaseSingleThreaded();
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Forward, loss and backward of one mini-batch over the workers; returns the summed loss. */
  private double step(Workspace[] ws, ExecutorService pool, Tensor images, int[] rows,
      FloatBuffer teacher, int k, int[] labels) {
    int b = rows.length;
    int shards = Math.min(ws.length, b);
    double[] losses = new double[shards];
    List<Future<?>> pending = new ArrayList<>();
    for (int j = 1; j < shards; j++) {
      int jj = j;
      pending.add(pool.submit(() -> {
        losses[jj] = shard(ws[jj], images, rows, jj, shards, teacher, k, labels);
      }));
    }
    losses[0] = shard(ws[0], images, rows, 0, shards, teacher, k, labels);
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while training", ex);
      } catch (ExecutionException ex) {
        Throwable c = ex.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(c);
      }
    }
    for (int j = 1; j < shards; j++) {
      for (int p = 0; p < ws[0].paramGrad.length; p++) {
        Buffers.addTo(ws[j].paramGrad[p], 0, ws[0].paramGrad[p], 0, ws[0].paramGrad[p].capacity());
      }
    }
    double sum = 0;
    for (double l : losses) {
      sum += l;
    }
    return sum;
  }

  private double shard(Workspace w, Tensor images, int[] rows, int j, int shards,
      FloatBuffer teacher, int k, int[] labels) {
    int b = rows.length;
    int from = (int) ((long) b * j / shards);
    int to = (int) ((long) b * (j + 1) / shards);
    FloatBuffer out = graph.forward(w, images, from, to - from);
    w.zeroGrads();
    int slot = graph.outputSlot();
    int[] os = w.shape[slot];
    if (os.length != 2 || os[1] != k) {
      throw new IllegalStateException("output shape " + Arrays.toString(os) + " is not [batch, "
          + k + "]");
    }
    double loss = cfg.loss().apply(out, to - from, k, teacher, labels,
        Arrays.copyOfRange(rows, from, to), b, w.grad[slot]);
    graph.backward(w);
    return loss;
  }

  /**
   * Scales the gradients so their global L2 norm is at most {@code max} (PyTorch's
   * {@code clip_grad_norm_}); {@code max <= 0} leaves them alone.
   */
  static void clip(FloatBuffer[] grads, double max) {
    if (!(max > 0)) {
      return;
    }
    double sq = 0;
    for (FloatBuffer g : grads) {
      sq += Buffers.sumOfSquares(g, g.capacity());
    }
    double norm = Math.sqrt(sq);
    if (norm > max) {
      float scale = (float) (max / (norm + 1e-6));
      for (FloatBuffer g : grads) {
        Buffers.scale(g, g.capacity(), scale);
      }
    }
  }

  private static void restore(List<Parameter> params, FloatBuffer[] saved) {
    for (Parameter p : params) {
      p.trained().put(0, saved[p.index()], 0, p.size());
      p.afterStep();
    }
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static int[] withBatch(int[] shape, int b) {
    int[] s = shape.clone();
    s[0] = b;
    return s;
  }
}
