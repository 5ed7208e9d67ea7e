"""A worked example's column beside `nntrace step`: its printed figures, ✓ where exact math
agrees, else ≠N with a note taken from `nntrace check`'s verdict."""

from pathlib import Path

from nntrace import api, article
from nntrace.check.example import built_in, parse_example, read_example
from nntrace.views.figures import column, labels_for
from nntrace.views.step import step_view

EXAMPLES = Path(__file__).parents[2] / "examples"
FOLLOWS = "follows from earlier figures as the article printed them"
DERIVATIVE = "derivative-on-output: the derivative evaluated on the activated output instead of the net input"


def column_of(trace, example=None):
    return column(example, trace.network, trace.steps[0], trace.settings)


def test_the_articles_column_marks_each_figure_with_checks_verdict():
    found = column_of(api.step(None, [0, 1], [1], 0.001))
    assert found.title == "article" and len(found.figures) == 37
    assert found.figures["L1.n1.out"] == "0.64" and found.verdicts["L1.n1.out"] == "✓"   # 0.6457 → 0.64
    # The first reason met is the carried truncation (net_o 1.28 from the printed outputs), then the slip.
    assert found.notes == [FOLLOWS, DERIVATIVE]
    assert found.verdicts["L2.n1.net"] == "≠1" and found.verdicts["L1.n1.error"] == "≠1"
    assert {name for name, mark in found.verdicts.items() if mark == "≠2"} == \
        {"L2.n1.deriv", "L1.n3.deriv", "L1.n4.deriv"}
    assert found.verdicts["L2.n1.delta"] == "✓"     # 0.0361 rounds to the printed 0.04


def test_under_the_articles_convention_every_figure_is_a_check_mark():
    found = column_of(api.step(None, [0, 1], [1], 0.001, convention="article"))
    assert set(found.verdicts.values()) == {"✓"} and found.notes == []


def test_a_step_that_is_not_the_examples_own_has_no_column():
    assert column_of(api.step(None, [1, 1], [0], 0.001)) is None            # another sample
    assert column_of(api.step(None, [0, 1], [1], 0.5)) is None              # another learning rate
    assert column_of(api.step(None, [0, 1], [1], 0.001, loss="squared-error")) is None
    assert column_of(api.step(None, [0, 1], [1], 0.001, momentum=0.9)) is None
    assert column_of(api.step(None, [0, 1], [1], 0.001, weight_decay=0.1)) is None
    other = api.step({"layers": [2, 4, 1], "activation": "sigmoid",
                      "weights": [[[0.2, 0.6], [0.5, 0.7], [0.4, 0.9], [0.8, 0.3]], [[0.6, 0.7, 0.3, 0.5]]]},
                     [0, 1], [1], 0.001)
    assert column_of(other) is None                                        # another weight


def test_mazurs_column_checks_every_figure_and_shows_his_sign():
    mazur = read_example(EXAMPLES / "mazur-2-2-2.json")
    found = column_of(api.step(mazur.network, mazur.input, mazur.target, 0.5), mazur)
    assert found.title == "printed" and len(found.figures) == 22
    assert set(found.verdicts.values()) == {"✓"} and found.notes == []
    assert found.figures["L2.n1.error"] == "−(0.74136507)"      # his dE/dout is minus nntrace's error


def test_an_examples_own_notes_speak_of_the_text_not_the_article():
    mistakes = read_example(EXAMPLES / "mistakes.json")
    found = column_of(api.step(mistakes.network, mistakes.input, mistakes.target, 0.5), mistakes)
    assert found.notes[0] == "follows from earlier figures as the text printed them"
    assert found.verdicts["L2.n1.net"] == "≠1" and found.verdicts["L2.n1.deriv"] == "≠2"
    assert found.notes[2].startswith("error_h1: does not follow from delta_o = -0.0423 and L2.n1.w1 = 0.3")
    assert found.verdicts["L1.n1.error"] == "≠3" and found.verdicts["L1.n2.error"] == "≠1"


def test_an_example_with_weight_decay_has_its_column_under_the_same_decay():
    example = parse_example({"network": {"layers": [1, 1, 1], "activation": "identity",
                                         "weights": [[[0.35]], [[0.6]]]},
                             "input": [2], "target": [1], "settings": {"learning_rate": 0.1, "weight_decay": 0.1},
                             "figures": {"L1.n1.w1": "0.4161"}}, "ex.json", None)
    # 0.35 − 0.1 × (−0.696 + 0.1 × 0.35) = 0.4161
    decayed = api.step(example.network, [2], [1], 0.1, weight_decay=0.1)
    assert column_of(decayed, example).verdicts == {"L1.n1.w1": "✓"}
    assert column_of(api.step(example.network, [2], [1], 0.1), example) is None


def test_labels_are_the_examples_for_a_network_of_its_shape():
    assert labels_for(article.network())["L1.n1.w2"] == "input_to_hidden_2"
    mazur = read_example(EXAMPLES / "mazur-2-2-2.json")
    assert labels_for(mazur.network, mazur)["L2.n1.error"] == "−dE_total/dout_o1"
    assert labels_for(mazur.network) == {}                 # the article's names fit only a 2-4-1
    assert labels_for(None) == {}


def test_the_step_view_carries_the_column_and_its_notes():
    view = step_view(api.step(None, [0, 1], [1], 0.001))
    assert view.with_figures and view.source == "article" and view.notes == [FOLLOWS, DERIVATIVE]
    lines = {line.name: line for section in view.sections for line in section.lines}
    assert (lines["L2.n1.deriv"].figure, lines["L2.n1.deriv"].verdict) == ("0.21", "≠2")
    assert lines["loss"].figure == "" and lines["loss"].verdict == ""       # the article prints no loss
    mazur = read_example(EXAMPLES / "mazur-2-2-2.json")
    view = step_view(api.step(mazur.network, mazur.input, mazur.target, 0.5), example=mazur)
    assert view.source == "printed" and built_in().title not in view.title


def test_a_figure_exact_math_gives_but_the_floats_shown_miss_is_not_marked_agreeing():
    # 0.1 × 1 + 0.2 × 1 + 0.3 × (−1) is 0 in real numbers, 5.55e-17 in floats: relu′ is 0 and
    # the weight stays 1 in exact math, while the step shown computes relu′ = 1 and 1.003125.
    from nntrace import api
    from nntrace.check.example import parse_example
    from nntrace.views.step import step_view

    example = parse_example({"network": {"layers": [3, 1], "activation": "relu", "weights": [[[1, 1, -1]]]},
                             "input": [0.1, 0.2, 0.3], "target": [0.25], "settings": {"learning_rate": 0.5},
                             "figures": {"L1.n1.net": "0.0000", "L1.n1.deriv": "0", "L1.n1.w1": "1.0000"}},
                            "ex.json", None)
    trace = api.step(example.network, input=example.input, target=example.target, lr=0.5)
    assert trace.steps[0].values["L1.n1.deriv"] == 1.0
    view = step_view(trace, example=example)
    marks = {line.name: line.verdict for section in view.sections for line in section.lines if line.figure}
    assert marks == {"L1.n1.net": "✓", "L1.n1.deriv": "≠1", "L1.n1.w1": "≠1"}
    assert view.notes == ["exact math in real numbers gives the figure; the float arithmetic shown here comes "
                          "out otherwise"]
