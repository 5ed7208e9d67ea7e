"""The loss registry: every fact about a loss function, in one entry.

An entry holds the per-sample loss, its −∂E/∂out (the output layer's `error`), their
formula text, the output activation it needs and the targets it takes. Losses are written
once for floats and Decimals (numbers.exp and numbers.ln take either), and again for NumPy
arrays (the vectorised evaluator). The two
cross-entropies are computed from the net inputs (log-sigmoid, log-softmax), so that a
saturated output gives a finite loss, with 0·ln 0 = 0; their `error` may be infinite
where an output is exactly 0 or 1, and the delta then comes from the stable form
target − out (`shortcut`). Adding a loss is adding an entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .numbers import Number, exp, infinity, ln, ln1p

Values = Sequence[Number]
Texts = Sequence[str]


@dataclass(frozen=True)
class Loss:
    name: str
    description: str
    loss: Callable[[Values, Values, Values], Number]    # (outputs, targets, nets) -> E
    error: Callable[[Number, Number, Number], Number]   # −∂E/∂out: (target, out, n outputs)
    loss_formula: Callable[[Texts, Texts], str]         # (outputs, targets) as text
    error_formula: Callable[[str, str, str], str]       # (target, out, n) as text
    pytorch: str      # the same per sample in PyTorch, of torch.nn: out the outputs, net the net inputs
    needs: str = ""              # the output activation it takes ("" for any)
    shortcut: bool = False       # delta = target − out with the activation it needs
    targets: Callable[[Sequence[float]], str] = lambda targets: ""   # what is wrong with them, or ""
    # The same over NumPy arrays, `np` the module (the vectorised evaluator's; core never
    # imports NumPy): a layer is the last axis, any axes before it samples, so the loss
    # gives one number per sample.
    array_loss: Callable[[Any, Any, Any, Any], Any] | None = None   # (np, outputs, targets, nets)
    array_error: Callable[[Any, Any, Any, float], Any] | None = None   # (np, target, out, n)
    # The loss as a hand calculation writes it, from the outputs, for a loss computed here
    # from the net inputs: `nntrace check` carries a printed output into it (−ln 0.650).
    by_hand: Callable[[Values, Values], Number] | None = None   # (outputs, targets) -> E

    def written(self, outputs: Values, targets: Values, nets: Values) -> Number:
        """The loss from the outputs as written down (by_hand), where that is a number: an
        output written as exactly 0 or 1 (ln 0), or printed outside 0..1 by a text, leaves
        it to the net inputs, as exact math computes it."""
        try:
            found = self.by_hand(outputs, targets) if self.by_hand else None
        except ArithmeticError:   # ln of a negative number, in decimal
            found = None
        return found if found is not None and math.isfinite(found) else self.loss(outputs, targets, nets)


def share(a: Number, b: Number) -> Number:
    """a / b for a loss's derivative, where a = 0 counts 0 whatever b (0·ln 0 = 0) and a / 0 is infinite."""
    if not a:
        return a - a
    return a / b if b else infinity(a, a)


def log_sigmoid(net: Number) -> Number:
    """ln σ(net), stable: −ln(1 + e^(−net)) computed without overflow for any net, and
    without losing a tiny e^(−net) to the 1 it is added to."""
    if net >= 0:
        return -ln1p(exp(-net))
    return net - ln1p(exp(net))


def log_softmax(j: int, nets: Values) -> Number:
    m = max(nets)
    return nets[j] - m - ln(sum(exp(net - m) for net in nets))


def squares(outputs: Values, targets: Values) -> Number:
    return sum((t - o) * (t - o) for t, o in zip(targets, outputs))


def binary_cross_entropy(outputs: Values, targets: Values, nets: Values) -> Number:
    total = 0
    for t, net in zip(targets, nets):
        if t:
            total -= t * log_sigmoid(net)
        if 1 - t:
            total -= (1 - t) * log_sigmoid(-net)
    return total


def cross_entropy(outputs: Values, targets: Values, nets: Values) -> Number:
    # 0 − the sum, not −sum: a perfect output's loss is 0, not −0.
    return 0 - sum(t * log_softmax(j, nets) for j, t in enumerate(targets) if t)


def hand_binary_cross_entropy(outputs: Values, targets: Values) -> Number:
    total = 0
    for t, o in zip(targets, outputs):
        if t:
            total -= t * ln(o)
        if 1 - t:
            total -= (1 - t) * ln(1 - o)
    return total


def hand_cross_entropy(outputs: Values, targets: Values) -> Number:
    return 0 - sum(t * ln(o) for t, o in zip(targets, outputs) if t)


def array_share(np: Any, a: Any, b: Any) -> Any:
    """share() over arrays."""
    return np.where(a == 0.0, a - a, np.where(b != 0.0, a / b, np.copysign(np.inf, a)))


def array_log_sigmoid(np: Any, net: Any) -> Any:
    """ln σ(net): −ln(1 + e^−net) from 0 up, net − ln(1 + e^net) below, as log_sigmoid."""
    return np.minimum(net, 0.0) - np.log1p(np.exp(-np.abs(net)))


def array_log_softmax(np: Any, nets: Any) -> Any:
    shifted = nets - nets.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def array_squares(np: Any, outputs: Any, targets: Any) -> Any:
    d = targets - outputs
    return np.add.reduce(d * d, axis=-1)


def array_binary_cross_entropy(np: Any, outputs: Any, targets: Any, nets: Any) -> Any:
    # As binary_cross_entropy, a term whose factor t or 1 − t is 0 left out (0·ln 0 = 0).
    ones = np.where(targets != 0.0, targets * array_log_sigmoid(np, nets), 0.0)
    zeros = np.where(1.0 - targets != 0.0, (1.0 - targets) * array_log_sigmoid(np, -nets), 0.0)
    return 0.0 - (ones + zeros).sum(axis=-1)


def array_cross_entropy(np: Any, outputs: Any, targets: Any, nets: Any) -> Any:
    return 0.0 - np.where(targets != 0.0, targets * array_log_softmax(np, nets), 0.0).sum(axis=-1)


def sum_text(terms: Texts) -> str:
    return terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"


def square_terms(outputs: Texts, targets: Texts) -> list[str]:
    return [f"({t} − {o})²" for t, o in zip(targets, outputs)]


def unit_interval(targets: Sequence[float]) -> str:
    bad = [t for t in targets if not 0 <= t <= 1]
    return f"binary-cross-entropy takes targets from 0 to 1, got {bad[0]:g}" if bad else ""


def distribution(targets: Sequence[float]) -> str:
    """The shortcut delta t − o is the gradient only where Σ t = 1: targets that sum to 1 as
    floats written to 17 digits do (within an ulp each, 1/3 three times), no looser."""
    if any(t < 0 for t in targets) or abs(math.fsum(targets) - 1) > 2 ** -52 * len(targets):
        return (f"cross-entropy takes targets of 0 or more that sum to 1, got "
                f"{' '.join(f'{t:g}' for t in targets)}")
    return ""


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    Loss("half-squared-error", "½ Σ (t − o)², the article's",
         lambda o, t, nets: squares(o, t) / 2, lambda t, o, n: t - o,
         lambda o, t: "½ × " + sum_text(square_terms(o, t)), lambda t, o, n: f"{t} − {o}",
         "MSELoss(reduction='sum')(out, t) / 2",
         array_loss=lambda np, o, t, nets: array_squares(np, o, t) / 2, array_error=lambda np, t, o, n: t - o),
    Loss("squared-error", "Σ (t − o)²",
         lambda o, t, nets: squares(o, t), lambda t, o, n: 2 * (t - o),
         lambda o, t: " + ".join(square_terms(o, t)), lambda t, o, n: f"2 × ({t} − {o})",
         "MSELoss(reduction='sum')(out, t)",
         array_loss=lambda np, o, t, nets: array_squares(np, o, t), array_error=lambda np, t, o, n: 2 * (t - o)),
    Loss("mean-squared-error", "Σ (t − o)² / n over the n outputs",
         lambda o, t, nets: squares(o, t) / len(o), lambda t, o, n: 2 * (t - o) / n,
         lambda o, t: f"{sum_text(square_terms(o, t))} / {len(o)}", lambda t, o, n: f"2 × ({t} − {o}) / {n}",
         "MSELoss()(out, t)",
         array_loss=lambda np, o, t, nets: array_squares(np, o, t) / o.shape[-1],
         array_error=lambda np, t, o, n: 2 * (t - o) / n),
    Loss("binary-cross-entropy", "−Σ [t·ln o + (1 − t)·ln(1 − o)] over the outputs (sigmoid outputs, "
         "targets from 0 to 1)",
         lambda o, t, nets: binary_cross_entropy(o, t, nets),
         lambda t, o, n: share(t, o) - share(1 - t, 1 - o),
         lambda o, t: "-(" + " + ".join(f"{t_} × ln {o_} + (1 − {t_}) × ln(1 − {o_})" for t_, o_ in zip(t, o)) + ")",
         lambda t, o, n: f"{t} / {o} − (1 − {t}) / (1 − {o})",
         "BCEWithLogitsLoss(reduction='sum')(net, t)", needs="sigmoid", shortcut=True, targets=unit_interval,
         array_loss=array_binary_cross_entropy,
         array_error=lambda np, t, o, n: array_share(np, t, o) - array_share(np, 1.0 - t, 1.0 - o),
         by_hand=hand_binary_cross_entropy),
    Loss("cross-entropy", "−Σ t·ln o (a softmax output layer, targets of 0 or more that sum to 1)",
         lambda o, t, nets: cross_entropy(o, t, nets), lambda t, o, n: share(t, o),
         lambda o, t: "-" + sum_text([f"{t_} × ln {o_}" for t_, o_ in zip(t, o)]),
         lambda t, o, n: f"{t} / {o}",
         "CrossEntropyLoss(reduction='sum')(net, t)", needs="softmax", shortcut=True,
         targets=distribution, array_loss=array_cross_entropy,
         array_error=lambda np, t, o, n: array_share(np, t, o), by_hand=hand_cross_entropy),
)}
DEFAULT_LOSS = "half-squared-error"
