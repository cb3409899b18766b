package io.bocomp.bo.acquisition;

/**
 * The current best training point as the loop sees it: the observed (feasible) point of lowest
 * posterior mean, its unit-cube coordinates and that mean in standardized units.
 */
public record Incumbent(double[] point, double mean) {}
