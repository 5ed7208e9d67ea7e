"""The compiled step must be the engine's step, bit for bit: same weights, same values, same order."""

import math
import random

import pytest

from nntrace import article
from nntrace.compiled import compiled_step, recorded_names, step_source
from nntrace.conventions import make_convention
from nntrace.engine import Engine, value_names
from nntrace.network import Network, random_network

SHAPES = [
    ([2, 4, 1], "sigmoid", False),
    ([3, 5, 2], "tanh", True),
    ([2, 3, 3, 2], ["tanh", "sigmoid", "identity"], True),
    ([4, 2, 3], ["relu", "identity"], True),
    ([1, 1], "identity", False),
    ([3, 4, 4, 3], ["relu", "relu", "sigmoid"], False),
]


def network(layers, activation, biases, seed):
    data = random_network(layers, "sigmoid", seed=seed, biases=biases, low=-2, high=2).to_dict()
    data["activation"] = activation
    return Network.from_dict(data)


def same(a, b) -> bool:
    """Equal as floats, NaN equal to NaN, and the same sign of zero."""
    if math.isnan(a) and math.isnan(b):
        return True
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@pytest.mark.parametrize("layers, activation, biases", SHAPES)
def test_compiled_step_equals_the_engine_bit_for_bit(layers, activation, biases):
    rng = random.Random(str(layers))
    for seed in range(3):
        net = network(layers, activation, biases, seed)
        engine, fast = Engine(net), Engine(net)
        step = compiled_step(fast)
        recording, copy = compiled_step(Engine(net), record=True), Engine(net)
        names = recorded_names(copy)
        for _ in range(20):
            x = [rng.uniform(-1, 1) for _ in range(layers[0])]
            t = [rng.uniform(0, 1) for _ in range(layers[-1])]
            lr = rng.choice([0.001, 0.5, 3.0])
            values = {}
            loss = engine.step(x, t, lr, values.__setitem__)
            assert same(step(x, t, lr), loss)
            recorded_loss, recorded = recording(x, t, lr)
            assert same(recorded_loss, loss)
            assert names == tuple(values)
            assert all(same(a, b) for a, b in zip(recorded, values.values()))
        assert engine.weights == fast.weights and engine.biases == fast.biases


def test_the_article_network_over_a_long_run():
    engine, fast = Engine(article.network()), Engine(article.network())
    step = compiled_step(fast)
    for _ in range(2000):
        for x, t in article.XOR:
            assert engine.step(x, t, 0.5) == step(x, t, 0.5)
    assert engine.weights == fast.weights


def test_overflow_gives_the_same_infinities_and_nans():
    net = Network.from_dict({"layers": [1, 2, 1], "activation": ["identity", "relu"],
                             "weights": [[[1e200], [-1e200]], [[1e200, 1.0]]]})
    engine, fast = Engine(net), Engine(net)
    step = compiled_step(fast)
    for _ in range(3):
        assert same(engine.step([1e200], [0.0], 1.0), step([1e200], [0.0], 1.0))
    flat = lambda e: [w for m in e.weights for row in m for w in row]  # noqa: E731
    assert all(same(a, b) for a, b in zip(flat(engine), flat(fast)))


def test_names_follow_the_engines_record_order():
    for layers, activation, biases in SHAPES:
        net = network(layers, activation, biases, 0)
        assert list(recorded_names(Engine(net))) == value_names(net)


@pytest.mark.parametrize("convention, slips", [("article", ()), ("exact", ("wrong-sign",)),
                                               ("exact", ("rounded:3",))])
def test_other_conventions_keep_the_engine(convention, slips):
    assert compiled_step(Engine(article.network(), make_convention(convention, slips))) is None


def test_very_large_networks_keep_the_engine():
    assert compiled_step(Engine(random_network([70, 70, 1], seed=1))) is None


def test_the_source_reads_like_the_worked_example():
    source, _ = step_source([2, 4, 1], False)
    assert "n1_1 = 0.0 + w1_1_1 * o0_1 + w1_1_2 * o0_2" in source
    assert "row2_1[0] = new2_1_1 = w2_1_1 + o1_1 * d2_1 * lr" in source


@pytest.mark.parametrize("layers, biases", [([2950, 1], True), ([3000, 1], False)])
def test_a_wide_neuron_compiles_and_equals_the_engine_bit_for_bit(layers, biases):
    # One long `0.0 + w * x + ...` chain overflows Python's compiler near 3000 terms.
    net = network(layers, "sigmoid", biases, 1)
    engine, fast = Engine(net), Engine(net)
    step = compiled_step(fast)
    assert step is not None
    rng = random.Random(1)
    for _ in range(3):
        x = [rng.uniform(-1, 1) for _ in range(layers[0])]
        assert same(step(x, [1.0], 0.1), engine.step(x, [1.0], 0.1))
    assert engine.weights == fast.weights and engine.biases == fast.biases


def test_source_python_cannot_compile_falls_back_to_the_engine(monkeypatch):
    from nntrace import compiled
    nested = "def step(x, targets, lr):\n    return " + "(" * 100000 + "0" + ")" * 100000 + "\n"
    monkeypatch.setattr(compiled, "step_source", lambda *args: (nested, ()))
    assert compiled.compiled_step(Engine(article.network())) is None


def test_long_sums_go_on_in_further_statements_in_the_same_order():
    source, _ = step_source([250, 1], False)
    lines = [line.strip() for line in source.splitlines() if line.strip().startswith("n1_1 = ")]
    assert len(lines) == 3
    assert lines[0].startswith("n1_1 = 0.0 + w1_1_1 * o0_1 + ") and lines[0].endswith("w1_1_100 * o0_100")
    assert lines[1].startswith("n1_1 = n1_1 + w1_1_101 * o0_101 + ")
    assert lines[2].endswith("w1_1_250 * o0_250") and lines[2].count(" * ") == 50
