"""One update from a batch: a two-sample batch worked by hand (each sample's values, the mean
gradients, the update), the slip updated-weights on it by hand and against tests/plain.py,
and central differences of the batch's mean loss for every mean gradient it records."""

import random

import pytest

from nntrace import api
from nntrace.core.program import Descent, build
from tests import plain

# y = b2 + w2·(b1 + w1·x), identity activations: every figure below is a sum of powers of 2,
# exact in floats, so the values are compared with ==.
NETWORK = {"layers": [1, 1, 1], "activation": "identity", "weights": [[[0.5]], [[2.0]]],
           "biases": [[0.25], [-0.5]]}
BATCH = [([1.0], [2.0]), ([2.0], [0.0])]

# Sample 1, x = 1, t = 2:
#   L1.n1.net = 0.25 + 0.5·1 = 0.75 = L1.n1.out;  L2.n1.net = −0.5 + 2·0.75 = 1 = L2.n1.out
#   loss = ½(2 − 1)² = 0.5;  L2.n1.error = t − out = 1;  deriv 1;  L2.n1.delta = 1
#   ∂E/∂w2 = −delta·out1 = −0.75;  ∂E/∂b2 = −1
#   L1.n1.error = delta2·w2 = 2;  deriv 1;  L1.n1.delta = 2;  ∂E/∂w1 = −2·1 = −2;  ∂E/∂b1 = −2
SAMPLE_1 = {"L1.n1.net": 0.75, "L1.n1.out": 0.75, "L2.n1.net": 1.0, "L2.n1.out": 1.0, "loss": 0.5,
            "L2.n1.error": 1.0, "L2.n1.deriv": 1.0, "L2.n1.delta": 1.0, "L2.n1.w1.grad": -0.75,
            "L2.n1.b.grad": -1.0, "L1.n1.error": 2.0, "L1.n1.deriv": 1.0, "L1.n1.delta": 2.0,
            "L1.n1.w1.grad": -2.0, "L1.n1.b.grad": -2.0}
# Sample 2, x = 2, t = 0:
#   L1.n1.net = 0.25 + 0.5·2 = 1.25;  L2.n1.net = −0.5 + 2·1.25 = 2;  loss = ½(0 − 2)² = 2
#   L2.n1.error = 0 − 2 = −2 = L2.n1.delta;  ∂E/∂w2 = 2·1.25 = 2.5;  ∂E/∂b2 = 2
#   L1.n1.error = −2·2 = −4 = L1.n1.delta;  ∂E/∂w1 = 4·2 = 8;  ∂E/∂b1 = 4
SAMPLE_2 = {"L1.n1.net": 1.25, "L1.n1.out": 1.25, "L2.n1.net": 2.0, "L2.n1.out": 2.0, "loss": 2.0,
            "L2.n1.error": -2.0, "L2.n1.deriv": 1.0, "L2.n1.delta": -2.0, "L2.n1.w1.grad": 2.5,
            "L2.n1.b.grad": 2.0, "L1.n1.error": -4.0, "L1.n1.deriv": 1.0, "L1.n1.delta": -4.0,
            "L1.n1.w1.grad": 8.0, "L1.n1.b.grad": 4.0}
# The batch, lr 0.5: each gradient the mean (g1 + g2)/2, then w − lr·g.
#   loss = (0.5 + 2)/2 = 1.25
#   ∂E/∂w2 = (−0.75 + 2.5)/2 = 0.875;  w2 = 2 − 0.5·0.875 = 1.5625
#   ∂E/∂b2 = (−1 + 2)/2 = 0.5;         b2 = −0.5 − 0.5·0.5 = −0.75
#   ∂E/∂w1 = (−2 + 8)/2 = 3;           w1 = 0.5 − 0.5·3 = −1
#   ∂E/∂b1 = (−2 + 4)/2 = 1;           b1 = 0.25 − 0.5·1 = −0.25
UPDATE = {"loss": 1.25, "L2.n1.w1.grad": 0.875, "L2.n1.w1": 1.5625, "L2.n1.b.grad": 0.5, "L2.n1.b": -0.75,
          "L1.n1.w1.grad": 3.0, "L1.n1.w1": -1.0, "L1.n1.b.grad": 1.0, "L1.n1.b": -0.25}


@pytest.mark.parametrize("batch_size", [2, "all", None])
def test_a_two_sample_batch_by_hand(batch_size):
    trace = api.step(NETWORK, data=BATCH, lr=0.5, batch_size=batch_size)   # None: all, step's default
    step = trace.steps[0]
    assert [(s.input, s.target) for s in step.samples] == [([1.0], [2.0]), ([2.0], [0.0])]
    assert step.samples[0].values == SAMPLE_1 and step.samples[1].values == SAMPLE_2
    assert list(step.samples[0].values) == list(SAMPLE_1)   # in the order they are computed
    assert step.values == UPDATE and list(step.values) == list(UPDATE)
    assert (step.input, step.target) == ([], [])


def test_the_first_update_with_momentum_has_the_mean_gradient_as_its_velocity():
    # torch.optim.SGD: the velocity starts as the gradient (μ·0 + g = g), so the first update
    # is plain SGD's: the same weights as UPDATE's.
    values = api.step(NETWORK, data=BATCH, lr=0.5, momentum=0.9).steps[0].values
    for name in ("L2.n1.w1", "L2.n1.b", "L1.n1.w1", "L1.n1.b"):
        assert values[f"{name}.velocity"] == UPDATE[f"{name}.grad"]
        assert values[name] == UPDATE[name]
    assert list(values)[:4] == ["loss", "L2.n1.w1.grad", "L2.n1.w1.velocity", "L2.n1.w1"]


def test_weight_decay_on_a_batch_by_hand_biases_included():
    # λ 0.5, lr 0.5: w − lr·(g + λ·w), as torch.optim.SGD decays every parameter it is given.
    #   w2 = 2 − 0.5·(0.875 + 0.5·2) = 2 − 0.9375 = 1.0625
    #   b2 = −0.5 − 0.5·(0.5 + 0.5·(−0.5)) = −0.5 − 0.125 = −0.625
    #   w1 = 0.5 − 0.5·(3 + 0.5·0.5) = 0.5 − 1.625 = −1.125
    #   b1 = 0.25 − 0.5·(1 + 0.5·0.25) = 0.25 − 0.5625 = −0.3125
    values = api.step(NETWORK, data=BATCH, lr=0.5, weight_decay=0.5).steps[0].values
    assert {name: values[name] for name in ("L2.n1.w1", "L2.n1.b", "L1.n1.w1", "L1.n1.b")} == {
        "L2.n1.w1": 1.0625, "L2.n1.b": -0.625, "L1.n1.w1": -1.125, "L1.n1.b": -0.3125}
    assert values["L2.n1.w1.grad"] == 0.875   # the recorded gradient is ∂E/∂w, before the decay


def test_updated_weights_on_a_batch_by_hand():
    # The slip: layer 2 is updated first (w2 = 1.5625, b2 = −0.75, as above), then layer 1's
    # errors are sent back through the new w2, from each sample's own forward pass:
    #   sample 1: L1.n1.error = 1·1.5625 = 1.5625;     ∂E/∂w1 = −1.5625·1 = −1.5625;  ∂E/∂b1 = −1.5625
    #   sample 2: L1.n1.error = −2·1.5625 = −3.125;    ∂E/∂w1 = 3.125·2 = 6.25;       ∂E/∂b1 = 3.125
    #   ∂E/∂w1 = (−1.5625 + 6.25)/2 = 2.34375;  w1 = 0.5 − 0.5·2.34375 = −0.671875
    #   ∂E/∂b1 = (−1.5625 + 3.125)/2 = 0.78125;  b1 = 0.25 − 0.5·0.78125 = −0.140625
    step = api.step(NETWORK, data=BATCH, lr=0.5, slips=["updated-weights"]).steps[0]
    assert [s.values["L1.n1.error"] for s in step.samples] == [1.5625, -3.125]
    assert [s.values["L1.n1.w1.grad"] for s in step.samples] == [-1.5625, 6.25]
    assert step.values["L2.n1.w1"] == 1.5625 and step.values["L2.n1.b"] == -0.75
    assert step.values["L1.n1.w1.grad"] == 2.34375 and step.values["L1.n1.w1"] == -0.671875
    assert step.values["L1.n1.b.grad"] == 0.78125 and step.values["L1.n1.b"] == -0.140625
    # The forward pass and layer 2's values are the plain step's.
    for k, sample in enumerate((SAMPLE_1, SAMPLE_2)):
        for name in ("L1.n1.out", "L2.n1.out", "loss", "L2.n1.delta", "L2.n1.w1.grad"):
            assert step.samples[k].values[name] == sample[name]


def random_case(loss: str, seed: int):
    """A 2-3-2 network (sigmoid, then the loss's output activation), biases, and a batch of 3."""
    rng = random.Random(f"{loss}/{seed}")
    output = {"cross-entropy": "softmax"}.get(loss, "sigmoid")
    network = {"layers": [2, 3, 2], "activation": ["sigmoid", output],
               "weights": [[[rng.uniform(-1, 1) for _ in range(2)] for _ in range(3)],
                           [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(2)]],
               "biases": [[rng.uniform(-0.5, 0.5) for _ in range(3)], [rng.uniform(-0.5, 0.5) for _ in range(2)]]}
    batch = []
    for k in range(3):
        t = [[1.0, 0.0], [0.25, 0.75], [0.0, 1.0]][k] if loss == "cross-entropy" else \
            [rng.uniform(0, 1), rng.uniform(0, 1)]
        batch.append(([rng.uniform(-1, 1), rng.uniform(-1, 1)], t))
    return network, batch


@pytest.mark.parametrize("slips", [(), ("updated-weights",)], ids=["exact", "updated-weights"])
@pytest.mark.parametrize("loss", ["half-squared-error", "squared-error", "mean-squared-error",
                                  "binary-cross-entropy", "cross-entropy"])
def test_every_mean_gradient_against_the_plain_implementation(loss, slips):
    network, batch = random_case(loss, 1)
    step = api.step(network, data=batch, lr=0.5, loss=loss, slips=slips, momentum=0.9).steps[0]
    expected, _ = plain.train(network, batch, 1, 0.5, loss, "all", 0.9, updated_weights=bool(slips))
    for l, matrix in enumerate(expected["weights"], 1):
        for j, row in enumerate(matrix, 1):
            assert [step.values[f"L{l}.n{j}.w{i}"] for i in range(1, len(row) + 1)] == pytest.approx(
                row, rel=1e-12, abs=0)
            assert step.values[f"L{l}.n{j}.b"] == pytest.approx(expected["biases"][l - 1][j - 1], rel=1e-12, abs=0)


def mean_loss(loss: str, network: dict, batch) -> float:
    return sum(plain.network_loss(loss, network, x, t) for x, t in batch) / len(batch)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("loss", ["half-squared-error", "squared-error", "mean-squared-error",
                                  "binary-cross-entropy", "cross-entropy"])
def test_every_mean_gradient_is_the_slope_of_the_batchs_mean_loss(loss, seed):
    import copy

    network, batch = random_case(loss, seed)
    step = api.step(network, data=batch, lr=0.5, loss=loss, weight_decay=0.1).steps[0]
    assert step.values["loss"] == pytest.approx(mean_loss(loss, network, batch), rel=1e-12)
    grads = {name: value for name, value in step.values.items() if name.endswith(".grad")}
    assert len(grads) == 2 * 3 + 3 + 3 * 2 + 2   # every weight and bias of the 2-3-2 network

    def slope(kind: str, l: int, j: int, i: int | None = None) -> float:
        def f(h: float) -> float:
            nudged = copy.deepcopy(network)
            if i is None:
                nudged[kind][l - 1][j - 1] += h
            else:
                nudged[kind][l - 1][j - 1][i - 1] += h
            return mean_loss(loss, nudged, batch)
        return plain.central(f)

    for l, layer in enumerate(network["weights"], 1):
        for j, row in enumerate(layer, 1):
            for i in range(1, len(row) + 1):
                assert grads[f"L{l}.n{j}.w{i}.grad"] == pytest.approx(slope("weights", l, j, i), rel=1e-6, abs=1e-9)
            assert grads[f"L{l}.n{j}.b.grad"] == pytest.approx(slope("biases", l, j), rel=1e-6, abs=1e-9)


def test_a_term_whose_coefficient_is_0_is_left_out_of_the_step():
    # Not multiplied by 0: a weight gone infinite would turn NaN through 0·inf.
    def ops(descent: Descent) -> set:
        program = build([2, 2, 1], ["sigmoid", "sigmoid"], True, "half-squared-error", (), descent)
        return {(a.op, a.kind) for a in program.assigns if a.kind in ("weight", "bias", "velocity")}

    assert ops(Descent()) == {("sgd", "weight"), ("sgd_bias", "bias")}   # the article's w + x·delta·lr
    assert ops(Descent(batched=True)) == {("descend", "weight"), ("descend", "bias")}
    assert ops(Descent(decay=True)) == {("descend_decayed", "weight"), ("descend_decayed", "bias")}
    assert ops(Descent(momentum=True)) == {("velocity", "velocity"), ("descend", "weight"), ("descend", "bias")}
    assert ops(Descent(True, True, True)) == {("velocity_decayed", "velocity"), ("descend", "weight"),
                                              ("descend", "bias")}
    plain_batch = build([2, 2, 1], ["sigmoid", "sigmoid"], True, "half-squared-error", (), Descent(batched=True))
    assert not any(x in ("momentum", "weight_decay") for a in plain_batch.assigns for x in a.args)
