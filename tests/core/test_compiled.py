"""The compiled step must be the engine's step, bit for bit: same weights, same values, same order."""

import math
import random
from decimal import Decimal

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
    assert "L1_n1_net = C0 + L1_n1_w1 * L0_n1_out + L1_n1_w2 * L0_n2_out" in source   # C0: the 0 of the number type
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
    assert lines[0].startswith("L1_n1_net = C0 + L1_n1_w1 * L0_n1_out + ") \
        and lines[0].endswith("L1_n1_w100 * L0_n100_out")
    assert lines[1].startswith("L1_n1_net = L1_n1_net + L1_n1_w101 * L0_n101_out + ")
    assert lines[2].endswith("L1_n1_w250 * L0_n250_out") and lines[2].count(" * ") == 50


# Batches, momentum and weight decay: the compiled step is still the engine's, bit for bit.
OPTIMIZERS = [(0.0, 0.0), (0.9, 0.0), (0.0, 0.01), (0.9, 0.01)]   # (momentum, weight decay)
# Every slip that compiles (updated-weights interleaves the samples' passes with the updates:
# the engine takes those), alone and in a pair.
COMPILED_SLIPS = [(), ("derivative-on-output",), ("frozen-biases",), ("missing-derivative",),
                  ("wrong-sign",), ("wrong-sign", "frozen-biases")]
LOSS_SHAPES = [([2, 3, 2], ["tanh", "softmax"], True, "cross-entropy"),
               ([2, 3, 2], "sigmoid", True, "binary-cross-entropy"),
               ([3, 2, 2], ["leaky_relu", "sigmoid"], True, "mean-squared-error")]
BATCH_SHAPES = [(*shape, "half-squared-error") for shape in SHAPES] + LOSS_SHAPES


def targets_for(loss, size, rng):
    if loss == "cross-entropy":
        share = rng.uniform(0, 1)
        return [share, 1 - share] + [0.0] * (size - 2)
    return [rng.uniform(0, 1) for _ in range(size)]


@pytest.mark.parametrize("slips", COMPILED_SLIPS, ids="+".join)
@pytest.mark.parametrize("momentum, weight_decay", OPTIMIZERS, ids=["sgd", "momentum", "decay", "both"])
@pytest.mark.parametrize("layers, activation, biases, loss", BATCH_SHAPES)
def test_a_compiled_batch_step_equals_the_engine_bit_for_bit(layers, activation, biases, loss, momentum,
                                                              weight_decay, slips):
    if "missing-derivative" in slips and "softmax" in activation:
        return   # refused: a softmax layer has no derivative to leave out
    rng = random.Random(f"{layers}/{loss}/{momentum}/{weight_decay}/{slips}")
    net = network(layers, activation, biases, 2)
    lr = rng.choice([0.05, 0.5])
    settings = make_settings(lr, "exact", slips, loss, 3, momentum, weight_decay)
    engine = Engine(net, settings)
    fast = engine.state[:]
    step = compiled_step(engine.program)
    assert step is not None and compiled_step(engine.program, record=True) is None
    for _ in range(8):
        size = rng.choice([1, 2, 3, 5])   # a short batch, a full one, any
        xs = [[rng.uniform(-1, 1) for _ in range(layers[0])] for _ in range(size)]
        ts = [targets_for(loss, layers[-1], rng) for _ in range(size)]
        loss_sum = engine.step_batch(xs, ts)
        assert same(step(fast, xs, ts, lr, momentum, weight_decay), loss_sum)
        assert all(same(a, b) for a, b in zip(engine.state, fast))
    assert len(fast) == len(engine.program.state) == (2 if momentum else 1) * len(Engine(net).state)


@pytest.mark.parametrize("momentum, weight_decay", OPTIMIZERS[1:], ids=["momentum", "decay", "both"])
@pytest.mark.parametrize("layers, activation, biases", SHAPES)
def test_online_momentum_and_decay_compile_bit_for_bit_and_record_in_order(layers, activation, biases,
                                                                          momentum, weight_decay):
    rng = random.Random(f"{layers}/{momentum}/{weight_decay}")
    net = network(layers, activation, biases, 3)
    engine = Engine(net, make_settings(0.5, momentum=momentum, weight_decay=weight_decay))
    fast, recorded_state = engine.state[:], engine.state[:]
    step, recording = compiled_step(engine.program), compiled_step(engine.program, record=True)
    for _ in range(10):
        x = [rng.uniform(-1, 1) for _ in range(layers[0])]
        t = [rng.uniform(0, 1) for _ in range(layers[-1])]
        values = {}
        loss = engine.step(x, t, values.__setitem__)
        assert same(step(fast, x, t, 0.5, momentum, weight_decay), loss)
        recorded_loss, recorded = recording(recorded_state, x, t, 0.5, momentum, weight_decay)
        assert same(recorded_loss, loss) and list(values) == engine.program.names
        assert all(same(a, b) for a, b in zip(recorded, values.values()))
    assert all(same(a, b) for a, b in zip(engine.state, fast))
    assert all(same(a, b) for a, b in zip(engine.state, recorded_state))


def test_the_slip_updated_weights_on_a_batch_is_left_to_the_engine():
    settings = make_settings(0.5, "exact", ["updated-weights"], batch_size=2, momentum=0.9)
    program = Engine(article.network(), settings).program
    # Sample, batch, sample, batch: the layer above updated between the two passes.
    assert [scope for scope, _ in program.phases()] == ["sample", "batch", "sample", "batch"]
    assert compiled_step(program) is None
    online = Engine(article.network(), make_settings(0.5, "exact", ["updated-weights"], momentum=0.9))
    assert compiled_step(online.program) is not None   # online it is one list, compiled as ever


def test_a_batch_sums_in_the_samples_order_in_both():
    # Three gradients whose sum depends on the order of addition: 1e16 + 1 + (−1e16) is 0
    # added left to right (1e16 + 1 rounds to 1e16), 1 with a compensated sum (Python 3.12's
    # sum()). The mean gradient of a batch is the left-to-right sum over its samples, in the
    # engine as in the compiled step (and the mean of the gradients taken one sample at a time).
    net = Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.0]]]})
    settings = make_settings(1.0, batch_size=3)
    engine = Engine(net, settings)
    fast = engine.state[:]
    # With w = 0 and x = 1, ∂E/∂w = −(t − 0)·1 = −t: targets −1e16, −1, 1e16 give 1e16, 1, −1e16.
    xs, ts = [[1.0], [1.0], [1.0]], [[-1e16], [-1.0], [1e16]]
    values = {}
    engine.step_batch(xs, ts, lambda name, value, k: values.__setitem__((name, k), value))
    assert values[("L1.n1.w1.grad", None)] == ((1e16 + 1.0) + -1e16) / 3 == 0.0
    compiled_step(engine.program)(fast, xs, ts, 1.0, 0.0, 0.0)
    assert engine.state == fast == [0.0]


@pytest.mark.parametrize("convention, slips", [("article", ()), ("exact", ("rounded:3",)),
                                               ("exact", ("truncated:4", "updated-weights")),
                                               ("article", ("frozen-biases",))])
def test_decimal_arithmetic_compiles_and_equals_the_engine_bit_for_bit(convention, slips):
    # The hand arithmetic of a worked example: decimal, each value written down by the carry
    # rule before any later line reads it. Compiled, the same Decimals to the last digit.
    net = network([2, 3, 2], "sigmoid", True, 5)
    settings = make_settings(0.5, convention, slips)
    engine, fast = Engine(net, settings), Engine(net, settings)
    step = compiled_step(engine.program, False, engine.numbers, engine.arithmetic.carry)
    assert step is not None
    rates = [engine.rates[name] for name in ("lr", "momentum", "weight_decay")]
    rng = random.Random(3)
    for _ in range(10):
        x = [rng.uniform(-1, 1) for _ in range(2)]
        t = [rng.uniform(0, 1) for _ in range(2)]
        assert step(fast.state, fast.convert(x), fast.convert(t), *rates) == engine.step(x, t)
    assert engine.state == fast.state and all(isinstance(v, Decimal) for v in fast.state)


def test_decimal_steps_are_not_compiled_to_record_or_for_batches():
    net = network([2, 2, 1], "sigmoid", False, 1)
    engine = Engine(net, make_settings(0.5, "article"))
    assert compiled_step(engine.program, True, engine.numbers, engine.arithmetic.carry) is None
    batch = Engine(net, make_settings(0.5, "exact", ("rounded:2",), batch_size=2))
    assert compiled_step(batch.program, False, batch.numbers, batch.arithmetic.carry) is None
