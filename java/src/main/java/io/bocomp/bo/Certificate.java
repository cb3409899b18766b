package io.bocomp.bo;

/**
 * How sure the surrogate is that the incumbent is within {@code epsilon} of the minimum over the
 * domain, estimated on a dense candidate set (a scrambled Sobol sample plus the observed points,
 * restricted to the known-feasible region) that stands in for the domain.
 *
 * <p>For each candidate {@code x}, {@code p(x) = P[f(x) < f(x⁺) − ε]} (times its probability of
 * feasibility under black-box constraints) follows from the joint Gaussian posterior of
 * {@code (f(x), f(x⁺))}. {@code probability} is a Monte Carlo estimate of
 * {@code P[no candidate beats f(x⁺) − ε]} from {@code samples} joint posterior draws at the
 * {@code jointCandidates} candidates with the largest {@code p(x)} (their correlations included;
 * the others contribute less than {@code maxCandidateProbability} each). {@code unionBound =
 * max(0, 1 − Σ p(x))} is a conservative lower bound by Boole's inequality over all candidates.
 * Both are statements about the model, only as good as its fit, and about the candidate set, not
 * the continuum between candidates.
 *
 * @param epsilon tolerance in objective units
 * @param probability joint Monte Carlo estimate (standard error {@code ≤ 0.5/√samples})
 * @param unionBound Boole lower bound over all candidates
 * @param maxCandidateProbability the largest single {@code p(x)}
 * @param candidates size of the candidate set
 * @param jointCandidates candidates in the joint estimate
 * @param samples Monte Carlo draws
 */
public record Certificate(double epsilon, double probability, double unionBound, double maxCandidateProbability,
    int candidates, int jointCandidates, int samples) {}
