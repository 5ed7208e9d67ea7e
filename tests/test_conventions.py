import math
from decimal import Decimal

import pytest

from nntrace.conventions import (
    DECIMAL_ACTIVATIONS, FLOAT_ACTIVATIONS, article_carry, decimal_sigmoid, decimal_tanh,
    float_sigmoid, make_convention, truncate_significant,
)
from nntrace.errors import NntraceError


@pytest.mark.parametrize("value, digits, expected", [
    ("1.287", 3, "1.28"), ("0.0473", 1, "0.04"), ("0.78244", 2, "0.78"),
    ("0.22605", 3, "0.226"), ("-0.78244", 2, "-0.78"), ("0", 2, "0"), ("12.99", 2, "12"),
])
def test_truncate_significant_cuts_toward_zero(value, digits, expected):
    assert truncate_significant(Decimal(value), digits) == Decimal(expected)


def test_article_carry_keeps_weights_whole():
    assert article_carry(Decimal("0.6000256"), "weight") == Decimal("0.6000256")
    assert article_carry(Decimal("0.6456"), "out") == Decimal("0.64")


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
    act = FLOAT_ACTIVATIONS[name]
    for net in (-1.3, 0.4, 2.0):
        h = 1e-6
        slope = (act.forward(net + h) - act.forward(net - h)) / (2 * h)
        assert act.derivative(net, act.forward(net)) == pytest.approx(slope, rel=1e-6)
        dec = DECIMAL_ACTIVATIONS[name]
        d = Decimal(repr(net))
        assert float(dec.derivative(d, dec.forward(d))) == pytest.approx(slope, rel=1e-6)


def test_article_is_the_derivative_slip_plus_truncation():
    convention = make_convention("article")
    assert convention.slips == ("derivative-on-output",)
    assert convention.carry is article_carry
    assert convention.label == "article"
    assert make_convention("exact", ["wrong-sign"]).label == "exact + wrong-sign"


@pytest.mark.parametrize("name, slips, message", [
    ("other", [], "--convention: unknown 'other'"),
    ("exact", ["typo"], "--slip: unknown 'typo'"),
    ("exact", ["rounded:x"], "expected rounded:N"),
    ("article", ["truncated:3"], r"'truncated:3': only one precision at a time \(the article convention already truncates\)$"),
    ("exact", ["rounded:2", "truncated:3"], "'truncated:3': only one precision at a time$"),
])
def test_bad_conventions_are_refused(name, slips, message):
    with pytest.raises(NntraceError, match=message):
        make_convention(name, slips)


@pytest.mark.parametrize("slip, loss", [("rounded:3", 0.205), ("truncated:3", 0.204), ("rounded:1", 0.2),
                                        ("rounded:0", 0.0), ("truncated:6", 0.2048)])
def test_precision_slips_carry_the_loss_too(slip, loss):
    from nntrace.engine import Engine
    from nntrace.network import Network
    # 1-1 identity network, weight 0.5, input 0.3: out 0.15; target 0.79: error 0.64,
    # loss ½ × 0.64² = 0.2048, written down at N decimals like every other intermediate.
    network = Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]})
    values = {}
    returned = Engine(network, make_convention("exact", [slip])).step([0.3], [0.79], 0.1, values.__setitem__)
    assert float(values["loss"]) == float(returned) == loss
