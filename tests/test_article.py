"""The article's data: the example file it lives in, and the XOR table."""

import json

from nntrace import article
from nntrace.check.example import built_in, read_example
from nntrace.core.engine import value_names


def test_the_article_is_a_worked_example_file_shipped_in_the_package():
    example = read_example(article.EXAMPLE)
    assert example.title == "How neural network works? Let's figure it out"
    assert len(example.figures) == 37                      # every number the article prints
    assert article.network().to_dict() == example.network.to_dict()
    assert (article.INPUT, article.TARGET, article.LEARNING_RATE) == ([0.0, 1.0], [1.0], 0.001)
    # The weights as the article draws them (shared/article.md).
    assert article.network().weights == [[[0.2, 0.6], [0.5, 0.7], [0.4, 0.9], [0.8, 0.3]], [[0.6, 0.7, 0.3, 0.4]]]


def test_every_name_and_figure_has_a_trace_name_the_engine_records(article_network):
    names = set(value_names(article_network))
    example = built_in()
    assert {f.name for f in example.figures} <= names
    assert {target for target in example.names.values()} <= names


def test_the_articles_names_follow_formats_md():
    labels = built_in().labels()
    assert labels["L1.n1.w1"] == "input_to_hidden_1"
    assert labels["L1.n1.w2"] == "input_to_hidden_2"
    assert labels["L1.n2.w1"] == "input_to_hidden_3"
    assert labels["L2.n1.w3"] == "hidden_to_output_3"
    assert labels["L2.n1.out"] == "output_o"


def test_the_figures_are_the_articles_text_digit_for_digit():
    figures = json.loads(article.EXAMPLE.read_text())["figures"]
    # A few lines of shared/article.md, as printed.
    assert figures["output1_h"] == "0.64" and figures["net_o"] == "1.28"
    assert figures["deriv(output_o)"] == "0.21" and figures["deriv(output2_h)"] == "0.224"
    assert figures["deriv(output3_h)"] == "0.220" and figures["hidden_to_output_1"] == "0.6000256"
    assert figures["input_to_hidden_8"] == "0.300003"


def test_xor_target():
    assert article.xor_target([0.0, 1.0]) == [1.0]
    assert article.xor_target([1.0, 1.0]) == [0.0]
    assert article.xor_target([0.5, 1.0]) is None
