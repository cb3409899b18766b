package io.bocomp.cuda;

import io.bocomp.model.Tensor;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Device copies of graph weights, keyed by the identity of the host {@link Tensor} (a graph never
 * writes its weights, and a compressed graph shares the unchanged ones with the original), so a
 * tuning run uploads each weight once however many graphs it compiles. Reference-counted by the
 * executables using them; unused copies stay cached, least recently released first out, while
 * they fit in {@code idleBudgetBytes}. Not thread-safe (the backend's lock guards it).
 */
final class DeviceWeights implements AutoCloseable {
  private final long idleBudgetBytes;
  private final Map<Tensor, Entry> entries = new IdentityHashMap<>();
  private final LinkedHashSet<Entry> idle = new LinkedHashSet<>();
  private long idleBytes;

  private static final class Entry {
    final Tensor host;
    final DeviceTensor device;
    int refs;

    Entry(Tensor host, DeviceTensor device) {
      this.host = host;
      this.device = device;
    }
  }

  DeviceWeights(long idleBudgetBytes) {
    this.idleBudgetBytes = idleBudgetBytes;
  }

  /** The device copy of a float weight, uploading it on first use. */
  DeviceTensor acquire(Tensor host) {
    Entry e = entries.get(host);
    if (e == null) {
      e = new Entry(host, DeviceTensor.upload(host));
      entries.put(host, e);
    } else if (e.refs == 0) {
      idle.remove(e);
      idleBytes -= host.byteSize();
    }
    e.refs++;
    return e.device;
  }

  /** One user fewer; the copy stays cached while the idle budget allows. */
  void release(Tensor host) {
    Entry e = entries.get(host);
    if (e == null || e.refs == 0) {
      throw new IllegalStateException("releasing a weight that was not acquired: " + host);
    }
    if (--e.refs == 0) {
      idle.add(e);
      idleBytes += host.byteSize();
      Iterator<Entry> oldest = idle.iterator();
      while (idleBytes > idleBudgetBytes && oldest.hasNext()) {
        Entry victim = oldest.next();
        oldest.remove();
        idleBytes -= victim.host.byteSize();
        entries.remove(victim.host);
        victim.device.close();
      }
    }
  }

  /** Number of device copies held (in use or idle). */
  int size() {
    return entries.size();
  }

  @Override
  public void close() {
    for (Entry e : entries.values()) {
      e.device.close();
    }
    entries.clear();
    idle.clear();
    idleBytes = 0;
  }
}
