import math
from decimal import ROUND_DOWN, Decimal

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


# leaky_relu: one registry entry, tested as the issue asks (value, derivative, formula text,
# numerical gradient, both conventions).

LEAKY = ACTIVATIONS["leaky_relu"]


@pytest.mark.parametrize("x, value, slope", [
    (-2.0, "-0.02", "0.01"),        # 0.01 × −2
    (-1e-9, "-1E-11", "0.01"),      # 0.01 × −1e-9
    (0.0, "0", "0.01"),             # 0.01 × 0; the derivative at 0 is the slope below, as PyTorch's
    (1e-9, "1E-9", "1"),
    (3.0, "3", "1"),
])
def test_leaky_relu_value_and_derivative_in_both_number_types(x, value, slope):
    assert LEAKY.forward(x) == pytest.approx(float(value), rel=1e-15, abs=0.0)
    assert LEAKY.derivative(x, LEAKY.forward(x)) == float(slope)
    d = Decimal(repr(x))
    assert LEAKY.decimal_forward(d) == Decimal(value)
    assert LEAKY.decimal_derivative(d, LEAKY.decimal_forward(d)) == Decimal(slope)


def test_leaky_relus_slope_is_exactly_one_hundredth_in_decimal():
    # 0.01 × −0.7 is −0.007 exactly by hand; in binary floats it is −0.006999999999999999.
    assert LEAKY.decimal_forward(Decimal("-0.7")) == Decimal("-0.007")
    assert LEAKY.forward(-0.7) != -0.007
    assert LEAKY.decimal_derivative(Decimal("-0.7"), Decimal("-0.007")) == Decimal("0.01")


@pytest.mark.parametrize("net", [-1.3, -0.2, 0.4, 2.0])
def test_leaky_relus_derivative_matches_finite_differences(net):
    h = 1e-6
    slope = (LEAKY.forward(net + h) - LEAKY.forward(net - h)) / (2 * h)
    assert LEAKY.derivative(net, LEAKY.forward(net)) == pytest.approx(slope, rel=1e-6)


def test_leaky_relus_derivative_formula_text():
    assert LEAKY.derivative_formula("(-0.4)", "(-0.004)") == "leaky_relu′(-0.4)"   # one pair of parentheses, not sigmoid((-0.1))


def test_a_numerical_gradient_through_a_leaky_relu_network():
    # 2-3-2 leaky_relu with biases: nets on both sides of 0 (one hidden net is 0.5 − 0.9 − 0.1
    # < 0), every .grad against central differences of ½ Σ (t − o)² computed plainly.
    from nntrace.core.engine import Engine
    from nntrace.core.network import Network
    from nntrace.core.settings import make_settings
    from tests import plain

    network = {"layers": [2, 3, 2], "activation": "leaky_relu",
               "weights": [[[0.5, 0.9], [-0.3, 0.8], [0.7, -0.2]], [[0.6, -0.5, 0.4], [-0.9, 0.3, 1.1]]],
               "biases": [[-0.1, 0.2, 0.05], [0.1, -0.3]]}
    x, t = [1.0, -1.0], [0.4, -0.2]
    nets = plain.forward(network, x)[0]
    assert min(nets[1]) < -1e-3 and max(nets[1]) > 1e-3   # both slopes in use
    values = {}
    Engine(Network.from_dict(network), make_settings(0.1)).step(x, t, values.__setitem__)
    for l, matrix in enumerate(network["weights"], 1):
        for j, row in enumerate(matrix, 1):
            assert values[f"L{l}.n{j}.deriv"] == (1.0 if nets[l][j - 1] > 0 else 0.01)
            for i in range(1, len(row) + 1):
                slope = plain.weight_slope("half-squared-error", network, x, t, l, j, i)
                assert values[f"L{l}.n{j}.w{i}.grad"] == pytest.approx(slope, rel=1e-5, abs=1e-9)
            slope = plain.bias_slope("half-squared-error", network, x, t, l, j)
            assert values[f"L{l}.n{j}.b.grad"] == pytest.approx(slope, rel=1e-5, abs=1e-9)


def truncate(value: Decimal, digits: int) -> Decimal:
    """Cut toward zero to `digits` significant digits, as the article writes its figures."""
    if not value:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_DOWN)


def test_a_leaky_relu_network_under_the_article_convention_is_decimal_hand_arithmetic():
    # The article's arithmetic written out here: in decimal, each value cut to the digits the
    # article writes (net 3, out 2, error 2, deriv 3, delta 1 significant digits) and carried
    # on; the derivative taken of the output (for leaky_relu the same slope: out and net have
    # the same sign). Weights are kept whole.
    from nntrace import api

    network = {"layers": [2, 2, 1], "activation": "leaky_relu",
               "weights": [[[0.3, -1.0], [0.45, 0.2]], [[-0.6, 0.9]]]}
    x, t, lr = [Decimal(1), Decimal(1)], Decimal("0.5"), Decimal("0.001")
    trace = api.step(network, [1, 1], [0.5], convention="article")
    values = trace.steps[0].values
    W = [[[Decimal(repr(w)) for w in row] for row in layer] for layer in network["weights"]]
    leaky = lambda n: n if n > 0 else Decimal("0.01") * n        # noqa: E731
    slope = lambda n: Decimal(1) if n > 0 else Decimal("0.01")   # noqa: E731
    # Hidden: net1 = 0.3 − 1.0 = −0.7, out1 = 0.01 × −0.7 = −0.007;
    #         net2 = 0.45 + 0.2 = 0.65, out2 = 0.65.
    h_net = [truncate(sum(w * v for w, v in zip(row, x)), 3) for row in W[0]]
    h_out = [truncate(leaky(n), 2) for n in h_net]
    assert h_out == [Decimal("-0.007"), Decimal("0.65")]
    # Output: net = −0.6 × −0.007 + 0.9 × 0.65 = 0.0042 + 0.585 = 0.5892 → 0.589; out 0.58.
    o_net = truncate(sum(w * v for w, v in zip(W[1][0], h_out)), 3)
    o_out = truncate(leaky(o_net), 2)
    assert (o_net, o_out) == (Decimal("0.589"), Decimal("0.58"))
    o_error = truncate(t - o_out, 2)                       # 0.5 − 0.58 = −0.08
    o_deriv = truncate(slope(o_out), 3)                    # leaky_relu′(0.58) = 1
    o_delta = truncate(o_deriv * o_error, 1)               # −0.08
    h_error = [truncate(o_delta * w, 2) for w in W[1][0]]  # −0.08 × −0.6 = 0.048; −0.08 × 0.9 = −0.072
    h_deriv = [truncate(slope(o), 3) for o in h_out]       # 0.01 and 1
    h_delta = [truncate(d * e, 1) for d, e in zip(h_deriv, h_error)]   # 0.00048 → 0.0004; −0.07
    expected = {"L1.n1.net": h_net[0], "L1.n2.net": h_net[1], "L1.n1.out": h_out[0], "L1.n2.out": h_out[1],
                "L2.n1.net": o_net, "L2.n1.out": o_out, "loss": (t - o_out) ** 2 / 2,
                "L2.n1.error": o_error, "L2.n1.deriv": o_deriv, "L2.n1.delta": o_delta,
                "L1.n1.error": h_error[0], "L1.n2.error": h_error[1],
                "L1.n1.deriv": h_deriv[0], "L1.n2.deriv": h_deriv[1],
                "L1.n1.delta": h_delta[0], "L1.n2.delta": h_delta[1]}
    for j in range(2):
        expected[f"L2.n1.w{j + 1}.grad"] = -(o_delta * h_out[j])
        expected[f"L2.n1.w{j + 1}"] = W[1][0][j] + h_out[j] * o_delta * lr
        for i in range(2):
            expected[f"L1.n{j + 1}.w{i + 1}.grad"] = -(h_delta[j] * x[i])
            expected[f"L1.n{j + 1}.w{i + 1}"] = W[0][j][i] + x[i] * h_delta[j] * lr
    assert set(values) == set(expected)
    for name, value in expected.items():
        assert values[name] == float(value), name
    assert values["L1.n1.out"] == -0.007 and values["L1.n1.deriv"] == 0.01   # the slope, exact
    # Exact math (in decimal, nothing cut) truncated to 2 digits gives the same outputs:
    # hidden −0.007 and 0.65, output −0.6 × −0.007 + 0.9 × 0.65 = 0.5892 → 0.58. (Cutting the
    # float step's −0.006999999999999999 instead would give −0.0069: hence decimal.)
    exact_hidden = [leaky(sum(w * v for w, v in zip(row, x))) for row in W[0]]
    exact_output = leaky(sum(w * v for w, v in zip(W[1][0], exact_hidden)))
    assert exact_output == Decimal("0.5892")
    assert [values["L1.n1.out"], values["L1.n2.out"], values["L2.n1.out"]] == [
        float(truncate(v, 2)) for v in (*exact_hidden, exact_output)]
    floats = api.step(network, [1, 1], [0.5]).steps[0].values
    for name in ("L1.n1.out", "L1.n2.out", "L2.n1.out"):
        assert values[name] == pytest.approx(floats[name], rel=0.02)
