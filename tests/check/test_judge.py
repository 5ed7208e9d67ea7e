"""`check`: each verdict on worked examples whose every figure is derived by hand below, then
the shipped examples (the article, Mazur's, the mistakes made on purpose)."""

import math
from pathlib import Path

import pytest

from nntrace.check.example import built_in, parse_example, read_example
from nntrace.check.explain import Candidate
from nntrace.check.judge import check

EXAMPLES = Path(__file__).parents[2] / "examples"


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def network(activation: str, *weights) -> dict:
    """A network without biases; `weights` one matrix a layer."""
    layers = [len(weights[0][0])] + [len(matrix) for matrix in weights]
    return {"layers": layers, "activation": activation, "weights": list(weights)}


def judged(net: dict, x: list, t: list, lr: float, figures: dict, names: dict | None = None):
    example = parse_example({"network": net, "input": x, "target": t, "settings": {"learning_rate": lr},
                             "names": names or {}, "figures": figures}, "ex.json", None)
    return check(example)


def verdicts(report) -> dict:
    return {j.figure.label: j.verdict for j in report.judgements}


def by_name(report) -> dict:
    return {j.figure.label: j for j in report.judgements}


# IDENTITY: 1-1-1, identity activations, x = 2, w1 = 0.35, w2 = 0.6, t = 1, lr = 0.1. By hand:
#   L1.n1.net = 2 × 0.35 = 0.7            L1.n1.out = 0.7
#   L2.n1.net = 0.7 × 0.6 = 0.42          L2.n1.out = 0.42
#   loss = ½ (1 − 0.42)² = ½ × 0.3364 = 0.1682
#   L2.n1.error = 1 − 0.42 = 0.58         L2.n1.deriv = 1       L2.n1.delta = 0.58
#   L2.n1.w1.grad = −0.58 × 0.7 = −0.406
#   L1.n1.error = 0.58 × 0.6 = 0.348      L1.n1.deriv = 1       L1.n1.delta = 0.348
#   L1.n1.w1.grad = −0.348 × 2 = −0.696
#   L2.n1.w1 = 0.6 + 0.7 × 0.58 × 0.1 = 0.6406
#   L1.n1.w1 = 0.35 + 2 × 0.348 × 0.1 = 0.4196
IDENTITY = (network("identity", [[0.35]], [[0.6]]), [2], [1], 0.1)
IDENTITY_FIGURES = {"L1.n1.net": "0.7", "L1.n1.out": "0.7", "L2.n1.net": "0.42", "L2.n1.out": "0.42",
                    "loss": "0.1682", "L2.n1.error": "0.58", "L2.n1.deriv": "1", "L2.n1.delta": "0.58",
                    "L2.n1.w1.grad": "-0.406", "L1.n1.error": "0.348", "L1.n1.deriv": "1",
                    "L1.n1.delta": "0.348", "L1.n1.w1.grad": "-0.696", "L2.n1.w1": "0.6406",
                    "L1.n1.w1": "0.4196"}


def test_every_figure_of_a_hand_computed_step_agrees():
    report = judged(*IDENTITY, IDENTITY_FIGURES)
    assert [j.figure.name for j in report.judgements] == list(IDENTITY_FIGURES)   # computation order
    assert set(verdicts(report).values()) == {"agrees"}
    assert report.first_wrong is None
    assert by_name(report)["loss"].explanation == "the exact value, to 4 decimal places"
    assert by_name(report)["L2.n1.deriv"].explanation == "the exact value, to 0 decimal places"
    assert report.to_dict()["closest"] == {"convention": "exact", "slips": [], "except": []}


def test_a_typo_is_wrong_and_the_explanation_gives_the_line_from_its_operands():
    # 0.6406 written 0.6460. The delta is printed with a trailing zero: its operand is quoted as printed.
    report = judged(*IDENTITY, {"L2.n1.delta": "0.580", "L2.n1.w1": "0.6460"})
    typo = by_name(report)["L2.n1.w1"]
    assert typo.verdict == "wrong" and typo.slip == ""
    assert typo.explanation == ("does not follow from L2.n1.w1 = 0.6, L1.n1.out = 0.7, L2.n1.delta = 0.580 "
                                "and lr = 0.1: expected 0.6406, printed 0.6460")
    assert report.first_wrong is typo


def test_a_weight_change_divided_by_the_learning_rate_is_wrong():
    # 0.6 + 0.7 × 0.58 / 0.1 = 0.6 + 4.06 = 4.66 where 0.6 + 0.7 × 0.58 × 0.1 = 0.6406 (0.64 at 2 places);
    # 0.35 + 2 × 0.348 / 0.1 = 7.31 where 0.4196 belongs (0.42).
    report = judged(*IDENTITY, {"L2.n1.w1": "4.66", "L1.n1.w1": "7.31"})
    assert verdicts(report) == {"L2.n1.w1": "wrong", "L1.n1.w1": "wrong"}
    assert by_name(report)["L2.n1.w1"].explanation == (
        "does not follow from L2.n1.w1 = 0.6, L1.n1.out = 0.7, L2.n1.delta = 0.58 and lr = 0.1: "
        "expected 0.64, printed 4.66")
    assert by_name(report)["L1.n1.w1"].explanation == (
        "does not follow from L1.n1.w1 = 0.35, L0.n1.out = 2, L1.n1.delta = 0.348 and lr = 0.1: "
        "expected 0.42, printed 7.31")


def test_names_with_a_minus_compare_and_explain_in_the_texts_sign_convention():
    # The text writes dE/dout = out − target = −0.58 and its delta with the same sign, −0.58;
    # it prints the delta −0.85 (a typo). Operands are quoted under the text's names and signs.
    names = {"dE/dout": "-L2.n1.error", "delta_o": "-L2.n1.delta"}
    report = judged(*IDENTITY, {"dE/dout": "-0.58", "delta_o": "−0.85"}, names)
    error, delta = by_name(report)["dE/dout"], by_name(report)["delta_o"]
    assert error.verdict == "agrees" and error.exact == pytest.approx(-0.58, abs=1e-15)
    assert delta.verdict == "wrong" and delta.exact == pytest.approx(-0.58, abs=1e-15)
    assert delta.explanation == ("does not follow from L2.n1.deriv = 1 and dE/dout = -0.58: expected -0.58, "
                                 "printed −0.85")
    assert delta.to_dict() == {"name": "L2.n1.delta", "source_name": "delta_o", "printed": "−0.85",
                               "exact": delta.exact, "verdict": "wrong", "explanation": delta.explanation}


# TIE: 1-1-1 identity, x = 1, w1 = 0.125, w2 = 0.5: L1.n1.net = 0.125, L2.n1.net = 0.0625 (exact in binary).

def test_ties_agree_rounded_half_up_half_even_or_truncated():
    tie = (network("identity", [[0.125]], [[0.5]]), [1], [1], 0.1)
    # 0.125 → 0.12 half even and truncated; 0.0625 → 0.063 half up (half even and truncation give 0.062).
    assert set(verdicts(judged(*tie, {"L1.n1.net": "0.12", "L2.n1.net": "0.063"})).values()) == {"agrees"}
    assert set(verdicts(judged(*tie, {"L1.n1.net": "0.13", "L2.n1.net": "0.062"})).values()) == {"agrees"}
    assert verdicts(judged(*tie, {"L1.n1.net": "0.11"}))["L1.n1.net"] == "wrong"


# SIGMOID: 1-1-1 sigmoid, x = 1, w1 = 1.5, w2 = 3, t = 1, lr = 0.5.
#   L1.n1.net = 1.5            L1.n1.out = σ(1.5) = 1 / (1 + e^−1.5) = 1 / 1.2231302 = 0.8175745
#   L2.n1.net = 3 × 0.8175745 = 2.4527234
#   L2.n1.out = σ(2.4527234) = 1 / (1 + 0.0860...) = 0.9207604
#   L2.n1.deriv = 0.9207604 × (1 − 0.9207604) = 0.0729607
# A text that rounds out1 to 0.82 and goes on: net2 = 3 × 0.82 = 2.46 (not 2.45, the exact value's
# 2 places either way), out2 = σ(2.46) = 0.9212897 (0.9213, where exact math gives 0.9208 or 0.9207).
SIGMOID = (network("sigmoid", [[1.5]], [[3]]), [1], [1], 0.5)


def test_the_hand_values_of_the_sigmoid_network_hold():
    # The figures below are checked against plain Python first, so a slip of ours is caught here.
    assert f"{sigmoid(1.5):.7f}" == "0.8175745" and f"{3 * sigmoid(1.5):.7f}" == "2.4527234"
    assert f"{sigmoid(3 * sigmoid(1.5)):.7f}" == "0.9207604" and f"{sigmoid(2.46):.4f}" == "0.9213"


def test_agrees_rounded_or_truncated():
    # 0.8175745: 0.82 rounded, 0.81 truncated, 0.8175 truncated, 0.8176 rounded.
    for printed in ("0.82", "0.81", "0.8175", "0.8176"):
        assert verdicts(judged(*SIGMOID, {"L1.n1.out": printed})) == {"L1.n1.out": "agrees"}, printed
    assert verdicts(judged(*SIGMOID, {"L1.n1.out": "0.8177"}))["L1.n1.out"] != "agrees"


def test_a_value_rounded_and_carried_makes_the_next_lines_follow():
    report = judged(*SIGMOID, {"L1.n1.out": "0.82", "L2.n1.net": "2.46", "L2.n1.out": "0.9213"})
    assert verdicts(report) == {"L1.n1.out": "agrees", "L2.n1.net": "follows", "L2.n1.out": "follows"}
    assert by_name(report)["L2.n1.net"].explanation == \
        "from L2.n1.w1 = 3 and L1.n1.out = 0.82, as the text had them: 2.46, written 2.46"
    assert by_name(report)["L2.n1.out"].explanation.startswith(
        "from L2.n1.net = 2.46, as the text had them: 0.92128966")
    assert report.first_wrong is None     # follows is not a mistake: the text carried what it printed
    assert by_name(report)["L2.n1.net"].exact == pytest.approx(3 * sigmoid(1.5), abs=1e-15)


def test_a_printed_gradient_is_carried_into_the_weights_update():
    # By hand: w2 = 0.6 − 0.1 × (−0.4) = 0.64 from the gradient as printed (exact: 0.6406);
    # w1 = 0.35 − 0.1 × (−0.7) = 0.42 (exact: 0.4196).
    report = judged(*IDENTITY, {"L2.n1.w1.grad": "-0.4", "L1.n1.w1.grad": "-0.7",
                                "L2.n1.w1": "0.6400", "L1.n1.w1": "0.4200"})
    assert verdicts(report) == {"L2.n1.w1.grad": "agrees", "L1.n1.w1.grad": "agrees",
                                "L2.n1.w1": "follows", "L1.n1.w1": "follows"}
    assert by_name(report)["L2.n1.w1"].explanation == \
        "from L2.n1.w1 = 0.6, L2.n1.w1.grad = -0.4 and lr = 0.1, as the text had them: 0.64, written 0.6400"


def test_operands_rounded_without_being_printed_are_the_slip_rounded_n():
    # The same 2.46, but out1 is not printed: only out1 rounded to 2 places (0.82) gives it;
    # rounded:0 (out1 = 1, net2 = 3) and rounded:1 (out1 = 0.8, net2 = 2.4) do not.
    report = judged(*SIGMOID, {"L2.n1.net": "2.46"})
    net = by_name(report)["L2.n1.net"]
    assert (net.verdict, net.slip) == ("slip", "rounded:2")
    assert net.explanation == "rounded:2: every intermediate rounded (half up) to 2 decimals and carried on"
    assert report.first_wrong is net


def test_the_derivative_of_the_activated_output_is_the_slip_derivative_on_output():
    # out2 printed 0.92 (agrees); deriv printed σ(0.92)·(1 − σ(0.92)) = 0.7150420 × 0.2849580 = 0.2037569,
    # 0.204; the textbook derivative is 0.0730 exactly, 0.92 × 0.08 = 0.0736 from the printed output.
    derivative = sigmoid(0.92) * (1 - sigmoid(0.92))
    assert f"{derivative:.3f}" == "0.204"
    report = judged(*SIGMOID, {"L2.n1.out": "0.92", "L2.n1.deriv": "0.204"})
    deriv = by_name(report)["L2.n1.deriv"]
    assert (deriv.verdict, deriv.slip) == ("slip", "derivative-on-output")
    assert deriv.explanation == ("derivative-on-output: the derivative evaluated on the activated output "
                                 "instead of the net input")
    assert deriv.exact == pytest.approx(0.07296070101596605, abs=1e-15)
    assert report.to_dict()["closest"] == {"convention": "exact", "slips": ["derivative-on-output"],
                                           "except": []}


def test_two_slips_together_are_named_as_a_pair():
    # Target 0. The delta with the derivative of the activated output AND the output's error taken as
    # out − target: σ(0.9207604)·(1 − σ(0.9207604)) × (0.9207604 − 0) = 0.2036902 × 0.9207604 = 0.18755.
    # Exact: 0.0729607 × (0 − 0.9207604) = −0.0671793; either slip alone gives ∓0.0672 or −0.1875.
    out = sigmoid(3 * sigmoid(1.5))
    assert f"{sigmoid(out) * (1 - sigmoid(out)) * out:.4f}" == "0.1875"
    net, x, _, lr = SIGMOID
    delta = by_name(judged(net, x, [0], lr, {"L2.n1.delta": "0.1875"}))["L2.n1.delta"]
    assert (delta.verdict, delta.slip) == ("slip", "derivative-on-output + wrong-sign")
    assert delta.explanation.startswith("derivative-on-output: the derivative evaluated on the activated output "
                                        "instead of the net input; wrong-sign: the output's error taken with "
                                        "the opposite sign")


# UPDATED: 2-1-1 identity, x = (1, 2), w1 = (0.1, 0.2), w2 = 0.5, t = 1, lr = 0.5. By hand:
#   L1.n1.net = 1 × 0.1 + 2 × 0.2 = 0.5       L2.n1.net = 0.5 × 0.5 = 0.25
#   L2.n1.error = 0.75 = L2.n1.delta            L2.n1.w1 = 0.5 + 0.5 × 0.75 × 0.5 = 0.6875
#   L1.n1.error = 0.75 × 0.5 = 0.375 with the old weight; with the updated one 0.75 × 0.6875 = 0.515625
#   then L1.n1.delta = 0.515625 and L1.n1.w1 = 0.1 + 1 × 0.515625 × 0.5 = 0.3578125
UPDATED = (network("identity", [[0.1, 0.2]], [[0.5]]), [1, 2], [1], 0.5)


def test_a_hidden_error_from_the_updated_weight_is_the_slip_updated_weights():
    names = {"w_o+": "L2.n1.w1", "error_h": "L1.n1.error", "w_h1+": "L1.n1.w1"}
    report = judged(*UPDATED, {"w_o+": "0.6875", "error_h": "0.515625", "w_h1+": "0.3578125"}, names)
    assert verdicts(report) == {"error_h": "slip", "w_o+": "agrees", "w_h1+": "follows"}
    assert [j.figure.label for j in report.judgements] == ["error_h", "w_o+", "w_h1+"]   # computation order
    assert by_name(report)["error_h"].slip == "updated-weights"
    assert by_name(report)["error_h"].explanation == \
        "updated-weights: hidden errors computed from weights the same step already updated"
    assert by_name(report)["error_h"].exact == 0.375


# ANOTHER: 1-2-1 identity, x = 1, w1 = (0.5, 0.25), w2 = (0.4, 0.8), t = 1, lr = 0.5. By hand:
#   L1.n1.out = 0.5, L1.n2.out = 0.25; L2.n1.net = 0.5 × 0.4 + 0.25 × 0.8 = 0.4; L2.n1.delta = 1 − 0.4 = 0.6
#   L1.n1.error = 0.6 × 0.4 = 0.24;   L1.n2.error = 0.6 × 0.8 = 0.48
# The text computes error_h1 with w_o2: 0.6 × 0.8 = 0.48.
ANOTHER = (network("identity", [[0.5], [0.25]], [[0.4, 0.8]]), [1], [1], 0.5)


def test_a_line_using_another_lines_weight_is_wrong():
    names = {"delta_o": "L2.n1.delta", "error_h1": "L1.n1.error", "error_h2": "L1.n2.error"}
    report = judged(*ANOTHER, {"delta_o": "0.6", "error_h1": "0.48", "error_h2": "0.48"}, names)
    assert verdicts(report) == {"delta_o": "agrees", "error_h1": "wrong", "error_h2": "agrees"}
    assert by_name(report)["error_h1"].explanation == \
        "does not follow from delta_o = 0.6 and L2.n1.w1 = 0.4: expected 0.24, printed 0.48"
    assert report.first_wrong.figure.name == "L1.n1.error"
    document = report.to_dict()
    assert document["first_wrong"] == "L1.n1.error"
    assert document["closest"] == {"convention": "exact", "slips": [], "except": ["L1.n1.error"]}


def test_closest_is_the_simplest_whole_computation_reproducing_the_most_figures():
    # Printed 0.82, 2.46, 0.9213: rounded:2 reproduces the first two (its out2 is 0.92, not 0.9213);
    # exact math only the first.
    report = judged(*SIGMOID, {"L1.n1.out": "0.82", "L2.n1.net": "2.46", "L2.n1.out": "0.9213"})
    assert report.closest.describe() == "rounded:2, except L2.n1.out"
    assert report.to_dict()["closest"] == {"convention": "exact", "slips": ["rounded:2"],
                                           "except": ["L2.n1.out"]}


def test_weight_decay_is_an_operand_of_the_update():
    # IDENTITY with weight decay 0.1: L1.n1.w1 = 0.35 − 0.1 × (−0.696 + 0.1 × 0.35) = 0.35 + 0.0661 = 0.4161.
    example = parse_example({"network": IDENTITY[0], "input": [2], "target": [1],
                             "settings": {"learning_rate": 0.1, "weight_decay": 0.1},
                             "figures": {"L1.n1.w1": "0.4116"}}, "ex.json", None)
    (judgement,) = check(example).judgements
    assert judgement.explanation == ("does not follow from L1.n1.w1 = 0.35, L1.n1.w1.grad = -0.696, "
                                     "weight_decay = 0.1 and lr = 0.1: expected 0.4161, printed 0.4116")


def test_an_infinite_value_is_judged_and_reported_without_a_crash():
    # Sigmoid output printed 1 under binary cross-entropy with target 0.5: carried on, the error
    # 0.5/1 − 0.5/(1 − 1) is infinite; exact math's error is finite (out = σ(0.7·σ(0.45)) < 1).
    net = network("sigmoid", [[0.3]], [[0.7]])
    example = parse_example({"network": net, "input": [1.5], "target": [0.5],
                             "settings": {"loss": "binary-cross-entropy"},
                             "figures": {"L2.n1.out": "1", "L2.n1.error": "0.4"}}, "ex.json", None)
    error = {j.figure.name: j for j in check(example).judgements}["L2.n1.error"]
    assert error.verdict == "wrong" and "expected -inf, printed 0.4" in error.explanation


def test_a_value_too_large_for_its_printed_places_is_explained():
    net = network("sigmoid", [[1e300]], [[1.0]])
    (judgement,) = judged(net, [1.5], [1], 0.1, {"L1.n1.net": "1"}).judgements
    assert judgement.explanation == ("does not follow from L1.n1.w1 = 1e+300 and L0.n1.out = 1.5: "
                                     "expected 1.5e+300, printed 1")


# The article: 37 figures.

ARTICLE_SLIPS = {"L2.n1.deriv", "L1.n3.deriv", "L1.n4.deriv"}


def test_the_articles_figures_agree_follow_or_slip_and_none_is_wrong():
    report = check(built_in())
    found = {j.figure.name: j for j in report.judgements}
    assert len(found) == 37
    assert {j.verdict for j in found.values()} == {"agrees", "follows", "slip"}
    # deriv(0.78) = σ(0.78)·(1 − σ(0.78)) = 0.6857 × 0.3143 = 0.2155, printed 0.21; 0.78 × 0.22 = 0.1716
    # and exact 0.1685 are not. deriv(0.71) = 0.6704 × 0.3296 = 0.2210 → 0.220 (0.71 × 0.29 = 0.2059);
    # deriv(0.57) = 0.6388 × 0.3612 = 0.2307 → 0.23 (0.57 × 0.43 = 0.2451).
    assert {name for name, j in found.items() if j.verdict == "slip"} == ARTICLE_SLIPS
    assert all(found[name].slip == "derivative-on-output" for name in ARTICLE_SLIPS)
    # deriv(0.64): exact 0.2288 truncates to the printed 0.22; deriv(0.66) printed 0.224 is 0.66 × 0.34 = 0.2244.
    assert found["L1.n1.deriv"].verdict == "agrees" and found["L1.n2.deriv"].verdict == "follows"
    # 0.64 × 0.6 + 0.66 × 0.7 + 0.71 × 0.3 + 0.57 × 0.4 = 1.287 → 1.28 (exact 1.2982).
    assert found["L2.n1.net"].verdict == "follows" and "as the text had them: 1.287, written 1.28" in \
        found["L2.n1.net"].explanation
    # 1 − 0.78 = 0.22 in decimal (exact 0.2145); 0.04 × 0.6 = 0.024 (exact 0.0217).
    assert found["L2.n1.error"].verdict == "follows" and found["L1.n1.error"].verdict == "follows"
    # 0.6 + 0.64 × 0.04 × 0.001 = 0.6000256 (exact 0.6000233).
    assert found["L2.n1.w1"].verdict == "follows"
    assert found["L1.n1.out"].verdict == "agrees" and found["L1.n1.w2"].verdict == "agrees"
    assert report.first_wrong.figure.name == "L2.n1.deriv"
    assert report.to_dict()["closest"] == {"convention": "article", "slips": [], "except": []}


# Mazur's 2-2-2 example.

def test_every_figure_of_mazurs_example_agrees():
    report = check(read_example(EXAMPLES / "mazur-2-2-2.json"))
    assert len(report.judgements) == 22
    assert {j.verdict for j in report.judgements} == {"agrees"}
    assert report.first_wrong is None
    assert report.to_dict()["closest"] == {"convention": "exact", "slips": [], "except": []}


def test_mazurs_figures_against_a_plain_computation():
    # His forward pass and first updates, in plain Python (biases 0.35 and 0.6).
    i1, i2, t1, t2 = 0.05, 0.1, 0.01, 0.99
    h1, h2 = sigmoid(0.15 * i1 + 0.2 * i2 + 0.35), sigmoid(0.25 * i1 + 0.3 * i2 + 0.35)
    o1, o2 = sigmoid(0.4 * h1 + 0.45 * h2 + 0.6), sigmoid(0.5 * h1 + 0.55 * h2 + 0.6)
    delta_o1 = (o1 - t1) * o1 * (1 - o1)          # his δ = ∂E/∂net, the opposite sign of nntrace's
    delta_o2 = (o2 - t2) * o2 * (1 - o2)
    de_dout_h1 = delta_o1 * 0.4 + delta_o2 * 0.5
    printed = {f.source_name: f.printed for f in read_example(EXAMPLES / "mazur-2-2-2.json").figures}
    assert printed["out_h1"] == "0.593269992" and f"{h1:.9f}" == "0.593269992"
    assert printed["out_o1"] == "0.75136507" and f"{o1:.8f}" == "0.75136507"
    assert printed["E_total"] == "0.298371109" and f"{((t1 - o1) ** 2 + (t2 - o2) ** 2) / 2:.9f}" == "0.298371109"
    assert printed["delta_o1"] == "0.138498562" and f"{delta_o1:.9f}" == "0.138498562"
    assert printed["w5+"] == "0.35891648" and f"{0.4 - 0.5 * delta_o1 * h1:.8f}" == "0.35891648"
    assert printed["dE_total/dout_h1"] == "0.036350306" and f"{de_dout_h1:.9f}" == "0.036350306"
    w1 = 0.15 - 0.5 * de_dout_h1 * h1 * (1 - h1) * i1
    assert printed["w1+"] == "0.149780716" and f"{w1:.9f}" == "0.149780716"


def test_mazurs_negated_names_are_compared_in_his_sign_convention():
    report = check(read_example(EXAMPLES / "mazur-2-2-2.json"))
    found = {j.figure.source_name: j for j in report.judgements}
    # dE/dout_o1 = out − target = 0.75136507 − 0.01 = 0.74136507: nntrace's error is its negative.
    assert found["dE_total/dout_o1"].figure.name == "L2.n1.error" and found["dE_total/dout_o1"].figure.negated
    assert found["dE_total/dout_o1"].exact == pytest.approx(0.74136507, abs=1e-8)
    assert found["delta_o1"].exact == pytest.approx(0.138498562, abs=1e-9)
    assert found["dE_total/dout_h1"].exact == pytest.approx(0.036350306, abs=1e-9)


# The mistakes made on purpose (examples/mistakes.json, its note says which).

def test_each_mistake_on_purpose_is_found_with_its_verdict():
    report = check(read_example(EXAMPLES / "mistakes.json"))
    found = {j.figure.source_name: j for j in report.judgements}
    # Hidden outputs rounded to 2 places (0.6803 → 0.68, 0.6637 → 0.66, agree) and carried on:
    # net_o = 0.3 × 0.68 + 0.9 × 0.66 = 0.798 (exact 0.8014) follows.
    assert (found["out_h1"].verdict, found["out_h2"].verdict, found["net_o"].verdict) == \
        ("agrees", "agrees", "follows")
    # deriv_o = σ(0.69)·(1 − σ(0.69)) = 0.66596 × 0.33404 = 0.2225: derivative-on-output.
    assert f"{sigmoid(0.69) * (1 - sigmoid(0.69)):.4f}" == "0.2225"
    assert (found["deriv_o"].verdict, found["deriv_o"].slip) == ("slip", "derivative-on-output")
    # delta_o = 0.2225 × (−0.19) = −0.042275 → −0.0423 follows from the slipped derivative.
    assert found["delta_o"].verdict == "follows"
    # error_h1 = −0.0423 × 0.9 (w_o2) = −0.0381 where −0.0423 × 0.3 = −0.01269 → −0.0127 belongs.
    assert found["error_h1"].verdict == "wrong"
    assert found["error_h1"].explanation == \
        "does not follow from delta_o = -0.0423 and L2.n1.w1 = 0.3: expected -0.0127, printed -0.0381"
    assert found["error_h2"].verdict == "follows"
    # w_o1+ = 0.3 + 0.68 × (−0.0423) / 0.5 = 0.2425 where 0.3 + 0.68 × (−0.0423) × 0.5 = 0.285618 → 0.2856.
    assert found["w_o1+"].verdict == "wrong" and found["w_o1+"].explanation.endswith(
        "expected 0.2856, printed 0.2425")
    # w_o2+ = 0.9 + 0.66 × (−0.0423) × 0.5 = 0.886041 → 0.8860, printed with two digits swapped.
    assert found["w_o2+"].verdict == "wrong" and found["w_o2+"].explanation.endswith(
        "expected 0.8860, printed 0.8806")
    assert report.first_wrong.figure.source_name == "deriv_o"
    assert {j.verdict for j in report.judgements if j.figure.source_name not in
            ("net_o", "deriv_o", "delta_o", "error_h1", "error_h2", "w_o1+", "w_o2+")} == {"agrees"}


@pytest.mark.parametrize("net, t, loss, out", [
    ({"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.621]]]}, [1], "binary-cross-entropy",
     "L1.n1.out"),
    ({"layers": [1, 2], "activation": "softmax", "weights": [[[0], [0.621]]]}, [0, 1], "cross-entropy",
     "L1.n2.out")])
def test_a_cross_entropy_loss_follows_from_the_output_as_printed(net, t, loss, out):
    # σ(0.621) = 0.650446, printed 0.650; the text's loss −ln 0.650 = 0.43078 is printed 0.431,
    # where exact math gives −ln 0.650446 = 0.43010 (0.430): the text carried its output.
    assert sigmoid(0.621) == pytest.approx(0.650446, abs=1e-6)
    example = parse_example({"network": net, "input": [1], "target": t,
                             "settings": {"learning_rate": 0.1, "loss": loss},
                             "names": {"y": out}, "figures": {"y": "0.650", "loss": "0.431"}}, "ex.json", None)
    report = check(example)
    assert verdicts(report) == {"y": "agrees", "loss": "follows"}
    assert "y = 0.650" in by_name(report)["loss"].explanation and "0.4307829161" in by_name(report)["loss"].explanation
    assert by_name(report)["loss"].exact == pytest.approx(-math.log(sigmoid(0.621)), abs=1e-15)


def test_an_output_printed_below_0_under_binary_cross_entropy_still_carries_the_lines_after_it():
    # ln(−0.62) has no value: the loss falls back to the net input, and delta = t − out =
    # 1 − (−0.62) = 1.62 still follows from the output as printed, and what comes after it.
    example = parse_example({"network": {"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.5]]]},
                             "input": [1], "target": [1],
                             "settings": {"learning_rate": 0.1, "loss": "binary-cross-entropy"},
                             "figures": {"L1.n1.out": "-0.62", "L1.n1.delta": "1.62",
                                         "L1.n1.w1.grad": "-1.62", "L1.n1.w1": "0.662"}}, "ex.json", None)
    assert verdicts(check(example)) == {"L1.n1.out": "wrong", "L1.n1.delta": "follows",
                                        "L1.n1.w1.grad": "follows", "L1.n1.w1": "follows"}


def test_a_tie_in_real_arithmetic_agrees_where_floats_fall_short_of_it():
    # 0.05 × 0.25 + 0.1 × 0.3 + 0.35 is 0.3925, which rounds half up to 0.393; in floats it
    # is 0.39249999999999996, which would round to 0.392. Exact math is the real one.
    assert 0.05 * 0.25 + 0.1 * 0.3 + 0.35 == 0.39249999999999996
    example = read_example(EXAMPLES / "mazur-2-2-2.json")
    tie = parse_example({"network": example.network.to_dict(), "input": [0.05, 0.1], "target": [0.01, 0.99],
                         "settings": {"learning_rate": 0.5}, "figures": {"L1.n2.net": "0.393"}}, "ex.json", None)
    (judgement,) = check(tie).judgements
    assert judgement.verdict == "agrees" and judgement.exact == 0.3925


def test_an_explanation_quotes_what_the_line_reads_printed_under_the_texts_name_else_under_its_own():
    # IDENTITY with out2 printed 0.4 (carried: loss ½(1 − 0.4)² = 0.18) and a loss typed 0.81:
    # a squared loss reads the outputs and targets, never the net inputs. delta1 typed 0.63
    # reads error1 = 0.6 × 0.6 = 0.36 (carried from out2) and deriv1 = 1, neither printed, so
    # under their trace names even though the text names error1 "e_h".
    report = judged(*IDENTITY, {"o": "0.4", "loss": "0.81", "d_h": "0.63"},
                    names={"o": "L2.n1.out", "e_h": "L1.n1.error", "d_h": "L1.n1.delta"})
    loss, delta = by_name(report)["loss"], by_name(report)["d_h"]
    assert loss.explanation == "does not follow from o = 0.4 and target1 = 1: expected 0.18, printed 0.81"
    assert delta.explanation == ("does not follow from L1.n1.deriv = 1 and L1.n1.error = 0.36: expected 0.36, "
                                 "printed 0.63")


def test_the_closest_computation_updates_from_a_gradient_the_text_printed():
    # 1-1 identity, w 0.5, x 0.3, t 0.79, lr 10: delta 0.64, ∂E/∂w −0.192. A text rounding to
    # 2 places writes the gradient −0.19 and updates from it: 0.5 − 10 × (−0.19) = 2.40.
    # rounded:2 computed as it computes reproduces every figure; w + lr·x·delta would be 2.42.
    net = {"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]}

    def closest_of(figures):
        example = parse_example({"network": net, "input": [0.3], "target": [0.79],
                                 "settings": {"learning_rate": 10}, "figures": figures}, "ex.json", None)
        return check(example).closest

    found = closest_of({"L1.n1.out": "0.15", "L1.n1.delta": "0.64", "L1.n1.w1.grad": "-0.19", "L1.n1.w1": "2.40"})
    assert found.candidate.slips == ("rounded:2",) and found.missed == []
    # A text that prints no gradient updates w + lr·x·delta: exact math, 2.42.
    found = closest_of({"L1.n1.out": "0.15", "L1.n1.delta": "0.64", "L1.n1.w1": "2.42"})
    assert found.candidate.slips == () and found.missed == []


def sigmoid_bce(weight: float, figures: dict):
    return parse_example({"network": {"layers": [1, 1], "activation": "sigmoid", "weights": [[[weight]]]},
                          "input": [1], "target": [0],
                          "settings": {"learning_rate": 0.5, "loss": "binary-cross-entropy"},
                          "figures": figures}, "ex.json", None)


def test_a_saturated_output_printed_as_1_is_still_exact_math_for_the_closest_computation():
    # σ(55) = 1 − 1.3e-24, printed 1.0000; the loss −ln(1 − σ(55)) is 55 exactly (to 22
    # digits). Read from the output in 28 digits it would be 54.9997: only the carried
    # run reads a printed output, never the exact one.
    report = check(sigmoid_bce(55, {"L1.n1.net": "55.0000", "L1.n1.out": "1.0000", "loss": "55.0000"}))
    assert set(verdicts(report).values()) == {"agrees"}
    assert report.closest.candidate == Candidate() and report.closest.missed == []


def test_a_loss_carried_from_the_net_input_where_the_printed_output_has_no_logarithm_says_so():
    # out printed 1.0000: −ln(1 − 1) has no value, so the loss is carried from the net input
    # as printed (800.3), and the explanation quotes it, not the output.
    report = check(sigmoid_bce(800, {"L1.n1.net": "800.3", "L1.n1.out": "1.0000", "loss": "800.3"}))
    assert by_name(report)["loss"].explanation.startswith("from target1 = 0 and L1.n1.net = 800.3, as the text")


def test_a_figure_agrees_with_the_real_value_not_its_float():
    # 0.12345 − 1e-20 is 0.12344999…, which rounds to 0.1234: its float, 0.12345, would round
    # half up to 0.1235 and call the figure 0.1235 exact.
    example = parse_example({"network": {"layers": [1, 1], "activation": "identity", "weights": [[[0.12345]]],
                                          "biases": [[-1e-20]]}, "input": [1], "target": [0],
                             "settings": {"learning_rate": 0.5}, "figures": {"L1.n1.net": "0.1235"}}, "ex.json", None)
    assert 0.12345 - 1e-20 == 0.12345
    assert verdicts(check(example)) == {"L1.n1.net": "slip"}   # rounded to 5 places, then 4
