import pytest

from nntrace import api
from nntrace.core.network import Network
from nntrace.errors import NonFiniteError


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
