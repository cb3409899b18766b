package io.bocomp.engine;

import io.bocomp.engine.Decompositions.DeviceResidentFactors;
import io.bocomp.engine.Decompositions.LowRankFactors;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.engine.Decompositions.Tucker2Layers;
import io.bocomp.engine.cpu.Blas;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link DeviceResidentFactors} in host memory: the default of {@link
 * Decompositions#keepResident}, for backends without device memory. Factors come from the
 * backend's own {@link Decompositions#svd} and {@link Decompositions#tucker2} (one batched call
 * each); truncations copy the leading columns/rows/blocks, and reconstructions are one or two
 * SGEMMs (OpenBLAS) per call. Also the reference the GPU cache is tested against.
 */
public final class HostResidentFactors implements DeviceResidentFactors {
  private final FactorEntries<SvdFactors, Tucker2Factors> entries = new FactorEntries<>();

  private HostResidentFactors() {}

  /** Decomposes all entries with {@code decompositions} and keeps the host factors. */
  public static HostResidentFactors build(Decompositions decompositions,
      Map<String, Tensor> matrices, Map<String, Tensor> kernels) {
    List<String> mk = new ArrayList<>(matrices.keySet());
    List<String> kk = new ArrayList<>(kernels.keySet());
    List<SvdFactors> s = mk.isEmpty() ? List.of()
        : decompositions.svd(mk.stream().map(matrices::get).toList());
    List<Tucker2Factors> t = kk.isEmpty() ? List.of()
        : decompositions.tucker2(kk.stream().map(kernels::get).toList());
    HostResidentFactors cache = new HostResidentFactors();
    for (int i = 0; i < mk.size(); i++) {
      cache.entries.putMatrix(mk.get(i), s.get(i));
    }
    for (int i = 0; i < kk.size(); i++) {
      cache.entries.putKernel(kk.get(i), t.get(i));
    }
    return cache;
  }

  @Override
  public Set<String> matrixKeys() {
    return entries.matrixKeys();
  }

  @Override
  public Set<String> kernelKeys() {
    return entries.kernelKeys();
  }

  @Override
  public Tensor singularValues(String key) {
    return entries.matrix(key).s().copy();
  }

  @Override
  public Tensor modeEigenvalues(String key, int mode) {
    Tucker2Factors f = entries.kernel(key);
    FactorEntries.checkMode(mode);
    return (mode == 0 ? f.eigOut() : f.eigIn()).copy();
  }

  @Override
  public LowRankFactors lowRank(String key, int rank) {
    SvdFactors f = entries.matrix(key);
    FactorEntries.checkRank(key, rank, f.rank());
    int m = f.u().dim(0);
    int k = f.rank();
    int n = f.vt().dim(1);
    float[] u = f.u().toFloatArray();
    float[] s = f.s().toFloatArray();
    float[] left = new float[m * rank];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < rank; j++) {
        left[i * rank + j] = u[i * k + j] * s[j];
      }
    }
    float[] right = new float[rank * n];
    f.vt().data().get(0, right, 0, rank * n);
    return new LowRankFactors(Tensor.of(new int[] {m, rank}, left),
        Tensor.of(new int[] {rank, n}, right));
  }

  @Override
  public Tensor lowRankWeight(String key, int rank) {
    LowRankFactors lr = lowRank(key, rank);
    int m = lr.left().dim(0);
    int n = lr.right().dim(1);
    Tensor w = Tensor.zeros(m, n);
    if (rank > 0 && m > 0 && n > 0) {
      Blas.sgemm(false, false, m, n, rank, 1f, lr.left().data(), 0, rank, lr.right().data(), 0, n,
          0f, w.data(), 0, n);
    }
    return w;
  }

  @Override
  public Tucker2Layers tucker2(String key, int rOut, int rIn) {
    Tucker2Factors f = entries.kernel(key);
    int[] shape = f.core().shape();
    int cout = shape[0];
    int cin = shape[1];
    int sp = shape[2] * shape[3];
    FactorEntries.checkRank(key + " (output mode)", rOut, cout);
    FactorEntries.checkRank(key + " (input mode)", rIn, cin);
    float[] uo = f.uOut().toFloatArray();
    float[] ui = f.uIn().toFloatArray();
    float[] core = f.core().toFloatArray();
    float[] first = new float[rIn * cin];
    for (int j = 0; j < rIn; j++) {
      for (int c = 0; c < cin; c++) {
        first[j * cin + c] = ui[c * cin + j];
      }
    }
    float[] sliced = new float[rOut * rIn * sp];
    for (int a = 0; a < rOut; a++) {
      System.arraycopy(core, a * cin * sp, sliced, a * rIn * sp, rIn * sp);
    }
    float[] last = new float[cout * rOut];
    for (int o = 0; o < cout; o++) {
      System.arraycopy(uo, o * cout, last, o * rOut, rOut);
    }
    return new Tucker2Layers(Tensor.of(new int[] {rIn, cin, 1, 1}, first),
        Tensor.of(new int[] {rOut, rIn, shape[2], shape[3]}, sliced),
        Tensor.of(new int[] {cout, rOut, 1, 1}, last));
  }

  @Override
  public Tensor tucker2Weight(String key, int rOut, int rIn) {
    Tucker2Layers l = tucker2(key, rOut, rIn);
    int[] shape = entries.kernel(key).core().shape();
    int cout = shape[0];
    int cin = shape[1];
    int sp = shape[2] * shape[3];
    Tensor w = Tensor.zeros(shape);
    if (rOut == 0 || rIn == 0) {
      return w;
    }
    // T[a] (Cin x sp) = U_in_r (Cin x rIn) core[a] (rIn x sp); W = U_out_r (Cout x rOut) T.
    Tensor t = Tensor.zeros(rOut, cin, sp);
    Tensor uIn = transposeFirst(l.first(), rIn, cin);
    FloatBuffer core = l.core().data();
    FloatBuffer tb = t.data();
    for (int a = 0; a < rOut; a++) {
      Blas.sgemm(false, false, cin, sp, rIn, 1f, uIn.data(), 0, rIn, core, a * rIn * sp, sp, 0f,
          tb, a * cin * sp, sp);
    }
    Blas.sgemm(false, false, cout, cin * sp, rOut, 1f, l.last().data(), 0, rOut, t.data(), 0,
        cin * sp, 0f, w.data(), 0, cin * sp);
    return w;
  }

  private static Tensor transposeFirst(Tensor first, int rIn, int cin) {
    float[] f = first.toFloatArray();
    float[] u = new float[cin * rIn];
    for (int j = 0; j < rIn; j++) {
      for (int c = 0; c < cin; c++) {
        u[c * rIn + j] = f[j * cin + c];
      }
    }
    return Tensor.of(new int[] {cin, rIn}, u);
  }

  @Override
  public void close() {
    entries.clear();
  }
}
