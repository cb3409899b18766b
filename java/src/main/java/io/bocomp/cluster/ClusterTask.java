package io.bocomp.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.concurrent.Callable;

/**
 * What bocomp's messages between cluster members share ({@link MeasureTask},
 * {@link FetchBlobTask}): a task that Hazelcast serializes through {@link ClusterMessages} (its
 * factory id, the subclass's class id), runs on the receiving member with that member's
 * {@link HazelcastInstance} set, and answers bytes. A subclass writes and reads its own fields and does its work in {@code call()},
 * reaching the member's bocomp state by {@link #state}.
 *
 * <p>Limits: the answer is a byte array (or null); the instance is set only on the member that runs
 * the task.
 */
abstract class ClusterTask implements Callable<byte[]>, IdentifiedDataSerializable,
    HazelcastInstanceAware {
  private final int classId;
  /** The member running the task (set by Hazelcast before {@code call()}). */
  transient HazelcastInstance hz;

  /** @param classId the task's id in {@link ClusterMessages} */
  ClusterTask(int classId) {
    this.classId = classId;
  }

  /** The bocomp state of the member running the task ({@link ClusterMember#state}). */
  final Object state() {
    return ClusterMember.state(hz);
  }

  @Override
  public final void setHazelcastInstance(HazelcastInstance instance) {
    this.hz = instance;
  }

  @Override
  public final int getFactoryId() {
    return ClusterMessages.FACTORY_ID;
  }

  @Override
  public final int getClassId() {
    return classId;
  }
}
