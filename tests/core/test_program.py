import math

import pytest

from nntrace.core.ops import OPS, add_up
from nntrace.core.program import build


def test_a_wide_layer_sum_is_shortened():
    assert add_up(["a", "b", "c"]) == "a + b + c"
    assert add_up([str(i) for i in range(1, 301)]) == "1 + 2 + 3 + … 296 more terms … + 300"


def ops_of(program) -> dict:
    return {a.name: a for a in program.assigns}


@pytest.mark.parametrize("output, loss, delta_op", [
    ("softmax", "cross-entropy", "shortcut_delta"),
    ("sigmoid", "binary-cross-entropy", "shortcut_delta"),
    ("softmax", "half-squared-error", "softmax_delta"),
    ("softmax", "squared-error", "softmax_delta"),
    ("sigmoid", "half-squared-error", "product"),
    ("sigmoid", "mean-squared-error", "product"),
    ("tanh", "squared-error", "product"),
])
def test_the_output_delta_takes_the_shortcut_only_with_the_loss_s_own_activation(output, loss, delta_op):
    program = build([2, 3, 2], ["sigmoid", output], True, loss)
    found = ops_of(program)
    assert found["L2.n1.delta"].op == delta_op
    assert ("L2.n1.deriv" in found) == (output != "softmax")   # softmax has no deriv of its own
    assert found["loss"].op == "loss" and found["loss"].param == loss
    assert found["L2.n2.error"].op == "output_error" and found["L2.n2.error"].param == loss
    # The hidden layer is the same whatever the loss.
    assert found["L1.n1.delta"].op == "product" and found["L1.n1.error"].op == "back_sum"


def test_every_weight_and_bias_has_a_gradient_from_its_neurons_delta():
    program = build([2, 3, 2], ["tanh", "softmax"], True, "cross-entropy")
    found = ops_of(program)
    for name in program.state:
        grad = found[f"{name}.grad"]
        neuron = name.rsplit(".", 1)[0]
        if name.endswith(".b"):
            assert (grad.op, grad.args) == ("bias_gradient", (f"{neuron}.delta",))
        else:
            layer, i = int(name[1]), int(name.rsplit(".w", 1)[1])
            source = f"L0.n{i}.out" if layer == 1 else f"L{layer - 1}.n{i}.out"
            assert (grad.op, grad.args) == ("gradient", (f"{neuron}.delta", source))
    # Each gradient comes after its delta and before any update.
    order = program.names
    first_update = min(order.index(name) for name in program.state)
    for name in program.state:
        assert order.index(name.rsplit(".", 1)[0] + ".delta") < order.index(f"{name}.grad") < first_update


def test_the_ops_compute_what_their_names_say():
    from nntrace.core.numbers import FLOAT

    def bound(op, param=""):
        return OPS[op].bind(param, FLOAT)

    assert bound("gradient")(0.25, 2.0) == -0.5               # ∂E/∂w = −delta × input
    assert bound("bias_gradient")(0.25) == -0.25              # ∂E/∂b = −delta
    assert bound("shortcut_delta", "cross-entropy")(1.0, 0.75) == 0.25    # target − out
    assert bound("flipped_shortcut", "cross-entropy")(1.0, 0.75) == -0.25
    # softmax: e^1 / (e^1 + e^0)
    assert bound("softmax")(1.0, 1.0, 0.0) == pytest.approx(math.e / (math.e + 1), rel=1e-15)
    # softmax delta o_j × (e_j − Σ_k e_k o_k): o = (0.25, 0.75), errors (2, −1):
    # Σ = 2 × 0.25 + (−1) × 0.75 = −0.25; delta_1 = 0.25 × (2 + 0.25) = 0.5625
    assert bound("softmax_delta")(0.25, 2.0, 2.0, 0.25, -1.0, 0.75) == 0.5625
    # cross-entropy's error t / o; squared-error's 2 (t − o); mean's 2 (t − o) / n
    assert bound("output_error", "cross-entropy")(1.0, 0.25, 2) == 4.0
    assert bound("output_error", "squared-error")(1.0, 0.25, 2) == 1.5
    assert bound("output_error", "mean-squared-error")(1.0, 0.25, 3) == 0.5
    assert bound("flipped_error", "squared-error")(1.0, 0.25, 2) == -1.5


@pytest.mark.parametrize("op, param, texts, formula", [
    ("softmax", "softmax", ["a", "a", "b"], "e^a / (e^a + e^b)"),
    ("loss", "cross-entropy", ["o1", "o2", "1", "0", "n1", "n2"], "-(1 × ln o1 + 0 × ln o2)"),
    ("loss", "squared-error", ["o1", "o2", "t1", "t2", "n1", "n2"], "(t1 − o1)² + (t2 − o2)²"),
    ("loss", "mean-squared-error", ["o1", "o2", "t1", "t2", "n1", "n2"], "((t1 − o1)² + (t2 − o2)²) / 2"),
    ("loss", "half-squared-error", ["o1", "t1", "n1"], "½ × (t1 − o1)²"),
    ("output_error", "squared-error", ["t", "o", "2"], "2 × (t − o)"),
    ("output_error", "mean-squared-error", ["t", "o", "2"], "2 × (t − o) / 2"),
    ("output_error", "cross-entropy", ["t", "o", "2"], "t / o"),
    ("output_error", "binary-cross-entropy", ["t", "o", "1"], "t / o − (1 − t) / (1 − o)"),
    ("shortcut_delta", "cross-entropy", ["t", "o"], "t − o (softmax with cross-entropy: target − out)"),
    ("shortcut_delta", "binary-cross-entropy", ["t", "o"],
     "t − o (sigmoid with binary-cross-entropy: target − out)"),
    ("gradient", "", ["delta", "input"], "-delta × input"),
    ("bias_gradient", "", ["delta"], "-delta"),
])
def test_formula_texts_as_a_tutorial_writes_them(op, param, texts, formula):
    assert OPS[op].formula(param, [], texts) == formula


def test_gradients_are_named_as_a_text_names_them():
    assert OPS["gradient"].symbol == "∂E/∂w" and OPS["bias_gradient"].symbol == "∂E/∂b"


def written(value: float) -> str:
    return f"({value!r})" if value < 0 else repr(value)


@pytest.mark.parametrize("loss, outputs, targets", [
    ("half-squared-error", [0.75], [1.0]), ("half-squared-error", [0.25, -0.5], [0.0, 0.5]),
    ("squared-error", [0.75], [1.0]), ("squared-error", [0.25, -0.5], [0.0, 0.5]),
    ("mean-squared-error", [0.75], [1.0]), ("mean-squared-error", [0.25, -0.5], [0.0, 0.5]),
    ("binary-cross-entropy", [0.5], [0.25]), ("binary-cross-entropy", [0.2, 0.9], [0.0, 0.6]),
    ("cross-entropy", [0.25, 0.75], [1.0, 0.0]), ("cross-entropy", [0.1, 0.3, 0.6], [0.2, 0.3, 0.5]),
])
def test_a_loss_s_formula_text_reads_as_its_value(loss, outputs, targets):
    # The formula filled in with the numbers, read as arithmetic, is the loss and the error
    # the entry computes (the nets are those that give these outputs: logits of a sigmoid,
    # logs for a softmax).
    from nntrace.core.losses import LOSSES
    from tests.plain import evaluate_text

    entry = LOSSES[loss]
    nets = ([math.log(o / (1 - o)) for o in outputs] if loss == "binary-cross-entropy"
            else [math.log(o) for o in outputs] if loss == "cross-entropy" else outputs)
    o, t, n = [written(v) for v in outputs], [written(v) for v in targets], str(len(outputs))
    text = OPS["loss"].formula(loss, [], [*o, *t, *map(written, nets)])
    assert evaluate_text(text) == pytest.approx(entry.loss(outputs, targets, nets), rel=1e-12), text
    for j in range(len(outputs)):
        text = OPS["output_error"].formula(loss, [], [t[j], o[j], n])
        assert evaluate_text(text) == pytest.approx(entry.error(targets[j], outputs[j], len(outputs)),
                                                    rel=1e-12), text


# Where each operand's value comes from: what the page fills the formulas in with.

def sources_of(program) -> dict:
    """(scope, name) -> [(kind, operand name), ...]"""
    from nntrace.core.program import operand_sources

    return {(scope, a.name): [(o.kind, o.name) for o in operands]
            for scope, a, operands in operand_sources(program)}


def test_an_online_step_reads_the_weights_before_it_and_its_own_values():
    from nntrace.core.slips import SLIPS

    found = sources_of(build([2, 4, 1], ["sigmoid", "sigmoid"], False, "half-squared-error"))
    assert found["sample", "L1.n1.net"] == [("constant", "0"), ("before", "L1.n1.w1"), ("input", "L0.n1.out"),
                                            ("before", "L1.n1.w2"), ("input", "L0.n2.out")]
    assert found["sample", "L2.n1.error"] == [("target", "target1"), ("sample", "L2.n1.out"), ("constant", "1")]
    # Hidden errors read the output weights as they were: the update comes after them.
    assert found["sample", "L1.n1.error"] == [("sample", "L2.n1.delta"), ("before", "L2.n1.w1")]
    assert found["sample", "L2.n1.w1"] == [("before", "L2.n1.w1"), ("sample", "L1.n1.out"),
                                           ("sample", "L2.n1.delta"), ("rate", "lr")]
    # With updated-weights they read the weight the same step has just updated.
    slipped = build([2, 4, 1], ["sigmoid", "sigmoid"], False, "half-squared-error", (SLIPS["updated-weights"].rewrite,))
    assert sources_of(slipped)["sample", "L1.n1.error"] == [("sample", "L2.n1.delta"), ("sample", "L2.n1.w1")]


def test_a_batch_reads_each_sample_for_its_means_and_its_own_values_after():
    from nntrace.core.program import Descent

    found = sources_of(build([2, 2, 1], ["sigmoid", "sigmoid"], True, "half-squared-error",
                             descent=Descent(batched=True, momentum=True, decay=True)))
    assert found["sample", "L1.n1.net"][:3] == [("before", "L1.n1.b"), ("before", "L1.n1.w1"), ("input", "L0.n1.out")]
    assert found["batch", "loss"] == [("samples", "loss")]
    assert found["batch", "L2.n1.w1.grad"] == [("samples", "L2.n1.w1.grad")]
    assert found["batch", "L2.n1.w1.velocity"] == [("before", "L2.n1.w1.velocity"), ("step", "L2.n1.w1.grad"),
                                                   ("rate", "momentum"), ("rate", "weight_decay"),
                                                   ("before", "L2.n1.w1")]
    assert found["batch", "L2.n1.w1"] == [("before", "L2.n1.w1"), ("step", "L2.n1.w1.velocity"), ("rate", "lr")]
    assert ("sample", "L2.n1.w1") not in found   # a batch's weights change once, in the update


def test_a_sample_pass_after_a_batch_part_reads_the_weights_it_left():
    # updated-weights in a batch: the output layer's update moves before the hidden errors,
    # which each sample's pass then computes from the updated weights.
    from nntrace.core.program import Descent
    from nntrace.core.slips import SLIPS

    program = build([2, 2, 1], ["sigmoid", "sigmoid"], False, "half-squared-error",
                    (SLIPS["updated-weights"].rewrite,), Descent(batched=True))
    assert [scope for scope, _ in program.phases()] == ["sample", "batch", "sample", "batch"]
    found = sources_of(program)
    assert found["sample", "L1.n1.error"] == [("sample", "L2.n1.delta"), ("step", "L2.n1.w1")]
    assert found["sample", "L1.n1.w1.grad"] == [("sample", "L1.n1.delta"), ("input", "L0.n1.out")]
