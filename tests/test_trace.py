import json
import math
import re

import pytest

from nntrace import article
from nntrace.errors import NntraceError
from nntrace.trace import JsonlTraceWriter, Recorder, Trace, read_trace, sample_fields, write_trace


def sample_trace() -> Trace:
    rec = Recorder("exact", 0.001, article.network())
    for iteration, (x, t) in enumerate(article.XOR, 1):
        rec.begin_step(x, t, iteration=iteration, epoch=1)
        rec.record("L1.n1.net", 0.1 * iteration)
        rec.record("loss", 1 / 3)
        rec.end_step()
    return rec.trace


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_write_then_read_round_trips(tmp_path, suffix):
    trace = sample_trace()
    path = tmp_path / f"t{suffix}"
    write_trace(trace, path)
    assert read_trace(path) == trace
    if suffix == ".jsonl":
        lines = path.read_text().splitlines()
        assert len(lines) == 5 and json.loads(lines[0])["format"] == "nntrace-trace/1"


def test_streaming_writer_matches_the_whole_file_writer(tmp_path):
    trace = sample_trace()
    writer = JsonlTraceWriter(tmp_path / "s.jsonl", trace)
    for step in trace.steps:
        writer.begin_step(step.input, step.target, step.iteration, step.epoch)
        for name, value in step.values.items():
            writer.record(name, value)
        writer.end_step()
    assert not (tmp_path / "s.jsonl").exists()  # nothing appears until it is whole
    writer.close()
    assert read_trace(tmp_path / "s.jsonl") == trace


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    return json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} is not JSON"))


@pytest.mark.parametrize("suffix, streamed", [(".jsonl", True), (".jsonl", False), (".json", False)])
def test_non_finite_values_are_written_as_null_and_read_as_nan(tmp_path, suffix, streamed):
    path = tmp_path / f"s{suffix}"
    values = {"L1.n1.net": float("inf"), "L1.n1.out": -float("inf"), "loss": float("nan"), "L1.n1.w1": 0.5}
    if streamed:
        writer = JsonlTraceWriter(path, Trace())
        writer.begin_step([0], [1], 1, 1)
        for name, value in values.items():
            writer.record(name, value)
        writer.end_step()
        writer.close()
    else:
        rec = Recorder()
        rec.begin_step([0], [1], 1, 1)
        for name, value in values.items():
            rec.record(name, value)
        rec.save(path)
    text = path.read_text()
    documents = [strict_json(line) for line in text.splitlines()] if suffix == ".jsonl" else [strict_json(text)]
    step = documents[-1] if suffix == ".jsonl" else documents[0]["steps"][0]
    assert step["values"] == {"L1.n1.net": None, "L1.n1.out": None, "loss": None, "L1.n1.w1": 0.5}
    read = read_trace(path).steps[0].values
    assert [math.isnan(read[name]) for name in values] == [True, True, True, False]
    assert read["L1.n1.w1"] == 0.5


def test_recorder_needs_a_step_first():
    with pytest.raises(RuntimeError, match="begin_step"):
        Recorder().record("loss", 1.0)


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
    ('{"format": "nntrace-trace/1", "steps": 3}', "no list of steps"),
    ('{"steps": [{"iteration": 0, "values": {}}]}', "steps[0]: iteration 0: iterations are numbered from 1"),
    ('{"steps": [{"iteration": -3, "values": {}}]}', "steps[0]: iteration -3: iterations are numbered from 1"),
    ('{"steps": [{"iteration": true, "values": {}}]}', "steps[0]: iteration: true is not a whole number"),
    ('{"steps": [{"iteration": 1.5, "values": {}}]}', "steps[0]: iteration: 1.5 is not a whole number"),
    ('{"steps": [{"epoch": false, "values": {}}]}', "steps[0]: epoch: false is not a whole number"),
    ('{}\n{"iteration": 1}\n{"iteration": 0.0}', "line 3: iteration 0: iterations are numbered from 1"),
    ('{"steps": [{"values": {"loss": "x"}}]}', 'steps[0]: values: loss: "x" is not a number'),
    ('{"steps": [{"values": {}, "input": "0 1"}]}', "steps[0]: input: expected a list of numbers"),
    ('{"steps": [], "network": {"layers": [2]}}', "network: layers:"),
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


def test_write_values_writes_the_same_line_as_begin_record_end(tmp_path):
    trace = sample_trace()
    by_record, at_once = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first, second = JsonlTraceWriter(by_record, trace), JsonlTraceWriter(at_once, trace)
    for step in trace.steps:
        first.begin_step(step.input, step.target, step.iteration, step.epoch)
        for name, value in step.values.items():
            first.record(name, value)
        first.end_step()
        second.write_values(step.iteration, step.epoch, sample_fields(step.input, step.target),
                            tuple(step.values), tuple(step.values.values()))
    second.write_values(9, 3, sample_fields([1], [0]), ("loss",), (float("nan"),))
    first.close()
    second.close()
    lines = at_once.read_text().splitlines()
    assert lines[:-1] == by_record.read_text().splitlines()
    assert json.loads(lines[-1])["values"] == {"loss": None}   # JSON has no NaN
    assert read_trace(at_once).steps[:-1] == trace.steps


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_header_is_a_trace_of_no_steps(tmp_path, suffix):
    path = tmp_path / f"header{suffix}"
    path.write_text('{"format": "nntrace-trace/1", "convention": "exact", "learning_rate": 0.5}\n')
    trace = read_trace(path)
    assert trace.steps == [] and trace.learning_rate == 0.5


def test_whole_valued_float_iterations_and_epochs_are_whole_numbers(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"steps": [{"iteration": 2.0, "epoch": 1.0, "values": {"loss": 1}}]}')
    step = read_trace(path).steps[0]
    assert (step.iteration, step.epoch) == (2, 1)
    assert type(step.iteration) is int and type(step.epoch) is int



class ArrayLike:
    """Stands in for a numpy array or scalar: what the Recorder relies on is .tolist()."""

    def __init__(self, data):
        self.data = data

    def tolist(self):
        return self.data


def test_recorder_takes_array_likes_and_saves_plain_json(tmp_path):
    rec = Recorder(learning_rate=ArrayLike(0.25),
                   network={"layers": ArrayLike([1, 1]), "activation": "sigmoid",
                            "weights": [ArrayLike([[0.5]])]})
    rec.begin_step(ArrayLike([1.0]), (0.0,), iteration=ArrayLike(3), epoch=2.0)
    rec.record("loss", ArrayLike(0.125))
    rec.save(tmp_path / "t.json")
    trace = read_trace(tmp_path / "t.json")
    assert trace.learning_rate == 0.25 and trace.network.weights == [[[0.5]]]
    assert (trace.steps[0].iteration, trace.steps[0].epoch, trace.steps[0].input) == (3, 2, [1.0])
    assert trace.steps[0].values == {"loss": 0.125}


def test_recorder_takes_numpy():
    numpy = pytest.importorskip("numpy")
    rec = Recorder(learning_rate=numpy.float32(0.5),
                   network={"layers": numpy.array([2, 1]), "activation": "sigmoid",
                            "weights": [numpy.array([[0.5, -0.25]])]})
    rec.begin_step(numpy.array([1.0, 0.0]), numpy.array([1.0]), iteration=numpy.int64(1))
    rec.record("L1.n1.net", numpy.float64(0.5) * numpy.float32(1.0))
    data = json.loads(json.dumps(rec.trace.to_dict()))   # plain JSON, no TypeError
    assert data["learning_rate"] == 0.5 and data["network"]["weights"] == [[[0.5, -0.25]]]
    assert data["steps"][0]["values"] == {"L1.n1.net": 0.5} and data["steps"][0]["iteration"] == 1


@pytest.mark.parametrize("call, message", [
    (lambda: Recorder(learning_rate="fast"), "Recorder: learning_rate: 'fast' is not a number"),
    (lambda: Recorder(learning_rate=True), "Recorder: learning_rate: True is not a number"),
    (lambda: Recorder(network={"layers": [1, 1], "activation": "sigmoid", "weights": [[["x"]]]}),
     "Recorder: network: weights"),
    (lambda: Recorder().begin_step([1], [0], iteration=0), "Recorder: iteration 0: iterations are numbered from 1"),
    (lambda: Recorder().begin_step([1], [0], iteration=True), "Recorder: iteration: true is not a whole number"),
    (lambda: Recorder().begin_step(["a"], [0]), "Recorder: input: 'a' is not a number"),
])
def test_recorder_refuses_what_is_not_a_number_in_one_line(call, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        call()
