package io.bocomp.compress;

import io.bocomp.BocompException;
import io.bocomp.engine.DecompositionException;
import io.bocomp.engine.Decompositions;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.model.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Decomposes every factorizable layer of a model once and keeps the factors on disk, so a second run
 * on the same model starts instantly and a trial at any rank is a slice ({@link LayerFactors}).
 *
 * <p>What is computed: the full thin SVD of every FC / 1x1-conv matrix (batched in one
 * {@link Decompositions#svd} call) and the full-rank Tucker-2 of every k x k conv (one
 * {@link Decompositions#tucker2} call), through whatever {@link Decompositions} the caller passes
 * (CPU LAPACK or CUDA). Matrices with more than {@link Settings#randomizedAbove} elements get a
 * randomized truncated SVD of rank {@link Settings#randomizedMaxRank} instead, since only low ranks
 * are ever asked of them; ranks above it are then out of range for that layer.
 *
 * <p>Where: {@code <cache dir>/factors/<model SHA-256>.factors}, never beside the model file (its
 * folder may be read-only, shared or under version control). The cache dir is {@code --cache-dir},
 * else {@code $XDG_CACHE_HOME/bocomp}, else {@code ~/.cache/bocomp} ({@link FactorCacheDirectory}).
 * The key is the model's SHA-256 ({@link ModelHash}) plus a fingerprint of the settings stored in the
 * file. A file that is corrupt, truncated, for another model or built with other settings is ignored
 * with a WARN and rebuilt; writes are atomic. When the directory cannot be created or written, the
 * factors are computed without caching and one WARN line says so (a valid file already there is
 * still read: a read-only shared cache works).
 */
public final class FactorCache {
  private static final Logger LOG = Logger.getLogger(FactorCache.class.getName());

  /**
   * How large layers are decomposed.
   *
   * @param randomizedAbove matrices with more elements than this get a randomized truncated SVD
   * @param randomizedMaxRank rank of that truncation (capped at min(m, n))
   * @param oversample extra columns of the randomized range finder
   * @param powerIterations power iterations of the randomized range finder
   * @param seed seed of its Gaussian test matrix
   */
  public record Settings(long randomizedAbove, int randomizedMaxRank, int oversample,
      int powerIterations, long seed) {
    /** 16.7 M elements (a 4096 x 4096 FC still gets a full SVD), rank 512, p = 10, q = 2. */
    public static Settings defaults() {
      return new Settings(1L << 24, 512, 10, 2, 0x5eedL);
    }

    long fingerprint() {
      long h = 17;
      for (long v : new long[] {randomizedAbove, randomizedMaxRank, oversample, powerIterations,
          seed}) {
        h = h * 1_000_003L + v;
      }
      return h;
    }
  }

  private final Decompositions decompositions;
  private final Settings settings;
  private final Path cacheDir;
  private final AtomicLong decomposed = new AtomicLong();

  /**
   * @param decompositions the backend's factorizations
   *     ({@link io.bocomp.engine.Backend#decompositions}), or null for a cache that never computes
   *     ({@link #filesOnly})
   * @param settings randomized-SVD policy
   * @param cacheDir the cache directory (its {@code factors/} subdirectory holds the files), or
   *     null for a cache that only computes ({@link #compute(CompressibleModel)})
   */
  public FactorCache(Decompositions decompositions, Settings settings, Path cacheDir) {
    this.decompositions = decompositions;
    this.settings = settings;
    this.cacheDir = cacheDir;
  }

  /**
   * A cache that only stores and reads factor files in {@code cacheDir} (e.g. the cluster's
   * transfer of the driver's factors): it has no decompositions, so {@link #compute} throws
   * {@link IllegalStateException}.
   */
  public static FactorCache filesOnly(Path cacheDir) {
    return new FactorCache(null, Settings.defaults(), cacheDir);
  }

  /** A cache with default settings in the default cache directory ({@link FactorCacheDirectory}). */
  public static FactorCache withDefaults(Decompositions decompositions) {
    return at(decompositions, null);
  }

  /**
   * A cache with default settings in {@code cacheDir} ({@code --cache-dir}), or in the default
   * cache directory when it is null.
   */
  public static FactorCache at(Decompositions decompositions, Path cacheDir) {
    return new FactorCache(decompositions, Settings.defaults(),
        FactorCacheDirectory.resolve(cacheDir));
  }

  /** Layers this cache has decomposed since it was created (0 when everything came from disk). */
  public long layersDecomposed() {
    return decomposed.get();
  }

  /**
   * The factors of a model, from the cache file when a valid one exists, else computed and stored.
   *
   * @param model the analysed model
   * @param modelFile the file it was loaded from (named in messages), or null for a model without
   *     one; the cache never writes beside it
   */
  public ModelFactors load(CompressibleModel model, Path modelFile) {
    return cached(model, modelFile).orElseGet(() -> {
      ModelFactors f = compute(model, modelFile);
      store(f, modelFile);
      return f;
    });
  }

  /**
   * The factors of a model from its cache file, when a valid one exists (nothing is computed or
   * written; an invalid file is reported and ignored).
   */
  public java.util.Optional<ModelFactors> cached(CompressibleModel model, Path modelFile) {
    if (cacheDir == null) {
      return java.util.Optional.empty();
    }
    Path file = cacheFile(model, modelFile);
    if (Files.isRegularFile(file)) {
      try {
        Map<String, LayerFactors> read = FactorFile.read(file, model.hash(), settings.fingerprint());
        String mismatch = mismatch(model, read);
        if (mismatch == null) {
          return java.util.Optional.of(new ModelFactors(model, read));
        }
        LOG.warning("factor cache " + file + " ignored (" + mismatch + "); rebuilding it");
      } catch (FactorFile.CorruptFactorFileException e) {
        LOG.warning("factor cache " + file + " ignored (" + e.getMessage() + "); rebuilding it");
      } catch (IOException e) {
        LOG.warning("factor cache " + file + " unreadable (" + e.getMessage() + "); rebuilding it");
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * As {@link #compute(CompressibleModel)}, saying where the factors will be cached, or (one WARN
   * line) that the cache directory cannot be written and they will not be.
   */
  public ModelFactors compute(CompressibleModel model, Path modelFile) {
    String what = "decomposing the layers of " + (modelFile == null ? "the model" : modelFile);
    String unusable = cacheDir == null ? "no cache directory" : unwritable();
    if (unusable == null) {
      LOG.info(what + " (once; cached in " + cacheFile(model, modelFile) + ")");
    } else if (cacheDir != null) {
      LOG.warning(what + " without caching: the factor cache directory " + factorsDir()
          + " cannot be written (" + unusable + "; --cache-dir DIR chooses another)");
    }
    return compute(model);
  }

  /**
   * Writes the cache file of computed factors, atomically. When the cache directory cannot be
   * written nothing happens ({@link #compute(CompressibleModel, Path)} has said so); a write that
   * fails all the same is one WARN line: the run continues without a cache.
   */
  public void store(ModelFactors f, Path modelFile) {
    if (cacheDir == null || unwritable() != null) {
      return;
    }
    Path file = cacheFile(f.model(), modelFile);
    try {
      FactorFile.write(file, f.model().hash(), settings.fingerprint(), f.all());
    } catch (BocompException e) {
      LOG.warning("cannot write factor cache " + file + " (" + e.getMessage()
          + "); continuing without it");
    }
  }

  /** Why the factors directory cannot be written (creating it if needed), or null when it can. */
  private String unwritable() {
    Path dir = factorsDir();
    try {
      Files.createDirectories(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return e.getFile() + " is not a directory";
    } catch (java.nio.file.AccessDeniedException e) {
      return "permission denied on " + e.getFile();
    } catch (IOException | SecurityException e) {
      return e.toString();
    }
    return Files.isWritable(dir) ? null : "permission denied";
  }

  private Path factorsDir() {
    return cacheDir.resolve("factors");
  }

  /** The factors of a model, computed now and kept in memory only. */
  public ModelFactors compute(CompressibleModel model) {
    if (decompositions == null) {
      throw new IllegalStateException("this factor cache only stores and reads files");
    }
    List<CompressibleLayer> svdFull = new ArrayList<>();
    List<Tensor> svdMatrices = new ArrayList<>();
    List<CompressibleLayer> tucker = new ArrayList<>();
    List<Tensor> kernels = new ArrayList<>();
    Map<String, LayerFactors> out = new LinkedHashMap<>();
    for (CompressibleLayer l : model.layers()) {
      Tensor w = model.graph().initializer(l.weightName());
      try {
        if (l.methods().contains(Method.TUCKER2)) {
          tucker.add(l);
          kernels.add(w);
        } else if (l.methods().contains(Method.SVD)) {
          int[] ms = l.matrixShape();
          Tensor matrix = w.reshape(ms);
          if ((long) ms[0] * ms[1] > settings.randomizedAbove()) {
            int rank = Math.min(settings.randomizedMaxRank(), Math.min(ms[0], ms[1]));
            SvdFactors f = decompositions.truncatedSvd(matrix, rank, settings.oversample(),
                settings.powerIterations(), settings.seed());
            out.put(l.name(), LayerFactors.ofSvd(l.name(), f, true, squaredNorm(w)));
            decomposed.incrementAndGet();
          } else {
            svdFull.add(l);
            svdMatrices.add(matrix);
          }
        }
      } catch (DecompositionException e) {
        throw new DecompositionException(l.label() + ": " + e.getMessage(), e);
      }
    }
    List<SvdFactors> svds = batch(() -> decompositions.svd(svdMatrices), svdFull);
    for (int i = 0; i < svdFull.size(); i++) {
      CompressibleLayer l = svdFull.get(i);
      out.put(l.name(), LayerFactors.ofSvd(l.name(), svds.get(i), false,
          squaredNorm(model.graph().initializer(l.weightName()))));
    }
    List<Tucker2Factors> tks = batch(() -> decompositions.tucker2(kernels), tucker);
    for (int i = 0; i < tucker.size(); i++) {
      out.put(tucker.get(i).name(), LayerFactors.ofTucker(tucker.get(i).name(), tks.get(i)));
    }
    decomposed.addAndGet(svdFull.size() + tucker.size());
    // Graph order, whatever the batching.
    Map<String, LayerFactors> ordered = new LinkedHashMap<>();
    for (CompressibleLayer l : model.layers()) {
      if (out.containsKey(l.name())) {
        ordered.put(l.name(), out.get(l.name()));
      }
    }
    return new ModelFactors(model, ordered);
  }

  /**
   * Where the cache file of a model lives: {@code <cache dir>/factors/<SHA-256>.factors} (see the
   * class comment), whatever {@code modelFile} is.
   */
  public Path cacheFile(CompressibleModel model, Path modelFile) {
    if (cacheDir == null) {
      throw new IllegalStateException("this FactorCache has no cache directory");
    }
    return factorsDir().resolve(model.hash() + ".factors");
  }

  private interface BatchCall<T> {
    List<T> run();
  }

  private static <T> List<T> batch(BatchCall<T> call, List<CompressibleLayer> layers) {
    if (layers.isEmpty()) {
      return List.of();
    }
    try {
      return call.run();
    } catch (DecompositionException e) {
      List<String> names = new ArrayList<>();
      for (CompressibleLayer l : layers) {
        names.add(l.name());
      }
      throw new DecompositionException("decomposing layers " + names + ": " + e.getMessage()
          + " (check the weights for NaN/Inf)", e);
    }
  }

  /** Why factors read from disk do not fit the model, or null if they do. */
  private static String mismatch(CompressibleModel model, Map<String, LayerFactors> read) {
    int expected = 0;
    for (CompressibleLayer l : model.layers()) {
      boolean tucker = l.methods().contains(Method.TUCKER2);
      if (!tucker && !l.methods().contains(Method.SVD)) {
        continue;
      }
      expected++;
      LayerFactors f = read.get(l.name());
      if (f == null || f.isSvd() == tucker) {
        return "layer '" + l.name() + "' missing or of another kind";
      }
      if (tucker) {
        int[] core = f.tucker().core().shape();
        if (!java.util.Arrays.equals(core, l.weightShape())) {
          return "layer '" + l.name() + "' core has another shape";
        }
      } else {
        int[] ms = l.matrixShape();
        if (f.svd().u().dim(0) != ms[0] || f.svd().vt().dim(1) != ms[1]) {
          return "layer '" + l.name() + "' factors have another shape";
        }
      }
    }
    return read.size() == expected ? null : "unexpected layers";
  }

  private static double squaredNorm(Tensor w) {
    FloatBuffer b = w.data();
    double s = 0;
    for (int i = 0, n = w.size(); i < n; i++) {
      double v = b.get(i);
      s += v * v;
    }
    return s;
  }
}
