"""The numbers: exact math against hand-derived figures and numerical gradients,
the article convention against every figure the article prints."""

import math
from decimal import ROUND_DOWN, Decimal
import random

import pytest

from nntrace import article
from nntrace.check.example import built_in
from nntrace.core.engine import Engine, value_names
from nntrace.core.network import Network, random_network
from nntrace.core.settings import make_settings

# The exact figures listed at the end of ../shared/article.md (float64, textbook backprop).
EXACT_FIGURES = {
    "L1.n1.out": 0.6456563062, "L1.n2.out": 0.6681877722, "L1.n3.out": 0.7109495026,
    "L1.n4.out": 0.5744425168, "L2.n1.net": 1.2981870818, "L2.n1.out": 0.7855297138,
    "L2.n1.error": 0.2144702862, "L2.n1.delta": 0.0361324059,
    "L1.n1.error": 0.0216794435, "L1.n2.error": 0.0252926841, "L1.n3.error": 0.0108397218,
    "L1.n4.error": 0.0144529624,
    "L1.n1.delta": 0.0049599150, "L1.n2.delta": 0.0056077137, "L1.n3.delta": 0.0022275662,
    "L1.n4.delta": 0.0035331468,
    "L2.n1.w1": 0.6000233291, "L2.n1.w2": 0.7000241432, "L2.n1.w3": 0.3000256883,
    "L2.n1.w4": 0.4000207560,
    "L1.n1.w1": 0.2, "L1.n1.w2": 0.6000049599, "L1.n2.w1": 0.5, "L1.n2.w2": 0.7000056077,
    "L1.n3.w1": 0.4, "L1.n3.w2": 0.9000022276, "L1.n4.w1": 0.8, "L1.n4.w2": 0.3000035331,
}


def run(network, inputs, targets, lr=0.001, convention="exact", slips=()):
    values = {}
    engine = Engine(network, make_settings(lr, convention, slips))
    loss = engine.step(inputs, targets, values.__setitem__)
    return values, engine, loss


def test_exact_convention_gives_the_articles_exact_figures_to_ten_digits(article_network):
    values, _, _ = run(article_network, article.INPUT, article.TARGET)
    for name, figure in EXACT_FIGURES.items():
        assert round(values[name], 10) == pytest.approx(figure, abs=1e-12), name


@pytest.mark.parametrize("figure", built_in().figures, ids=lambda f: f.name)
def test_article_convention_reproduces_every_printed_figure(article_network, figure):
    # The article's arithmetic, truncated to the digits the article printed, is its figure.
    values, _, _ = run(article_network, article.INPUT, article.TARGET, convention="article")
    cut = Decimal(str(values[figure.name])).quantize(Decimal(1).scaleb(-figure.places), rounding=ROUND_DOWN)
    assert cut == figure.value, f"{figure.name} = {values[figure.name]}, the article prints {figure.printed}"


def test_article_convention_carries_the_truncated_values(article_network):
    values, _, _ = run(article_network, article.INPUT, article.TARGET, convention="article")
    # Not just "matches when truncated": these are the very numbers carried forward.
    assert [str(values[f"L1.n{j}.out"]) for j in range(1, 5)] == ["0.64", "0.66", "0.71", "0.57"]
    assert str(values["L2.n1.net"]) == "1.28"   # from the truncated outputs, not 1.2982
    assert str(values["L2.n1.error"]) == "0.22"  # 1 - 0.78 in decimal, not 0.2199999...
    assert str(values["L2.n1.deriv"]) == "0.215"  # sigmoid(0.78) * (1 - sigmoid(0.78)): sigmoid twice
    assert str(values["L2.n1.w1"]) == "0.6000256"


def test_record_order_follows_the_article(article_network):
    names = value_names(article_network)
    assert names[:4] == ["L1.n1.net", "L1.n2.net", "L1.n3.net", "L1.n4.net"]
    assert names.index("L1.n4.out") < names.index("L2.n1.net") < names.index("loss")
    assert names.index("L2.n1.delta") < names.index("L1.n1.error") < names.index("L2.n1.w1")
    assert names.index("L2.n1.w4") < names.index("L1.n1.w1")
    assert names.index("L2.n1.delta") < names.index("L2.n1.w1.grad") < names.index("L1.n1.error")
    assert len(names) == len(set(names)) == 10 + 1 + 15 + 12 + 12   # and 12 gradients


def test_traced_and_untraced_runs_give_identical_numbers():
    for seed in range(5):
        net = random_network([3, 4, 2], "tanh", seed=seed, biases=True, low=-1)
        for convention in ("exact", "article"):
            settings = make_settings(0.3, convention)
            traced, untraced = Engine(net, settings), Engine(net, settings)
            for x, t in [([0.1, -0.5, 0.9], [0.2, 0.8]), ([1, 0, 1], [0, 1])]:
                loss_a = traced.step(x, t, lambda name, value: None)
                loss_b = untraced.step(x, t)
                assert loss_a == loss_b
            assert traced.network() == untraced.network()


def independent_loss(network: Network, x, t) -> float:
    """A forward pass written separately from the engine, for the gradient check."""
    functions = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh,
                 "identity": lambda v: v, "relu": lambda v: max(v, 0.0)}
    values = list(x)
    for l, matrix in enumerate(network.weights):
        f = functions[network.activations[l]]
        bias = network.biases[l] if network.biases else [0.0] * len(matrix)
        values = [f(sum(w * v for w, v in zip(row, values)) + b) for row, b in zip(matrix, bias)]
    return sum((ti - oi) ** 2 for ti, oi in zip(t, values)) / 2


@pytest.mark.parametrize("layers, activation, biases", [
    ([2, 4, 1], "sigmoid", False),
    ([3, 5, 2], "tanh", True),
    ([2, 3, 3, 2], ["tanh", "sigmoid", "identity"], True),
    ([4, 2, 3], ["relu", "identity"], True),
    ([1, 1], "identity", False),
])
def test_exact_updates_follow_the_numerical_gradient(layers, activation, biases):
    rng = random.Random(str(layers))
    for trial in range(3):
        data = random_network(layers, "sigmoid", seed=rng.randrange(10**6), biases=biases, low=-1).to_dict()
        data["activation"] = activation
        net = Network.from_dict(data)
        x = [rng.uniform(-1, 1) for _ in range(layers[0])]
        t = [rng.uniform(0, 1) for _ in range(layers[-1])]
        values, _, loss = run(net, x, t, lr=1.0)
        assert loss == pytest.approx(independent_loss(net, x, t), rel=1e-12)
        h = 1e-6
        for l, matrix in enumerate(net.weights):
            for j, row in enumerate(matrix):
                for i in range(len(row)):
                    bumped = [net.copy(), net.copy()]
                    bumped[0].weights[l][j][i] += h
                    bumped[1].weights[l][j][i] -= h
                    gradient = (independent_loss(bumped[0], x, t) - independent_loss(bumped[1], x, t)) / (2 * h)
                    step = values[f"L{l + 1}.n{j + 1}.w{i + 1}"] - row[i]  # = -lr * dE/dw
                    assert step == pytest.approx(-gradient, rel=1e-5, abs=1e-8)
                if biases:
                    bumped = [net.copy(), net.copy()]
                    bumped[0].biases[l][j] += h
                    bumped[1].biases[l][j] -= h
                    gradient = (independent_loss(bumped[0], x, t) - independent_loss(bumped[1], x, t)) / (2 * h)
                    step = values[f"L{l + 1}.n{j + 1}.b"] - net.biases[l][j]
                    assert step == pytest.approx(-gradient, rel=1e-5, abs=1e-8)


def test_extreme_weights_compute_without_overflow():
    net = Network.from_dict({"layers": [2, 2, 1], "activation": "sigmoid",
                             "weights": [[[1e300, -1e300], [-1e300, 1e300]], [[1e300, -1e300]]]})
    for convention in ("exact", "article"):
        values, engine, _ = run(net, [1, 0.5], [1], convention=convention)
        assert float(values["L1.n1.out"]) == 1.0 and float(values["L1.n2.out"]) == 0.0
        assert all(math.isfinite(float(v)) for v in values.values())


def test_hidden_errors_use_the_old_weights(article_network):
    values, _, _ = run(article_network, [0, 1], [1], lr=100.0)
    delta = values["L2.n1.delta"]
    assert values["L1.n2.error"] == pytest.approx(delta * 0.7, rel=1e-15)
    assert values["L2.n1.w2"] != 0.7


def test_slip_updated_weights_uses_the_new_weights(article_network):
    values, _, _ = run(article_network, [0, 1], [1], lr=100.0, slips=["updated-weights"])
    assert values["L1.n2.error"] == pytest.approx(values["L2.n1.delta"] * values["L2.n1.w2"], rel=1e-15)


def test_slip_missing_derivative_uses_the_error_as_delta(article_network):
    values, _, _ = run(article_network, [0, 1], [1], slips=["missing-derivative"])
    assert values["L2.n1.deriv"] == 1.0
    assert values["L2.n1.delta"] == values["L2.n1.error"]


def test_slip_wrong_sign_flips_the_error_and_the_step(article_network):
    right, _, _ = run(article_network, [0, 1], [1])
    wrong, _, _ = run(article_network, [0, 1], [1], slips=["wrong-sign"])
    assert wrong["L2.n1.error"] == -right["L2.n1.error"]
    assert wrong["L2.n1.w1"] - 0.6 == pytest.approx(-(right["L2.n1.w1"] - 0.6), rel=1e-9)


def test_slip_derivative_on_output_is_sigmoid_twice(article_network):
    values, _, _ = run(article_network, [0, 1], [1], slips=["derivative-on-output"])
    out = values["L2.n1.out"]
    s = 1 / (1 + math.exp(-out))
    assert values["L2.n1.deriv"] == pytest.approx(s * (1 - s), rel=1e-15)


def test_slip_frozen_biases_keeps_biases():
    net = random_network([2, 2, 1], seed=1, biases=True)
    values, engine, _ = run(net, [1, 1], [0], lr=0.5, slips=["frozen-biases"])
    assert engine.network().biases == net.biases
    assert values["L1.n1.b"] == net.biases[0][0]
    assert engine.network().weights != net.weights


@pytest.mark.parametrize("slip, expected", [("rounded:2", "0.65"), ("truncated:2", "0.64")])
def test_precision_slips_carry_values_at_n_decimals(article_network, slip, expected):
    values, _, _ = run(article_network, [0, 1], [1], slips=[slip])
    assert str(values["L1.n1.out"]) == expected   # sigmoid(0.6) = 0.6457
    assert str(values["L2.n1.w1"]) == "0.60"       # the update vanishes at 2 decimals


def test_engine_leaves_the_network_it_was_given_untouched(article_network):
    before = article_network.copy()
    engine = Engine(article_network, make_settings(0.5))
    engine.step([0, 1], [1])
    assert article_network == before
    assert engine.network() != before


def test_article_numbers_do_not_depend_on_the_callers_decimal_context(article_network):
    import decimal

    with decimal.localcontext(decimal.Context(prec=3)):
        values, _, _ = run(article_network, article.INPUT, article.TARGET, convention="article")
    assert str(values["L2.n1.w1"]) == "0.6000256"



def test_engines_of_one_program_share_its_binding_but_not_their_values(article_network):
    # diff replays one program under many carry rules: the binding is made once, while each
    # engine keeps its own weights and working values.
    first, second = Engine(article_network, make_settings(0.1)), Engine(article_network, make_settings(0.1))
    assert first.code is second.code and first.env is not second.env
    first.step([0.0, 1.0], [1.0])
    assert first.state != second.state
    assert second.state == Engine(article_network, make_settings(0.1)).fresh_state()
    rounded = Engine(article_network, make_settings(0.1, "exact", ["rounded:3"]))
    assert rounded.code is not first.code      # decimal, written down: bound anew
