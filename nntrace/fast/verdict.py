"""Which samples a run classified right, for all of them at once over NumPy arrays: the
judgement of train/verdict.py (`classified`) in array form, for a run the vectorised
evaluator computed. The same comparisons of the same floats (a difference and its
absolute value are exact-rounded alike in both), so the same answers
(tests/fast/test_verdict.py).
"""

from __future__ import annotations

import numpy as np


def classified_right(outputs: np.ndarray, targets: np.ndarray, one_class: bool) -> list[bool]:
    """Each sample (a row) classified right: every output finite, and with a class per
    output (softmax) the largest output where the largest target is (the first of equals);
    else each output nearer its own target than any other target its column takes in the
    data, or within 0.5 of it where the column takes one value. Run under NumPy's warnings
    off (an output may be inf or NaN)."""
    right = np.isfinite(outputs).all(axis=1)
    if one_class:
        return (right & (outputs.argmax(axis=1) == targets.argmax(axis=1))).tolist()
    for k in range(outputs.shape[1]):
        output, target = outputs[:, k], targets[:, k]
        distance = np.abs(output - target)
        # verdict.py's set of the column's targets, 0.0 and -0.0 one value (np.unique would
        # import numpy.ma, 8 ms)
        values = set(target.tolist())
        if len(values) == 1:
            right &= distance < 0.5
            continue
        for other in values:   # nearer its own target than this one, where this one is another
            right &= (target == other) | (distance < np.abs(output - other))
    return right.tolist()
