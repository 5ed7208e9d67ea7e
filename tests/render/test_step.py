from nntrace import api
from nntrace.core.network import random_network
from nntrace.render.step import StepTables
from nntrace.views.step import step_view


def test_the_articles_step_fits_80_columns(render, article_network):
    text = render(StepTables(step_view(api.step(article_network, [0, 1], [1]))))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "net1_h = 0 × 0.2 + 1 × 0.6 = 0.6" in text


def test_the_articles_step_shows_formulas_names_and_printed_figures(render, article_network):
    # Wide enough that no formula wraps, whatever rich's wrapping rules of the day.
    text = render(StepTables(step_view(api.step(article_network, [0, 1], [1]))), width=160)
    assert "0 × 0.2 + 1 × 0.6 = 0.6" in text
    assert "sigmoid(0.6) = 0.6456563" in text
    assert "net1_h" in text and "L1.n1.net" in text and "input_to_hidden_2" in text
    assert "1 − 0.7855297 = 0.2144703" in text
    assert "0.6 + 0.6456563 × 0.03613241" in text
    assert "0.64 ✓" in text           # exact 0.6457 matches the printed 0.64 at its digits
    assert "1.28 ≠1" in text          # differs, with the reason below
    assert "≠2  derivative-on-output: the derivative evaluated on the activated output" in text
    assert "\x1b[" not in text


def test_article_convention_matches_every_printed_figure(render, article_network):
    text = render(StepTables(step_view(api.step(article_network, [0, 1], [1], convention="article"))), width=120)
    assert "≠" not in text
    assert text.count("✓") == 37
    assert "sigmoid′(0.78) = 0.215" in text
    assert "hidden_to_output_1 = 0.6 + 0.64 × 0.04 × 0.001 = 0.6000256" in text


def test_digits_change_only_the_display(render, article_network):
    trace = api.step(article_network, [0, 1], [1])
    assert "sigmoid(0.6) = 0.646" in render(StepTables(step_view(trace, digits=3)))
    assert trace.steps[0].values["L1.n1.out"] == 0.6456563062257954


def test_any_network_renders_without_article_columns(render):
    net = random_network([3, 2, 2], "tanh", seed=3, biases=True, low=-1)
    text = render(StepTables(step_view(api.step(net, [0.5, -1, 2], [0.1, 0.9], 0.1))))
    assert "Backward, hidden layer 1 (L1)" in text
    assert "1 − " in text and "tanh(" in text
    assert "article" not in text.split("\n", 1)[1] and "✓" not in text
    assert "L1.n2.b" in text


def test_negative_operands_are_parenthesised_and_relu_reads_as_a_derivative(render):
    from nntrace.core.network import Network

    net = Network.from_dict({"layers": [1, 1, 1], "activation": ["relu", "identity"],
                             "weights": [[[-0.5]], [[2.0]]]})
    text = render(StepTables(step_view(api.step(net, [-2.0], [0.3], 0.1))), width=120)
    assert "(-2) × (-0.5) = 1" in text
    assert "relu′(1) = 1" in text


def test_tables_do_not_stretch_past_what_the_lines_need(render, article_network):
    text = render(StepTables(step_view(api.step(article_network, [0, 1], [1]))), width=300)
    assert max(len(line.rstrip()) for line in text.splitlines()) < 160
