import copy
import dataclasses
import math
import json

import pytest

from nntrace import api, article
from nntrace.check.compare import close, compare, computation_order, grammar_key
from nntrace.core.engine import network_program, value_names
from nntrace.core.network import random_network
from nntrace.core.settings import make_settings
from nntrace.errors import NntraceError
from nntrace.trace import Step, Trace, read_trace, write_trace


def exact() -> Trace:
    return api.step(article.network(), [0, 1], [1])


def test_grammar_order_written_out_by_hand_for_a_1_1_1_network():
    names = ["L2.n1.b", "L1.n1.b", "L2.n1.w1", "L1.n1.w1", "L1.n1.delta", "L1.n1.deriv", "L1.n1.error",
             "L2.n1.delta", "L2.n1.deriv", "L2.n1.error", "loss", "L2.n1.out", "L2.n1.net", "L1.n1.out",
             "L1.n1.net"]
    assert sorted(names, key=grammar_key) == [
        "L1.n1.net", "L1.n1.out", "L2.n1.net", "L2.n1.out", "loss",
        "L2.n1.error", "L2.n1.deriv", "L2.n1.delta", "L1.n1.error", "L1.n1.deriv", "L1.n1.delta",
        "L2.n1.w1", "L2.n1.b", "L1.n1.w1", "L1.n1.b"]


@pytest.mark.parametrize("layers, biases", [([2, 4, 1], False), ([2, 2, 2], True), ([3, 3, 2, 1], True),
                                            ([12, 11, 2], True)])
def test_the_name_grammar_gives_the_engines_own_order(layers, biases):
    network = random_network(layers, seed=3, biases=biases)
    names = value_names(network)
    assert sorted(reversed(names), key=grammar_key) == names
    assert computation_order(reversed(names)) == names            # no network: the grammar
    assert computation_order(reversed(names), network) == names   # with one: the engine


@pytest.mark.parametrize("decay", [0.0, 0.01])
def test_with_momentum_each_velocity_comes_before_its_weight(decay):
    network, settings = random_network([2, 3, 1], seed=5, biases=True), make_settings(momentum=0.9,
                                                                                     weight_decay=decay)
    names = network_program(network, settings).names
    assert "L2.n1.w1.velocity" in names
    assert sorted(reversed(names), key=grammar_key) == names
    assert computation_order(reversed(names), network, settings) == names


def test_a_batchs_names_come_in_its_steps_order():
    network, settings = random_network([2, 3, 1], seed=5, biases=True), make_settings(batch_size=4,
                                                                                     momentum=0.9)
    program = network_program(network, settings)
    names = list(dict.fromkeys(program.sample_names + program.names))
    assert computation_order(reversed(names), network, settings) == names


def test_unknown_names_come_last_in_a_fixed_order():
    assert computation_order(["zeta", "L1.n1.net", "alpha", "loss"]) == ["L1.n1.net", "loss", "alpha", "zeta"]


def test_a_trace_is_the_same_as_itself():
    report = compare(exact(), exact())
    assert report.same and report.identical
    assert report.compared == 50 and report.differing == 0 and report.first is None


@pytest.mark.parametrize("with_network", [True, False])
def test_first_divergence_is_earliest_in_computation_order_not_in_file_order(tmp_path, with_network):
    expected, actual = exact(), exact()
    values = actual.steps[0].values
    values["L1.n1.w1"] += 0.5       # sorts first by name, but is computed last
    values["L2.n1.deriv"] *= 1.25   # the real first divergence
    values["L1.n3.delta"] += 0.1
    # The file lists values backwards: the first in the file is the last computed.
    actual.steps[0].values = dict(reversed(list(values.items())))
    if not with_network:
        expected.network = actual.network = None
    write_trace(actual, tmp_path / "actual.json")
    reread = read_trace(tmp_path / "actual.json")
    assert next(iter(reread.steps[0].values)) == "L1.n4.w2"
    report = compare(expected, reread)
    assert not report.same
    assert report.first.name == "L2.n1.deriv"
    assert report.first.expected == expected.steps[0].values["L2.n1.deriv"]
    assert report.first.difference == pytest.approx(0.25 * expected.steps[0].values["L2.n1.deriv"])
    assert [d.name for d in report.steps[0].differing] == ["L2.n1.deriv", "L1.n3.delta", "L1.n1.w1"]


def test_tolerances_are_relative_to_the_larger_value_and_absolute_only_near_zero():
    # |e - a| <= max(rtol * max(|e|, |a|), atol), rtol 1e-12 and atol 1e-15 by default.
    expected, actual = exact(), exact()
    values = actual.steps[0].values
    assert expected.steps[0].values["L1.n1.w1"] == 0.2 and values["L1.n1.w1.grad"] == 0.0   # input 0
    values["L2.n1.out"] *= 1 + 1e-14      # float noise: the same
    values["L1.n1.w1"] += 1e-13           # within 1e-12 x 0.2 = 2e-13: the same
    values["L1.n1.w1.grad"] = 1e-16       # near zero, within atol 1e-15: the same
    assert compare(expected, actual).same and compare(actual, expected).same
    values["L1.n1.w1.grad"] = 1e-14       # beyond atol, and rtol x 1e-14 is nothing
    assert compare(expected, actual).first.name == "L1.n1.w1.grad"
    assert compare(expected, actual, atol=1e-13).same
    values["L1.n1.w1"] += 2e-13           # 3e-13 from 0.2: beyond 2e-13, whatever atol below it
    assert compare(expected, actual, atol=1e-13).first.name == "L1.n1.w1"
    values["L2.n1.out"] *= 1 + 1e-7
    assert compare(expected, actual, atol=1e-13).first.name == "L2.n1.out"
    assert compare(expected, actual, rtol=1e-6, atol=1e-13).same
    assert compare(expected, actual, rtol=0, atol=1e-6).same


def test_the_tolerance_formula_at_its_edges():
    # Relative to the larger of the two, so swapping them changes nothing: 1 and 1 + 2e-12
    # differ by 2e-12 > 1e-12 x (1 + 2e-12); 100 and 100 + 5e-11 agree (5e-11 <= 1e-10).
    assert not close(1.0, 1.0 + 2e-12, 1e-12, 0) and not close(1.0 + 2e-12, 1.0, 1e-12, 0)
    assert close(100.0, 100.0 + 5e-11, 1e-12, 0) and close(100.0 + 5e-11, 100.0, 1e-12, 0)
    assert close(0.0, 1e-15, 1e-12, 1e-15) and not close(0.0, 3e-15, 1e-12, 1e-15)
    # Near the largest float the difference overflows; the halves do not.
    big = 1.7976931348623157e308
    assert close(big, big, 0, 0) and close(big, -big, 1.0, 0) is False
    assert not close(big, -big, 0.5, 0) and close(big, big * (1 - 1e-15), 1e-12, 0)


def test_a_partial_trace_is_checked_on_what_it_holds():
    expected, actual = exact(), exact()
    step = actual.steps[0]
    step.values = {name: value for name, value in step.values.items() if name.endswith(".delta")}
    report = compare(expected, actual)
    assert report.same and not report.identical
    assert report.compared == 5 and report.not_checked == 45
    assert "L1.n1.net" in report.steps[0].not_checked
    step.values["L1.n2.delta"] = 0.0056
    report = compare(expected, actual)
    assert not report.same and report.differing == 1 and report.first.name == "L1.n2.delta"


def test_extra_values_and_steps_are_listed_but_do_not_make_a_difference():
    expected, actual = exact(), exact()
    actual.steps[0].values["L1.n1.gradient"] = 1.0
    actual.steps.append(api.step(article.network(), [1, 1], [0]).steps[0])
    actual.steps[-1].iteration = 2
    report = compare(expected, actual)
    assert report.same and not report.identical
    assert report.steps[0].extra == ["L1.n1.gradient"] and report.extra_steps == [2]
    report = compare(actual, expected)
    assert report.steps_not_checked == [2] and report.steps[0].not_checked == ["L1.n1.gradient"]


def test_steps_are_aligned_by_iteration_not_position():
    two = Trace(steps=[api.step(article.network(), x, t).steps[0] for x, t in article.XOR[:2]])
    for number, step in enumerate(two.steps, 1):
        step.iteration = number
    backwards = Trace(steps=copy.deepcopy(list(reversed(two.steps))))
    assert compare(two, backwards).identical
    backwards.steps[1].values["loss"] = 2.0        # iteration 1, listed second
    backwards.steps[0].values["L1.n1.net"] = 2.0   # iteration 2, listed first
    assert (compare(backwards, two).first.iteration, compare(backwards, two).first.name) == (1, "loss")


def test_a_different_momentum_or_weight_decay_is_a_setup_difference():
    plain = api.step(article.network(), data=ROWS, lr=0.5)
    moving = api.step(article.network(), data=ROWS, lr=0.5, momentum=0.9, weight_decay=0.01)
    assert compare(moving, plain).setup_differences == ["momentum 0.9 expected, 0.0 in ACTUAL",
                                                        "weight decay 0.01 expected, 0.0 in ACTUAL"]


def test_different_setups_are_differences():
    expected = exact()
    other_rate = api.step(article.network(), [0, 1], [1], lr=0.5)
    report = compare(expected, other_rate)
    assert not report.same
    assert report.setup_differences[0] == "learning rate 0.001 expected, 0.5 in ACTUAL"
    other_input = api.step(article.network(), [1, 1], [1])
    assert compare(expected, other_input).setup_differences == [
        "iteration 1: input [0.0, 1.0] expected, [1.0, 1.0] in ACTUAL"]
    network = article.network()
    network.weights[0][0][0] = 0.3
    assert "starting weights" in compare(expected, api.step(network, [0, 1], [1])).setup_differences[0]


def test_nothing_in_common_is_not_the_same():
    expected, actual = exact(), exact()
    actual.steps[0].values = {"h1_net": 0.6}
    report = compare(expected, actual)
    assert report.compared == 0 and not report.same


def test_the_report_as_json():
    expected, actual = exact(), exact()
    actual.steps[0].values["loss"] = 0.5
    data = json.loads(json.dumps(compare(expected, actual).to_dict()))
    assert data["same"] is False
    assert data["first_divergence"] == {"iteration": 1, "name": "loss",
                                        "expected": expected.steps[0].values["loss"], "actual": 0.5,
                                        "difference": 0.5 - expected.steps[0].values["loss"]}
    assert data["compared"] == 50 and data["differing"] == 1


def test_two_steps_with_one_iteration_number_are_refused():
    actual = exact()
    actual.steps.append(actual.steps[0])
    with pytest.raises(NntraceError, match=r"^mine.json: iteration 1 appears twice"):
        compare(exact(), actual, sources=("expected.json", "mine.json"))


def test_non_finite_values_agree_only_with_non_finite_ones():
    from nntrace.check.compare import close
    inf, nan = math.inf, math.nan
    assert close(inf, inf, 1e-12, 1e-12) and close(-inf, -inf, 0, 0) and close(nan, nan, 1e-12, 1e-12)
    assert not close(inf, -inf, 1e-12, 1e-12)
    assert not close(inf, 1e300, 1e-12, 1e-12) and not close(1e300, inf, 1e-12, 1e-12)
    assert not close(nan, 0.0, 1e-12, 1e-12) and not close(1.0, nan, 1e-12, 1e-12)
    # A trace's null reads as NaN, "not a finite number": it agrees with either infinity.
    assert close(nan, inf, 1e-12, 1e-12) and close(-inf, nan, 1e-12, 1e-12)


def test_a_diverged_trace_is_the_same_as_itself():
    values = {"L1.n1.net": math.inf, "L1.n1.out": math.inf, "loss": math.inf, "L1.n1.error": -math.inf,
              "L1.n1.delta": -math.inf, "L1.n1.w1": math.nan}
    diverged = Trace(steps=[Step(1, 1, [1e200], [0.0], values)])
    report = compare(diverged, copy.deepcopy(diverged))
    assert report.same and report.compared == 6 and report.differing == 0


def test_extra_names_that_look_like_a_missing_name_are_likely_typos():
    expected, actual = exact(), exact()
    values = actual.steps[0].values
    values["L1.n1.nte"] = values.pop("L1.n1.net")      # a typo
    values["L2.n1.dleta"] = values.pop("L2.n1.delta")  # another
    values["my_timing"] = 0.5                          # a producer's own name: no typo
    values["L1.n2.outt"] = values["L1.n2.out"]         # L1.n2.out is recorded too: no typo
    report = compare(expected, actual)
    assert report.likely_typos == {"L1.n1.nte": "L1.n1.net", "L2.n1.dleta": "L2.n1.delta"}
    assert compare(expected, exact()).likely_typos == {}


SOFTMAX = {"layers": [2, 3, 2], "activation": ["sigmoid", "softmax"],
           "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3], [-0.4, 0.6, 0.1]]],
           "biases": [[0.1, -0.1, 0.2], [0.05, -0.05]]}


def test_traces_of_different_losses_differ_in_their_setup():
    ce = api.step(SOFTMAX, [0.5, -1], [0, 1], 0.5, loss="cross-entropy")
    se = api.step(SOFTMAX, [0.5, -1], [0, 1], 0.5, loss="squared-error")
    report = compare(ce, se)
    assert report.setup_differences == ["loss cross-entropy expected, squared-error in ACTUAL"]
    assert not report.same
    # The forward pass agrees; the first difference is the loss itself.
    assert report.first.name == "loss"
    assert compare(ce, copy.deepcopy(ce)).identical


def test_a_loss_that_differs_alone_is_still_a_setup_difference(tmp_path):
    # Same numbers, one header says another loss: not the same run.
    ce = api.step(SOFTMAX, [0.5, -1], [0, 1], 0.5, loss="cross-entropy")
    relabelled = copy.deepcopy(ce)
    relabelled.settings = dataclasses.replace(ce.settings, loss="half-squared-error")
    write_trace(relabelled, tmp_path / "r.json")
    report = compare(ce, read_trace(tmp_path / "r.json"))
    assert report.differing == 0 and not report.same
    assert "loss cross-entropy expected, half-squared-error in ACTUAL" in report.setup_differences


def test_an_infinite_error_read_back_as_null_agrees_with_itself(tmp_path):
    net = {"layers": [1, 1], "activation": "sigmoid", "weights": [[[40.0]]]}
    trace = api.step(net, [1], [0], loss="binary-cross-entropy")
    write_trace(trace, tmp_path / "t.json")
    report = compare(trace, read_trace(tmp_path / "t.json"))
    assert report.identical


# Batch traces: a difference names the sample whose value it is.
ROWS = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 1.0], [0.0])]


def test_a_difference_in_a_batch_names_its_sample():
    expected = api.step(article.network(), data=ROWS, lr=0.5, momentum=0.9)
    actual = copy.deepcopy(expected)
    actual.steps[0].samples[1].values["L1.n2.delta"] += 1e-6
    report = compare(expected, actual)
    assert not report.same and report.differing == 1
    first = report.first
    assert (first.iteration, first.name, first.sample) == (1, "L1.n2.delta", 2)
    assert first.where == "sample 2: L1.n2.delta"
    assert first.to_dict()["sample"] == 2 and report.to_dict()["first_divergence"]["sample"] == 2
    # Every value of every sample and of the update is compared.
    program_values = sum(len(s.values) for s in expected.steps[0].samples) + len(expected.steps[0].values)
    assert report.compared == program_values


def test_a_difference_in_the_update_of_a_batch_names_no_sample():
    expected = api.step(article.network(), data=ROWS, lr=0.5)
    actual = copy.deepcopy(expected)
    actual.steps[0].values["L1.n1.w2.grad"] *= 2
    first = compare(expected, actual).first
    assert (first.name, first.sample, first.where) == ("L1.n1.w2.grad", None, "L1.n1.w2.grad")
    assert "sample" not in first.to_dict()


def test_samples_come_first_in_computation_order_then_the_update():
    expected = api.step(article.network(), data=ROWS, lr=0.5)
    actual = copy.deepcopy(expected)
    actual.steps[0].values["L2.n1.w1"] += 1
    actual.steps[0].samples[2].values["L1.n1.net"] += 1
    report = compare(expected, actual)
    assert [d.where for d in report.steps[0].differing] == ["sample 3: L1.n1.net", "L2.n1.w1"]


def test_two_identical_batch_traces_are_the_same(tmp_path):
    trace = api.step(article.network(), data=ROWS, lr=0.5, momentum=0.9, weight_decay=0.01)
    for suffix in (".json", ".jsonl"):
        write_trace(trace, tmp_path / f"t{suffix}")
        assert compare(trace, read_trace(tmp_path / f"t{suffix}")).identical
    assert compare(trace, api.step(article.network(), data=ROWS, lr=0.5, momentum=0.9, weight_decay=0.01)).identical


def test_batches_of_different_sizes_differ_in_their_setup():
    two = api.step(article.network(), data=ROWS, lr=0.5, batch_size=2)
    three = api.step(article.network(), data=ROWS, lr=0.5)
    report = compare(two, three)
    assert report.setup_differences == ["iteration 1: 2 sample(s) in the batch expected, 3 in ACTUAL"]
    assert not report.same


def test_a_batch_against_a_step_of_one_sample_differs_in_its_setup_not_in_what_is_recorded():
    # The batch holds each sample's forward values in its samples: they are not "not recorded".
    one = api.step(article.network(), input=ROWS[0][0], target=ROWS[0][1], lr=0.5)
    batch = api.step(article.network(), data=ROWS, lr=0.5, batch_size="all")
    for expected, actual, said in ((one, batch, "a step of one sample expected, a batch of 3 samples in ACTUAL"),
                                   (batch, one, "a batch of 3 samples expected, a step of one sample in ACTUAL")):
        report = compare(expected, actual)
        assert report.setup_differences == [f"iteration 1: {said}"]
        assert report.not_checked == 0 and report.extra == 0 and report.unrecorded_before_first == 0
        assert not report.same
