package io.bocomp.bo;

/**
 * Persisted fit state of one GP (part of {@link BayesOptState}): its MAP hyperparameters (null
 * lengthscales before the first fit) and the observation counts at which it was last fitted, last
 * fitted from several starts, last conditioned from scratch and last standardized.
 */
public record SurrogateState(String name, double[] lengthscales, double outputscale, double mean,
    double learnedNoise, int fittedAt, int fullFitAt, int conditionedAt, int standardizedAt) {}
