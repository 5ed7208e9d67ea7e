"""The compiled step must be the engine's step, bit for bit: same weights, same values, same order."""

import math
import random

import pytest

from nntrace import article
from nntrace.core.compiled import compiled_step, step_source
from nntrace.core.engine import Engine, value_names
from nntrace.core.network import Network, random_network
from nntrace.core.settings import make_settings

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


def engine_step(network, state, x, t, lr, record=None):
    """The engine's step at learning rate `lr` (part of the settings) from the weights and
    biases in `state`, which it updates in place."""
    engine = Engine(network, make_settings(lr))
    engine.state[:] = state
    loss = engine.step(x, t, record)
    state[:] = engine.state
    return loss


@pytest.mark.parametrize("layers, activation, biases", SHAPES)
def test_compiled_step_equals_the_engine_bit_for_bit(layers, activation, biases):
    rng = random.Random(str(layers))
    for seed in range(3):
        net = network(layers, activation, biases, seed)
        program = Engine(net).program
        by_engine, fast, recorded_state = Engine(net).state, Engine(net).state, Engine(net).state
        step = compiled_step(program)
        recording = compiled_step(program, record=True)
        names = program.names
        for _ in range(20):
            x = [rng.uniform(-1, 1) for _ in range(layers[0])]
            t = [rng.uniform(0, 1) for _ in range(layers[-1])]
            lr = rng.choice([0.001, 0.5, 3.0])
            values = {}
            loss = engine_step(net, by_engine, x, t, lr, values.__setitem__)
            assert same(step(fast, x, t, lr, 0.0, 0.0), loss)
            recorded_loss, recorded = recording(recorded_state, x, t, lr, 0.0, 0.0)
            assert same(recorded_loss, loss)
            assert names == list(values)
            assert all(same(a, b) for a, b in zip(recorded, values.values()))
        assert by_engine == fast


def test_the_article_network_over_a_long_run():
    engine, fast = Engine(article.network(), make_settings(0.5)), Engine(article.network()).state
    step = compiled_step(engine.program)
    for _ in range(2000):
        for x, t in article.XOR:
            assert engine.step(x, t) == step(fast, x, t, 0.5, 0.0, 0.0)
    assert engine.state == fast


def test_overflow_gives_the_same_infinities_and_nans():
    net = Network.from_dict({"layers": [1, 2, 1], "activation": ["identity", "relu"],
                             "weights": [[[1e200], [-1e200]], [[1e200, 1.0]]]})
    engine, fast = Engine(net, make_settings(1.0)), Engine(net).state
    step = compiled_step(engine.program)
    for _ in range(3):
        assert same(engine.step([1e200], [0.0]), step(fast, [1e200], [0.0], 1.0, 0.0, 0.0))
    assert all(same(a, b) for a, b in zip(engine.state, fast))


def test_names_follow_the_engines_record_order():
    # recorded_names(engine) is gone: the compiled step's values come in program.names order.
    for layers, activation, biases in SHAPES:
        net = network(layers, activation, biases, 0)
        engine = Engine(net)
        assert engine.program.names == value_names(net)
        x, t = [0.5] * layers[0], [0.25] * layers[-1]
        values = {}
        engine.step(x, t, values.__setitem__)
        _, recorded = compiled_step(engine.program, record=True)(Engine(net).state, x, t, 0.001, 0.0, 0.0)
        assert list(values) == value_names(net) and len(recorded) == len(values)


def test_very_large_networks_keep_the_engine():
    assert compiled_step(Engine(random_network([70, 70, 1], seed=1)).program) is None


def test_the_source_reads_like_the_worked_example():
    source = step_source(Engine(article.network()).program)   # 2-4-1, no biases
    assert "L1_n1_net = 0.0 + L1_n1_w1 * L0_n1_out + L1_n1_w2 * L0_n2_out" in source
    assert "L2_n1_w1 = L2_n1_w1 + L1_n1_out * L2_n1_delta * lr" in source


@pytest.mark.parametrize("layers, biases", [([2950, 1], True), ([3000, 1], False)])
def test_a_wide_neuron_compiles_and_equals_the_engine_bit_for_bit(layers, biases):
    # One long `0.0 + w * x + ...` chain overflows Python's compiler near 3000 terms.
    net = network(layers, "sigmoid", biases, 1)
    engine, fast = Engine(net, make_settings(0.1)), Engine(net).state
    step = compiled_step(engine.program)
    assert step is not None
    rng = random.Random(1)
    for _ in range(3):
        x = [rng.uniform(-1, 1) for _ in range(layers[0])]
        assert same(step(fast, x, [1.0], 0.1, 0.0, 0.0), engine.step(x, [1.0]))
    assert engine.state == fast


def test_source_python_cannot_compile_falls_back_to_the_engine(monkeypatch):
    from nntrace.core import compiled
    nested = "def step(S, x, targets, lr):\n    return " + "(" * 100000 + "0" + ")" * 100000 + "\n"
    monkeypatch.setattr(compiled, "step_source", lambda *args: nested)
    compiled.compiled_step.cache_clear()   # compiled once per program: compile this one anew
    try:
        assert compiled.compiled_step(Engine(article.network()).program) is None
    finally:
        compiled.compiled_step.cache_clear()


def test_long_sums_go_on_in_further_statements_in_the_same_order():
    source = step_source(Engine(random_network([250, 1], seed=1)).program)
    lines = [line.strip() for line in source.splitlines() if line.strip().startswith("L1_n1_net = ")]
    assert len(lines) == 3
    assert lines[0].startswith("L1_n1_net = 0.0 + L1_n1_w1 * L0_n1_out + ") \
        and lines[0].endswith("L1_n1_w100 * L0_n100_out")
    assert lines[1].startswith("L1_n1_net = L1_n1_net + L1_n1_w101 * L0_n101_out + ")
    assert lines[2].endswith("L1_n1_w250 * L0_n250_out") and lines[2].count(" * ") == 50
