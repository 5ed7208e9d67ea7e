"""Checking numbers: comparing traces (diff), and replaying them to explain a difference."""

# Defaults for float64 code: another summation order or formula moves values by ~1e-16
# of their size, so 1e-12 leaves a thousandfold margin. It has to be this tight: at the
# article's learning rate 0.001 a delta that is wrong by 4e-5 of itself (the slip
# updated-weights) changes the updated weight by only 3e-10 of the weight.
RTOL = 1e-12
ATOL = 1e-12
