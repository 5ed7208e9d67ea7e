"""Training in mini-batches and full batches, with momentum and weight decay: against the
plain implementation in tests/plain.py (backprop from the chain rule, torch.optim.SGD's rule
as its documentation writes it), and small runs worked by hand."""

import math
import random

import pytest

from nntrace import api
from nntrace.core.engine import Engine
from nntrace.core.network import Network
from nntrace.core.settings import make_settings
from nntrace.trace import read_trace
from nntrace.train.data import Dataset, Sample
from nntrace.train.loop import train
from nntrace.train.signals import Stop
from tests import plain

OUTPUT = {"half-squared-error": "sigmoid", "squared-error": "sigmoid", "mean-squared-error": "sigmoid",
          "binary-cross-entropy": "sigmoid", "cross-entropy": "softmax"}
# Five samples: batches of 2 and 3 leave a short last batch; 10 is more than the data (a full batch).
BATCH_SIZES = [1, 2, 3, "all", 10]
OPTIMIZERS = [(0.0, 0.0), (0.9, 0.0), (0.0, 0.01), (0.9, 0.01)]   # (momentum, weight decay)
EPOCHS, LR = 6, 0.5


def case(loss: str, biases: bool) -> tuple[dict, list]:
    """A 2-3-2 network (tanh, then the loss's output activation) and five samples whose
    targets the loss takes, drawn from a seed named after the case."""
    rng = random.Random(f"{loss}/{biases}")
    layers = [2, 3, 2]
    network = {"layers": layers, "activation": ["tanh", OUTPUT[loss]],
               "weights": [[[rng.uniform(-1, 1) for _ in range(layers[l])] for _ in range(layers[l + 1])]
                           for l in range(2)]}
    if biases:
        network["biases"] = [[rng.uniform(-0.5, 0.5) for _ in range(size)] for size in layers[1:]]
    data = []
    for k in range(5):
        x = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
        if loss == "cross-entropy":   # one-hot and soft targets, each summing to 1
            share = [0.0, 1.0, 0.25, 1.0, 0.5][k]
            t = [share, 1 - share]
        else:
            t = [rng.uniform(0, 1), rng.uniform(0, 1)]
        data.append((x, t))
    return network, data


def flat(network: dict) -> list[float]:
    return [w for matrix in network["weights"] for row in matrix for w in row] + [
        b for layer in network.get("biases") or [] for b in layer]


def updates_per_epoch(batch_size, samples: int) -> int:
    return samples if batch_size == 1 else 1 if batch_size == "all" else -(-samples // batch_size)


@pytest.mark.parametrize("biases", [False, True], ids=["nobias", "biases"])
@pytest.mark.parametrize("momentum, weight_decay", OPTIMIZERS, ids=["sgd", "momentum", "decay", "both"])
@pytest.mark.parametrize("batch_size", BATCH_SIZES)
@pytest.mark.parametrize("loss", OUTPUT)
def test_training_agrees_with_a_plain_implementation(loss, batch_size, momentum, weight_decay, biases):
    network, data = case(loss, biases)
    result = api.train(network, data, EPOCHS, LR, loss=loss, batch_size=batch_size, momentum=momentum,
                       weight_decay=weight_decay)
    expected, curve = plain.train(network, data, EPOCHS, LR, loss, batch_size, momentum, weight_decay)
    assert flat(result.network.to_dict()) == pytest.approx(flat(expected), rel=1e-12, abs=0)
    # The epoch's loss: the mean of the samples' losses, each taken before its batch's update.
    assert [loss for _, loss in result.curve.series()] == pytest.approx(curve, rel=1e-12, abs=0)
    assert result.iterations == EPOCHS * updates_per_epoch(batch_size, 5) and result.epochs_run == EPOCHS
    assert result.settings.batch_size == batch_size
    assert (result.settings.momentum, result.settings.weight_decay) == (momentum, weight_decay)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("batch_size", [2, 3])
@pytest.mark.parametrize("loss", OUTPUT)
def test_a_shuffled_run_takes_batches_of_the_shuffled_order(loss, batch_size, seed):
    network, data = case(loss, True)
    result = api.train(network, data, EPOCHS, LR, loss=loss, batch_size=batch_size, momentum=0.9,
                       weight_decay=0.01, shuffle=True, seed=seed)
    expected, curve = plain.train(network, data, EPOCHS, LR, loss, batch_size, 0.9, 0.01, seed=seed)
    assert flat(result.network.to_dict()) == pytest.approx(flat(expected), rel=1e-12, abs=0)
    assert [loss for _, loss in result.curve.series()] == pytest.approx(curve, rel=1e-12, abs=0)
    in_file_order, _ = plain.train(network, data, EPOCHS, LR, loss, batch_size, 0.9, 0.01)
    assert flat(result.network.to_dict()) != pytest.approx(flat(in_file_order), rel=1e-6)


def test_the_batches_of_a_traced_shuffled_run_are_the_shuffled_order_cut_in_turn(tmp_path):
    network, data = case("half-squared-error", False)
    path = tmp_path / "t.jsonl"
    api.train(network, data, 3, LR, batch_size=2, shuffle=True, seed=7, trace=path)
    # random.Random(7) shuffles the five samples in place each epoch; batches of 2, 2, 1.
    rng, order, expected = random.Random(7), list(data), []
    for _ in range(3):
        rng.shuffle(order)
        expected += [order[0:2], order[2:4], order[4:5]]
    steps = read_trace(path).steps
    assert [[(s.input, s.target) for s in step.samples] for step in steps] == expected
    assert [step.epoch for step in steps] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


@pytest.mark.parametrize("momentum, weight_decay", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [1, 2, "all"])
def test_a_traced_run_through_the_engine_ends_on_the_compiled_runs_weights(tmp_path, batch_size, momentum,
                                                                          weight_decay):
    # Untraced, a float run takes the compiled step; traced, a batch's goes through the engine.
    network, data = case("binary-cross-entropy", True)
    kwargs = dict(loss="binary-cross-entropy", batch_size=batch_size, momentum=momentum,
                  weight_decay=weight_decay)
    fast = api.train(network, data, EPOCHS, LR, **kwargs)
    traced = api.train(network, data, EPOCHS, LR, trace=tmp_path / "t.jsonl", **kwargs)
    assert traced.network == fast.network
    assert traced.curve.series() == fast.curve.series()


# A 1-1 identity network, y = w·x, on the one sample x = 1, t = 2, under ½(t − y)²:
# ∂E/∂w = −(t − w·x)·x = w − 2. Every figure below is a sum of powers of 2, exact in floats.
LINE = {"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]}
ONE = [([1.0], [2.0])]


def recorded(tmp_path, batch_size, **optimizer):
    """The three updates of three epochs on ONE, every value recorded."""
    path = tmp_path / "t.jsonl"
    result = api.train(LINE, ONE, 3, 0.25, batch_size=batch_size, trace=path, **optimizer)
    return result, [step.values for step in read_trace(path).steps]


@pytest.mark.parametrize("batch_size", [1, "all"])
def test_momentum_over_three_updates_by_hand(tmp_path, batch_size):
    # lr 0.25, μ 0.5. torch.optim.SGD: the velocity starts as the gradient, then v ← μ·v + g;
    # w ← w − lr·v.
    #   1: g1 = 0.5 − 2 = −1.5;          v1 = g1 = −1.5;                          w1 = 0.5 + 0.25·1.5 = 0.875
    #   2: g2 = 0.875 − 2 = −1.125;      v2 = 0.5·(−1.5) − 1.125 = −1.875;        w2 = 0.875 + 0.25·1.875 = 1.34375
    #   3: g3 = 1.34375 − 2 = −0.65625;  v3 = 0.5·(−1.875) − 0.65625 = −1.59375;  w3 = 1.34375 + 0.25·1.59375
    #                                                                              = 1.7421875
    result, steps = recorded(tmp_path, batch_size, momentum=0.5)
    assert [s["L1.n1.w1.grad"] for s in steps] == [-1.5, -1.125, -0.65625]
    assert [s["L1.n1.w1.velocity"] for s in steps] == [-1.5, -1.875, -1.59375]
    assert [s["L1.n1.w1"] for s in steps] == [0.875, 1.34375, 1.7421875]
    assert result.network.weights == [[[1.7421875]]]
    # The untraced run (the compiled step) ends on the same weight.
    assert api.train(LINE, ONE, 3, 0.25, batch_size=batch_size, momentum=0.5).network.weights == [[[1.7421875]]]


@pytest.mark.parametrize("batch_size", [1, "all"])
def test_weight_decay_by_hand_is_added_to_the_gradient(tmp_path, batch_size):
    # lr 0.25, λ 0.5: g ← g + λ·w, then w ← w − lr·g; no velocity is kept.
    #   1: g1 = −1.5 + 0.5·0.5 = −1.25;              w1 = 0.5 + 0.25·1.25 = 0.8125
    #   2: g2 = (0.8125 − 2) + 0.5·0.8125 = −1.1875 + 0.40625 = −0.78125;
    #                                                w2 = 0.8125 + 0.25·0.78125 = 1.0078125
    #   3: g3 = (1.0078125 − 2) + 0.5·1.0078125 = −0.9921875 + 0.50390625 = −0.48828125;
    #                                                w3 = 1.0078125 + 0.25·0.48828125 = 1.1298828125
    result, steps = recorded(tmp_path, batch_size, weight_decay=0.5)
    assert [s["L1.n1.w1.grad"] for s in steps] == [-1.5, -1.1875, -0.9921875]   # ∂E/∂w, before the decay
    assert [s["L1.n1.w1"] for s in steps] == [0.8125, 1.0078125, 1.1298828125]
    assert not any(name.endswith(".velocity") for s in steps for name in s)
    assert result.network.weights == [[[1.1298828125]]]


@pytest.mark.parametrize("batch_size", [1, "all"])
def test_momentum_with_weight_decay_decays_the_gradient_before_the_velocity(tmp_path, batch_size):
    # torch.optim.SGD's order: g ← g + λ·w; v ← μ·v + g; w ← w − lr·v (lr 0.25, μ 0.5, λ 0.5).
    #   1: g = −1.5 + 0.25 = −1.25;  v1 = −1.25;                             w1 = 0.5 + 0.3125 = 0.8125
    #   2: g = −1.1875 + 0.40625 = −0.78125;  v2 = 0.5·(−1.25) − 0.78125 = −1.40625;
    #                                                                        w2 = 0.8125 + 0.25·1.40625 = 1.1640625
    # Decay taken after the velocity instead (w ← w − lr·(v + λ·w), v ← μ·v + g) would give
    # v2 = −0.75 − 1.1875 = −1.9375 and w2 = 0.8125 + 0.25·(1.9375 − 0.40625) = 1.1953125.
    #   3: g = (1.1640625 − 2) + 0.5·1.1640625 = −0.8359375 + 0.58203125 = −0.25390625;
    #      v3 = 0.5·(−1.40625) − 0.25390625 = −0.95703125;                   w3 = 1.1640625 + 0.2392578125
    #                                                                           = 1.4033203125
    result, steps = recorded(tmp_path, batch_size, momentum=0.5, weight_decay=0.5)
    assert [s["L1.n1.w1.velocity"] for s in steps] == [-1.25, -1.40625, -0.95703125]
    assert [s["L1.n1.w1"] for s in steps] == [0.8125, 1.1640625, 1.4033203125]
    assert result.network.weights == [[[1.4033203125]]]


def test_every_k_counts_updates_and_each_recorded_step_lists_its_batch(tmp_path):
    network, data = case("half-squared-error", True)
    full, sparse = tmp_path / "full.jsonl", tmp_path / "sparse.jsonl"
    kwargs = dict(batch_size=2, momentum=0.9, weight_decay=0.01)
    api.train(network, data, 4, LR, trace=full, **kwargs)
    result = api.train(network, data, 4, LR, trace=sparse, every=5, **kwargs)
    # Five samples in batches of 2, 2, 1: three updates an epoch, twelve in four epochs.
    assert result.iterations == 12 and result.traced == 2
    some, everything = read_trace(sparse), read_trace(full)
    assert [s.iteration for s in some.steps] == [5, 10] and [s.epoch for s in some.steps] == [2, 4]
    # Update 5 is epoch 2's second batch (samples 3 and 4), update 10 epoch 4's first (1 and 2).
    assert [(s.input, s.target) for s in some.steps[0].samples] == [tuple(d) for d in data[2:4]]
    assert [(s.input, s.target) for s in some.steps[1].samples] == [tuple(d) for d in data[0:2]]
    assert [len(s.samples) for s in everything.steps] == [2, 2, 1] * 4
    by_iteration = {s.iteration: s for s in everything.steps}
    for step in some.steps:
        # Its previous update not traced, a step holds the weights, biases and velocities it
        # began from: those the full trace's previous step left.
        previous = by_iteration[step.iteration - 1].values
        assert step.before == {name: previous[name] for name in step.before}
        assert {name.split(".")[-1][0] for name in step.before} == {"w", "b", "v"}   # weights, biases, velocities
        step.before = {}
    assert all(step == by_iteration[step.iteration] for step in some.steps)
    assert some.settings.header()["batch_size"] == 2 and some.settings.momentum == 0.9
    assert some.settings.weight_decay == 0.01
    # The last step's weights and biases are the run's.
    last = everything.steps[-1].values
    assert [last[f"L2.n{j}.b"] for j in (1, 2)] == result.network.biases[1]
    assert [last[f"L1.n1.w{i}"] for i in (1, 2)] == result.network.weights[0][0]


def test_a_stop_request_ends_at_the_end_of_the_batch_under_way(tmp_path):
    network, data = case("half-squared-error", False)
    stop = Stop()

    def progress(epoch, loss):
        if epoch == 2:
            stop.requested = True

    result = api.train(network, data, 100, LR, batch_size=2, momentum=0.9, trace=tmp_path / "t.jsonl",
                       progress=progress, stop=stop)
    # Two epochs of three updates, then the update under way when the stop was seen.
    assert result.stopped == "interrupted" and result.iterations == 7 and result.epochs_run == 2
    expected, _ = plain.train(network, data, 3, LR, batch_size=2, momentum=0.9, updates=7)
    assert flat(result.network.to_dict()) == pytest.approx(flat(expected), rel=1e-12, abs=0)
    assert [s.iteration for s in read_trace(tmp_path / "t.jsonl").steps] == list(range(1, 8))


def test_final_outputs_and_the_verdict_of_a_batch_run_with_momentum():
    xor = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    result = api.train(None, None, 2000, 0.5, batch_size=2, momentum=0.9)
    assert result.iterations == 4000 and result.curve.epochs == 2000
    final = result.network.to_dict()
    for sample, (x, t) in zip(result.samples, xor):
        assert sample.outputs == pytest.approx(plain.forward(final, x)[1][-1], rel=1e-15)
        assert sample.right == (abs(sample.outputs[0] - t[0]) < 0.5)
    assert result.verdict.learned
    expected, _ = plain.train(api.network_argument(None).to_dict(), xor, 2000, 0.5, batch_size=2, momentum=0.9)
    assert flat(final) == pytest.approx(flat(expected), rel=1e-9, abs=0)


# Divergence: the replay names the first value that is not finite, a velocity included.

def zero_input_run(**kwargs):
    """y = w·x on three samples x = 0, t = 1 (the gradient is 0: only the decay moves w), in
    batches of 2 with lr 1, weight decay 10 and momentum 0.5."""
    data = Dataset(tuple(Sample((0.0,), (1.0,)) for _ in range(3)), "zeros")
    network = Network.from_dict(LINE)
    return train(network, data, 100000, make_settings(1.0, batch_size=2, momentum=0.5, weight_decay=10.0),
                 **kwargs)


def test_a_velocity_that_overflows_is_named_as_the_first_value_not_finite():
    result = zero_input_run()
    # By hand: ∂E/∂w = −(1 − 0)·0 = 0, so v ← 0.5·v + 10·w and w ← w − v: the pair grows by
    # about 8.44 (the largest root of r² + 8.5·r + 0.5) each update. The velocity overflows
    # first: 10·w goes beyond a float's range while w and the loss ½(1 − w·0)² stay finite.
    v, w, updates = 0.0, 0.5, 0
    while math.isfinite(0.5 * v + 10 * w):
        v, w, updates = 0.5 * v + 10 * w, w - (0.5 * v + 10 * w), updates + 1
    failing = updates + 1
    assert failing > 300   # hundreds of updates: growth, not a first-step accident
    assert result.stopped == "non-finite" and result.problem.name == "L1.n1.w1.velocity"
    assert result.problem.iteration == failing and result.iterations == updates
    # Two updates an epoch (batches of 2 and 1).
    assert str(result.problem) == (f"iteration {failing} (epoch {(failing + 1) // 2}): "
                                   f"L1.n1.w1.velocity is inf, not a finite number")
    assert result.network.weights[0][0][0] == pytest.approx(w, rel=1e-9)
    assert result.epochs_run == updates // 2


def test_an_overflowing_loss_in_a_batch_names_its_sample():
    # y = w·x on (1, 2), (2, 4), (3, 6), batches [1, 2] and [3], lr 5: with e = w − 2 the
    # batch's mean gradient is e·(1 + 4)/2 = 2.5·e, then e·9 for the last; so e ← −11.5·e,
    # then e ← −44·e. A sample's loss ½(e·x)² overflows when |e·x| passes √(max float).
    data = Dataset(tuple(Sample((x,), (2 * x,)) for x in (1.0, 2.0, 3.0)), "line")
    result = train(Network.from_dict(LINE), data, 1000, make_settings(5.0, batch_size=2))
    limit, e, update = math.sqrt(1.7976931348623157e308), 0.5 - 2, 0
    while True:
        update += 1
        batch, factor = ((1.0, 2.0), -11.5) if update % 2 else ((3.0,), -44.0)
        over = [k for k, x in enumerate(batch, 1) if abs(e * x) > limit]
        if over:
            break
        e *= factor
    assert all(abs(abs(e * x) / limit - 1) > 1e-6 for x in batch)   # not a near thing
    assert result.problem.iteration == update and result.problem.name == "loss"
    assert str(result.problem) == (f"iteration {update} (epoch {(update + 1) // 2}): sample {over[0]}: "
                                   f"loss is inf, not a finite number")
    assert result.iterations == update - 1
    assert result.network.weights[0][0][0] - 2 == pytest.approx(e, rel=1e-9)


def test_a_run_whose_velocity_overflowed_leaves_a_trace_of_every_update_it_ran(tmp_path):
    # The loop watches the loss: it stops after the first update whose loss is not finite,
    # the one after the velocity overflowed (w·0 = NaN once w is infinite).
    result = zero_input_run(trace=tmp_path / "t.jsonl", every=1)
    steps = read_trace(tmp_path / "t.jsonl").steps
    failing = result.problem.iteration
    assert [s.iteration for s in steps] == list(range(1, failing + 2))
    assert math.isnan(steps[failing - 1].values["L1.n1.w1.velocity"])   # null in JSON
    assert math.isfinite(steps[failing - 1].values["loss"]) and math.isnan(steps[failing].values["loss"])
    assert all(math.isfinite(v) for step in steps[:failing - 1] for v in step.values.values())


def test_engine_batches_sum_their_losses_in_sample_order():
    # The loss a batch step returns (the loop adds it to the epoch's total) is the samples'
    # losses added in order: here ½(2 − 0.5)² + ½(4 − 1)² = 1.125 + 4.5 = 5.625.
    engine = Engine(Network.from_dict(LINE), make_settings(0.25, batch_size=2))
    assert engine.step_batch([[1.0], [2.0]], [[2.0], [4.0]]) == 5.625


@pytest.mark.parametrize("batch_size", ["all", 1])
def test_a_stop_during_an_epochs_last_update_counts_that_epoch_complete(batch_size):
    # A full batch is one update an epoch, so every stop comes during an epoch's last update:
    # asked during epoch 3 (here from its progress report, as a Ctrl-C during the update that
    # follows), the run ends after epoch 4's update, which completes epoch 4.
    network, data = case("half-squared-error", False)
    data = data[:1] if batch_size == 1 else data   # one sample: online, one update an epoch too
    stop = Stop()

    def progress(epoch, loss):
        if epoch == 3:
            stop.requested = True

    result = api.train(network, data, 100, LR, batch_size=batch_size, progress=progress, stop=stop)
    assert result.stopped == "interrupted" and result.iterations == 4 and result.epochs_run == 4
    _, curve = plain.train(network, data, 4, LR, batch_size=batch_size)
    assert [loss for _, loss in result.curve.series()] == pytest.approx(curve, rel=1e-12, abs=0)
