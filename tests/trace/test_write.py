import json
import math

import pytest

from nntrace import article
from nntrace.trace import JsonlTraceWriter, Recorder, Trace, read_trace, write_trace
from nntrace.trace.write import sample_fields


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
        assert len(lines) == 5 and json.loads(lines[0])["format"] == "nntrace-trace/2"


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
