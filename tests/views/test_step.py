import pytest
from rich.console import Group

from nntrace import api
from nntrace.render.step import StepTables
from nntrace.trace.model import network_after
from nntrace.views.step import section_of, step_view, step_views
from nntrace.views.text import format_number
from tests.plain import evaluate_text


def test_sections_follow_the_article():
    assert section_of("L1.n2.net", 2) == "Forward, hidden layer 1 (L1)"
    assert section_of("L2.n1.delta", 2) == "Backward, output layer (L2)"
    assert section_of("L1.n1.w2", 2) == "Updates into the hidden layer 1 (L1)"
    assert section_of("loss", 2) == "Loss"


def test_multi_step_traces_use_the_weights_the_previous_step_left(render, article_network):
    first = api.step(article_network, [0, 1], [1], lr=0.5)
    after = first.steps[0].values["L2.n1.w1"]
    net = network_after(first.network, first.steps[0])
    second = api.step(net, [1, 1], [0], lr=0.5)
    first.steps.append(second.steps[0])
    second.steps[0].iteration = 2
    text = render(Group(*(StepTables(view) for view in step_views(first))))
    assert f"{format_number(after)} + " in text


# Formula lines for the losses, softmax and gradients, as a tutorial writes them.

def lines_of(view) -> dict:
    return {line.name: line for section in view.sections for line in section.lines}


CLASSIFIER = {"layers": [2, 1, 2], "activation": ["sigmoid", "softmax"],
              "weights": [[[0.5, -0.75]], [[2.0], [-2.0]]], "biases": [[0.25], [0.5, -0.5]]}


def test_a_softmax_cross_entropy_step_reads_as_a_tutorial():
    # Hidden out σ(0) = 0.5; output nets 1.5, −1.5; outputs 0.9525741 and 0.04742587.
    lines = lines_of(step_view(api.step(CLASSIFIER, [1, 1], [1, 0], 0.5, loss="cross-entropy")))
    assert lines["L2.n1.out"].formula == "e^1.5 / (e^1.5 + e^(-1.5))"
    assert lines["L2.n2.out"].formula == "e^(-1.5) / (e^1.5 + e^(-1.5))"
    assert lines["loss"].formula == "-(1 × ln 0.9525741 + 0 × ln 0.04742587)"
    assert lines["L2.n1.error"].formula == "1 / 0.9525741"
    assert lines["L2.n1.delta"].formula == "1 − 0.9525741 (softmax with cross-entropy: target − out)"
    assert lines["L2.n1.w1.grad"].formula == "-0.04742587 × 0.5"
    assert lines["L2.n1.w1.grad"].label == "∂E/∂w" and lines["L2.n1.b.grad"].label == "∂E/∂b"
    assert lines["L2.n2.b.grad"].formula == "-(-0.04742587)"
    assert "L2.n1.deriv" not in lines        # softmax has no derivative of its own
    headings = [section.heading for section in step_view(api.step(CLASSIFIER, [1, 1], [1, 0])).sections]
    assert "Gradients, output layer (L2)" in headings and "Gradients, hidden layer 1 (L1)" in headings


def test_squared_error_and_softmax_jacobian_lines():
    lines = lines_of(step_view(api.step(CLASSIFIER, [1, 1], [1, 0], 0.5, loss="squared-error")))
    assert lines["loss"].formula == "(1 − 0.9525741)² + (0 − 0.04742587)²"
    assert lines["L2.n1.error"].formula == "2 × (1 − 0.9525741)"
    assert lines["L2.n2.error"].formula == "2 × (0 − 0.04742587)"
    # delta_j = o_j × (e_j − Σ_k e_k × o_k)
    assert lines["L2.n1.delta"].formula == ("0.9525741 × (0.09485175 − (0.09485175 × 0.9525741 + "
                                            "(-0.09485175) × 0.04742587))")


def test_a_leaky_relu_derivative_line():
    net = {"layers": [1, 1], "activation": "leaky_relu", "weights": [[[-0.5]]]}
    lines = lines_of(step_view(api.step(net, [2], [0.25])))
    assert lines["L1.n1.out"].formula == "leaky_relu(-1)"
    assert lines["L1.n1.deriv"].formula == "leaky_relu′(-1)" and lines["L1.n1.deriv"].value == "0.01"


CASES = [
    ("cross-entropy", CLASSIFIER, [1, 0]), ("squared-error", CLASSIFIER, [1, 0]),
    ("mean-squared-error", CLASSIFIER, [0.3, 0.7]), ("half-squared-error", CLASSIFIER, [1, 0]),
    ("binary-cross-entropy", {"layers": [2, 2, 2], "activation": "sigmoid",
                              "weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
                              "biases": [[0.35, 0.35], [0.6, 0.6]]}, [0.01, 0.99]),
    ("binary-cross-entropy", {"layers": [1, 1], "activation": "sigmoid", "weights": [[[0.5]]],
                              "biases": [[-1.0]]}, [0.25]),
    ("mean-squared-error", {"layers": [1, 1], "activation": "tanh", "weights": [[[0.5]]]}, [0.25]),
]


@pytest.mark.parametrize("loss, network, target", CASES,
                         ids=[f"{c[0]}-{c[1]['layers'][-1]}-outputs" for c in CASES])
def test_each_formula_line_reads_as_its_value(loss, network, target):
    # Every line whose formula is arithmetic (all but the activations' own lines), filled in
    # with 17 digits and read as arithmetic, gives the value the line shows: the loss, the
    # errors, derivatives, deltas, gradients, updates, and softmax's e^a / (e^a + e^b).
    x = [2] if network["layers"][0] == 1 else [1, 1]
    trace = api.step(network, x, target, 0.5, loss=loss)
    checked = set()
    for name, line in lines_of(step_view(trace, digits=17)).items():
        formula = line.formula.split(" (", 1)[0] if "target − out" in line.formula else line.formula
        if any(f in formula for f in ("sigmoid", "tanh", "relu")):
            continue
        assert evaluate_text(formula) == pytest.approx(trace.steps[0].values[name], rel=1e-12,
                                                       abs=1e-15), f"{name}: {line.formula}"
        checked.add(name.rsplit(".", 1)[-1])
    assert {"loss", "error", "delta", "grad"} <= checked


@pytest.mark.parametrize("loss", ["binary-cross-entropy", "squared-error", "mean-squared-error"])
def test_the_articles_reasons_are_not_given_for_a_run_under_another_loss(article_network, loss):
    # The article's figures are those of its half-squared-error. Under another loss the
    # output error differs because of the loss (BCE: 1/o = 1.27 against the printed 0.22),
    # not because "the article truncated a value" nor "from the derivative slip": no line
    # the loss changes may be given one of those reasons.
    view = step_view(api.step(article_network, [0, 1], [1], loss=loss))
    lines = lines_of(view)
    changed = ["L2.n1.error", "L2.n1.delta", *(f"L1.n{j}.{kind}" for j in range(1, 5) for kind in ("error", "delta")),
               *(f"L2.n1.w{i}" for i in range(1, 5))]
    given = {name: lines[name].verdict for name in changed if lines[name].verdict[1:].isdigit()}
    assert given == {}, [f"{name} {verdict}: {view.notes[int(verdict[1:]) - 1]}" for name, verdict in given.items()]


def test_the_articles_reasons_stand_for_its_own_loss(article_network):
    view = step_view(api.step(article_network, [0, 1], [1]))
    assert view.with_figures and lines_of(view)["L2.n1.net"].verdict == "≠1"
