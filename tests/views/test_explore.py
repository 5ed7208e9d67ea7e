"""The explore page's data, without a browser: columns, thinning, the states steps began
from, the formula templates, the article's figures, a diff's first difference."""

import math

import pytest

from nntrace import api, article
from nntrace.core.engine import state_values
from nntrace.core.settings import make_settings
from nntrace.trace import Recorder, read_trace
from nntrace.trace.model import network_after
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.views.explore import (MIN_STEPS, PAGE_MOST, VALUE_BUDGET, explore_view, held_positions,
                                   keep_for_training, steps_limit, values_per_step)
from nntrace.views.step import step_view
from tests.plain import evaluate_text

TRAIN = "fixtures/train/xor-3-epochs.json"


@pytest.fixture(autouse=True)
def at_the_root(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("total, limit, must, expected", [
    (5, 10, (), [0, 1, 2, 3, 4]),                  # fits: every step
    (11, 6, (), [0, 2, 4, 6, 8, 10]),              # every other, first and last kept
    (10, 4, (), [0, 3, 6, 9]),
    (10, 4, (5,), [0, 3, 5, 6, 9]),                # a step the page must show is added
    (7, 1, (), [6]),
])
def test_steps_are_thinned_evenly_keeping_the_first_and_the_last(total, limit, must, expected):
    assert held_positions(total, limit, must) == expected


def test_the_columns_hold_every_value_of_every_step_in_order():
    trace = read_trace(TRAIN)
    view = explore_view(trace, TRAIN)
    assert view.iterations == list(range(1, 13)) and view.epochs == [1] * 4 + [2] * 4 + [3] * 4
    assert view.total_steps == 12 and view.sample_counts == [0] * 12
    for name, column in view.expected.values.items():
        assert column == [step.values[name] for step in trace.steps], name
    assert set(view.expected.values) == set(trace.steps[0].values)
    assert view.inputs == [[[s.input[i] for s in trace.steps] for i in range(2)]]
    assert view.targets == [[[s.target[0] for s in trace.steps]]]
    assert view.expected.epoch_losses == trace.epoch_losses and len(trace.epoch_losses) == 3
    assert not any("holds" in note for note in view.notes)   # not thinned


def test_each_step_begins_from_the_weights_the_step_before_left():
    trace = read_trace(TRAIN)
    view = explore_view(trace, TRAIN)
    network = trace.network
    for k, step in enumerate(trace.steps):
        before = network if k == 0 else network_after(network, trace.steps[k - 1])
        names = list(view.before)
        assert [view.before[name][k] for name in names] == state_values(before), k


def test_a_run_traced_every_k_th_step_takes_the_weights_from_the_step_s_own_record(tmp_path):
    path = tmp_path / "sparse.jsonl"
    train(article.network(), xor(), 3, make_settings(0.5), trace=path, every=5)
    full = tmp_path / "full.jsonl"
    train(article.network(), xor(), 3, make_settings(0.5), trace=full)
    everything = read_trace(full)
    view = explore_view(read_trace(path), str(path))
    assert view.iterations == [5, 10]
    for k, iteration in enumerate(view.iterations):
        previous = everything.steps[iteration - 2]   # iteration - 1, counting from 0
        assert {name: column[k] for name, column in view.before.items()} == {
            name: previous.values[name] for name in view.before}


def test_an_unknown_state_is_none_not_a_guess():
    # A producer's trace of iterations 3 and 7, without the weights they began from.
    rec = Recorder("exact", 0.5, article.network())
    for iteration in (3, 7):
        rec.begin_step([0, 1], [1], iteration=iteration, epoch=1)
        rec.record("L1.n1.net", 0.25)
        rec.end_step()
    view = explore_view(rec.trace, "mine.json")
    assert all(column == [None, None] for column in view.before.values())


def long_trace(steps: int):
    """A trace of `steps` article-shaped steps, every value made up (the page does not check them)."""
    rec = Recorder("exact", 0.5, article.network())
    names = api.step().steps[0].values
    for iteration in range(1, steps + 1):
        rec.begin_step([0, 1], [1], iteration=iteration, epoch=(iteration - 1) // 4 + 1)
        for k, name in enumerate(names):
            rec.trace.steps[-1].values[name] = iteration + k / 100
        rec.end_step()
    return rec.trace


def test_a_long_trace_is_thinned_to_the_value_budget_and_the_page_says_so():
    trace = long_trace(9000)
    per_step = values_per_step(trace)
    limit = steps_limit(per_step)
    assert limit == VALUE_BUDGET // per_step and limit < 9000
    view = explore_view(trace, "long.json")
    assert len(view.iterations) == limit
    assert view.iterations[0] == 1 and view.iterations[-1] == 9000
    gaps = {b - a for a, b in zip(view.iterations, view.iterations[1:])}
    assert max(gaps) - min(gaps) <= 1   # evenly spaced
    assert any(f"holds {limit:,} of the trace's 9,000 steps, evenly spaced" in note for note in view.notes)
    # Only the held steps' values, by column.
    assert view.expected.values["loss"] == [trace.steps[i - 1].values["loss"] for i in view.iterations]


def test_a_big_network_still_gets_a_few_steps_and_a_huge_one_at_least_one():
    assert steps_limit(50_000) == MIN_STEPS                     # 50 steps of 50,000 numbers
    assert steps_limit(400_000) == PAGE_MOST // 400_000 == 8    # a 2-300-300-1 step: 8
    assert steps_limit(10 ** 9) == 1


def test_a_network_too_large_to_draw_and_wide_is_summarised_unless_every_value_is_asked():
    # 2-30-30-1: 990 weights, too many to draw, layers of 30: each shows its first 8 neurons,
    # each with its first 8 weights, and holds the values their formulas read.
    from nntrace.core.network import random_network

    network = random_network([2, 30, 30, 1], seed=2, low=-1, high=1)
    trace = api.step(network, input=[0.3, 0.8], target=[1], lr=0.1)
    view = explore_view(trace, "wide.json")
    rows = {row.name for row in view.rows}
    assert {"L2.n8.w8", "L2.n8.net", "L1.n8.out", "loss"} <= rows
    assert not rows & {"L2.n9.net", "L2.n8.w9", "L1.n9.out"}
    held = set(view.expected.values)
    assert {"L1.n30.out", "L2.n1.w30"} <= held                   # L2.n1.net's formula reads them
    assert "L2.n30.w30" not in held and "L2.n30.w30" not in view.before
    assert all(view.expected.values[name] == [trace.steps[0].values[name]] for name in held)
    assert any("a layer of more than 16 neurons shows its first 8" in note for note in view.notes)
    every = explore_view(trace, "wide.json", every_value=True)
    assert {row.name for row in every.rows} == set(trace.steps[0].values)
    assert not any("shows its first 8" in note for note in every.notes)
    small = explore_view(api.step(random_network([2, 20, 1], seed=2), input=[0, 1], target=[1]), "s.json")
    assert any(row.name == "L1.n20.net" for row in small.rows)   # drawn: every neuron


def test_train_keeps_as_many_steps_as_the_page_holds():
    network, settings = article.network(), make_settings(0.5)
    keep = keep_for_training(network, settings, 1)
    run = train(network, xor(), 10000, settings, keep=keep)
    view = explore_view(run.kept, "run")
    assert len(view.iterations) == len(run.kept.steps) <= keep
    assert len(view.iterations) > 3000   # the 40,000 iterations, thinned to about one in ten
    assert view.total_steps == len(run.kept.steps)   # kept thinned once, not again
    assert len(view.expected.epoch_losses) == 10000


def fill(template: str, texts: list[str]) -> str:
    """A template filled in as the page fills it: `{k}` the operand's text, `{=k}` the
    operand with its parentheses off."""
    import re

    return re.sub(r"\{(=?)(\d+)\}", lambda m: texts[int(m[2])].removeprefix("(").removesuffix(")")
                  if m[1] else texts[int(m[2])], template)


def python_fill(view, row, k: int, trace) -> str:
    """The row's template filled in with its operands' values at step k (what the page's
    script does), through the terminal's own resolution of each operand."""
    from nntrace.views.step import operand_values
    from nntrace.views.text import operand
    from nntrace.trace.model import SampleValues

    step = trace.steps[k]
    state = {name: column[k] for name, column in view.before.items()}
    rates = {"lr": trace.settings.learning_rate, "momentum": trace.settings.momentum,
             "weight_decay": trace.settings.weight_decay}
    sample = SampleValues(step.input, step.target, step.values)
    values = operand_values(row.operands, step, sample, [sample], state, rates)
    return fill(row.template, [operand(v) for v in values])


@pytest.mark.parametrize("args", [dict(), dict(slips=["updated-weights"]), dict(convention="article"),
                                  dict(network="fixtures/networks/2-3-2-softmax-biases.json", input=[0.5, -1],
                                       target=[0, 1], loss="cross-entropy", lr=0.1)])
def test_the_templates_filled_in_are_the_terminal_s_formulas(args):
    trace = api.step(**args)
    view = explore_view(trace, "step.json")
    terminal = {line.name: line for s in step_view(trace).sections for line in s.lines}
    assert [row.name for row in view.rows] == list(terminal)
    for row in view.rows:
        assert python_fill(view, row, 0, trace) == terminal[row.name].formula, row.name
        assert "{" not in terminal[row.name].formula   # a placeholder could not be told from text
        assert row.label == terminal[row.name].label


def test_a_batch_s_mean_has_a_template_per_batch_size(tmp_path):
    path = tmp_path / "b.jsonl"
    train(article.network(), xor(), 2, make_settings(0.5, batch_size=3), trace=path)
    view = explore_view(read_trace(path), str(path))
    assert view.sample_counts == [3, 1, 3, 1]
    mean = next(row for row in view.rows if row.name == "L2.n1.w1.grad" and row.scope == "batch")
    assert mean.by_count == {1: "{0} / 1", 3: "({0} + {1} + {2}) / 3"} and mean.template == ""
    sample_rows = [row.name for row in view.rows if row.scope == "sample"]
    assert sample_rows[:2] == ["L1.n1.net", "L1.n2.net"] and "L2.n1.w1.grad" in sample_rows
    trace = read_trace(path)
    assert view.expected.samples[2]["L1.n1.net"] == [trace.steps[0].samples[2].values["L1.n1.net"], None,
                                                     trace.steps[2].samples[2].values["L1.n1.net"], None]
    assert view.inputs[1][0] == [0.0, None, 0.0, None]   # sample 2 of each batch: input 0 1


def test_the_article_s_figures_where_the_step_is_its_example():
    trace = api.step()
    view = explore_view(trace, "step.json")
    terminal = step_view(trace)
    assert view.figures[0] == {line.name: (line.figure, line.verdict)
                               for s in terminal.sections for line in s.lines if line.figure}
    assert len(view.figures[0]) == 37 and view.figures[0]["L1.n1.out"] == ("0.64", "✓")
    assert view.figure_notes[0] == terminal.notes
    assert explore_view(api.step(lr=0.5), "other.json").figures == {}


def test_against_a_trace_both_sides_and_the_first_difference_as_diff_finds_it():
    expected = api.step(input=[0, 1])
    actual = api.step(input=[0, 1], slips=["wrong-sign"])
    view = explore_view(expected, "expected.json", actual, "mine.json")
    report = api.diff(expected, actual, explain=False).comparison
    first = report.first
    assert (view.first.iteration, view.first.name, view.first.expected, view.first.actual) == (
        first.iteration, first.name, first.expected, first.actual)
    assert view.first.position == 0 and view.first.name == "L2.n1.error"
    assert view.actual.values["L2.n1.error"] == [actual.steps[0].values["L2.n1.error"]]
    assert {name for (slot, name) in view.differing} == {d.name for d in report.steps[0].differing}
    assert view.title == "nntrace explore: expected.json against mine.json"


def test_against_a_thinned_trace_the_first_difference_is_among_the_steps_held():
    expected = long_trace(9000)
    actual = long_trace(9000)
    actual.steps[4321].values["L1.n3.out"] += 1
    view = explore_view(expected, "a.json", actual, "b.json")
    assert 4322 in view.iterations and len(view.iterations) < 9000
    assert view.first.iteration == 4322 and view.iterations[view.first.position] == 4322
    assert view.differing == {(None, "L1.n3.out"): [view.first.position]}


def test_formulas_say_what_their_values_are():
    # Filled in at 17 digits, every formula without a function evaluates to its value.
    trace = api.step(lr=0.5)
    view = explore_view(trace, "s.json")
    for row in view.rows:
        from nntrace.views.step import operand_values
        from nntrace.trace.model import SampleValues

        step = trace.steps[0]
        sample = SampleValues(step.input, step.target, step.values)
        state = {name: column[0] for name, column in view.before.items()}
        values = operand_values(row.operands, step, sample, [sample], state, {"lr": 0.5})
        text = fill(row.template, [f"({v!r})" for v in values])
        if "sigmoid" in text:
            continue
        assert evaluate_text(text) == pytest.approx(step.values[row.name], rel=1e-12, abs=1e-15), row.name
    assert not math.isnan(view.expected.values["loss"][0])


def test_a_worked_example_s_figures_beside_its_own_step():
    from nntrace.check.example import read_example

    example = read_example("examples/mazur-2-2-2.json")
    trace = api.step(example.network, example.input, example.target, example.settings.learning_rate)
    view = explore_view(trace, "mazur.json", example=example)
    terminal = step_view(trace, example=example)
    assert view.figures[0] == {line.name: (line.figure, line.verdict)
                               for s in terminal.sections for line in s.lines if line.figure}
    assert len(view.figures[0]) >= 20 and view.figure_title == terminal.source
    assert {row.name: row.label for row in view.rows if row.label}["L2.n1.w1"] == \
        {line.name: line.label for s in terminal.sections for line in s.lines}["L2.n1.w1"]
    # Without it, the article's figures do not apply to Mazur's network.
    assert explore_view(trace, "mazur.json").figures == {}


def test_against_an_agreeing_trace_the_page_says_what_diff_says():
    same = explore_view(api.step(), "a.json", api.step(), "b.json")
    assert same.first is None and same.agreement == "No difference: all 50 values compared agree within " \
                                                    "rtol 1e-12, atol 1e-15."
    other = api.step(input=[1, 1])
    other.steps[0].values = {"loss": api.step().steps[0].values["loss"]}
    setup = explore_view(api.step(), "a.json", other, "b.json", rtol=1e-12, atol=1e-12)
    assert setup.agreement.startswith("No value differs, but the setups do: iteration 1: input [0.0, 1.0] "
                                      "expected, [1.0, 1.0] in ACTUAL")
    other.steps[0].iteration = 2
    assert explore_view(api.step(), "a.json", other, "b.json").agreement.startswith("No value to compare")
