"""The vectorised evaluator against the float engine: every recorded value, in the same
order, within |a − b| ≤ 1e-12·max(|a|, |b|) + 1e-15.

NumPy adds a layer's products in BLAS's order and takes exp and tanh from its own
library, so the last bits may move (docs/development.md); every other operation is the
engine's own, on arrays. Each comparison starts the two evaluators from the same weights,
biases and velocities (random ones, so that momentum's first term is not 0), so what is
compared is one step's arithmetic, not a run's drift."""

import random

import pytest

from nntrace.core.activations import ACTIVATIONS
from nntrace.core.engine import Engine
from nntrace.core.losses import LOSSES
from nntrace.core.network import Network, random_network
from nntrace.core.settings import make_settings
from nntrace.errors import ArgumentError
from nntrace.fast import new_engine
from nntrace.fast.engine import VectorEngine
from tests.fast import agree

SCALAR = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
SLIPS = [(), ("wrong-sign",), ("updated-weights",), ("derivative-on-output",), ("frozen-biases",),
         ("missing-derivative",), ("updated-weights", "frozen-biases")]


def random_case(seed: int):
    """A network, its settings and four samples, drawn from every activation, loss, batch
    size, optimizer and slip the registries have."""
    rng = random.Random(seed)
    depth = rng.randint(1, 3)
    layers = [rng.randint(1, 7) for _ in range(depth + 1)]
    loss = rng.choice(list(LOSSES))
    output = LOSSES[loss].needs or rng.choice(SCALAR + ["softmax"])
    if output == "softmax":
        layers[-1] = max(layers[-1], 2)
    activations = [rng.choice(SCALAR) for _ in range(depth - 1)] + [output]
    data = random_network(layers, "sigmoid", seed=seed, biases=rng.random() < 0.6, low=-1, high=1).to_dict()
    data["activation"] = activations
    network = Network.from_dict(data)
    slips = rng.choice(SLIPS if output != "softmax" else SLIPS[:5])
    batch = rng.choice([1, 1, 2, 3, "all"])
    momentum, decay = rng.choice([0.0, 0.9]), rng.choice([0.0, 0.01])
    settings = make_settings(rng.choice([0.01, 0.3, 1.0]), "exact", slips, loss, batch, momentum, decay)
    return network, settings, [sample(rng, layers, loss) for _ in range(4)], rng


def sample(rng: random.Random, layers: list[int], loss: str) -> tuple[list[float], list[float]]:
    x = [rng.uniform(-1, 1) for _ in range(layers[0])]
    if loss == "cross-entropy":
        t = [0.0] * layers[-1]
        t[rng.randrange(layers[-1])] = 1.0
    elif loss == "binary-cross-entropy":
        t = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(layers[-1])]
    else:
        t = [rng.uniform(-1, 1) for _ in range(layers[-1])]
    return x, t


def same_start(network, settings, rng):
    """The engine and the vectorised engine on the same weights, with random velocities."""
    engine = Engine(network, settings)
    engine.state[:] = [rng.uniform(-0.5, 0.5) if name.endswith(".velocity") else value
                       for name, value in zip(engine.program.state, engine.state)]
    vector = new_engine(network, settings, "numpy")
    assert isinstance(vector, VectorEngine)
    vector.load_flat(engine.state)
    return engine, vector


def compare(expected: list, obtained: list) -> None:
    assert [e[:-1] for e in expected] == [o[:-1] for o in obtained]   # the same names, in the same order
    bad = [(e, o) for e, o in zip(expected, obtained) if not agree(e[-1], o[-1])]
    assert not bad, bad[:3]


@pytest.mark.parametrize("seed", range(120))
def test_one_update_agrees_with_the_engine_value_for_value(seed):
    network, settings, samples, rng = random_case(seed)
    engine, vector = same_start(network, settings, rng)
    if settings.online:
        for x, t in samples:
            engine, vector = same_start(network, settings, rng)
            expected, obtained = [], []
            loss = engine.step(x, t, lambda name, value: expected.append((name, value)))
            vector_loss = vector.step(x, t, lambda name, value: obtained.append((name, value)))
            compare(expected, obtained)
            assert agree(loss, vector_loss)
            assert all(map(agree, engine.state, vector.flat_state()))
        return
    size = len(samples) if settings.batch_size == "all" else settings.batch_size
    for start in range(0, len(samples), size):
        engine, vector = same_start(network, settings, rng)
        xs, ts = zip(*samples[start:start + size])
        expected, obtained = [], []
        loss = engine.step_batch([engine.convert(x) for x in xs], [engine.convert(t) for t in ts],
                                 lambda name, value, k: expected.append((name, k, value)))
        vector_loss = vector.step_batch([vector.convert(x) for x in xs], [vector.convert(t) for t in ts],
                                        lambda name, value, k: obtained.append((name, k, value)))
        compare(expected, obtained)
        assert agree(loss, vector_loss)
        assert all(map(agree, engine.state, vector.flat_state()))


@pytest.mark.parametrize("seed", range(40))
def test_the_untraced_step_ends_on_the_traced_steps_state_bit_for_bit(seed):
    # Untraced, a weight matrix's plain update is written in place and gradients nothing
    # reads are left out, a batch's mean gradient taken as one product: the same weights.
    network, settings, samples, rng = random_case(seed)
    _, traced = same_start(network, settings, rng)
    untraced = new_engine(network, settings, "numpy")
    untraced.load_flat(traced.flat_state())
    record = (lambda *args: None)
    for x, t in samples:
        if settings.online:
            assert traced.step(x, t, record) == untraced.step(x, t)
        else:
            xs, ts = [traced.convert(x)], [traced.convert(t)]
            loss = traced.step_batch(xs, ts, record)
            assert agree(loss, untraced.step_batch(xs, ts))
    if settings.online:
        assert traced.flat_state() == untraced.flat_state()
    else:   # −(deltaᵀ·x) / size sums the samples in another order than the mean of each one's
        assert all(map(agree, traced.flat_state(), untraced.flat_state()))


def test_a_training_run_ends_on_the_engines_weights():
    from nntrace.train.data import Dataset, Sample
    from nntrace.train.loop import train

    rng = random.Random(4)
    for layers, activations, biases in [([4, 6, 3], ["tanh", "sigmoid"], True),
                                        ([5, 8, 8, 2], ["relu", "leaky_relu", "identity"], False)]:
        network = Network.from_dict({**random_network(layers, seed=2, biases=biases, low=-1).to_dict(),
                                     "activation": activations})
        data = Dataset(tuple(Sample(tuple(rng.uniform(-1, 1) for _ in range(layers[0])),
                                    tuple(rng.uniform(0, 1) for _ in range(layers[-1]))) for _ in range(8)), "r")
        for batch, momentum in [(1, 0.0), (3, 0.9)]:
            settings = make_settings(0.05, batch_size=batch, momentum=momentum)
            by_engine = train(network, data, 5, settings, evaluator="python")
            by_arrays = train(network, data, 5, settings, evaluator="numpy")
            weights = lambda r: [w for m in r.network.weights for row in m for w in row]  # noqa: E731
            assert all(map(agree, weights(by_engine), weights(by_arrays)))
            assert all(map(agree, by_engine.curve.points, by_arrays.curve.points))
            for mine, theirs in zip(by_engine.samples, by_arrays.samples):
                assert all(map(agree, mine.outputs, theirs.outputs))


def test_overflow_gives_infinities_as_the_engine_does():
    network = Network.from_dict({"layers": [1, 2, 1], "activation": ["identity", "relu"],
                                 "weights": [[[1e200], [-1e200]], [[1e200, 1.0]]]})
    settings = make_settings(1.0)
    expected, obtained = {}, {}
    Engine(network, settings).step([1e200], [0.0], expected.__setitem__)
    new_engine(network, settings, "numpy").step([1e200], [0.0], obtained.__setitem__)
    assert list(expected) == list(obtained)
    assert all(agree(expected[name], obtained[name]) for name in expected), (expected, obtained)


@pytest.mark.parametrize("convention, slips", [("article", ()), ("exact", ("rounded:3",)),
                                                ("exact", ("truncated:5", "wrong-sign"))])
def test_decimal_arithmetic_stays_on_the_engine(convention, slips):
    settings = make_settings(0.1, convention, slips)
    engine = new_engine(random_network([2, 40, 1], seed=1), settings, "numpy")
    assert isinstance(engine, Engine) and engine.evaluator == "python"


def test_an_unknown_evaluator_is_refused_naming_it():
    with pytest.raises(ArgumentError, match="evaluator='gpu': expected None, 'python' or 'numpy'"):
        new_engine(random_network([2, 2, 1]), make_settings(0.1), "gpu")


def test_every_activation_of_the_registry_runs_vectorised():
    for name in ACTIVATIONS:
        layers = [3, 4, 2]
        activations = ["tanh", name] if ACTIVATIONS[name].output_only else [name, name]
        network = Network.from_dict({**random_network(layers, seed=1).to_dict(), "activation": activations})
        assert isinstance(new_engine(network, make_settings(0.1), "numpy"), VectorEngine), name
