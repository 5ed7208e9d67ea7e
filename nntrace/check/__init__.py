"""Checking numbers: comparing traces (diff), and replaying them to explain a difference."""

# Two values agree when |e − a| <= max(RTOL · max(|e|, |a|), ATOL). Another summation
# order or formula moves float64 values by ~1e-16 of their size, so RTOL 1e-12 leaves a
# thousandfold margin; it has to be this tight: at the article's learning rate 0.001 a
# delta that is wrong by 4e-5 of itself (the slip updated-weights) changes the updated
# weight by only 3e-10 of the weight. ATOL is only for values near zero, where a relative
# tolerance means nothing: at 1e-15 it cannot swamp the small values of a saturated
# network (errors near 1e-7, which updated-weights moves by 1e-13).
RTOL = 1e-12
ATOL = 1e-15
