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


def trace_with_epochs_and_before() -> Trace:
    """Two epochs of two steps, traced every other step: each step holds the weights it began
    from; the second epoch's loss was not finite."""
    trace = sample_trace()
    trace.steps = [trace.steps[1], trace.steps[3]]
    trace.steps[1].epoch = 2
    for step in trace.steps:
        step.before = {"L1.n1.w1": 0.25 * step.iteration, "L1.n1.w2": -0.5}
    trace.epoch_losses = [0.125, float("inf")]
    return trace


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_epoch_losses_and_the_state_before_a_step_round_trip(tmp_path, suffix):
    trace = trace_with_epochs_and_before()
    path = tmp_path / f"t{suffix}"
    write_trace(trace, path)
    back = read_trace(path)
    assert back.steps == trace.steps
    assert back.epoch_losses[0] == 0.125 and math.isnan(back.epoch_losses[1])   # null: not finite
    text = path.read_text()
    if suffix == ".jsonl":
        # Each epoch's loss on a line of its own, after the epoch's last step.
        records = [strict_json(line) for line in text.splitlines()]
        assert [r.get("iteration", r.get("epoch_loss", "header")) for r in records] == [
            "header", 2, 0.125, 4, None]
        assert records[-1] == {"epoch": 2, "epoch_loss": None}
    else:
        document = strict_json(text)
        assert document["epoch_losses"] == [0.125, None]
        assert document["steps"][0]["before"] == {"L1.n1.w1": 0.5, "L1.n1.w2": -0.5}


def test_the_streaming_writer_writes_epochs_and_before_as_the_whole_file_writer(tmp_path):
    trace = trace_with_epochs_and_before()
    trace.epoch_losses = [0.125, 0.0625]
    streamed, whole = tmp_path / "s.jsonl", tmp_path / "w.jsonl"
    writer = JsonlTraceWriter(streamed, trace)
    for step, loss in zip(trace.steps, trace.epoch_losses):
        if step.iteration == 2:   # one step through the engine's interface, one at once
            writer.begin_step(step.input, step.target, step.iteration, step.epoch)
            writer.record_before(step.before)
            for name, value in step.values.items():
                writer.record(name, value)
            writer.end_step()
        else:
            writer.write_values(step.iteration, step.epoch, writer.sample_head(step.input, step.target),
                                tuple(step.values), tuple(step.values.values()), step.before)
        writer.write_epoch(step.epoch, loss)
    writer.close()
    write_trace(trace, whole)
    assert [json.loads(line) for line in streamed.read_text().splitlines()] == \
        [json.loads(line) for line in whole.read_text().splitlines()]
