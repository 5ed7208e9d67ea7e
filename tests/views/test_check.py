"""What `nntrace check` shows, as data: a line a figure, the summary, the closest computation."""

from pathlib import Path

from nntrace.check.example import built_in, parse_example, read_example
from nntrace.check.judge import check
from nntrace.views.check import check_view

EXAMPLES = Path(__file__).parents[2] / "examples"
# 1-1-1 identity, x = 2, w = 0.35 and 0.6, t = 1: L1.n1.net = 0.7, L2.n1.net = 0.42, and with a text that
# rounds L1.n1.out 0.7 to 1 (0 places) and carries it, L2.n1.net = 1 × 0.6 = 0.6.
IDENTITY = {"network": {"layers": [1, 1, 1], "activation": "identity", "weights": [[[0.35]], [[0.6]]]},
            "input": [2], "target": [1], "settings": {"learning_rate": 0.1}}


def view_of(figures: dict, names: dict | None = None, **extra):
    example = parse_example({**IDENTITY, "names": names or {}, "figures": figures, **extra}, "ex.json", None)
    return check_view(check(example))


def test_each_figure_is_a_line_with_the_exact_value_at_the_digits_asked():
    view = check_view(check(built_in()), digits=4)
    assert len(view.lines) == 37
    line = view.lines[4]
    assert (line.name, line.source_name, line.printed, line.exact, line.verdict, line.mark) == \
        ("L1.n1.out", "output1_h", "0.64", "0.6457", "agrees", "✓ agrees")
    assert view.title == ("How neural network works? Let's figure it out: 37 figures "
                          "(https://dev.to/liashchynskyi/how-neural-network-works-lets-figure-it-out-32o0)")
    assert not view.fine


def test_the_marks_read_without_colour():
    view = view_of({"L1.n1.out": "1", "L2.n1.net": "0.6", "L2.n1.w1": "9"})
    assert [line.mark for line in view.lines] == ["✓ agrees", "≈ follows", "✗ wrong"]


def test_the_summary_names_the_first_figure_that_goes_wrong_with_its_reason():
    view = check_view(check(built_in()))
    assert view.summary == ("The first figure to go wrong: deriv(output_o) (L2.n1.deriv), printed 0.21: slip, "
                            "derivative-on-output: the derivative evaluated on the activated output instead "
                            "of the net input.")
    assert view.closest == ("The whole step computed as the article's arithmetic (derivative-on-output, values "
                            "truncated as the article prints them) reproduces 37 of 37 figures.")


def test_the_summary_when_every_figure_checks_out_counts_those_that_follow():
    assert view_of({"L1.n1.net": "0.7", "L2.n1.net": "0.42"}).summary == \
        "Every figure checks out: 2 agree with exact math."
    assert view_of({"L1.n1.net": "0.7"}).summary == "Every figure checks out: 1 agrees with exact math."
    view = view_of({"L1.n1.out": "1", "L2.n1.net": "0.6"})
    assert view.fine
    assert view.summary == ("Every figure checks out: 1 agrees with exact math, 1 follows from the figures "
                            "printed before them.")
    # Exact math reproduces 1.0 → 1 but not 0.6; nothing simpler does better.
    assert view.closest == "The whole step computed as exact backprop, with no slip reproduces 1 of 2 figures " \
                           "(not L2.n1.net)."


def test_a_wrong_figure_without_a_source_name_is_named_by_its_trace_name():
    view = view_of({"L2.n1.w1": "9"})
    assert view.summary == ("The first figure to go wrong: L2.n1.w1, printed 9: wrong, does not follow from "
                            "L2.n1.w1 = 0.6, L1.n1.out = 0.7, L2.n1.delta = 0.58 and lr = 0.1: expected 1, "
                            "printed 9.")


def test_an_example_without_a_title_is_called_by_its_file():
    assert view_of({"L1.n1.net": "0.7"}).title == "ex.json: 1 figures"
    assert view_of({"L1.n1.net": "0.7"}, title="mine", source="p. 12").title == "mine: 1 figures (p. 12)"


def test_mazurs_exact_values_are_shown_in_his_sign():
    view = check_view(check(read_example(EXAMPLES / "mazur-2-2-2.json")))
    lines = {line.source_name: line for line in view.lines}
    assert lines["dE_total/dout_o1"].exact == "0.7413650696"     # out − target, as he writes it
    assert lines["delta_o1"].exact == "0.13849856163"            # printed 0.138498562: two digits more
    assert lines["net_h1"].exact == "0.3775"
    assert view.fine and view.summary == "Every figure checks out: 22 agree with exact math."


def test_an_example_with_no_figure_printed_says_so():
    view = view_of({"L1.n1.net": "", "loss": ""})
    assert view.lines == [] and view.fine and view.closest == ""
    assert view.summary == 'No figure to check: every figure is "" (not printed).'


def test_the_exact_value_shows_two_digits_more_than_the_figure_printed_and_at_least_seven():
    article = {line.source_name: line.exact for line in check_view(check(built_in())).lines}
    mazur = {line.source_name: line.exact for line in check_view(check(read_example(EXAMPLES / "mazur-2-2-2.json"))).lines}
    assert article["output1_h"] == "0.6456563"       # printed 0.64: seven digits
    assert mazur["out_h1"] == "0.59326999211"         # printed 0.593269992: eleven, so its rounding shows
    assert mazur["dE_total/dw1"] == "0.00043856773"   # printed 0.000438568: six significant, eight shown

