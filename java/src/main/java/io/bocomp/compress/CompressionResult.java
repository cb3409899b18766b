package io.bocomp.compress;

import io.bocomp.model.Graph;

/**
 * A compressed graph and the resolved plan that produced it (final ranks, kept channels, layers kept
 * dense and why).
 */
public record CompressionResult(Graph graph, ResolvedPlan plan) {}
