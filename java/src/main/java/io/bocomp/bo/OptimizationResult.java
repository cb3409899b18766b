package io.bocomp.bo;

import java.util.List;

/**
 * The outcome of a run so far.
 *
 * <p>The best point is chosen among observed points that satisfy every known and observed
 * black-box constraint: by lowest observed mean when every observation is exact, else by lowest
 * posterior mean (observed noisy minima are biased low; the posterior mean averages neighbours).
 * {@code bestValue} and {@code bestStderr} are that point's observed mean and standard error.
 *
 * @param bestX best user point, or null when no successful feasible observation exists
 * @param bestValue observed mean at {@code bestX} (NaN when none)
 * @param bestStderr its standard error
 * @param bestIndex index of that observation in {@code observations}, or −1
 * @param observations every observation in order, failed ones included
 * @param trace per observation: the lowest observed feasible mean so far (NaN before the first)
 * @param failures number of failed evaluations
 * @param certificate see {@link Certificate}; null when fewer than two successful observations
 */
public record OptimizationResult(double[] bestX, double bestValue, double bestStderr, int bestIndex,
    List<Observation> observations, double[] trace, int failures, Certificate certificate) {}
