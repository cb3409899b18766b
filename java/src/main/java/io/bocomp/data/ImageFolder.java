package io.bocomp.data;

import io.bocomp.model.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A folder of image files as model inputs, decoded on demand ({@link ImageDecoder}) and turned into
 * floats by an {@link ImageTransform}. Never holds more than the batches asked for.
 *
 * <p>Labels follow torchvision's {@code ImageFolder}: one sub-folder per class, the classes sorted
 * by name (Java string order) and numbered from 0, the images of a class found in it and its
 * sub-folders (folders in path order, then files in name order). A folder with images directly in
 * it and no sub-folders is unlabeled, unless a label file gives one label per image in file-name
 * order ({@link LabelFile}). Files and folders whose names start with '.' are skipped, and so are
 * files without an image extension ({@link ImageDecoder#EXTENSIONS}); a folder holding both images
 * and sub-folders is refused as ambiguous.
 *
 * <p>{@link #open} reads every image's header (in parallel) and checks the sizes before anything
 * is decoded: against the model input's height and width where they are fixed, else against the
 * first image (a run needs one size). Decoding runs on a small shared pool of daemon threads; {@link
 * #batches} keeps at most {@value #AHEAD} batches in flight beyond the one being consumed. Every
 * error names the file, the first one in the order above when several are bad.
 */
public final class ImageFolder implements InputSource {
  /** Batches decoded ahead of the one the caller holds. */
  static final int AHEAD = 2;

  private final Path root;
  private final List<Path> files;
  private final int[] labels;
  private final List<String> classes;
  private final ImageTransform transform;

  private ImageFolder(Path root, List<Path> files, int[] labels, List<String> classes,
      ImageTransform transform) {
    this.root = root;
    this.files = List.copyOf(files);
    this.labels = labels;
    this.classes = List.copyOf(classes);
    this.transform = transform;
  }

  /**
   * Lists, labels and checks a folder.
   *
   * @param root the folder
   * @param labelFile a label file for an unlabeled (flat) folder, or null
   * @param limit the first {@code limit} images only (0: all)
   * @param transform the preprocessing, resolved against the model input
   * @throws DataFormatException for an empty or ambiguous folder, a label count that differs, an
   *     unreadable image, or sizes that do not fit (each naming the folder or file)
   */
  public static ImageFolder open(Path root, Path labelFile, int limit, ImageTransform transform) {
    if (!Files.isDirectory(root)) {
      throw new DataFormatException(root + ": no such folder");
    }
    List<Path> images = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        if (hidden(p)) {
          continue;
        }
        if (Files.isDirectory(p)) {
          dirs.add(p);
        } else if (ImageDecoder.isImageName(p) && Files.isRegularFile(p)) {
          images.add(p);
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(root + ": cannot list (" + e.getMessage() + ")", e);
    }
    Comparator<Path> byName = Comparator.comparing(p -> p.getFileName().toString());
    images.sort(byName);
    dirs.sort(byName);
    List<Path> files;
    int[] labels;
    List<String> classes = new ArrayList<>();
    if (!dirs.isEmpty()) {
      if (!images.isEmpty()) {
        throw new DataFormatException(root + " holds both images (e.g. "
            + images.get(0).getFileName() + ") and sub-folders (e.g. " + dirs.get(0).getFileName()
            + "); put every image in a class sub-folder (labeled) or none in sub-folders"
            + " (unlabeled)");
      }
      if (labelFile != null) {
        throw new DataFormatException("--labels " + labelFile + ": " + root + " has class"
            + " sub-folders, which give the labels");
      }
      files = new ArrayList<>();
      List<Integer> lab = new ArrayList<>();
      for (int k = 0; k < dirs.size(); k++) {
        List<Path> inClass = classFiles(dirs.get(k));
        if (inClass.isEmpty()) {
          throw new DataFormatException(dirs.get(k) + ": a class folder without images ("
              + "PNG, JPEG, BMP, GIF, TIFF or WebP files)");
        }
        classes.add(dirs.get(k).getFileName().toString());
        for (Path p : inClass) {
          files.add(p);
          lab.add(k);
        }
      }
      labels = lab.stream().mapToInt(Integer::intValue).toArray();
    } else {
      if (images.isEmpty()) {
        throw new DataFormatException(root + ": no images (PNG, JPEG, BMP, GIF, TIFF or WebP"
            + " files) and no class sub-folders");
      }
      files = images;
      labels = null;
      if (labelFile != null) {
        labels = LabelFile.read(labelFile);
        if (labels.length != files.size()) {
          throw new DataFormatException(labelFile + " has " + labels.length + " labels but "
              + root + " has " + files.size() + " images");
        }
      }
    }
    if (limit > 0 && limit < files.size()) {
      files = files.subList(0, limit);
      labels = labels == null ? null : java.util.Arrays.copyOf(labels, limit);
    }
    return new ImageFolder(root, files, labels, classes, checkSizes(files, transform));
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  /** The images below a class folder: folders in path order, files by name within each. */
  private static List<Path> classFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      List<Path> out = new ArrayList<>();
      walk.filter(p -> !p.equals(dir) && Files.isRegularFile(p) && ImageDecoder.isImageName(p))
          .filter(p -> {
            for (Path part : dir.relativize(p)) {
              if (part.toString().startsWith(".")) {
                return false;
              }
            }
            return true;
          })
          .forEach(out::add);
      out.sort(Comparator.comparing((Path p) -> p.getParent().toString())
          .thenComparing(p -> p.getFileName().toString()));
      return out;
    } catch (IOException | UncheckedIOException e) {
      throw new DataFormatException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  /** Reads every header and fixes the transform's size (see the class comment). */
  private static ImageTransform checkSizes(List<Path> files, ImageTransform t) {
    List<int[]> sizes = inParallel(files.size(), i -> ImageDecoder.size(files.get(i)));
    int fixedH = t.height();
    int fixedW = t.width();
    int[] first = null;
    for (int i = 0; i < files.size(); i++) {
      String name = files.get(i).toString();
      int[] hw = t.outputSize(sizes.get(i)[1], sizes.get(i)[0], name);
      if ((fixedH > 0 && hw[0] != fixedH) || (fixedW > 0 && hw[1] != fixedW)) {
        throw new DataFormatException(name + " is " + hw[0] + "x" + hw[1] + " (HxW)"
            + t.stepsText() + " but " + t.inputText() + " takes " + (fixedH > 0 ? fixedH : "H")
            + "x" + (fixedW > 0 ? fixedW : "W") + (t.changesSize() ? ""
                : "; give --resize and/or --crop"));
      }
      if (first == null) {
        first = hw;
      } else if (hw[0] != first[0] || hw[1] != first[1]) {
        throw new DataFormatException(name + " is " + hw[0] + "x" + hw[1] + " (HxW)"
            + t.stepsText() + " but " + files.get(0) + " is " + first[0] + "x" + first[1]
            + "; the images of a run need one size (" + t.inputText() + " does not fix it):"
            + " give --crop, or --resize and --crop");
      }
    }
    return t.withSize(first[0], first[1]);
  }

  /** The folder. */
  public Path root() {
    return root;
  }

  /** The image files, in sample order. */
  public List<Path> files() {
    return files;
  }

  /** The class names (sub-folders) in label order; empty for an unlabeled folder. */
  public List<String> classes() {
    return classes;
  }

  /** The preprocessing, with the input size fixed. */
  public ImageTransform transform() {
    return transform;
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public int[] sampleShape() {
    return transform.sampleShape();
  }

  @Override
  public int[] labels() {
    return labels;
  }

  @Override
  public Tensor rows(int[] indices) {
    return start(indices, null).await();
  }

  /**
   * {@inheritDoc} A batch's tensor is valid until the next call of {@code next()} or {@code
   * close()}: its memory is reused for a later batch.
   */
  @Override
  public BatchStream batches(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize);
    }
    return new BatchStream() {
      private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
      private final ArrayDeque<FloatBuffer> free = new ArrayDeque<>();
      private Pending current;
      private int next;

      @Override
      public Batch next() {
        if (current != null) {
          free.add(current.buffer);
          current = null;
        }
        fill();
        Pending p = inFlight.poll();
        if (p == null) {
          return null;
        }
        fill(); // the pool works on the next batches while the caller uses this one
        Tensor t = p.await();
        current = p;
        return new Batch(p.from, t);
      }

      private void fill() {
        while (inFlight.size() <= AHEAD && next < files.size()) {
          int from = next;
          next = Math.min(files.size(), from + batchSize);
          int[] idx = new int[next - from];
          for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
          }
          FloatBuffer buf = free.poll();
          Pending p = start(idx, buf != null ? buf
              : Tensor.allocate(Math.multiplyExact(batchSize, transform.sampleSize())));
          p.from = from;
          inFlight.add(p);
        }
      }

      @Override
      public void close() {
        for (Pending p : inFlight) {
          p.cancel();
        }
        inFlight.clear();
        free.clear();
        current = null;
        next = files.size();
      }
    };
  }

  /** Decoding of the given samples into {@code buffer} (null: a new one), started on the pool. */
  private Pending start(int[] indices, FloatBuffer buffer) {
    int per = transform.sampleSize();
    int n = Math.multiplyExact(indices.length, per);
    FloatBuffer whole = buffer != null ? buffer : Tensor.allocate(n);
    // a view of exactly n floats (capacity = size, as for every other tensor)
    FloatBuffer dst = whole.duplicate().position(0).limit(n).slice();
    Tensor out = Tensor.wrap(shape(indices.length), dst);
    List<CompletableFuture<Void>> parts = new ArrayList<>(indices.length);
    for (int i = 0; i < indices.length; i++) {
      int row = i;
      Path file = files.get(indices[i]);
      parts.add(CompletableFuture.runAsync(() -> decodeInto(file, dst, row * per), Pool.EXECUTOR));
    }
    return new Pending(out, whole, parts);
  }

  private void decodeInto(Path file, FloatBuffer dst, int offset) {
    String name = file.toString();
    Pixels p = transform.prepare(ImageDecoder.decode(file), name);
    if (p.height() != transform.height() || p.width() != transform.width()) {
      // the header said otherwise (checked in open)
      throw new DataFormatException(name + " decodes to " + p.height() + "x" + p.width()
          + " (HxW)" + transform.stepsText() + ", not the " + transform.height() + "x"
          + transform.width() + " of the other images");
    }
    transform.write(p, dst, offset);
  }

  /** A batch being decoded. */
  private static final class Pending {
    final Tensor out;
    final FloatBuffer buffer;
    final List<CompletableFuture<Void>> parts;
    int from;

    Pending(Tensor out, FloatBuffer buffer, List<CompletableFuture<Void>> parts) {
      this.out = out;
      this.buffer = buffer;
      this.parts = parts;
    }

    /** The batch, or the first failure in sample order. */
    Tensor await() {
      for (CompletableFuture<Void> f : parts) {
        join(f);
      }
      return out;
    }

    void cancel() {
      parts.forEach(f -> f.cancel(false));
    }
  }

  /** {@code task(i)} for i in [0, n) on the pool; the first failure in index order is thrown. */
  static <T> List<T> inParallel(int n, IntFunction<T> task) {
    List<CompletableFuture<T>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      fs.add(CompletableFuture.supplyAsync(() -> task.apply(k), Pool.EXECUTOR));
    }
    List<T> out = new ArrayList<>(n);
    try {
      for (CompletableFuture<T> f : fs) {
        out.add(join(f));
      }
    } finally {
      fs.forEach(f -> f.cancel(false));
    }
    return out;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw e;
    } catch (CancellationException e) {
      throw new IllegalStateException("decoding was cancelled", e);
    }
  }

  /** The decoding threads: daemons, at most 4 (decoding competes with inference for the cores). */
  private static final class Pool {
    static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), r -> {
          Thread t = new Thread(r, "bocomp-decode");
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public String toString() {
    return root + " (" + files.size() + " images" + (labels == null ? "" : ", "
        + (classes.isEmpty() ? "labeled" : classes.size() + " classes")) + ")";
  }
}
