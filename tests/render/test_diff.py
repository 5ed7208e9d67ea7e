import dataclasses

from nntrace import api, article
from nntrace.check.compare import compare
from nntrace.check.explain import explain
from nntrace.core.network import random_network
from nntrace.render.diff import DiffReport, distinct
from nntrace.views.diff import diff_view


def test_distinct_shows_enough_digits_to_tell_numbers_apart():
    assert distinct(0.5, 0.25) == ("0.5", "0.25")
    assert distinct(0.123456789, 0.123456788) == ("0.123456789", "0.123456788")
    assert distinct(0.2, 0.2) == ("0.2", "0.2")


def test_the_report_of_a_slip(render):
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [0, 1], [1], slips=["updated-weights"])
    view = diff_view(compare(expected, actual), explain(expected, actual))
    lines = render(DiffReport(view), width=80).splitlines()
    assert lines[0].rstrip() == "Earliest recorded difference: iteration 1, L1.n1.error. It is the cause only if"
    row = next(line for line in lines if line.strip().startswith("L1.n1.error"))
    assert row.split() == ["L1.n1.error", "error1_h", "0.02167944", "0.02168029", "+8.43e-07"]
    assert all(len(line) <= 80 for line in lines)
    text = " ".join(" ".join(lines).split())
    # 4 hidden errors, 4 hidden deltas, and the 4 hidden weights from the input 1
    # 4 hidden errors, 4 deltas, the 4 gradients of the weights from input 2 (input 1 is 0) and those 4 weights
    assert "Different: 16 of 50 values compared differ, in 1 of 1 iteration(s) (rtol 1e-12, atol 1e-15)." in text
    assert "Explanation: your numbers match exact backprop with the slip updated-weights." in text
    assert "… and 7 more in iteration 1" in text   # 9 rows in the table


def test_long_reports_are_cut_and_other_shapes_have_no_article_column(render):
    network = random_network([3, 5, 2], seed=1, biases=True)
    expected = api.step(network, [1, 0, 1], [0, 1], 0.5)
    actual = api.step(network, [1, 0, 1], [0, 1], 0.5, slips=["wrong-sign"])
    del actual.steps[0].values["loss"]
    text = " ".join(render(DiffReport(diff_view(compare(expected, actual))), width=100).split())
    assert "trace name expected actual difference" in text
    # wrong-sign changes 2 errors, 2 deltas, 5 + 5 hidden ones, 10 + 2 output weights and
    # biases and their gradients, 10 + 5 hidden ones and theirs (input 2 is 0): 68 values,
    # 9 in the table.
    assert "… and 59 more in iteration 1" in text
    assert "Not checked, 1 value(s) ACTUAL does not record: loss." in text
    assert "Explanation" not in text


def test_a_different_setup_with_equal_values_is_said_so(render):
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [0, 1], [1])
    actual.settings = dataclasses.replace(actual.settings, learning_rate=0.5)
    text = " ".join(render(DiffReport(diff_view(compare(expected, actual)))).split())
    assert text == ("Setup differs, and it comes before every value computed from it: learning rate 0.001 "
                    "expected, 0.5 in ACTUAL. Different: all 50 values compared agree within rtol 1e-12, "
                    "atol 1e-15, but the traces were computed from the different setups above.")


def test_setup_differences_come_before_the_earliest_recorded_difference(render):
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [1, 1], [1])
    text = " ".join(render(DiffReport(diff_view(compare(expected, actual)))).split())
    assert text.startswith("Setup differs, and it comes before every value computed from it: "
                           "iteration 1: input [0.0, 1.0] expected, [1.0, 1.0] in ACTUAL. "
                           "Earliest recorded difference: iteration 1, L1.n1.net.")


def test_values_unrecorded_before_the_earliest_difference_are_counted(render):
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [0, 1], [1], slips=["updated-weights"])
    # Drop the forward pass and the output delta: 5 values computed before L1.n1.error.
    for name in ("L1.n1.net", "L1.n2.out", "L2.n1.net", "loss", "L2.n1.delta"):
        del actual.steps[0].values[name]
    report = compare(expected, actual)
    assert report.unrecorded_before_first == 5
    text = " ".join(render(DiffReport(diff_view(report))).split())
    assert "follow from it. ACTUAL does not record 5 value(s) computed before it." in text


def test_likely_typos_are_pointed_out(render):
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [0, 1], [1])
    actual.steps[0].values["L1.n1.nte"] = actual.steps[0].values.pop("L1.n1.net")
    text = " ".join(render(DiffReport(diff_view(compare(expected, actual)))).split())
    assert "L1.n1.nte (only in ACTUAL) is not a trace name: a typo of L1.n1.net?" in text


def slip_report() -> DiffReport:
    expected = api.step(article.network(), [0, 1], [1])
    actual = api.step(article.network(), [0, 1], [1], slips=["updated-weights"])
    return DiffReport(diff_view(compare(expected, actual), explain(expected, actual)))


def test_a_narrow_terminal_drops_the_article_column_before_it_cuts_a_digit(render):
    # At 76 columns and fewer the table used to print 0.0049601… and +8.43e…
    for width in (72, 60):
        text = render(slip_report(), width=width)
        lines = text.splitlines()
        assert all(len(line) <= width for line in lines) and "…" not in text.replace("… and 7 more", "")
        row = next(line for line in lines if line.strip().startswith("L1.n1.error"))
        assert row.split() == ["L1.n1.error", "0.02167944", "0.02168029", "+8.43e-07"]


def test_a_very_narrow_terminal_lists_each_value_on_lines_of_its_own(render):
    text = render(slip_report(), width=30)
    lines = [line.rstrip() for line in text.splitlines()]
    assert all(len(line) <= 30 for line in lines)
    start = lines.index("L1.n1.error (error1_h)")
    assert lines[start + 1:start + 4] == ["  expected   0.02167944", "  actual     0.02168029",
                                          "  difference +8.43e-07"]
    assert "  expected   0.004959915" in lines and "…" not in text.replace("… and 7 more", "")


def test_values_not_recorded_over_several_iterations_are_counted_with_their_names():
    from nntrace.render.diff import counted

    assert counted(["a", "b"]) == "2 value(s)"
    assert counted(["a", "b", "a", "b"]) == "4 value(s) of 2 names"
    assert counted(["a", "a"]) == "2 value(s) of 1 name"
