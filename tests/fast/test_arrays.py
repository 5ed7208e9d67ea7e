"""The registries' activations and losses over arrays (nntrace/fast/arrays.py) against the
float functions of core/activations.py and core/losses.py, element by element."""

import math
import random

import numpy as np
import pytest

from nntrace.core.activations import ACTIVATIONS
from nntrace.core.losses import LOSSES
from nntrace.core.ops import HAND_ONLY, OPS
from nntrace.fast import arrays
from nntrace.fast.plan import ELEMENTWISE, WHOLE_LAYER
from tests.fast import agree


@pytest.fixture(autouse=True)
def quiet():
    """As the engine runs them: an overflow is inf, without NumPy's warning."""
    with np.errstate(all="ignore"):
        yield


NETS = [0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 3.0, -3.0, 30.0, -30.0, 700.0, -700.0, 1e300, -1e300]


def test_every_operation_activation_and_loss_has_an_array_form():
    assert ELEMENTWISE | WHOLE_LAYER == set(OPS) - HAND_ONLY and not ELEMENTWISE & WHOLE_LAYER
    assert set(arrays.ACTIVATIONS) == set(ACTIVATIONS)
    assert set(arrays.LOSSES) == set(LOSSES)
    assert all((a.array_forward is None) == a.of_layer and (a.array_derivative is None) == a.of_layer
               for a in ACTIVATIONS.values())


@pytest.mark.parametrize("name", [name for name in ACTIVATIONS if not ACTIVATIONS[name].of_layer])
def test_an_activation_and_its_derivative_agree_with_the_floats(name):
    forward, derivative = arrays.ACTIVATIONS[name]
    entry = ACTIVATIONS[name]
    nets = np.array(NETS + [random.Random(1).uniform(-5, 5) for _ in range(50)])
    outs = forward(nets)
    assert outs.shape == nets.shape
    for net, out in zip(nets.tolist(), outs.tolist()):
        assert agree(entry.forward(net), out), (net, out)
    derivs = derivative(nets, outs)
    assert derivs.shape == nets.shape
    for net, out, deriv in zip(nets.tolist(), outs.tolist(), derivs.tolist()):
        assert agree(entry.derivative(net, entry.forward(net)), deriv), (net, deriv)


def test_softmax_over_the_last_axis():
    nets = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    expected = [[math.exp(n - 3) / sum(math.exp(m - 3) for m in (1, 2, 3)) for n in (1, 2, 3)], [1.0, 0.0, 0.0]]
    for row, want in zip(arrays.softmax(nets).tolist(), expected):
        assert all(map(agree, row, want))


def targets_for(name: str, rng: random.Random, n: int) -> list[float]:
    if name == "cross-entropy":
        hot = [0.0] * n
        hot[rng.randrange(n)] = 1.0
        return hot
    if name == "binary-cross-entropy":
        return [rng.choice([0.0, 1.0, rng.random()]) for _ in range(n)]
    return [rng.uniform(-1, 1) for _ in range(n)]


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_loss_and_its_error_agree_with_the_floats(name):
    rng, entry = random.Random(name), LOSSES[name]
    loss, error = arrays.LOSSES[name]
    for n in (2, 3, 5):
        samples = []
        for _ in range(20):
            nets = [rng.choice([rng.uniform(-4, 4), 40.0, -40.0]) for _ in range(n)]
            if entry.needs == "softmax":
                outs = arrays.softmax(np.array(nets)).tolist()
            else:
                outs = arrays.ACTIVATIONS["sigmoid"][0](np.array(nets)).tolist()
            samples.append((outs, targets_for(name, rng, n), nets))
        o, t, nets = (np.array([s[k] for s in samples]) for k in range(3))
        for (outs, targets, row_nets), value in zip(samples, loss(o, t, nets).tolist()):
            assert agree(entry.loss(outs, targets, row_nets), value)
        errors = error(t, o, float(n)).tolist()
        for (outs, targets, _), row in zip(samples, errors):
            assert all(agree(entry.error(tk, ok, float(n)), e) for tk, ok, e in zip(targets, outs, row))


def test_a_saturated_output_gives_the_engines_infinite_error():
    # cross-entropy's t / o where o is exactly 0: +inf, as the engine's share(); 0 / 0 counts 0.
    error = arrays.LOSSES["cross-entropy"][1]
    assert error(np.array([1.0, 0.0]), np.array([0.0, 0.0]), 2.0).tolist() == [math.inf, 0.0]
    bce = arrays.LOSSES["binary-cross-entropy"][1]
    assert bce(np.array([0.0]), np.array([1.0]), 1.0).tolist() == [-math.inf]
