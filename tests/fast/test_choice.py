"""Which evaluator runs: chosen by size above the crossovers, recorded in the trace's
header, taken again by diff/explain to replay the trace; NumPy imported only when used;
and the reading of a program that has no array form declines."""

import json
import subprocess
import sys

import pytest

from nntrace import api
from nntrace.check import explain as explain_module
from nntrace.check.explain import explain, replay_setup
from nntrace.core.engine import network_program
from nntrace.core.network import random_network
from nntrace.core.program import build
from nntrace.core.settings import make_settings
from nntrace.fast import STEP_CROSSOVER, TRAINING_CROSSOVER, evaluator_for, new_engine, size
from nntrace.fast.plan import Unreadable, groups, read
from nntrace.trace import read_trace, write_trace


def square(weights: int):
    """A 1-n-1 network of about `weights` weights (n·2)."""
    return random_network([1, max(1, weights // 2), 1], seed=1)


def data(network, count: int = 3) -> list:
    return [([0.5] * network.inputs, [1.0] * network.outputs)] * count


@pytest.mark.parametrize("weights, training, expected", [
    (TRAINING_CROSSOVER - 2, True, "python"), (TRAINING_CROSSOVER, True, "numpy"),
    (STEP_CROSSOVER - 2, False, "python"), (STEP_CROSSOVER, False, "numpy")])
def test_the_evaluator_is_chosen_by_size_at_the_crossovers(weights, training, expected):
    network = square(weights)
    assert size(network) == (weights if weights % 2 == 0 else weights - 1)
    assert evaluator_for(network, make_settings(0.1), training) == expected
    assert new_engine(network, make_settings(0.1), training=training).evaluator == expected


def test_biases_count_toward_the_size():
    network = random_network([10, 9, 1], seed=1, biases=True)
    assert size(network) == 10 * 9 + 9 * 1 + 9 + 1


def test_a_training_trace_and_a_step_trace_say_which_evaluator_made_them(tmp_path):
    small, large = square(20), square(TRAINING_CROSSOVER * 2)
    for network, expected in ((small, "python"), (large, "numpy")):
        api.train(network, data(network), 2, 0.1, trace=tmp_path / "t.jsonl")
        header = json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])
        assert header["evaluator"] == expected
        assert read_trace(tmp_path / "t.jsonl").evaluator == expected
    assert api.step(large, [0.5], [1.0], 0.1).evaluator == "python"   # one step: below STEP_CROSSOVER
    assert api.step(large, [0.5], [1.0], 0.1, evaluator="numpy").evaluator == "numpy"
    assert api.step(large, [0.5], [1.0], 0.1, evaluator="numpy").header()["evaluator"] == "numpy"


def test_a_header_without_an_evaluator_reads_as_none_and_a_bad_one_is_refused(tmp_path):
    trace = api.step(square(20), [0.5], [1.0], 0.1)
    trace.evaluator = None
    write_trace(trace, tmp_path / "t.json")
    assert "evaluator" not in json.loads((tmp_path / "t.json").read_text())
    assert read_trace(tmp_path / "t.json").evaluator is None
    (tmp_path / "bad.json").write_text(json.dumps({**trace.to_dict(), "evaluator": 3}))
    with pytest.raises(Exception, match="bad.json: evaluator: 3 is not a name"):
        read_trace(tmp_path / "bad.json")


def test_explain_replays_a_trace_with_the_evaluator_that_made_it(monkeypatch):
    network = random_network([3, 30, 2], seed=3, biases=True, low=-1, high=1)
    expected = api.step(network, [0.1, 0.2, 0.3], [0.0, 1.0], 0.5, evaluator="numpy")
    actual = api.step(network, [0.1, 0.2, 0.3], [0.0, 1.0], 0.5, slips=["wrong-sign"], evaluator="numpy")
    asked = []
    real = explain_module.new_engine
    monkeypatch.setattr(explain_module, "new_engine",
                        lambda net, settings, evaluator, training: asked.append(evaluator) or
                        real(net, settings, evaluator, training))
    found = explain(expected, actual, rtol=0.0, atol=0.0)   # the very same numbers: no tolerance at all
    assert [c.slips for c in found.matches] == [("wrong-sign",)]
    assert set(asked) == {"numpy"}
    actual.evaluator = None   # a trace that does not say: the one nntrace would choose (a step: python)
    assert replay_setup(expected, actual).evaluator == "numpy"   # EXPECTED's, as the other settings
    expected.evaluator = None
    assert replay_setup(expected, actual).evaluator is None


def test_a_trace_the_engine_made_is_replayed_by_the_engine_bit_for_bit():
    network = random_network([3, 30, 2], seed=3, biases=True, low=-1, high=1)
    expected = api.step(network, [0.1, 0.2, 0.3], [0.0, 1.0], 0.5, evaluator="python")
    actual = api.step(network, [0.1, 0.2, 0.3], [0.0, 1.0], 0.5, slips=["frozen-biases"], evaluator="python")
    assert [c.slips for c in explain(expected, actual, rtol=0.0, atol=0.0).matches] == [("frozen-biases",)]


def test_nntrace_starts_without_numpy():
    code = ("import sys, nntrace.cli, nntrace.api, nntrace.fast\n"
            "from nntrace import api\n"
            "api.step(input=[0, 1])\n"
            "api.train(epochs=3, lr=0.5)\n"
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_layer_rewritten_in_part_has_no_array_form():
    program = network_program(random_network([2, 3, 1], seed=1))
    first = next(k for k, a in enumerate(program.assigns) if a.op == "derivative" and a.layer == 1)
    assigns = list(program.assigns)
    assigns[first] = assigns[first]._replace(op="one", args=())   # one neuron's derivative only
    with pytest.raises(Unreadable, match="deriv"):
        read(build(program.layers, ["sigmoid", "sigmoid"], False, "half-squared-error",
                   [lambda _: assigns]))


def test_an_operation_without_an_array_form_declines(monkeypatch):
    from nntrace.fast import engine

    def unknown(assigns):
        return [a._replace(op="unknown_op") if a.kind == "net" else a for a in assigns]

    with pytest.raises(Unreadable, match="unknown_op: no array form"):
        read(build((2, 3, 1), ["sigmoid", "sigmoid"], False, "half-squared-error", [unknown]))
    monkeypatch.setattr(engine, "vectorised", lambda *args: (_ for _ in ()).throw(Unreadable("no")))
    assert new_engine(square(400), make_settings(0.1), "numpy").evaluator == "python"


def test_a_neurons_derivative_and_delta_become_two_array_operations():
    program = network_program(random_network([2, 3, 2], seed=1, biases=True))
    ops = [(group[0].op, group[0].layer, len(group)) for group in groups(program.assigns)]
    assert ("derivative", 2, 2) in ops and ("product", 2, 2) in ops   # the output layer's, listed n1, n2
    assert ("sgd", 2, 6) in ops and ("sgd_bias", 2, 2) in ops         # its weights, then its biases
    # A weight is read by the layer below's errors before its update: the sum comes first.
    order = [(group[0].op, group[0].layer) for group in groups(program.assigns)]
    assert order.index(("back_sum", 1)) < order.index(("sgd", 2))


def test_updated_weights_keeps_each_layers_update_before_the_layer_below_reads_it():
    settings = make_settings(0.5, slips=["updated-weights"])
    program = network_program(random_network([2, 3, 2], seed=1), settings)
    order = [(group[0].op, group[0].layer) for group in groups(program.assigns)]
    assert order.index(("sgd", 2)) < order.index(("back_sum", 1))
