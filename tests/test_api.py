import math

import pytest

from nntrace import api
from nntrace.core.network import Network
from nntrace.errors import ArgumentError, NntraceError, NonFiniteError


def test_step_records_header_and_one_step(article_network):
    trace = api.step(article_network, [0, 1], [1])
    assert trace.settings.convention == "exact" and trace.settings.learning_rate == 0.001
    assert trace.network == article_network
    assert [s.iteration for s in trace.steps] == [1]
    assert trace.steps[0].values["L2.n1.out"] == pytest.approx(0.7855297138, abs=1e-10)


def test_article_step_lists_its_slip(article_network):
    trace = api.step(article_network, [0, 1], [1], convention="article")
    assert list(trace.settings.slips) == ["derivative-on-output"]


def test_an_overflow_names_the_first_value_that_is_not_finite():
    net = Network.from_dict({"layers": [1, 1, 1], "activation": "identity",
                             "weights": [[[1e300]], [[1e300]]]})
    with pytest.raises(NonFiniteError, match=r"iteration 1: L2\.n1\.net is inf") as error:
        api.step(net, [10.0], [0.0])
    assert error.value.name == "L2.n1.net"


def test_sample_target_checks_counts_and_falls_back_on_xor(article_network):
    from nntrace.errors import ArgumentError

    assert api.sample_target(article_network, [1.0, 0.0], None) == [1.0]
    assert api.sample_target(article_network, [0.5, 0.5], [0.2]) == [0.2]
    for inputs, targets, argument in [([0.0], None, "input"), ([0.5, 1.0], None, "target"),
                                      ([0.0, 1.0], [1.0, 0.0], "target")]:
        with pytest.raises(ArgumentError) as error:
            api.sample_target(article_network, inputs, targets)
        assert error.value.argument == argument


# Losses through the front door: refusals name the argument the Python way.
SOFTMAX = {"layers": [2, 3, 2], "activation": ["sigmoid", "softmax"],
           "weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]], [[0.7, -0.2, 0.3], [-0.4, 0.6, 0.1]]],
           "biases": [[0.1, -0.1, 0.2], [0.05, -0.05]]}
SIGMOID = {"layers": [2, 2, 2], "activation": "sigmoid",
           "weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]]}


@pytest.mark.parametrize("network, kwargs, argument, problem", [
    (SIGMOID, {"target": [1, 0], "loss": "hinge"}, "loss", "unknown 'hinge' (choose from half-squared-error, "
     "squared-error, mean-squared-error, binary-cross-entropy, cross-entropy)"),
    (SIGMOID, {"target": [1, 0], "loss": "cross-entropy"}, "loss", "cross-entropy needs softmax outputs"),
    (SOFTMAX, {"target": [-0.5, 1.5], "loss": "cross-entropy"}, "target", "targets of 0 or more that sum to 1"),
    (SOFTMAX, {"target": [0.5, 0.6], "loss": "cross-entropy"}, "target", "targets of 0 or more that sum to 1"),
    (SOFTMAX, {"target": [1, 0], "loss": "binary-cross-entropy"}, "loss", "needs sigmoid outputs"),
    (SIGMOID, {"target": [1, 1.5], "loss": "binary-cross-entropy"}, "target", "targets from 0 to 1, got 1.5"),
    (SIGMOID, {"target": [-0.25, 1], "loss": "binary-cross-entropy"}, "target", "targets from 0 to 1, got -0.25"),
    (SIGMOID, {"target": [1, 0], "loss": "squared-error", "convention": "article"}, "convention",
     "not the loss squared-error"),
    (SOFTMAX, {"target": [1, 0], "convention": "article"}, "convention", "not a softmax output layer"),
    (SOFTMAX, {"target": [1, 0], "loss": "cross-entropy", "slips": "missing-derivative"}, "slips",
     "a softmax layer has no derivative of its own to leave out"),
])
def test_step_refuses_what_a_loss_cannot_take_naming_the_argument(network, kwargs, argument, problem):
    with pytest.raises(ArgumentError) as raised:
        api.step(network, [0.5, -1], **kwargs)
    assert raised.value.argument == argument
    assert str(raised.value).startswith(f"{argument}=")
    assert problem in raised.value.problem
    assert "\n" not in str(raised.value)


def test_train_refuses_the_same_before_training():
    with pytest.raises(ArgumentError) as raised:
        api.train(SIGMOID, [([0, 1], [1, 0])], epochs=1, loss="cross-entropy")
    assert raised.value.argument == "loss"
    with pytest.raises(ArgumentError) as raised:
        api.train(SOFTMAX, [([0, 1], [1, 0])], epochs=1, convention="article")
    assert raised.value.argument == "convention"
    # A sample's targets are data, not an argument: the message names the sample.
    with pytest.raises(NntraceError, match=r"sample 2: cross-entropy takes targets of 0 or more that sum to 1"):
        api.train(SOFTMAX, [([0, 1], [1, 0]), ([1, 0], [1, 1])], epochs=1, loss="cross-entropy")


def test_step_records_the_loss_in_the_header_and_computes_with_it():
    trace = api.step(SOFTMAX, [0.5, -1], [0, 1], lr=0.5, loss="cross-entropy")
    assert trace.settings.loss == "cross-entropy" and trace.header()["loss"] == "cross-entropy"
    values = trace.steps[0].values
    assert values["loss"] == pytest.approx(-math.log(values["L2.n2.out"]), rel=1e-14)
    assert api.step(SOFTMAX, [0.5, -1], [0, 1]).settings.loss == "half-squared-error"   # the default


def test_an_infinite_error_does_not_stop_a_step():
    # Saturated sigmoid, binary cross-entropy: −∂E/∂out is −inf, the delta target − out is finite.
    trace = api.step({"layers": [1, 1], "activation": "sigmoid", "weights": [[[40.0]]]}, [1], [0],
                     loss="binary-cross-entropy")
    assert trace.steps[0].values["L1.n1.error"] == -math.inf
    assert trace.steps[0].values["L1.n1.delta"] == -1.0


@pytest.mark.parametrize("activation, layers, message", [
    (["softmax", "sigmoid"], [2, 2, 2], "network: activation[0]: softmax is for the output layer only, not layer 1"),
    (["sigmoid", "softmax"], [2, 2, 1], "network: activation[1]: softmax needs an output layer of 2 neurons or "
                                        "more (layer 2 has 1)"),
])
def test_a_network_dict_with_softmax_out_of_place_is_refused_naming_the_layer(activation, layers, message):
    network = {"layers": layers, "activation": activation,
               "weights": [[[0.1] * layers[l] for _ in range(layers[l + 1])] for l in range(len(layers) - 1)]}
    with pytest.raises(NntraceError) as raised:
        api.step(network, [0, 1], [1] * layers[-1])
    assert str(raised.value) == message


# check and example_template.

def test_check_takes_none_a_path_or_an_example(tmp_path):
    from pathlib import Path

    from nntrace.check.example import read_example

    mazur = Path(__file__).parents[1] / "examples" / "mazur-2-2-2.json"
    assert api.check().first_wrong.figure.name == "L2.n1.deriv"         # the article's
    assert api.check(mazur).first_wrong is None
    assert api.check(str(mazur)).first_wrong is None
    assert len(api.check(read_example(mazur)).judgements) == 22
    with pytest.raises(ArgumentError) as error:
        api.check({"figures": {}})
    assert error.value.argument == "example"


def test_example_template_lists_every_name_with_empty_figures():
    # 1-1-1 identity: the 15 values of a step, from L1.n1.net to the updated L1.n1.w1.
    net = {"layers": [1, 1, 1], "activation": "identity", "weights": [[[0.35]], [[0.6]]]}
    template = api.example_template(net, [2], [1], 0.1)
    assert list(template["figures"]) == [
        "L1.n1.net", "L1.n1.out", "L2.n1.net", "L2.n1.out", "loss", "L2.n1.error", "L2.n1.deriv",
        "L2.n1.delta", "L2.n1.w1.grad", "L1.n1.error", "L1.n1.deriv", "L1.n1.delta", "L1.n1.w1.grad",
        "L2.n1.w1", "L1.n1.w1"]
    assert set(template["figures"].values()) == {""} and template["names"] == {}
    assert template["settings"] == {"learning_rate": 0.1, "loss": "half-squared-error"}


@pytest.mark.parametrize("kwargs, argument", [
    ({"input": [0]}, "input"), ({"input": [0.5, 1]}, "target"), ({"lr": "x"}, "lr"),
    ({"loss": "cross-entropy"}, "loss"), ({"network": 5}, "network"),
])
def test_example_template_refuses_bad_arguments_naming_them(kwargs, argument):
    with pytest.raises(ArgumentError) as error:
        api.example_template(**kwargs)
    assert error.value.argument == argument


# Batches, momentum and weight decay through the front door.
XOR_ROWS = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]


def test_step_with_data_takes_every_sample_by_default_or_the_first_batch_size():
    trace = api.step(data=XOR_ROWS, lr=0.5, momentum=0.9, weight_decay=0.01)
    assert trace.settings.batch_size == "all" and len(trace.steps[0].samples) == 4
    header = trace.header()
    assert (header["batch_size"], header["momentum"], header["weight_decay"]) == ("all", 0.9, 0.01)
    assert [s.input for s in api.step(data=XOR_ROWS, batch_size=3).steps[0].samples] == [[0, 0], [0, 1], [1, 0]]
    # 2.0 and "2" are whole numbers of samples; a batch of 1 is the online step of the first sample.
    assert api.step(data=XOR_ROWS, batch_size=2.0).settings.batch_size == 2
    assert api.step(data=XOR_ROWS, batch_size="2").settings.batch_size == 2
    one = api.step(data=XOR_ROWS, batch_size=1)
    assert one.steps[0].samples == [] and one.steps[0] == api.step(input=[0, 0], target=[0]).steps[0]


@pytest.mark.parametrize("kwargs, argument, problem", [
    ({"batch_size": 0}, "batch_size", "expected a whole number of samples, at least 1, or 'all'"),
    ({"batch_size": -3}, "batch_size", "expected a whole number of samples"),
    ({"batch_size": 1.5}, "batch_size", "expected a whole number of samples"),
    ({"batch_size": "x"}, "batch_size", "expected a whole number of samples"),
    ({"batch_size": True}, "batch_size", "expected a whole number of samples"),
    ({"momentum": -0.1}, "momentum", "expected a number of 0 or more"),
    ({"momentum": "x"}, "momentum", "not a number"),
    ({"weight_decay": -1}, "weight_decay", "expected a number of 0 or more"),
    ({"weight_decay": math.inf}, "weight_decay", "not a finite number"),
    ({"convention": ["exact"]}, "convention", "expected 'exact'"),
    ({"loss": ["cross-entropy"]}, "loss", "unknown ['cross-entropy']"),
    ({"convention": "article", "batch_size": 2}, "convention", "article computes online descent only"),
    ({"convention": "article", "momentum": 0.9}, "convention", "article computes online descent only"),
    ({"convention": "article", "weight_decay": 0.1}, "convention", "article computes online descent only"),
])
@pytest.mark.parametrize("front", ["step", "train"])
def test_batch_and_optimizer_arguments_are_refused_naming_the_argument(front, kwargs, argument, problem):
    with pytest.raises(ArgumentError) as raised:
        if front == "step":
            api.step(data=XOR_ROWS, **kwargs)
        else:
            api.train(data=XOR_ROWS, epochs=1, **kwargs)
    assert raised.value.argument == argument and problem in raised.value.problem
    assert str(raised.value).startswith(f"{argument}=") and "\n" not in str(raised.value)


def test_a_numpy_integer_is_a_whole_number_of_samples():
    import numpy as np

    assert api.step(data=XOR_ROWS, batch_size=np.int64(2)).settings.batch_size == 2


@pytest.mark.parametrize("kwargs, argument", [({"input": [0, 1]}, "input"), ({"target": [1]}, "target")])
def test_step_refuses_data_beside_an_input_or_target(kwargs, argument):
    with pytest.raises(ArgumentError) as raised:
        api.step(data=XOR_ROWS, **kwargs)
    assert raised.value.argument == argument and "give one or the other" in raised.value.problem


@pytest.mark.parametrize("kwargs, argument, problem", [
    ({"seed": 3}, "seed", "only means something with shuffle=True"),
    ({"trace": 5}, "trace", "expected the path of the file to write"),
    ({"progress": 5}, "progress", "expected a function of (epoch, loss)"),
    ({"stop": 5}, "stop", "expected a Stop"),
])
def test_train_refuses_what_it_would_ignore_or_trip_over(kwargs, argument, problem):
    with pytest.raises(ArgumentError) as raised:
        api.train(epochs=1, **kwargs)
    assert raised.value.argument == argument and problem in raised.value.problem


def test_step_without_data_takes_a_batch_of_one_only():
    with pytest.raises(ArgumentError) as raised:
        api.step(input=[0, 1], batch_size=2)
    assert raised.value.argument == "batch_size" and "a batch needs data=" in raised.value.problem
    assert api.step(input=[0, 1], batch_size=1).steps[0].samples == []


def test_train_records_its_batch_settings_in_the_result_and_summary():
    result = api.train(data=XOR_ROWS, epochs=3, lr=0.5, batch_size=3, momentum=0.5, weight_decay=0.001)
    assert (result.settings.batch_size, result.settings.momentum, result.settings.weight_decay) == (3, 0.5, 0.001)
    summary = result.to_dict()
    assert (summary["batch_size"], summary["momentum"], summary["weight_decay"]) == (3, 0.5, 0.001)
    assert result.iterations == 6   # batches of 3 and 1
