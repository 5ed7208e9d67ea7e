import math
from decimal import Decimal

import pytest

from nntrace.core.activations import ACTIVATIONS, decimal_sigmoid, decimal_tanh, float_sigmoid


@pytest.mark.parametrize("x", [-1e300, -745.0, -30.0, -1.0, 0.0, 0.5, 30.0, 1e300])
def test_sigmoid_is_stable_and_agrees_in_both_number_types(x):
    value = float_sigmoid(x)
    assert 0.0 <= value <= 1.0
    reference = 1 / (1 + math.exp(-x)) if abs(x) < 700 else (1.0 if x > 0 else 0.0)
    assert value == pytest.approx(reference, abs=1e-300, rel=1e-15)
    assert float(decimal_sigmoid(Decimal(repr(x)))) == pytest.approx(value, abs=1e-300, rel=1e-15)


@pytest.mark.parametrize("x", [-50.0, -0.3, 0.0, 0.7, 50.0])
def test_decimal_tanh_matches_math_tanh(x):
    assert float(decimal_tanh(Decimal(repr(x)))) == pytest.approx(math.tanh(x), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_derivatives_match_finite_differences(name):
    act = ACTIVATIONS[name]
    for net in (-1.3, 0.4, 2.0):
        h = 1e-6
        slope = (act.forward(net + h) - act.forward(net - h)) / (2 * h)
        assert act.derivative(net, act.forward(net)) == pytest.approx(slope, rel=1e-6)
        d = Decimal(repr(net))
        assert float(act.decimal_derivative(d, act.decimal_forward(d))) == pytest.approx(slope, rel=1e-6)
