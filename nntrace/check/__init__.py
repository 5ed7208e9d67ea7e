"""Checking numbers: comparing traces (diff), and replaying them to explain a difference."""

import math

# Two values agree when |e − a| <= max(RTOL · max(|e|, |a|), ATOL). Another summation
# order or formula moves float64 values by ~1e-16 of their size, so RTOL 1e-12 leaves a
# thousandfold margin; it has to be this tight: at the article's learning rate 0.001 a
# delta that is wrong by 4e-5 of itself (the slip updated-weights) changes the updated
# weight by only 3e-10 of the weight. ATOL is only for values near zero, where a relative
# tolerance means nothing: at 1e-15 it cannot swamp the small values of a saturated
# network (errors near 1e-7, which updated-weights moves by 1e-13).
RTOL = 1e-12
ATOL = 1e-15


def close(expected: float, actual: float, rtol: float, atol: float) -> bool:
    """|e − a| <= max(rtol · max(|e|, |a|), atol): relative to the larger of the two (so it
    does not matter which is EXPECTED), absolute only near zero. A non-finite value agrees
    only with a non-finite one: inf with inf, and NaN with anything not finite, since a
    trace's null is read as NaN and means only "not a finite number". (The formula gives
    NaN for inf − inf, and lets any number near inf.)"""
    if not (math.isfinite(expected) and math.isfinite(actual)):
        return expected == actual or ((math.isnan(expected) or math.isnan(actual))
                                      and not math.isfinite(expected) and not math.isfinite(actual))
    bound = max(rtol * max(abs(expected), abs(actual)), atol)
    difference = abs(actual - expected)
    if difference == math.inf:   # two floats near ±max: their halves do not overflow
        return abs(actual / 2 - expected / 2) <= bound / 2
    return difference <= bound
