"""The losses: every loss with every output activation it takes, against a forward pass and
losses written plainly in tests/plain.py and their central differences; small cases derived
by hand; and the numerics of saturated cross-entropies."""

import math
import random

import pytest

from nntrace.core.engine import Engine
from nntrace.core.losses import DEFAULT_LOSS, LOSSES, log_sigmoid, log_softmax, share, distribution
from nntrace.core.network import Network
from nntrace.core.settings import make_settings
from tests import plain

SQUARED = ["half-squared-error", "squared-error", "mean-squared-error"]
OUTPUTS = ["sigmoid", "tanh", "identity", "leaky_relu", "softmax"]
COMBINATIONS = [(loss, output) for loss in SQUARED for output in OUTPUTS] + [
    ("binary-cross-entropy", "sigmoid"), ("cross-entropy", "softmax")]
# 1, 2 and 3 layers after the input; the hidden layers' activations are mixed on purpose.
SHAPES = {1: ([3, 2], []), 2: ([2, 3, 2], ["tanh"]), 3: ([2, 3, 2, 2], ["sigmoid", "leaky_relu"])}
TARGETS = {"binary-cross-entropy": {1: [0.2, 1.0], 2: [0.0, 0.6], 3: [1.0, 0.35]},
           "cross-entropy": {1: [0.0, 1.0], 2: [0.3, 0.7], 3: [1.0, 0.0]}}
SQUARED_TARGETS = {1: [0.3, -0.4], 2: [0.9, 0.1], 3: [-0.2, 0.5]}
LR = 0.25


def run(network: dict, x, t, loss, lr=LR, convention="exact", slips=()):
    values = {}
    returned = Engine(Network.from_dict(network), make_settings(lr, convention, slips, loss)).step(
        x, t, values.__setitem__)
    return values, returned


def random_case(loss, output, depth, biases, attempt=0):
    """A network drawn from a seed named after the case, its input and its target; drawn
    again while a leaky_relu net lies within 1e-3 of its kink at 0, where central
    differences straddle two slopes."""
    rng = random.Random(f"{loss}/{output}/{depth}/{biases}/{attempt}")
    layers, hidden = SHAPES[depth]
    network = {"layers": layers, "activation": hidden + [output],
               "weights": [[[rng.uniform(-1, 1) for _ in range(layers[l])] for _ in range(layers[l + 1])]
                           for l in range(len(layers) - 1)]}
    if biases:
        network["biases"] = [[rng.uniform(-0.5, 0.5) for _ in range(size)] for size in layers[1:]]
    x = [rng.uniform(-1, 1) for _ in range(layers[0])]
    t = TARGETS.get(loss, SQUARED_TARGETS)[depth]
    nets = plain.forward(network, x)[0]
    if any(name == "leaky_relu" and min(map(abs, nets[l])) <= 1e-3
           for l, name in enumerate(network["activation"], 1)):
        return random_case(loss, output, depth, biases, attempt + 1)
    return network, x, t


def below(values, x, l, i):
    """What neuron i (from 1) of layer l − 1 hands forward."""
    return x[i - 1] if l == 1 else values[f"L{l - 1}.n{i}.out"]


CASES = [(loss, output, depth, biases) for loss, output in COMBINATIONS for depth in SHAPES
         for biases in (False, True)]


@pytest.mark.parametrize("loss, output, depth, biases", CASES,
                         ids=[f"{l}-{o}-{d}layers-{'biases' if b else 'nobias'}" for l, o, d, b in CASES])
def test_every_loss_and_output_against_a_plain_forward_pass_and_central_differences(loss, output, depth, biases):
    network, x, t = random_case(loss, output, depth, biases)
    values, returned = run(network, x, t, loss)
    nets, outs = plain.forward(network, x)
    layers, last = network["layers"], len(network["layers"]) - 1
    activations = plain.layer_activations(network)
    # No kink of leaky_relu within reach of the differences (the case's seed makes sure).
    for l, name in enumerate(activations, 1):
        if name == "leaky_relu":
            assert min(abs(n) for n in nets[l]) > 1e-3
    assert not any(math.isnan(v) for v in values.values())

    # (a) the forward pass and the loss, as the test computes them.
    for l in range(1, last + 1):
        for j in range(1, layers[l] + 1):
            assert values[f"L{l}.n{j}.net"] == pytest.approx(nets[l][j - 1], rel=1e-12, abs=1e-15)
            assert values[f"L{l}.n{j}.out"] == pytest.approx(outs[l][j - 1], rel=1e-12, abs=1e-15)
    expected_loss = plain.loss(loss, outs[-1], t)
    assert values["loss"] == pytest.approx(expected_loss, rel=1e-12, abs=1e-15)
    assert returned == values["loss"]

    # (b) central differences of that loss: errors −∂E/∂out, deltas −∂E/∂net, derivatives,
    # every .grad, and each delta through its bias (delta = −∂E/∂b).
    close = dict(rel=1e-5, abs=1e-9)
    for l in range(1, last + 1):
        for j in range(1, layers[l] + 1):
            q = f"L{l}.n{j}"
            assert values[f"{q}.error"] == pytest.approx(
                -plain.value_slope(loss, network, x, t, l, "out", j), **close), f"{q}.error"
            assert values[f"{q}.delta"] == pytest.approx(
                -plain.value_slope(loss, network, x, t, l, "net", j), **close), f"{q}.delta"
            if activations[l - 1] == "softmax":
                assert f"{q}.deriv" not in values
            else:
                f, n = plain.ACTIVATE[activations[l - 1]], nets[l][j - 1]
                assert values[f"{q}.deriv"] == pytest.approx(plain.central(lambda h: f(n + h)), **close)
            for i in range(1, layers[l - 1] + 1):
                assert values[f"{q}.w{i}.grad"] == pytest.approx(
                    plain.weight_slope(loss, network, x, t, l, j, i), **close), f"{q}.w{i}.grad"
            if biases:
                slope = plain.bias_slope(loss, network, x, t, l, j)
                assert values[f"{q}.b.grad"] == pytest.approx(slope, **close), f"{q}.b.grad"
                assert values[f"{q}.delta"] == pytest.approx(-slope, **close), f"{q}.delta"
            else:
                assert f"{q}.b.grad" not in values

    # (c) the gradients are the deltas, exactly; the update is w − lr × ∂E/∂w.
    for l in range(1, last + 1):
        for j in range(1, layers[l] + 1):
            q, delta = f"L{l}.n{j}", values[f"L{l}.n{j}.delta"]
            for i in range(1, layers[l - 1] + 1):
                assert values[f"{q}.w{i}.grad"] == -(delta * below(values, x, l, i))
                old = network["weights"][l - 1][j - 1][i - 1]
                assert values[f"{q}.w{i}"] == pytest.approx(old - LR * values[f"{q}.w{i}.grad"],
                                                            rel=1e-14, abs=1e-16)
            if biases:
                assert values[f"{q}.b.grad"] == -delta
                assert values[f"{q}.b"] == pytest.approx(network["biases"][l - 1][j - 1] - LR * -delta,
                                                         rel=1e-14, abs=1e-16)


# The registry, entry by entry.

@pytest.mark.parametrize("name", list(LOSSES))
def test_each_entrys_error_is_minus_the_slope_of_its_loss(name):
    # Targets each loss takes; the nets are those of sigmoid outputs for the binary one and
    # of a softmax layer for the categorical one, so the outputs are theirs.
    nets = [0.4, -1.1, 0.9]
    if name == "binary-cross-entropy":
        o, t = [1 / (1 + math.exp(-n)) for n in nets], [0.0, 1.0, 0.3]
    elif name == "cross-entropy":
        o, t = plain.softmax(nets), [0.2, 0.0, 0.8]
    else:
        o, t = [0.7, -0.2, 0.1], [1.0, 0.5, -0.3]
    entry = LOSSES[name]
    assert entry.loss(o, t, nets) == pytest.approx(plain.loss(name, o, t), rel=1e-14)
    for j in range(3):
        def f(h, j=j):
            nudged = list(o)
            nudged[j] += h
            return plain.loss(name, nudged, t)
        assert entry.error(t[j], o[j], 3) == pytest.approx(-plain.central(f), rel=1e-6, abs=1e-9)


def test_the_default_loss_is_the_articles_half_squared_error():
    assert DEFAULT_LOSS == "half-squared-error"
    assert LOSSES[DEFAULT_LOSS].loss([0.75], [1.0], [0.0]) == 0.25 ** 2 / 2   # ½ (1 − 0.75)²


@pytest.mark.parametrize("net", [-1000.0, -40.0, -1.0, 0.0, 2.5, 40.0, 1000.0])
def test_log_sigmoid_is_ln_sigmoid_without_overflow(net):
    # ln σ(net) = −ln(1 + e^(−net)); the test's own form is −log1p(e^(−net)) (net ≥ 0) or
    # net − log1p(e^net) (net < 0), each finite. To a float's absolute precision only: for
    # net ≳ 37, 1 + e^(−net) rounds to 1 and the entry gives 0 where −log1p gives −e^(−net).
    expected = -math.log1p(math.exp(-net)) if net >= 0 else net - math.log1p(math.exp(net))
    assert log_sigmoid(net) == pytest.approx(expected, rel=1e-15, abs=2.3e-16)
    assert math.isfinite(log_sigmoid(net))


def test_log_softmax_is_ln_of_softmax_and_finite_at_large_nets():
    nets = [0.3, -1.2, 2.0]
    for j in range(3):
        assert log_softmax(j, nets) == pytest.approx(math.log(plain.softmax(nets)[j]), rel=1e-14)
    # e^1000 overflows; ln softmax of [1000, 0] is ln(1/(1 + e^-1000)) ≈ 0 and −1000.
    assert log_softmax(0, [1000.0, 0.0]) == pytest.approx(0.0, abs=1e-300)
    assert log_softmax(1, [1000.0, 0.0]) == pytest.approx(-1000.0, rel=1e-15)


def test_share_counts_0_ln_0_as_0_and_a_share_of_nothing_as_infinite():
    assert share(0.0, 0.0) == 0.0
    assert share(0.0, 0.5) == 0.0
    assert share(1.0, 0.0) == math.inf
    assert share(-1.0, 0.0) == -math.inf
    assert share(0.5, 0.25) == 2.0


# Small cases derived by hand.

def test_a_2_1_2_softmax_network_under_cross_entropy_by_hand():
    # Hidden: sigmoid, weights 0.5 and −0.75, bias 0.25; input 1 1.
    #   L1.n1.net = 0.25 + 0.5 × 1 + (−0.75) × 1 = 0            (exact in binary)
    #   L1.n1.out = σ(0) = 1 / (1 + e^0) = 0.5
    # Output: softmax, weights 2 and −2, biases 0.5 and −0.5.
    #   L2.n1.net = 0.5 + 2 × 0.5 = 1.5
    #   L2.n2.net = −0.5 + (−2) × 0.5 = −1.5
    #   L2.n1.out = e^1.5 / (e^1.5 + e^−1.5) = 1 / (1 + e^−3) = 1 / 1.0497870683678640 = 0.9525741268224334
    #   L2.n2.out = e^−1.5 / (e^1.5 + e^−1.5) = e^−3 / (1 + e^−3) = 0.0474258731775668  (call it p)
    # Target 1 0, cross-entropy:
    #   loss = −(1 × ln o1 + 0 × ln o2) = ln(1 + e^−3) = 0.0485873515737420
    #   L2.n1.error = t1 / o1 = 1 + e^−3 = 1.0497870683678640;  L2.n2.error = 0 / o2 = 0
    #   L2.n1.delta = t1 − o1 = 1 − 1/(1 + e^−3) = p = 0.0474258731775668
    #   L2.n2.delta = t2 − o2 = −p
    #   L2.n1.w1.grad = −delta × in = −p × 0.5 = −0.0237129365887834;  L2.n1.b.grad = −p
    #   L2.n2.w1.grad = +p × 0.5 = 0.0237129365887834;                 L2.n2.b.grad = +p
    # Hidden, from the weights before the update:
    #   L1.n1.error = p × 2 + (−p) × (−2) = 4p = 0.1897034927102671
    #   L1.n1.deriv = 0.5 × (1 − 0.5) = 0.25
    #   L1.n1.delta = 0.25 × 4p = p
    #   L1.n1.w1.grad = L1.n1.w2.grad = −p × 1 = −p;  L1.n1.b.grad = −p
    # Updates, lr 0.5 (w + in × delta × lr):
    #   L2.n1.w1 = 2 + 0.5 × p × 0.5 = 2 + p/4 = 2.0118564682943917;   L2.n1.b = 0.5 + p × 0.5 = 0.5237129365887834
    #   L2.n2.w1 = −2 − p/4 = −2.0118564682943917;                    L2.n2.b = −0.5 − p/2 = −0.5237129365887834
    #   L1.n1.w1 = 0.5 + 1 × p × 0.5 = 0.5237129365887834;  L1.n1.w2 = −0.75 + p/2 = −0.7262870634112166
    #   L1.n1.b = 0.25 + p/2 = 0.2737129365887834
    network = {"layers": [2, 1, 2], "activation": ["sigmoid", "softmax"],
               "weights": [[[0.5, -0.75]], [[2.0], [-2.0]]], "biases": [[0.25], [0.5, -0.5]]}
    values, _ = run(network, [1.0, 1.0], [1.0, 0.0], "cross-entropy", lr=0.5)
    e3 = math.exp(-3)
    p = e3 / (1 + e3)
    expected = {
        "L1.n1.net": 0.0, "L1.n1.out": 0.5, "L2.n1.net": 1.5, "L2.n2.net": -1.5,
        "L2.n1.out": 1 / (1 + e3), "L2.n2.out": p, "loss": math.log(1 + e3),
        "L2.n1.error": 1 + e3, "L2.n2.error": 0.0, "L2.n1.delta": p, "L2.n2.delta": -p,
        "L2.n1.w1.grad": -p / 2, "L2.n1.b.grad": -p, "L2.n2.w1.grad": p / 2, "L2.n2.b.grad": p,
        "L1.n1.error": 4 * p, "L1.n1.deriv": 0.25, "L1.n1.delta": p,
        "L1.n1.w1.grad": -p, "L1.n1.w2.grad": -p, "L1.n1.b.grad": -p,
        "L2.n1.w1": 2 + p / 4, "L2.n1.b": 0.5 + p / 2, "L2.n2.w1": -2 - p / 4, "L2.n2.b": -0.5 - p / 2,
        "L1.n1.w1": 0.5 + p / 2, "L1.n1.w2": -0.75 + p / 2, "L1.n1.b": 0.25 + p / 2,
    }
    # The figures of the comments, to the digits written there.
    assert p == pytest.approx(0.0474258731775668, abs=1e-16)
    assert math.log(1 + e3) == pytest.approx(0.0485873515737420, abs=1e-16)
    assert set(values) == set(expected)      # a softmax neuron has no deriv
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_one_sigmoid_output_under_binary_cross_entropy_by_hand():
    # net = b + w × x = −1 + 0.5 × 2 = 0;  out = σ(0) = 0.5;  target 0.25
    # loss = −(0.25 × ln 0.5 + (1 − 0.25) × ln(1 − 0.5)) = −ln 0.5 = ln 2 = 0.6931471805599453
    # error = t/o − (1 − t)/(1 − o) = 0.25/0.5 − 0.75/0.5 = 0.5 − 1.5 = −1
    # deriv = 0.5 × (1 − 0.5) = 0.25
    # delta = t − o = 0.25 − 0.5 = −0.25    (= deriv × error = 0.25 × −1, the shortcut's reason)
    # w.grad = −delta × x = 0.25 × 2 = 0.5;  b.grad = −delta = 0.25
    # lr 0.1: w = 0.5 + 2 × (−0.25) × 0.1 = 0.45;  b = −1 + (−0.25) × 0.1 = −1.025
    network = {"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.5]]], "biases": [[-1.0]]}
    values, _ = run(network, [2.0], [0.25], "binary-cross-entropy", lr=0.1)
    expected = {"L1.n1.net": 0.0, "L1.n1.out": 0.5, "loss": math.log(2), "L1.n1.error": -1.0,
                "L1.n1.deriv": 0.25, "L1.n1.delta": -0.25, "L1.n1.w1.grad": 0.5, "L1.n1.b.grad": 0.25,
                "L1.n1.w1": 0.45, "L1.n1.b": -1.025}
    assert set(values) == set(expected)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


@pytest.mark.parametrize("loss, expected_loss, errors", [
    # identity outputs o = w × x: 0.5 × 2 = 1 and 0.25 × 2 = 0.5; targets 0 and 1.
    # squared-error: E = (0 − 1)² + (1 − 0.5)² = 1 + 0.25 = 1.25;
    #   error = 2 × (t − o): 2 × (0 − 1) = −2 and 2 × (1 − 0.5) = 1
    ("squared-error", 1.25, [-2.0, 1.0]),
    # mean-squared-error over n = 2 outputs: E = 1.25 / 2 = 0.625;
    #   error = 2 × (t − o) / n: −2 / 2 = −1 and 1 / 2 = 0.5
    ("mean-squared-error", 0.625, [-1.0, 0.5]),
    # half-squared-error: E = 1.25 / 2 = 0.625; error = t − o: −1 and 0.5
    ("half-squared-error", 0.625, [-1.0, 0.5]),
])
def test_squared_losses_output_errors_by_hand(loss, expected_loss, errors):
    network = {"layers": [1, 2], "activation": "identity", "weights": [[[0.5], [0.25]]]}
    values, _ = run(network, [2.0], [0.0, 1.0], loss)
    assert values["loss"] == expected_loss
    assert [values["L1.n1.error"], values["L1.n2.error"]] == errors
    # identity: deriv 1, so delta = error
    assert [values["L1.n1.delta"], values["L1.n2.delta"]] == errors


# Numerics: saturated outputs.

def test_a_saturated_binary_cross_entropy_output_stays_finite_where_it_matters():
    # net = 40 × 1 = 40: σ(40) = 1 / (1 + e^−40) = 1 / (1 + 4.2e−18) rounds to exactly 1.0.
    assert 1 / (1 + math.exp(-40.0)) == 1.0
    network = {"layers": [1, 1], "activation": "sigmoid", "weights": [[[40.0]]]}
    values, _ = run(network, [1.0], [0.0], "binary-cross-entropy", lr=0.001)
    assert values["L1.n1.out"] == 1.0
    # loss = −ln(1 − σ(40)) = −ln σ(−40) = 40 + ln(1 + e^−40), through log-sigmoid: finite
    assert values["loss"] == pytest.approx(40 + math.log1p(math.exp(-40.0)), rel=1e-15)
    assert values["L1.n1.error"] == -math.inf   # 0/1 − 1/(1 − 1)
    assert values["L1.n1.delta"] == -1.0        # target − out = 0 − 1
    assert values["L1.n1.w1.grad"] == 1.0       # −(−1) × 1
    assert values["L1.n1.w1"] == 40.0 - 0.001
    assert not any(math.isnan(v) for v in values.values())


@pytest.mark.parametrize("target, loss, errors, deltas", [
    # nets 800 and −800: softmax gives exactly 1 and 0 (e^−1600 underflows).
    # target 1 0: loss −ln 1 = 0; errors 1/1 = 1 and 0/0 counted 0 (0 · ln 0 = 0)
    ([1.0, 0.0], 0.0, [1.0, 0.0], [0.0, 0.0]),
    # target 0 1: loss −ln softmax = 800 − (−800) = 1600 (log-softmax); error 0/1 = 0 and 1/0 = inf
    ([0.0, 1.0], 1600.0, [0.0, math.inf], [-1.0, 1.0]),
])
def test_cross_entropy_at_outputs_of_exactly_0_and_1(target, loss, errors, deltas):
    network = {"layers": [1, 2], "activation": "softmax", "weights": [[[800.0], [-800.0]]]}
    values, _ = run(network, [1.0], target, "cross-entropy")
    assert [values["L1.n1.out"], values["L1.n2.out"]] == [1.0, 0.0]
    assert values["loss"] == loss
    assert [values["L1.n1.error"], values["L1.n2.error"]] == errors
    assert [values["L1.n1.delta"], values["L1.n2.delta"]] == deltas
    assert not any(math.isnan(v) for v in values.values())


def test_binary_cross_entropy_with_an_output_of_exactly_0():
    # net −800: σ = e^−800 / (1 + e^−800) = 0.0 exactly. Target 0: error 0/0 (counted 0) − 1/1 = −1;
    # loss −ln(1 − 0) through log-sigmoid: ln(1 + e^−800) = 0. Target 1: error 1/0 = inf,
    # loss −ln σ(−800) = 800.
    network = {"layers": [1, 1], "activation": "sigmoid", "weights": [[[-800.0]]]}
    values, _ = run(network, [1.0], [0.0], "binary-cross-entropy")
    assert (values["L1.n1.out"], values["loss"], values["L1.n1.error"], values["L1.n1.delta"]) == (0.0, 0.0, -1.0, 0.0)
    values, _ = run(network, [1.0], [1.0], "binary-cross-entropy")
    assert (values["loss"], values["L1.n1.error"], values["L1.n1.delta"]) == (800.0, math.inf, 1.0)


@pytest.mark.parametrize("targets, fits", [
    ([1 / 3, 1 / 3, 1 / 3], True),           # 0.99999999999999994: a float per third
    ([0.1, 0.2, 0.7], True),
    ([0.1] * 10, True),
    ([0.5, 0.5 + 1e-12], False),              # the shortcut t − o would be off by 1e-12 × o
    ([0.33333333, 0.33333333, 0.33333334], True),
    ([0.3333333, 0.3333333, 0.3333333], False),
    ([1.5, -0.5], False),
])
def test_cross_entropy_targets_sum_to_one_within_a_float_each(targets, fits):
    assert (distribution(targets) == "") == fits
