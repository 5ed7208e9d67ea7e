import pytest

from nntrace import article
from nntrace.core.engine import Engine, value_names
from nntrace.core.settings import make_settings


def test_every_figure_has_a_trace_name_the_engine_records(article_network):
    names = set(value_names(article_network))
    assert set(article.FIGURES) <= names
    assert set(article.article_names([2, 4, 1])) <= names


def test_article_names_follow_formats_md():
    names = article.article_names([2, 4, 1])
    assert names["L1.n1.w1"] == "input_to_hidden_1"
    assert names["L1.n1.w2"] == "input_to_hidden_2"
    assert names["L1.n2.w1"] == "input_to_hidden_3"
    assert names["L2.n1.w3"] == "hidden_to_output_3"
    assert names["L2.n1.out"] == "output_o"
    assert article.article_names([2, 3, 1]) == {}


@pytest.mark.parametrize("value, printed, expected", [
    (0.6456563, "0.64", True), (0.2144702862, "0.22", False), (0.22, "0.22", True),
    (0.2299, "0.220", False), (0.6000049599, "0.600005", False), (0.6000256, "0.6000256", True),
])
def test_matches_printed_truncates_to_the_printed_digits(value, printed, expected):
    assert article.matches_printed(value, printed) is expected


def test_xor_target():
    assert article.xor_target([0.0, 1.0]) == [1.0]
    assert article.xor_target([1.0, 1.0]) == [0.0]
    assert article.xor_target([0.5, 1.0]) is None


def test_differences_explain_each_departure(article_network):
    exact = {}
    Engine(article_network, make_settings(article.LEARNING_RATE)).step(article.INPUT, article.TARGET, exact.__setitem__)
    reasons = article.differences(exact)
    assert reasons["L2.n1.net"] == "truncation"     # 1.2982 vs 1.28 from truncated outputs
    assert reasons["L2.n1.error"] == "truncation"   # 0.2145 vs 1 - 0.78
    assert reasons["L2.n1.deriv"] == "derivative"   # 0.1685 vs deriv(0.78) = 0.2155
    assert reasons["L2.n1.delta"] == "carried"
    assert "L1.n1.out" not in reasons               # 0.6457 matches 0.64 at printed digits
    assert "L1.n1.w1" not in reasons


def test_is_article_run(article_network):
    assert article.is_article_run(article_network, [0.0, 1.0], [1.0], make_settings(0.001))
    assert not article.is_article_run(article_network, [1.0, 1.0], [0.0], make_settings(0.001))
    assert not article.is_article_run(article_network, [0.0, 1.0], [1.0], make_settings(0.5))
    assert not article.is_article_run(article_network, [0.0, 1.0], [1.0],
                                      make_settings(0.001, loss="squared-error"))
