package io.bocomp.engine.cpu;

import io.bocomp.engine.DecompositionException;
import io.bocomp.engine.Decompositions;
import io.bocomp.engine.OpenBlasThreads;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * {@link Decompositions} on the CPU through OpenBLAS's LAPACK, working on direct buffers in place
 * (no JNI array copies, no hand-written iterative kernels):
 *
 * <ul>
 *   <li><b>Thin SVD</b>: {@code sgesdd} (divide and conquer). A row-major m x n matrix is, byte for
 *       byte, the column-major n x m matrix A<sup>T</sup>, so LAPACK is called on A<sup>T</sup> =
 *       U' S V'<sup>T</sup> and A's factors are read straight out of LAPACK's output buffers (A's U
 *       is V', A's V<sup>T</sup> is U'<sup>T</sup>); no transposition copy on either side.
 *   <li><b>Randomized truncated SVD</b> (Halko, Martinsson, Tropp 2011, Alg. 4.4): Gaussian test
 *       matrix with {@code rank + oversample} columns, {@code powerIterations} subspace iterations
 *       each re-orthonormalised by a Householder QR ({@code sgeqrf} + {@code sorgqr}), then the
 *       thin SVD of the small B = Q<sup>T</sup>A and U = Q U<sub>B</sub>.
 *   <li><b>Tucker-2 (HOSVD)</b> of a Cout x Cin x kh x kw kernel: Gram matrices of the mode-0 and
 *       mode-1 unfoldings by {@code ssyrk}, their eigenvectors by {@code ssyevd} (LAPACK returns
 *       ascending eigenvalues; they are reversed here), and the core by two mode products with
 *       {@code sgemm}. The mode-1 unfolding is one permuted copy of the kernel.
 *   <li><b>Distance</b>: {@link DistanceStats#compute}, the reference definition (double, sequential,
 *       bit-identical from run to run).
 * </ul>
 *
 * <p>Threads: OpenBLAS runs single-threaded inside these calls (the CPU engine's policy too) and
 * the parallelism is Java's: a batch is spread over {@code parallelism} worker threads, one matrix
 * each; a single Tucker-2 runs its two modes side by side and splits its mode products in column
 * halves; a single SVD uses one core. Measured on a shared 2-core machine, the JavaCPP build of
 * OpenBLAS 0.3.31 on 2 threads under CPU contention was 2.5x (SVD) to 18x (Tucker-2) slower than
 * numpy/scipy, while single-threaded it matched it (benchmarks/results/decomp.md).
 *
 * <p>Limits: float32 throughout (LAPACK's single-precision routines, like numpy/scipy on float32
 * input); matrices must hold fewer than 2^31 elements. The instance is thread-safe; OpenBLAS
 * parallelises each call internally. {@link #decompositionCount()} counts the factorizations
 * performed (SVDs, truncated SVDs and Tucker-2s) so callers can prove that a trial never pays for
 * one.
 */
public final class CpuDecompositions implements Decompositions {

  static {
    Loader.load(openblas.class);
  }

  private final AtomicLong count = new AtomicLong();
  private final int parallelism;
  private ExecutorService pool;

  /** Batches spread over all available processors. */
  public CpuDecompositions() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param parallelism how many matrices of a batch are factorized at once, each on one thread
   */
  public CpuDecompositions(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    this.parallelism = parallelism;
  }

  /** Number of factorizations (one per matrix or kernel) this instance has computed. */
  public long decompositionCount() {
    return count.get();
  }

  @Override
  public List<SvdFactors> svd(List<Tensor> matrices) {
    for (Tensor a : matrices) {
      requireMatrix(a);
    }
    return batch(matrices, (a, helper) -> thinSvdInPlace(copyOf(a), a.dim(0), a.dim(1)));
  }

  @Override
  public SvdFactors truncatedSvd(Tensor matrix, int rank, int oversample, int powerIterations,
      long seed) {
    requireMatrix(matrix);
    SvdFactors f = OpenBlasThreads.with(1,
        () -> randomizedSvd(matrix, rank, oversample, powerIterations, seed));
    count.incrementAndGet();
    return f;
  }

  private static SvdFactors randomizedSvd(Tensor matrix, int rank, int oversample,
      int powerIterations, long seed) {
    int m = matrix.dim(0);
    int n = matrix.dim(1);
    int full = Math.min(m, n);
    if (rank < 1 || rank > full) {
      throw new IllegalArgumentException("rank " + rank + " outside [1, " + full + "]");
    }
    if (oversample < 0 || powerIterations < 0) {
      throw new IllegalArgumentException("oversample and powerIterations must be >= 0");
    }
    int l = Math.min(full, rank + oversample);
    FloatBuffer a = matrix.data();
    // Omega^T: l x n Gaussian, row-major.
    FloatBuffer omegaT = Tensor.allocate(Math.multiplyExact(l, n));
    Random rnd = new Random(seed);
    for (int i = 0; i < l * n; i++) {
      omegaT.put(i, (float) rnd.nextGaussian());
    }
    // Q is kept transposed (l x m row-major), i.e. column-major m x l, the layout LAPACK wants.
    FloatBuffer qt = Tensor.allocate(Math.multiplyExact(l, m));
    FloatBuffer zt = Tensor.allocate(Math.multiplyExact(l, n));
    FloatBuffer tau = Tensor.allocate(l);
    // Y^T = Omega^T A^T, then Q = qr(Y).
    Blas.sgemm(false, true, l, m, n, 1f, omegaT, 0, n, a, 0, n, 0f, qt, 0, m);
    orthonormalize(qt, m, l, tau);
    for (int it = 0; it < powerIterations; it++) {
      // Z^T = Q^T A (l x n), Z = qr(Z); Y^T = Z^T A^T, Q = qr(Y).
      Blas.sgemm(false, false, l, n, m, 1f, qt, 0, m, a, 0, n, 0f, zt, 0, n);
      orthonormalize(zt, n, l, tau);
      Blas.sgemm(false, true, l, m, n, 1f, zt, 0, n, a, 0, n, 0f, qt, 0, m);
      orthonormalize(qt, m, l, tau);
    }
    // B = Q^T A (l x n), small SVD of B, U = Q U_B.
    FloatBuffer b = zt;
    Blas.sgemm(false, false, l, n, m, 1f, qt, 0, m, a, 0, n, 0f, b, 0, n);
    SvdFactors small = thinSvdInPlace(b, l, n); // U_B: l x l, Vt_B: l x n
    Tensor u = Tensor.zeros(m, rank);
    Blas.sgemm(true, false, m, rank, l, 1f, qt, 0, m, small.u().data(), 0, l, 0f, u.data(), 0,
        rank);
    Tensor s = Tensor.zeros(rank);
    s.data().put(small.s().data().limit(rank));
    Tensor vt = Tensor.zeros(rank, n);
    vt.data().put(small.vt().data().limit(rank * n));
    return new SvdFactors(u, s, vt);
  }

  @Override
  public List<Tucker2Factors> tucker2(List<Tensor> kernels) {
    return batch(kernels, CpuDecompositions::tucker2);
  }

  /**
   * Applies {@code f} to every item with OpenBLAS single-threaded meanwhile; results in input
   * order, the first failure rethrown. Several items run {@code parallelism} at a time on the
   * worker pool; a single item runs here, with the pool offered to it as a helper for its own
   * independent parts.
   */
  private <T> List<T> batch(List<Tensor> items, BiFunction<Tensor, Executor, T> f) {
    return OpenBlasThreads.with(1, () -> {
      List<T> out = new ArrayList<>(items.size());
      if (parallelism == 1 || items.size() == 1) {
        for (Tensor t : items) {
          out.add(f.apply(t, parallelism == 1 ? null : pool()));
          count.incrementAndGet();
        }
        return out;
      }
      List<Future<T>> futures = new ArrayList<>();
      for (Tensor t : items) {
        futures.add(pool().submit(() -> {
          T v = f.apply(t, null);
          count.incrementAndGet();
          return v;
        }));
      }
      try {
        for (Future<T> fu : futures) {
          out.add(fu.get());
        }
        return out;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DecompositionException("interrupted while decomposing", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new DecompositionException("decomposition failed: " + e.getCause(), e.getCause());
      } finally {
        for (Future<T> fu : futures) {
          fu.cancel(true);
        }
      }
    });
  }

  /** The worker pool: {@code parallelism} daemon threads, created on first use. */
  private synchronized ExecutorService pool() {
    if (pool == null) {
      pool = Executors.newFixedThreadPool(parallelism, r -> {
        Thread t = new Thread(r, "bocomp-decompose");
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  /**
   * Tucker-2 of one kernel. With a {@code helper} executor the two modes' Gram + eigen problems run
   * side by side and each mode product is split in two column halves (one on the helper), all with
   * single-threaded OpenBLAS.
   */
  private static Tucker2Factors tucker2(Tensor w, Executor helper) {
    if (w.rank() != 4) {
      throw new IllegalArgumentException("Tucker-2 needs a 4-D kernel, got " + w);
    }
    int cout = w.dim(0);
    int cin = w.dim(1);
    int k2 = w.dim(2) * w.dim(3);
    requireFinite(w);
    FloatBuffer w0 = w.data(); // mode-0 unfolding: Cout x (Cin k2)
    Tensor eigOut = Tensor.zeros(cout);
    Tensor eigIn = Tensor.zeros(cin);
    Tensor[] u = new Tensor[2];
    FloatBuffer[] w1 = new FloatBuffer[1];
    both(helper, () -> {
      FloatBuffer gram0 = Tensor.allocate(cout * cout);
      Blas.ssyrkUpper(cout, cin * k2, 1f, w0, 0, cin * k2, 0f, gram0, 0, cout);
      u[0] = symmetricEigenDescending(gram0, cout, eigOut);
    }, () -> {
      w1[0] = permute01(w0, cout, cin, k2); // mode-1 unfolding: Cin x (Cout k2)
      FloatBuffer gram1 = Tensor.allocate(cin * cin);
      Blas.ssyrkUpper(cin, cout * k2, 1f, w1[0], 0, cout * k2, 0f, gram1, 0, cin);
      u[1] = symmetricEigenDescending(gram1, cin, eigIn);
    });
    Tensor uOut = u[0];
    Tensor uIn = u[1];
    // Mode-1 product on the permuted kernel: A = U_in^T W1 (Cin x Cout k2), A[q, o, s].
    FloatBuffer a = Tensor.allocate(cin * cout * k2);
    productTransA(helper, uIn.data(), cin, w1[0], cout * k2, a);
    // Back to o-major (Cout x Cin k2), into W1's buffer (no longer needed), then the mode-0
    // product: core = U_out^T A'.
    FloatBuffer ap = permute01(a, cin, cout, k2, w1[0]);
    Tensor core = Tensor.zeros(w.shape());
    productTransA(helper, uOut.data(), cout, ap, cin * k2, core.data());
    return new Tucker2Factors(uOut, uIn, core, eigOut, eigIn);
  }

  /** C (n x cols) = U^T B for square U (n x n) and B (n x cols), in two column halves. */
  private static void productTransA(Executor helper, FloatBuffer uMat, int n, FloatBuffer b,
      int cols, FloatBuffer c) {
    int half = helper == null ? cols : cols / 2;
    both(helper, () -> Blas.sgemm(true, false, n, half, n, 1f, uMat, 0, n, b, 0, cols, 0f, c, 0,
        cols),
        () -> {
          if (half < cols) {
            Blas.sgemm(true, false, n, cols - half, n, 1f, uMat, 0, n, b, half, cols, 0f, c, half,
                cols);
          }
        });
  }

  /** Runs {@code first} on the helper (or inline without one) and {@code second} here; waits. */
  private static void both(Executor helper, Runnable first, Runnable second) {
    if (helper == null) {
      first.run();
      second.run();
      return;
    }
    CompletableFuture<Void> f = CompletableFuture.runAsync(first, helper);
    try {
      second.run();
    } finally {
      try {
        f.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
  }


  @Override
  public DistanceStats distance(Tensor outputs, Tensor reference) {
    return DistanceStats.compute(outputs, reference);
  }

  /**
   * Thin SVD of the row-major m x n matrix in {@code a} (destroyed). See the class comment for why
   * no transposition is needed.
   */
  static SvdFactors thinSvdInPlace(FloatBuffer a, int m, int n) {
    int k = Math.min(m, n);
    for (int i = 0, size = m * n; i < size; i++) {
      if (!Float.isFinite(a.get(i))) {
        throw new DecompositionException("matrix " + m + "x" + n + " has a non-finite entry");
      }
    }
    Tensor u = Tensor.zeros(m, k);
    Tensor s = Tensor.zeros(k);
    Tensor vt = Tensor.zeros(k, n);
    // Column-major view: A^T is n x m (lda n). LAPACK's U' (n x k, ldu n) is our Vt (k x n
    // row-major); LAPACK's V'^T (k x m, ldvt k) is our U (m x k row-major).
    int info = Blas.sgesdd(n, m, a, n, s.data(), vt.data(), n, u.data(), k);
    if (info != 0) {
      throw new DecompositionException("sgesdd failed on a " + m + "x" + n + " matrix (info "
          + info + (info > 0 ? ": did not converge" : ": bad argument") + ")");
    }
    return new SvdFactors(u, s, vt);
  }

  /** Replaces the column-major rows x cols matrix in {@code a} by an orthonormal basis of its span. */
  private static void orthonormalize(FloatBuffer a, int rows, int cols, FloatBuffer tau) {
    int info = Blas.sgeqrf(rows, cols, a, rows, tau);
    if (info == 0) {
      info = Blas.sorgqr(rows, cols, cols, a, rows, tau);
    }
    if (info != 0) {
      throw new DecompositionException("QR of a " + rows + "x" + cols + " matrix failed (info "
          + info + ")");
    }
  }

  /**
   * Eigen-decomposition of the symmetric n x n matrix whose upper triangle (row-major) is in
   * {@code gram}; returns the eigenvectors as the columns of a row-major n x n tensor, ordered by
   * descending eigenvalue, and writes the eigenvalues (clamped at 0: a Gram matrix is PSD, tiny
   * negative values are rounding) into {@code eig}. Public for the HOOI refinement of Tucker-2
   * factors ({@code io.bocomp.compress.TuckerRefinement}).
   *
   * @throws DecompositionException when LAPACK fails
   */
  public static Tensor symmetricEigenDescending(FloatBuffer gram, int n, Tensor eig) {
    FloatBuffer w = Tensor.allocate(n);
    // Row-major upper == column-major lower.
    int info = Blas.ssyevdLower(n, gram, n, w);
    if (info != 0) {
      throw new DecompositionException("ssyevd failed on a " + n + "x" + n + " Gram matrix (info "
          + info + ")");
    }
    // gram now holds eigenvectors as column-major columns, ascending: vector j at [j*n, j*n+n).
    float[] u = new float[n * n];
    for (int j = 0; j < n; j++) {
      int src = n - 1 - j;
      eig.set(j, Math.max(0f, w.get(src)));
      for (int i = 0; i < n; i++) {
        u[i * n + j] = gram.get(src * n + i);
      }
    }
    Tensor out = Tensor.zeros(n, n);
    out.data().put(u);
    return out;
  }

  /**
   * Copies a (d0 x d1 x k) row-major block to a new (d1 x d0 x k) buffer: the mode-1 unfolding of a
   * kernel from its mode-0 one (public for {@code io.bocomp.compress.TuckerRefinement}).
   */
  public static FloatBuffer permute01(FloatBuffer src, int d0, int d1, int k) {
    return permute01(src, d0, d1, k, Tensor.allocate(d0 * d1 * k));
  }

  /**
   * Copies a (d0 x d1 x k) row-major block to (d1 x d0 x k) in {@code dst}; returns dst. Rows of
   * the source are taken 8 at a time so the writes land in runs of 8 k floats.
   */
  static FloatBuffer permute01(FloatBuffer src, int d0, int d1, int k, FloatBuffer dst) {
    float[] in = new float[d0 * d1 * k];
    src.get(0, in);
    float[] out = new float[in.length];
    for (int i0 = 0; i0 < d0; i0 += 8) {
      int i1 = Math.min(d0, i0 + 8);
      for (int j = 0; j < d1; j++) {
        int d = (j * d0 + i0) * k;
        for (int i = i0; i < i1; i++) {
          int s = (i * d1 + j) * k;
          for (int t = 0; t < k; t++) { // k = kh * kw is small: a loop beats arraycopy here
            out[d++] = in[s + t];
          }
        }
      }
    }
    dst.put(0, out);
    return dst;
  }

  private static FloatBuffer copyOf(Tensor t) {
    FloatBuffer b = Tensor.allocate(t.size());
    b.put(t.data());
    return b.clear();
  }

  private static void requireMatrix(Tensor a) {
    if (a.rank() != 2 || !a.isFloat() || a.size() == 0) {
      throw new IllegalArgumentException("SVD needs a non-empty float 2-D matrix, got " + a);
    }
  }

  private static void requireFinite(Tensor t) {
    FloatBuffer b = t.data();
    for (int i = 0, n = t.size(); i < n; i++) {
      if (!Float.isFinite(b.get(i))) {
        throw new DecompositionException("tensor " + t + " has a non-finite entry");
      }
    }
  }
}
