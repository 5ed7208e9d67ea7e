import json
import math
import random

import pytest

from nntrace import api, article
from nntrace.core.compiled import compiled_step
from nntrace.core.engine import Engine
from nntrace.core.network import Network, random_network
from nntrace.core.settings import make_settings
from nntrace.trace import read_trace
from nntrace.trace.model import network_after
from nntrace.train import loop, steps
from nntrace.train.data import Dataset, Sample, xor
from nntrace.train.loop import train
from nntrace.train.steps import fast_step
from nntrace.train.signals import Stop

XOR_LIKE = [([0.0, 0.5], [0.1, 0.9]), ([1.0, 0.0], [0.9, 0.1]), ([0.5, 1.0], [0.2, 0.7])]


def xor_like() -> Dataset:
    return Dataset(tuple(Sample(tuple(x), tuple(t)) for x, t in XOR_LIKE), "three samples")


def chained_steps(network, samples, lr, convention="exact", slips=()):
    """What `nntrace step` gives when each step's weights feed the next, by hand."""
    for x, t in samples:
        trace = api.step(network, x, t, lr, convention, slips)
        network = network_after(trace.network, trace.steps[0])
    return network


def plain_sigmoid_training(weights, samples, lr, epochs):
    """Per-sample backprop written independently of the engine (sigmoid, no biases)."""
    f = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    w = [[list(row) for row in layer] for layer in weights]
    for _ in range(epochs):
        for x, t in samples:
            outs = [list(x)]
            for layer in w:
                outs.append([f(sum(wi * xi for wi, xi in zip(row, outs[-1]))) for row in layer])
            deltas = [[o * (1 - o) * (ti - o) for o, ti in zip(outs[-1], t)]]
            for l in range(len(w) - 1, 0, -1):
                errors = [sum(d * w[l][k][j] for k, d in enumerate(deltas[0])) for j in range(len(outs[l]))]
                deltas.insert(0, [o * (1 - o) * e for o, e in zip(outs[l], errors)])
            for l, layer in enumerate(w):
                for j, row in enumerate(layer):
                    for i in range(len(row)):
                        row[i] += lr * deltas[l][j] * outs[l][i]
    return w


@pytest.mark.parametrize("convention", ["exact", "article"])
@pytest.mark.parametrize("lr", [0.001, 0.5])
def test_one_epoch_ends_on_the_weights_of_four_chained_steps(convention, lr):
    result = train(article.network(), xor(), 1, make_settings(lr, convention))
    assert result.network == chained_steps(article.network(), article.XOR, lr, convention)
    assert result.iterations == 4 and result.epochs_run == 1


def test_several_epochs_with_biases_tanh_and_a_slip_equal_chained_steps():
    net = random_network([3, 2, 2], "tanh", seed=4, biases=True, low=-1)
    rows = [((0.5, -1.0, 0.2), (0.1, 0.9)), ((1.0, 0.0, -0.3), (0.8, -0.2)), ((0.0, 0.4, 1.0), (0.0, 0.5))]
    data = Dataset(tuple(Sample(x, t) for x, t in rows), "rows")
    result = train(net, data, 3, make_settings(0.3, "exact", ["updated-weights"]))
    assert result.network == chained_steps(net, [r for _ in range(3) for r in rows], 0.3,
                                           "exact", ["updated-weights"])


def test_exact_training_agrees_with_an_independent_implementation():
    result = train(article.network(), xor(), 200, make_settings(0.5))
    expected = plain_sigmoid_training(article.network().weights, article.XOR, 0.5, 200)
    for got_layer, want_layer in zip(result.network.weights, expected):
        for got_row, want_row in zip(got_layer, want_layer):
            assert got_row == pytest.approx(want_row, rel=1e-12, abs=1e-15)


def test_the_network_handed_in_is_left_untouched():
    net = article.network()
    train(net, xor(), 3, make_settings(0.5))
    assert net == article.network()


def test_the_loss_per_epoch_is_the_mean_of_the_iterations_losses():
    result = train(article.network(), xor(), 2, make_settings(0.5))
    losses = []
    net = article.network()
    for x, t in article.XOR * 2:
        trace = api.step(net, x, t, 0.5)
        losses.append(trace.steps[0].values["loss"])
        net = network_after(trace.network, trace.steps[0])
    assert [loss for _, loss in result.curve.series()] == pytest.approx(
        [sum(losses[:4]) / 4, sum(losses[4:]) / 4], rel=1e-15)


@pytest.mark.parametrize("convention", ["exact", "article"])
def test_trace_every_k_round_trips_and_matches_a_full_trace(tmp_path, convention):
    full, sparse = tmp_path / "full.jsonl", tmp_path / "sparse.jsonl"
    train(article.network(), xor(), 3, make_settings(0.5, convention), trace=full)
    result = train(article.network(), xor(), 3, make_settings(0.5, convention), trace=sparse, every=5)
    everything, some = read_trace(full), read_trace(sparse)
    assert [s.iteration for s in everything.steps] == list(range(1, 13))
    assert [s.iteration for s in some.steps] == [5, 10] and result.traced == 2
    assert [s.epoch for s in some.steps] == [2, 3]
    by_iteration = {s.iteration: s for s in everything.steps}
    for step in some.steps:
        # Every value as in the full trace; and, its previous step not traced, the weights
        # it began from: those the full trace's previous step left.
        previous = by_iteration[step.iteration - 1].values
        assert step.before == {name: previous[name] for name in step.before}
        assert sorted(step.before) == sorted(n for n in previous if n.count(".") == 2 and ".w" in n)
        step.before = {}
        assert step == by_iteration[step.iteration]
    assert everything.steps[0].before == {}   # every step traced: the one before is in the trace
    # Each epoch's loss, in both: the mean of its four iterations' losses, in order (in
    # floats bit for bit; the article's run adds its Decimals, which the trace rounds).
    losses = [s.values["loss"] for s in everything.steps]
    means = [sum(losses[k:k + 4]) / 4 for k in (0, 4, 8)]
    assert everything.epoch_losses == some.epoch_losses
    assert some.epoch_losses == (means if convention == "exact" else pytest.approx(means, rel=1e-15))
    assert some.network == article.network() and some.settings.learning_rate == 0.5
    assert some.settings.convention == convention
    assert some.extra["epochs"] == 3 and some.extra["every"] == 5
    assert some.extra["data"] == "the article's XOR table"
    # The last full-trace step holds the final weights.
    assert network_after(some.network, everything.steps[-1]) == result.network


def test_a_traced_run_records_what_step_records(tmp_path):
    train(article.network(), xor(), 2, make_settings(0.5), trace=tmp_path / "t.jsonl")
    net = article.network()
    for recorded, (x, t) in zip(read_trace(tmp_path / "t.jsonl").steps, article.XOR * 2):
        step = api.step(net, x, t, 0.5).steps[0]
        assert (recorded.input, recorded.target, recorded.values) == (step.input, step.target, step.values)
        assert list(recorded.values) == list(step.values)   # the same order too
        net = network_after(net, step)


def test_shuffle_is_repeatable_by_seed_and_not_file_order():
    a = train(article.network(), xor(), 5, make_settings(0.5), shuffle=True, seed=3)
    b = train(article.network(), xor(), 5, make_settings(0.5), shuffle=True, seed=3)
    plain = train(article.network(), xor(), 5, make_settings(0.5))
    assert a.network == b.network and a.seed == 3
    assert a.network != plain.network
    order = list(article.XOR)
    rng, samples = random.Random(3), []
    for _ in range(5):
        rng.shuffle(order)
        samples += order
    assert a.network == chained_steps(article.network(), samples, 0.5)


def test_shuffle_without_a_seed_draws_one_and_reports_it():
    a = train(article.network(), xor(), 2, make_settings(0.5), shuffle=True)
    assert a.seed is not None
    assert train(article.network(), xor(), 2, make_settings(0.5), shuffle=True, seed=a.seed).network == a.network


def test_a_stop_request_ends_at_the_end_of_the_current_iteration(tmp_path):
    stop = Stop()

    def progress(epoch, loss):
        if epoch == 5:
            stop.requested = True

    result = train(article.network(), xor(), 100, make_settings(0.5), trace=tmp_path / "t.jsonl",
                   progress=progress, stop=stop)
    assert result.stopped == "interrupted"
    assert result.iterations == 21 and result.epochs_run == 5   # the one iteration after epoch 5
    assert result.network == chained_steps(article.network(), (article.XOR * 6)[:21], 0.5)
    assert [s.iteration for s in read_trace(tmp_path / "t.jsonl").steps] == list(range(1, 22))


def identity_data():
    return Dataset(tuple(Sample((x,), (2 * x,)) for x in (1.0, 2.0, 3.0)), "line.csv")


def identity_network():
    return Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]})


def test_a_diverging_run_stops_names_the_value_and_keeps_the_last_finite_weights(tmp_path):
    result = train(identity_network(), identity_data(), 1000, make_settings(5.0), trace=tmp_path / "t.jsonl")
    assert result.stopped == "non-finite"
    problem = result.problem
    # Replaying by hand: the first iteration whose loss overflows, and the weights before it.
    net, iteration = identity_network(), 0
    for x, t in [([1.0], [2.0]), ([2.0], [4.0]), ([3.0], [6.0])] * 1000:
        iteration += 1
        engine = Engine(net, make_settings(5.0))
        values = {}
        engine.step(x, t, values.__setitem__)
        bad = [name for name, value in values.items() if not math.isfinite(value)]
        if bad:
            break
        net = engine.network()
    assert problem.iteration == iteration and problem.name == bad[0] == "loss"
    assert f"iteration {iteration} (epoch {(iteration - 1) // 3 + 1}): loss is inf" in str(problem)
    assert result.iterations == iteration - 1
    assert result.network == net and all(math.isfinite(w) for w in net.weights[0][0])
    assert not result.verdict.learned and result.verdict.reasons == ("diverged",)
    steps = read_trace(tmp_path / "t.jsonl").steps
    # JSON has no infinity: the trace says null, read back as NaN; every line is strict JSON.
    assert steps[-1].iteration == iteration and math.isnan(steps[-1].values["loss"])
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    records = [json.loads(line, parse_constant=lambda token: pytest.fail(token)) for line in lines]
    assert records[-1]["values"]["loss"] is None


def test_a_weight_overflowing_on_the_last_update_is_caught():
    # The loss (½ · 15²) is finite; only the update 0.5 + 10 · 15 · 1e308 overflows.
    net = Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]})
    data = Dataset((Sample((10.0,), (20.0,)),), "one")
    result = train(net, data, 1, make_settings(1e308))
    assert result.stopped == "non-finite" and result.iterations == 0
    assert result.network == net
    assert result.problem.iteration == 1 and result.problem.name == "L1.n1.w1"


def test_summary_dict_holds_what_json_prints():
    result = train(article.network(), xor(), 3, make_settings(0.5))
    data = result.to_dict()
    assert data["epochs_run"] == 3 and data["iterations"] == 12
    assert data["network"] == result.network.to_dict()
    assert data["learned"] is False and data["verdict"] == result.verdict.describe()
    assert data["samples"][1] == {"input": [0.0, 1.0], "target": [1.0],
                                  "output": list(result.samples[1].outputs), "right": result.samples[1].right}
    assert data["loss_curve"]["points"] == [loss for _, loss in result.curve.series()]
    assert data["evaluator"] == "python"
    assert train(article.network(), xor(), 1, make_settings(0.5), evaluator="numpy").to_dict()["evaluator"] == "numpy"


def test_final_outputs_are_a_forward_pass_with_the_final_weights():
    result = train(article.network(), xor(), 50, make_settings(0.5))
    for sample in result.samples:
        trace = api.step(result.network, list(sample.inputs), list(sample.targets), 0.0)
        assert sample.outputs == (trace.steps[0].values["L2.n1.out"],)


def test_a_decimal_run_beyond_float_range_stops_like_a_float_one():
    # The article convention computes in decimal, which does not overflow at 1e308; the
    # trace holds floats, so a value beyond a float's range counts as not finite.
    result = train(identity_network(), identity_data(), 1000, make_settings(1e300, "article"))
    assert result.stopped == "non-finite" and result.problem.name == "loss"
    assert result.problem.iteration == 2 and result.iterations == 1
    assert result.curve.points == [] and result.epochs_run == 0
    assert all(math.isfinite(w) for w in result.network.weights[0][0])


@pytest.mark.parametrize("epochs, every, rows", [(0, 1, 1), (1, 0, 1), (1, 1, 0)])
def test_train_refuses_nonsense(epochs, every, rows):
    from nntrace.errors import NntraceError
    data = Dataset(xor().samples[:rows], "some")
    with pytest.raises(NntraceError, match="needs at least 1 epoch"):
        train(article.network(), data, epochs, every=every)


def test_a_failure_preparing_the_step_leaves_no_temporary_trace(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("cannot prepare")
    monkeypatch.setattr(steps, "compiled_step", broken)
    with pytest.raises(RuntimeError, match="cannot prepare"):
        train(article.network(), xor(), 1, make_settings(0.5), trace=tmp_path / "t.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_the_replay_that_names_the_value_starts_at_the_epoch_under_way(monkeypatch):
    replayed = []
    real = loop.first_non_finite   # called once for each replayed iteration
    monkeypatch.setattr(loop, "first_non_finite", lambda trace: (replayed.append(trace.steps[0].iteration),
                                                                 real(trace)))
    result = train(identity_network(), identity_data(), 1000, make_settings(2.0))
    assert result.problem.iteration == 225 and result.problem.name == "loss"   # epoch 75's third
    assert replayed == [223, 224, 225] and result.iterations == 224 and result.epochs_run == 74


def test_a_stop_during_the_replay_ends_it_on_finite_weights(monkeypatch):
    stop, real = Stop(), loop.first_non_finite

    def check_then_stop(trace):
        stop.requested = True   # as a Ctrl-C during the replay
        real(trace)
    monkeypatch.setattr(loop, "first_non_finite", check_then_stop)
    result = train(identity_network(), identity_data(), 1000, make_settings(2.0), stop=stop)
    assert result.stopped == "non-finite" and result.iterations == 223
    assert str(result.problem) == ("a value stopped being finite by iteration 225; interrupted at the end of "
                                   "iteration 223 (epoch 75) while looking for the first one")
    engine = Engine(identity_network(), make_settings(2.0))
    for k in range(223):
        x, t = [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)][k % 3]
        engine.step([x], [t])
    assert result.network == engine.network()


def test_a_weight_that_overflowed_while_the_loss_stayed_finite_is_found_from_the_start():
    # The update of iteration 1 makes the weight infinite; the sigmoid then saturates, so
    # every later loss is finite: only the check at the end sees it, after epochs whose
    # snapshots are not finite.
    net = Network.from_dict({"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.0]]]})
    data = Dataset((Sample((1e300,), (1.0,)), Sample((1e300,), (1.0,))), "big")
    result = train(net, data, 20, make_settings(1e10))
    assert result.stopped == "non-finite" and result.problem.iteration == 1
    assert result.problem.name == "L1.n1.w1" and result.iterations == 0 and result.epochs_run == 0
    assert result.network == net


def test_a_shuffled_run_is_replayed_in_the_order_of_its_epoch():
    result = train(identity_network(), identity_data(), 1000, make_settings(2.0), shuffle=True, seed=5)
    # By hand: the same shuffles, step by step, until a value is not finite.
    rng, order = random.Random(5), [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]
    engine, iteration = Engine(identity_network(), make_settings(2.0)), 0
    while True:
        rng.shuffle(order)
        for x, t in order:
            before = engine.network()
            values = {}
            engine.step([x], [t], values.__setitem__)
            iteration += 1
            if not all(map(math.isfinite, values.values())):
                break
        else:
            continue
        break
    assert result.problem.iteration == iteration and result.iterations == iteration - 1
    assert result.network == before


# Whether a run uses the compiled step is decided here: online steps are compiled, slips
# included (a slip is a rewrite of the step's list), decimal carries too (in their own
# number type); the run ends on the engine's very weights.
@pytest.mark.parametrize("convention, slips", [("article", ()), ("exact", ("rounded:3",))])
def test_carried_arithmetic_is_compiled_in_decimal_and_ends_on_the_engines_weights(convention, slips):
    settings = make_settings(0.5, convention, slips)
    engine = Engine(article.network(), settings)
    assert fast_step(engine) is compiled_step(engine.program, False, engine.numbers, engine.arithmetic.carry)
    by_engine = Engine(article.network(), settings)
    for _ in range(30):
        for x, t in article.XOR:
            by_engine.step(x, t)
    assert train(article.network(), xor(), 30, settings).network == by_engine.network()


@pytest.mark.parametrize("slips", [("wrong-sign",), ("updated-weights",), ("derivative-on-output",),
                                   ("missing-derivative", "frozen-biases")])
def test_a_slip_in_float_math_is_compiled_and_ends_on_the_engines_weights(slips):
    network = random_network([2, 3, 2], "tanh", seed=5, biases=True)
    settings = make_settings(0.3, "exact", slips)
    engine = Engine(network, settings)
    assert fast_step(engine) is compiled_step(engine.program)
    compiled = train(network, xor_like(), 20, settings).network
    reference = Engine(network, settings)
    for _ in range(20):
        for x, t in XOR_LIKE:
            reference.step(x, t)
    assert compiled == reference.network()


# Every loss: a run follows the loss it is given.

@pytest.mark.parametrize("layers, activations, loss, rows", [
    ([2, 3, 3], ["tanh", "softmax"], "cross-entropy",
     [((1.0, 0.0), (1.0, 0.0, 0.0)), ((0.0, 1.0), (0.0, 1.0, 0.0)), ((1.0, 1.0), (0.2, 0.3, 0.5))]),
    ([2, 3, 2], ["sigmoid", "sigmoid"], "binary-cross-entropy",
     [((1.0, 0.0), (1.0, 0.0)), ((0.0, 1.0), (0.3, 1.0))]),
    ([2, 2, 2], ["leaky_relu", "softmax"], "squared-error",
     [((0.5, -1.0), (1.0, 0.0)), ((-0.2, 0.8), (0.0, 1.0))]),
    ([2, 2], ["identity"], "mean-squared-error", [((0.5, -1.0), (0.3, -0.7)), ((1.0, 0.2), (1.1, 0.0))]),
])
def test_a_run_under_any_loss_equals_steps_chained_under_it(layers, activations, loss, rows):
    net = random_network(layers, activations, seed=5, biases=True, low=-1)
    data = Dataset(tuple(Sample(x, t) for x, t in rows), "rows")
    result = train(net, data, 3, make_settings(0.4, loss=loss))
    assert result.settings.loss == loss
    chained, losses = net, []
    for x, t in rows * 3:
        trace = api.step(chained, x, t, 0.4, loss=loss)
        losses.append(trace.steps[0].values["loss"])
        chained = network_after(trace.network, trace.steps[0])
    assert result.network == chained
    n = len(rows)
    assert [value for _, value in result.curve.series()] == pytest.approx(
        [sum(losses[k * n:(k + 1) * n]) / n for k in range(3)], rel=1e-14)


def test_a_softmax_run_counts_a_sample_right_by_its_largest_output():
    # One softmax layer left as it is (lr 0): nets w·x, so input (1, 0) gives nets 0.3, 0, 0 and
    # outputs e^0.3 / (e^0.3 + 2) = 0.403 and 0.298 twice: below 0.5, so nearer the target 0 than
    # 1 by distance, yet the largest output is where the target's 1 is: right.
    net = Network.from_dict({"layers": [2, 3], "activation": "softmax",
                             "weights": [[[0.3, 0.0], [0.0, 0.3], [0.0, 0.0]]]})
    rows = [((1.0, 0.0), (1.0, 0.0, 0.0)), ((0.0, 1.0), (0.0, 1.0, 0.0)), ((0.0, 1.0), (0.0, 0.0, 1.0))]
    data = Dataset(tuple(Sample(x, t) for x, t in rows), "rows")
    result = train(net, data, 1, make_settings(0.0, loss="cross-entropy"))
    first = result.samples[0].outputs
    assert first[0] == pytest.approx(math.exp(0.3) / (math.exp(0.3) + 2), rel=1e-14) and first[0] < 0.5
    assert [s.right for s in result.samples] == [True, True, False]
    assert result.verdict.right == 2 and not result.verdict.learned


def test_a_traced_run_records_its_loss_in_the_header(tmp_path):
    net = random_network([2, 2], "softmax", seed=1, biases=True)
    data = Dataset((Sample((1.0, 0.0), (0.0, 1.0)),), "one")
    train(net, data, 2, make_settings(0.5, loss="cross-entropy"), trace=tmp_path / "t.jsonl")
    trace = read_trace(tmp_path / "t.jsonl")
    assert trace.settings.loss == "cross-entropy"
    assert json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])["loss"] == "cross-entropy"
    values = trace.steps[1].values
    assert values["loss"] == pytest.approx(-math.log(values["L1.n2.out"]), rel=1e-14)


def test_a_saturated_run_goes_on_through_infinite_errors(tmp_path):
    # σ(40) is 1.0: −∂E/∂out is −inf at every step, the delta target − out is −1: the run
    # neither stops nor calls it diverged.
    net = Network.from_dict({"layers": [1, 1], "activation": "sigmoid", "weights": [[[40.0]]]})
    data = Dataset((Sample((1.0,), (0.0,)),), "one")
    result = train(net, data, 3, make_settings(0.001, loss="binary-cross-entropy"), trace=tmp_path / "t.jsonl")
    assert result.stopped is None and result.problem is None and result.epochs_run == 3
    assert result.network.weights[0][0][0] == pytest.approx(40 - 3 * 0.001, rel=1e-14)
    steps = read_trace(tmp_path / "t.jsonl").steps
    assert all(not math.isfinite(s.values["L1.n1.error"]) for s in steps)   # written null, read back NaN
    assert [s.values["L1.n1.delta"] for s in steps] == [-1.0] * 3


@pytest.mark.parametrize("settings, updates", [
    (make_settings(0.5), 40),                                        # compiled, online
    (make_settings(0.5, "article"), 40),                             # the engine, Decimals
    (make_settings(0.5, batch_size=3, momentum=0.9), 20),            # batches of 3, 1 (the engine)
])
def test_keep_holds_evenly_spaced_steps_in_memory_as_the_trace_file_holds_them(tmp_path, settings, updates):
    # At most 7 of the run's updates kept: every ceil(updates / 7)-th, as `--every` would trace.
    every = -(-updates // 7)
    kept = train(article.network(), xor(), 10, settings, keep=7).kept
    path = tmp_path / "t.jsonl"
    train(article.network(), xor(), 10, settings, trace=path, every=every)
    written = read_trace(path)
    assert [s.iteration for s in kept.steps] == list(range(every, updates + 1, every))
    assert len(kept.steps) <= 7 and all(step.before for step in kept.steps)
    assert kept.steps == written.steps and kept.epoch_losses == written.epoch_losses
    assert len(kept.epoch_losses) == 10 and kept.extra == written.extra and kept.extra["every"] == every


def test_without_keep_nothing_is_kept():
    assert train(article.network(), xor(), 2, make_settings(0.5)).kept is None
