import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from nntrace.core.engine import Engine
from nntrace.core.network import Network
from nntrace.core.settings import make_settings
from nntrace.errors import ArgumentError


@pytest.mark.parametrize("slip, loss", [("rounded:3", 0.205), ("truncated:3", 0.204), ("rounded:1", 0.2),
                                        ("rounded:0", 0.0), ("truncated:6", 0.2048)])
def test_precision_slips_carry_the_loss_too(slip, loss):
    # 1-1 identity network, weight 0.5, input 0.3: out 0.15; target 0.79: error 0.64,
    # loss ½ × 0.64² = 0.2048, written down at N decimals like every other intermediate.
    network = Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]})
    values = {}
    returned = Engine(network, make_settings(0.1, "exact", [slip])).step([0.3], [0.79], values.__setitem__)
    assert float(values["loss"]) == float(returned) == loss

SOFTMAX = {"layers": [2, 3, 2], "activation": ["sigmoid", "softmax"],
           "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3], [-0.4, 0.6, 0.1]]],
           "biases": [[0.1, -0.1, 0.2], [0.05, -0.05]]}
SIGMOID = {"layers": [2, 3, 1], "activation": "sigmoid",
           "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3]]],
           "biases": [[0.1, -0.1, 0.2], [0.05]]}


def values_of(network, x, t, loss, slips=(), lr=0.5):
    values = {}
    Engine(Network.from_dict(network), make_settings(lr, "exact", slips, loss)).step(x, t, values.__setitem__)
    return values


@pytest.mark.parametrize("network, t, loss", [
    (SOFTMAX, [0.0, 1.0], "cross-entropy"),          # shortcut delta, flipped
    (SIGMOID, [0.3], "binary-cross-entropy"),        # shortcut delta, flipped
    (SOFTMAX, [1.0, 0.0], "squared-error"),          # softmax Jacobian of flipped errors
    (SIGMOID, [0.3], "mean-squared-error"),
])
def test_wrong_sign_flips_the_output_error_and_so_every_delta_and_gradient(network, t, loss):
    x = [0.5, -1.0]
    exact, wrong = values_of(network, x, t, loss), values_of(network, x, t, loss, ["wrong-sign"])
    assert set(exact) == set(wrong)
    last = len(network["layers"]) - 1
    for name, value in exact.items():
        kind = name.rsplit(".", 1)[-1]
        if kind in ("net", "out") or name == "loss":
            assert wrong[name] == value, name
        elif kind in ("error", "delta", "grad"):
            assert wrong[name] == pytest.approx(-value, rel=1e-12, abs=1e-15), name
        elif kind == "deriv":
            assert wrong[name] == value
    # the output deltas are out − target where the loss takes the shortcut
    for j, target in enumerate(t, 1):
        if loss in ("cross-entropy", "binary-cross-entropy"):
            assert wrong[f"L{last}.n{j}.delta"] == exact[f"L{last}.n{j}.out"] - target
    # the update still adds: w + x × (−delta) × lr
    w = network["weights"][last - 1][0][0]
    assert wrong[f"L{last}.n1.w1"] == pytest.approx(
        w + exact[f"L{last - 1}.n1.out"] * -exact[f"L{last}.n1.delta"] * 0.5, rel=1e-14)


def test_derivative_on_output_with_binary_cross_entropy_makes_the_delta_deriv_times_error_again():
    x, t = [0.5, -1.0], [0.3]
    exact = values_of(SIGMOID, x, t, "binary-cross-entropy")
    slipped = values_of(SIGMOID, x, t, "binary-cross-entropy", ["derivative-on-output"])
    o = exact["L2.n1.out"]
    s = 1 / (1 + math.exp(-o))                    # σ of the output, not of the net
    error = 0.3 / o - 0.7 / (1 - o)               # t/o − (1 − t)/(1 − o)
    assert slipped["L2.n1.deriv"] == pytest.approx(s * (1 - s), rel=1e-14)
    assert slipped["L2.n1.error"] == pytest.approx(error, rel=1e-14)
    assert slipped["L2.n1.delta"] == pytest.approx(s * (1 - s) * error, rel=1e-14)
    assert slipped["L2.n1.delta"] == slipped["L2.n1.deriv"] * slipped["L2.n1.error"]
    assert exact["L2.n1.delta"] == 0.3 - o       # the shortcut, without the slip


def test_missing_derivative_with_binary_cross_entropy_is_the_error_alone():
    x, t = [0.5, -1.0], [0.3]
    slipped = values_of(SIGMOID, x, t, "binary-cross-entropy", ["missing-derivative"])
    assert slipped["L2.n1.delta"] == slipped["L2.n1.error"]
    assert slipped["L1.n1.delta"] == slipped["L1.n1.error"]


def test_missing_derivative_is_refused_for_a_softmax_output():
    for loss in ("cross-entropy", "squared-error"):
        with pytest.raises(ArgumentError) as raised:
            Engine(Network.from_dict(SOFTMAX), make_settings(0.5, "exact", ["missing-derivative"], loss))
        assert raised.value.argument == "slips"


@pytest.mark.parametrize("net, t, loss", [
    ({"layers": [1, 2], "activation": "softmax", "weights": [[[0], [0.7]]]}, [1, 0], "cross-entropy"),
    ({"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.7]]]}, [0], "binary-cross-entropy")])
def test_a_precision_slip_computes_a_cross_entropy_from_the_outputs_it_wrote_down(net, t, loss):
    # By hand, the output 1 − σ(0.7) = 0.3318 is written 0.3 and the loss read from it:
    # −ln 0.3 = 1.204, written 1.2; from the net input it would be −ln 0.3318 = 1.103, 1.1.
    values = values_of(net, [1], t, loss, ["rounded:1"])
    assert values["loss"] == Decimal("1.2")


@pytest.mark.parametrize("net, t, loss", [
    ({"layers": [1, 1], "activation": "sigmoid", "weights": [[[10.0]]]}, [0], "binary-cross-entropy"),
    ({"layers": [1, 3], "activation": "softmax", "weights": [[[1.0], [2.0], [8.0]]]}, [1, 0, 0], "cross-entropy")])
def test_an_output_written_as_exactly_0_or_1_leaves_the_loss_to_the_net_inputs(net, t, loss):
    # σ(10) = 0.99995 is written 1.00, and the first softmax output 0.0009 is written 0.00:
    # ln 0 has no value, so the loss is the net inputs' (−ln(1 − σ(10)) = 10.0000454, and
    # 8 − 1 + ln(1 + e^−6 + e^−7) = 7.00339), written down; never inf, the run goes on.
    values = values_of(net, [1], t, loss, ["rounded:2"])
    written = values["L1.n1.out"]
    assert written in (Decimal("1.00"), Decimal("0.00"))
    assert values["loss"] == (Decimal("10.00") if loss == "binary-cross-entropy" else Decimal("7.00"))
