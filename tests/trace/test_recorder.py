import json
import re

import pytest

from nntrace.errors import NntraceError
from nntrace.trace import Recorder, read_trace


def test_recorder_needs_a_step_first():
    with pytest.raises(RuntimeError, match="begin_step"):
        Recorder().record("loss", 1.0)


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
    assert trace.settings.learning_rate == 0.25 and trace.network.weights == [[[0.5]]]
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
    (lambda: Recorder(convention=["exact"]), "Recorder: convention: expected a name, got ['exact']"),
    (lambda: Recorder(loss=1), "Recorder: loss: expected a name, got 1"),
    (lambda: Recorder(slips=5), "Recorder: slips: expected a list of slip names, got 5"),
    (lambda: Recorder().begin_batch([[1], [0]], [[1]]), "Recorder: begin_batch: 2 input(s) but 1 target(s)"),
    (lambda: batch_of_two().record("loss", 0.5, sample=2),
     "Recorder: sample=2: the step has 2 sample(s) of a batch, counted from 0"),
    (lambda: batch_of_two().record("loss", 0.5, sample=-1), "Recorder: sample=-1: the step has 2 sample(s)"),
])
def test_recorder_refuses_what_is_not_a_number_in_one_line(call, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        call()


def batch_of_two() -> Recorder:
    rec = Recorder(batch_size=2)
    rec.begin_batch([[1.0], [0.0]], [[1.0], [0.0]])
    return rec


def test_recorder_without_slips_and_with_a_numpy_sample_index():
    assert Recorder(slips=None).trace.settings.slips == ()
    rec = batch_of_two()
    rec.record("loss", 0.5, sample=pytest.importorskip("numpy").int64(1))
    assert rec.trace.steps[0].samples[1].values == {"loss": 0.5}
    rec = Recorder()
    rec.begin_step([1], [0])
    with pytest.raises(NntraceError, match=re.escape("the step has 0 sample(s) of a batch, counted from 0 "
                                                     "(see begin_batch)")):
        rec.record("loss", 0.5, sample=0)


def test_recorder_records_a_batch_and_its_optimizer_settings(tmp_path):
    rec = Recorder(learning_rate=0.5, batch_size=ArrayLike(2), momentum=0.9, weight_decay=0.01,
                   network={"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.5]]]})
    rec.begin_batch([[1.0], ArrayLike([0.0])], [[1.0], [0.0]], iteration=1)
    rec.record("loss", 0.25, sample=0)
    rec.record("loss", 0.5, sample=1)
    rec.record("loss", 0.375)
    rec.record("L1.n1.w1.velocity", -0.125)
    rec.end_step()
    for suffix in (".json", ".jsonl"):
        rec.save(tmp_path / f"t{suffix}")
        trace = read_trace(tmp_path / f"t{suffix}")
        assert (trace.settings.batch_size, trace.settings.momentum, trace.settings.weight_decay) == (2, 0.9, 0.01)
        step = trace.steps[0]
        assert [(s.input, s.target, s.values) for s in step.samples] == [
            ([1.0], [1.0], {"loss": 0.25}), ([0.0], [0.0], {"loss": 0.5})]
        assert step.values == {"loss": 0.375, "L1.n1.w1.velocity": -0.125}
    assert Recorder(batch_size="all").trace.header()["batch_size"] == "all"


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "Recorder: batch_size=0: expected a whole number of samples, at least 1, or 'all'"),
    ({"batch_size": 1.5}, "Recorder: batch_size=1.5: expected a whole number"),
    ({"momentum": -0.5}, "Recorder: momentum=-0.5: expected a number of 0 or more"),
    ({"weight_decay": "x"}, "Recorder: weight_decay='x': not a number"),
])
def test_recorder_refuses_a_bad_batch_size_momentum_or_decay_in_one_line(kwargs, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        Recorder(**kwargs)
