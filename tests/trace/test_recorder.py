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
])
def test_recorder_refuses_what_is_not_a_number_in_one_line(call, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        call()
