import re

import pytest

from nntrace.cli import option_of
from nntrace.core.conventions import CONVENTIONS
from nntrace.core.losses import LOSSES
from nntrace.core.network import Network
from nntrace.core.settings import Settings, arithmetic, check_fits, make_settings, target_problem
from nntrace.errors import ArgumentError


def test_article_is_the_derivative_slip_plus_truncation():
    settings = make_settings(convention="article")
    assert settings.slips == ("derivative-on-output",)
    assert arithmetic(settings).carry is CONVENTIONS["article"].carry
    assert settings.label == "article"
    assert make_settings(convention="exact", slips=["wrong-sign"]).label == "exact + wrong-sign"


# The CLI names the argument as its option (--convention, --slip): option_of(argument).
@pytest.mark.parametrize("name, slips, option, problem", [
    ("other", [], "--convention", "expected 'exact' or 'article'"),
    ("exact", ["typo"], "--slip", "unknown 'typo'"),
    ("exact", ["rounded:x"], "--slip", "expected rounded:N"),
    ("article", ["truncated:3"], "--slip",
     r"'truncated:3': only one precision at a time \(the article convention already truncates\)$"),
    ("exact", ["rounded:2", "truncated:3"], "--slip", "'truncated:3': only one precision at a time$"),
])
def test_bad_conventions_are_refused(name, slips, option, problem):
    with pytest.raises(ArgumentError) as raised:
        make_settings(convention=name, slips=slips)
    assert option_of(raised.value.argument) == option
    assert re.search(problem, raised.value.problem), raised.value.problem


# Losses: what each takes, checked once.

def network(activations, layers=(2, 3, 2)):
    return Network.from_dict({"layers": list(layers), "activation": activations,
                              "weights": [[[0.1] * layers[l] for _ in range(layers[l + 1])]
                                          for l in range(len(layers) - 1)]})


def test_an_unknown_loss_lists_the_choices():
    with pytest.raises(ArgumentError) as raised:
        make_settings(loss="hinge")
    assert raised.value.argument == "loss"
    assert all(name in raised.value.problem for name in LOSSES)
    assert str(raised.value).startswith("loss='hinge': ")


@pytest.mark.parametrize("activations, loss", [
    (["sigmoid", "softmax"], "cross-entropy"), (["tanh", "sigmoid"], "binary-cross-entropy"),
    *((["sigmoid", output], loss) for output in ("sigmoid", "tanh", "identity", "leaky_relu", "softmax")
      for loss in ("half-squared-error", "squared-error", "mean-squared-error")),
])
def test_each_loss_fits_the_outputs_it_takes(activations, loss):
    check_fits(make_settings(loss=loss), network(activations))


@pytest.mark.parametrize("output, loss, needs", [
    ("sigmoid", "cross-entropy", "softmax"), ("tanh", "cross-entropy", "softmax"),
    ("softmax", "binary-cross-entropy", "sigmoid"), ("tanh", "binary-cross-entropy", "sigmoid"),
    ("identity", "binary-cross-entropy", "sigmoid"),
])
def test_a_loss_without_its_output_activation_is_refused_naming_loss(output, loss, needs):
    with pytest.raises(ArgumentError) as raised:
        check_fits(make_settings(loss=loss), network(["sigmoid", output]))
    assert raised.value.argument == "loss"
    assert f"{loss} needs {needs} outputs" in raised.value.problem
    assert f"output layer is {output}" in raised.value.problem


@pytest.mark.parametrize("activations, loss, what", [
    (["sigmoid", "sigmoid"], "squared-error", "the loss squared-error"),
    (["sigmoid", "sigmoid"], "binary-cross-entropy", "the loss binary-cross-entropy"),
    (["sigmoid", "softmax"], "half-squared-error", "a softmax output layer"),
    (["sigmoid", "softmax"], "cross-entropy", None),   # refused either way; which reason comes first is free
])
def test_the_article_convention_takes_its_own_loss_and_scalar_activations_only(activations, loss, what):
    with pytest.raises(ArgumentError) as raised:
        check_fits(make_settings(convention="article", loss=loss), network(activations))
    if what is not None:
        assert raised.value.argument == "convention"
        assert what in raised.value.problem
    check_fits(make_settings(convention="article"), network(["leaky_relu", "tanh"]))


def test_missing_derivative_is_refused_for_a_softmax_output():
    for loss in ("cross-entropy", "half-squared-error"):
        with pytest.raises(ArgumentError) as raised:
            check_fits(make_settings(slips=["missing-derivative"], loss=loss), network(["sigmoid", "softmax"]))
        assert raised.value.argument == "slips" and "softmax" in raised.value.problem
    # the other slips are the softmax's to have
    for slip in ("wrong-sign", "updated-weights", "frozen-biases", "derivative-on-output", "rounded:3"):
        check_fits(make_settings(slips=[slip], loss="cross-entropy"), network(["sigmoid", "softmax"]))


@pytest.mark.parametrize("loss, targets, wrong", [
    ("cross-entropy", [0.3, 0.7], False), ("cross-entropy", [1.0, 0.0, 0.0], False),
    ("cross-entropy", [-0.5, 1.5], True),     # sums to 1, one negative
    ("cross-entropy", [0.5, 0.6], True),      # sums to 1.1
    ("cross-entropy", [0.0, 0.0], True),      # sums to 0
    ("binary-cross-entropy", [0.0, 1.0, 0.5], False),
    ("binary-cross-entropy", [1.5], True), ("binary-cross-entropy", [-0.1], True),
    ("half-squared-error", [-3.0, 7.0], False), ("mean-squared-error", [2.0], False),
])
def test_target_problems(loss, targets, wrong):
    problem = target_problem(make_settings(loss=loss), targets)
    assert bool(problem) == wrong, problem


def test_the_settings_header_records_the_loss():
    settings = make_settings(0.5, loss="cross-entropy")
    assert settings.header() == {"convention": "exact", "learning_rate": 0.5, "loss": "cross-entropy",
                                 "batch_size": 1, "momentum": 0.0, "weight_decay": 0.0, "slips": []}
    assert Settings().loss == "half-squared-error"
