import json
import re

import pytest

from nntrace.errors import NntraceError
from nntrace.trace import read_trace


def test_a_partial_trace_from_another_program_reads(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"steps": [{"values": {"L2.n1.delta": 0.04}}]}))
    trace = read_trace(path)
    assert trace.network is None and trace.steps[0].iteration == 1
    assert trace.steps[0].values == {"L2.n1.delta": 0.04}


@pytest.mark.parametrize("text, message", [
    ("", "empty file"),
    ("{oops", "not valid JSON"),
    ('{"format": "other"}', "not an nntrace trace"),
    ('{"format": "nntrace-trace/1", "steps": 3}', "steps: expected a list of steps"),
    ('{"steps": [{"iteration": 0, "values": {}}]}', "steps[0]: iteration 0: iterations are numbered from 1"),
    ('{"steps": [{"iteration": -3, "values": {}}]}', "steps[0]: iteration -3: iterations are numbered from 1"),
    ('{"steps": [{"iteration": true, "values": {}}]}', "steps[0]: iteration: true is not a whole number"),
    ('{"steps": [{"iteration": 1.5, "values": {}}]}', "steps[0]: iteration: 1.5 is not a whole number"),
    ('{"steps": [{"epoch": false, "values": {}}]}', "steps[0]: epoch: false is not a whole number"),
    ('{}\n{"iteration": 1}\n{"iteration": 0.0}', "line 3: iteration 0: iterations are numbered from 1"),
    ('{"steps": [{"values": {"loss": "x"}}]}', 'steps[0]: values: loss: "x" is not a number'),
    ('{"steps": [{"values": {}, "input": "0 1"}]}', "steps[0]: input: expected a list of numbers"),
    ('{"format": "nntrace-trace/2", "steps": [], "network": {"layers": [2]}}', "network: layers:"),
    ('{"format": "nntrace-trace/1"}\n{"values": 3}', "line 2: values: expected an object"),
])
def test_bad_traces_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(NntraceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_trace(path)


@pytest.mark.parametrize("text, message", [
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"steps": [{"values": {"loss": ' + "9" * 5000 + "}}]}", "not readable as JSON"),
])
def test_pathological_traces_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(NntraceError, match=message):
        read_trace(path)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_header_is_a_trace_of_no_steps(tmp_path, suffix):
    path = tmp_path / f"header{suffix}"
    path.write_text('{"format": "nntrace-trace/1", "convention": "exact", "learning_rate": 0.5}\n')
    trace = read_trace(path)
    assert trace.steps == [] and trace.settings.learning_rate == 0.5


def test_whole_valued_float_iterations_and_epochs_are_whole_numbers(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"steps": [{"iteration": 2.0, "epoch": 1.0, "values": {"loss": 1}}]}')
    step = read_trace(path).steps[0]
    assert (step.iteration, step.epoch) == (2, 1)
    assert type(step.iteration) is int and type(step.epoch) is int


@pytest.mark.parametrize("text, message", [
    ('{}\n{"iteration": 1}\n{"epoch": 2, "epoch_loss": 0.5}',
     r"line 3: epoch 2: epoch losses are listed one per epoch, in order from epoch 1 \(expected epoch 1\)"),
    ('{}\n{"epoch": 1, "epoch_loss": "low"}', 'line 2: epoch_loss: "low" is not a number'),
    ('{}\n{"epoch": true, "epoch_loss": 1}', "line 2: epoch: true is not a whole number"),
    ('{"format": "nntrace-trace/2", "epoch_losses": 0.5}', "epoch_losses: expected a list of numbers, epoch 1 first"),
    ('{"format": "nntrace-trace/2", "epoch_losses": [0.5, "x"]}', 'epoch_losses\\[1\\]: "x" is not a number'),
    ('{"steps": [{"values": {}, "before": [1]}]}', "steps\\[0\\]: before: expected an object"),
    ('{"steps": [{"values": {}, "before": {"L1.n1.w1": "1"}}]}', 'steps\\[0\\]: before: L1.n1.w1: "1" is not'),
])
def test_bad_epoch_losses_and_states_before_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / ("bad.jsonl" if text.startswith("{}\n") else "bad.json")
    path.write_text(text)
    with pytest.raises(NntraceError, match=message):
        read_trace(path)


def test_a_trace_without_epoch_losses_has_none(tmp_path):
    path = tmp_path / "old.jsonl"
    path.write_text('{"format": "nntrace-trace/1"}\n{"iteration": 1, "values": {"loss": 0.5}}\n')
    trace = read_trace(path)
    assert trace.epoch_losses == [] and trace.steps[0].before == {}
    assert "epoch_losses" not in trace.extra


@pytest.mark.parametrize("header, message", [
    ('"batch_size": 0', "bad.json: batch_size: expected a whole number of samples, at least 1, or 'all'"),
    ('"batch_size": "half"', "bad.json: batch_size: expected a whole number"),
    ('"momentum": -1', "bad.json: momentum: expected a number of 0 or more"),
    ('"weight_decay": "x"', "bad.json: weight_decay: not a number"),
    ('"format": "nntrace-trace/2", "steps": [{"samples": {}}]', "steps[0]: samples: expected a list of samples"),
    ('"format": "nntrace-trace/2", "steps": [{"samples": [{"input": [1], "values": {"loss": "x"}}]}]',
     'steps[0]: samples[0]: values: loss: "x" is not a number'),
])
def test_bad_batch_settings_and_samples_are_one_line_errors(tmp_path, header, message):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "nntrace-trace/2", ' + header.replace('"format": "nntrace-trace/2", ', "")
                    + (', "steps": []' if "steps" not in header else "") + "}")
    with pytest.raises(NntraceError, match=re.escape(message)):
        read_trace(path)


def test_a_header_without_batch_settings_reads_as_online_descent(tmp_path):
    path = tmp_path / "old.json"
    path.write_text('{"format": "nntrace-trace/1", "learning_rate": 0.5, "steps": []}')
    settings = read_trace(path).settings
    assert (settings.batch_size, settings.momentum, settings.weight_decay) == (1, 0.0, 0.0)
