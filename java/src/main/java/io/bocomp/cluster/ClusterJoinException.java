package io.bocomp.cluster;

import io.bocomp.BocompException;

/** A member could not join its cluster: refused (another name or token) or nobody answered. */
public final class ClusterJoinException extends BocompException {
  private static final long serialVersionUID = 1L;

  ClusterJoinException(String message) {
    super(message);
  }
}
