"""The array form of the verdict's judgement gives train/verdict.py's answer, sample by sample."""

import math
import random

import numpy as np
import pytest

from nntrace.fast.verdict import classified_right
from nntrace.train.verdict import classified

SPECIAL = [math.inf, -math.inf, math.nan]


def case(rng: random.Random, count: int, width: int, values: list[float], spread: float):
    """Targets drawn from `values` (or any number, values empty), outputs around them; some not finite."""
    targets = [[rng.choice(values) if values else rng.uniform(-2, 2) for _ in range(width)] for _ in range(count)]
    outputs = [[t + rng.uniform(-spread, spread) for t in row] for row in targets]
    for row in outputs:
        if rng.random() < 0.1:
            row[rng.randrange(width)] = rng.choice(SPECIAL)
    return outputs, targets


@pytest.mark.parametrize("values", [[0.0, 1.0], [-1.0, 1.0], [0.0, 0.5, 1.0], [0.25], [-0.0, 0.0, 1.0], []])
@pytest.mark.parametrize("width", [1, 3])
def test_each_output_nearest_its_own_target(values, width):
    rng = random.Random(len(values) * 10 + width)
    mixed = 0   # cases with samples both right and wrong
    for spread in (0.0001, 0.001, 0.1, 0.6, 2.0):
        outputs, targets = case(rng, 300, width, values, spread)
        expected = classified(outputs, targets, one_class=False)
        with np.errstate(all="ignore"):
            assert classified_right(np.array(outputs), np.array(targets), False) == expected
        mixed += 0 < sum(expected) < len(expected)
    assert mixed >= 2


def test_a_tie_between_two_targets_is_not_right():
    # 0.5 is as near 0 as 1: right for neither (strictly nearer), in both forms.
    outputs, targets = [[0.5], [0.5], [0.25]], [[0.0], [1.0], [0.0]]
    assert classified(outputs, targets, False) == [False, False, True]
    assert classified_right(np.array(outputs), np.array(targets), False) == [False, False, True]


@pytest.mark.parametrize("width", [2, 4])
def test_a_class_per_output_the_largest_where_the_largest_target_is(width):
    rng = random.Random(width)
    targets = [[1.0 if k == rng.randrange(width) else 0.0 for k in range(width)] for _ in range(400)]
    outputs = [[rng.choice([0.1, 0.2, 0.2, 0.7]) for _ in range(width)] for _ in range(400)]   # ties: the first
    for row in outputs[::17]:
        row[0] = rng.choice(SPECIAL)
    expected = classified(outputs, targets, one_class=True)
    with np.errstate(all="ignore"):
        assert classified_right(np.array(outputs), np.array(targets), True) == expected
    assert 0 < sum(expected) < len(expected)
