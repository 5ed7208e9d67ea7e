"""The operations of a step: for each, side by side, what it computes (for floats and
Decimals), its Python source (for the compiled step) and its formula text (for the tables)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from . import names as N
from .activations import ACTIVATIONS, applied, softmax
from .losses import LOSSES
from .numbers import Number, Numbers

Function = Callable[..., Number]


@dataclass(frozen=True)
class Op:
    """One operation: what it computes for a number type, its Python source, its formula.

    `bind(param, numbers)` gives the function of the operands' values; `source(param,
    variables)` a Python expression of them; `formula(param, names, texts)` the formula
    with each operand written as `texts` has it (`names` tells a bias from the constant 0).
    """

    bind: Callable[[str, Numbers], Function]
    source: Callable[[str, Sequence[str]], str]
    formula: Callable[[str, Sequence[str], Sequence[str]], str]
    carried: bool = True      # False: the value is copied, never written down anew
    symbol: str = ""          # how a text names the value, where a worked example gives no name


def weighted_sum(start: Number, *pairs: Number) -> Number:
    """start + w1·x1 + w2·x2 + …, added left to right (pairs are w, x)."""
    total = start
    for k in range(0, len(pairs), 2):
        total += pairs[k] * pairs[k + 1]
    return total


def pairs_of(values: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(values[0::2], values[1::2]))


MAX_TERMS = 8


def add_up(terms: list[str]) -> str:
    """`a + b + c`; a sum over a wide layer keeps its first and last terms and counts the rest,
    so one line of a 300-neuron layer stays a line."""
    if len(terms) > MAX_TERMS:
        terms = [*terms[:3], f"… {len(terms) - 4} more terms …", terms[-1]]
    return " + ".join(terms)


def net_formula(param: str, names: Sequence[str], texts: Sequence[str]) -> str:
    # As the article writes it: input × weight for each input, then the bias.
    terms = [f"{x} × {w}" for w, x in pairs_of(texts[1:])]
    return add_up(terms + ([] if names[0] == N.ZERO else [texts[0]]))


def back_sum(numbers: Numbers) -> Function:
    zero = numbers.zero
    return lambda *pairs: sum((pairs[k] * pairs[k + 1] for k in range(0, len(pairs), 2)), zero)


def activation(param: str, numbers: Numbers):
    entry = ACTIVATIONS[param]
    if numbers.name == "decimal":
        return entry.decimal_forward, entry.decimal_derivative
    return entry.forward, entry.derivative


def thirds(values: Sequence) -> tuple[Sequence, Sequence, Sequence]:
    """A loss's operands: the outputs, the targets, the net inputs of the output layer."""
    n = len(values) // 3
    return values[:n], values[n:2 * n], values[2 * n:]


def loss_function(param: str, numbers: Numbers) -> Function:
    loss = LOSSES[param].loss
    return lambda *values: loss(*thirds(values))


def softmax_delta(numbers: Numbers) -> Function:
    """delta_j = o_j × (e_j − Σ_k e_k·o_k): the Jacobian of softmax applied to the errors."""
    zero = numbers.zero
    return lambda out, error, *pairs: out * (error - sum(
        (pairs[k] * pairs[k + 1] for k in range(0, len(pairs), 2)), zero))


def sum_source(terms: Sequence[str], start: str) -> str:
    """sum(terms, start) as Python source; one term is start + term, which equals sum() in
    every Python (3.12's compensated float sum included) and costs no call."""
    if len(terms) == 1:
        return f"({start} + {terms[0]})"
    return f"sum(({', '.join(terms)}), {start})"


def call(name: str, variables: Sequence[str]) -> str:
    """Python source calling a function the compiled step's scope holds (compiled.py)."""
    return f"{name}({', '.join(variables)})"


def softmax_formula(texts: Sequence[str]) -> str:
    return f"e^{texts[0]} / ({' + '.join(f'e^{t}' for t in texts[1:])})"


OPS: dict[str, Op] = {
    "weighted_sum": Op(lambda p, n: weighted_sum,
                       lambda p, v: " + ".join([v[0], *(f"{w} * {x}" for w, x in pairs_of(v[1:]))]),
                       net_formula),
    "activate": Op(lambda p, n: activation(p, n)[0],
                   lambda p, v: f"f_{p}({v[0]})",
                   lambda p, names, t: applied(p, t[0])),
    "softmax": Op(lambda p, n: (lambda net, *nets: softmax(net, nets)),
                  lambda p, v: call("softmax", [v[0], f"({', '.join(v[1:])},)"]),
                  lambda p, names, t: softmax_formula(t)),
    "loss": Op(loss_function,
               lambda p, v: call(f"loss_{identifier(p)}", [f"({', '.join(part)},)" for part in thirds(v)]),
               lambda p, names, t: LOSSES[p].loss_formula(*thirds(t)[:2])),
    # The loss from the outputs as written down (Loss.written): hand arithmetic, in decimal.
    "hand_loss": Op(lambda p, n: (lambda *v: LOSSES[p].written(*thirds(v))),
                    lambda p, v: call(f"hand_loss_{identifier(p)}", [f"({', '.join(part)},)" for part in thirds(v)]),
                    lambda p, names, t: LOSSES[p].loss_formula(*thirds(t)[:2])),
    "output_error": Op(lambda p, n: LOSSES[p].error,
                       lambda p, v: call(f"error_{identifier(p)}", v),
                       lambda p, names, t: LOSSES[p].error_formula(*t)),
    "flipped_error": Op(lambda p, n: (lambda t, o, size, error=LOSSES[p].error: -error(t, o, size)),
                        lambda p, v: "-" + call(f"error_{identifier(p)}", v),
                        lambda p, names, t: f"-({LOSSES[p].error_formula(*t)})"),
    "back_sum": Op(lambda p, n: back_sum(n),
                   lambda p, v: sum_source([f"{d} * {w}" for d, w in pairs_of(v)], "ZERO"),
                   lambda p, names, t: add_up([f"{d} × {w}" for d, w in pairs_of(t)])),
    "derivative": Op(lambda p, n: activation(p, n)[1],
                     lambda p, v: f"g_{p}({v[0]}, {v[1]})",
                     lambda p, names, t: ACTIVATIONS[p].derivative_formula(*t)),
    "derivative_on_output": Op(
        lambda p, n: (lambda out, f=activation(p, n): f[1](out, f[0](out))),
        lambda p, v: f"g_{p}({v[0]}, f_{p}({v[0]}))",
        lambda p, names, t: applied(f"{p}′", t[0])),
    "one": Op(lambda p, n: (lambda one=n.one: one), lambda p, v: "ONE",
              lambda p, names, t: "1 (derivative left out)"),
    "product": Op(lambda p, n: (lambda a, b: a * b), lambda p, v: f"{v[0]} * {v[1]}",
                  lambda p, names, t: f"{t[0]} × {t[1]}"),
    "softmax_delta": Op(lambda p, n: softmax_delta(n),
                        lambda p, v: f"{v[0]} * ({v[1]} - {sum_source([f'{e} * {o}' for e, o in pairs_of(v[2:])], 'ZERO')})",
                        lambda p, names, t: f"{t[0]} × ({t[1]} − {sum_text([f'{e} × {o}' for e, o in pairs_of(t[2:])])})"),
    "shortcut_delta": Op(lambda p, n: (lambda t, o: t - o), lambda p, v: f"{v[0]} - {v[1]}",
                         lambda p, names, t: f"{t[0]} − {t[1]} ({LOSSES[p].needs} with {p}: target − out)"),
    "flipped_shortcut": Op(lambda p, n: (lambda t, o: o - t), lambda p, v: f"{v[1]} - {v[0]}",
                           lambda p, names, t: f"{t[1]} − {t[0]}"),
    "gradient": Op(lambda p, n: (lambda delta, x: -(delta * x)), lambda p, v: f"-({v[0]} * {v[1]})",
                   lambda p, names, t: f"-{t[0]} × {t[1]}", symbol="∂E/∂w"),
    "bias_gradient": Op(lambda p, n: (lambda delta: -delta), lambda p, v: f"-{v[0]}",
                        lambda p, names, t: f"-{t[0]}", symbol="∂E/∂b"),
    "sgd": Op(lambda p, n: (lambda w, x, delta, lr: w + x * delta * lr),
              lambda p, v: f"{v[0]} + {v[1]} * {v[2]} * {v[3]}",
              lambda p, names, t: f"{t[0]} + {t[1]} × {t[2]} × {t[3]}"),
    "sgd_bias": Op(lambda p, n: (lambda b, delta, lr: b + delta * lr),
                   lambda p, v: f"{v[0]} + {v[1]} * {v[2]}",
                   lambda p, names, t: f"{t[0]} + {t[1]} × {t[2]}"),
    "keep": Op(lambda p, n: (lambda value: value), lambda p, v: v[0],
               lambda p, names, t: f"{t[0]} (frozen)", carried=False),
    # The optimizer, as torch.optim.SGD: g ← g + λ·w; v ← μ·v + g; w ← w − lr·v.
    # `mean` is computed over the samples of a batch by the engine itself (engine.py).
    "mean": Op(lambda p, n: None, lambda p, v: "", lambda p, names, t: f"{sum_text(t)} / {len(t)}"),
    "descend": Op(lambda p, n: (lambda w, g, lr: w - lr * g), lambda p, v: f"{v[0]} - {v[2]} * {v[1]}",
                  lambda p, names, t: f"{t[0]} − {t[2]} × {t[1]}"),
    "descend_decayed": Op(lambda p, n: (lambda w, g, decay, lr: w - lr * (g + decay * w)),
                          lambda p, v: f"{v[0]} - {v[3]} * ({v[1]} + {v[2]} * {v[0]})",
                          lambda p, names, t: f"{t[0]} − {t[3]} × ({t[1]} + {t[2]} × {t[0]})"),
    "velocity": Op(lambda p, n: (lambda v, g, momentum: v * momentum + g),
                   lambda p, v: f"{v[0]} * {v[2]} + {v[1]}",
                   lambda p, names, t: f"{t[2]} × {t[0]} + {t[1]}"),
    "velocity_decayed": Op(lambda p, n: (lambda v, g, momentum, decay, w: v * momentum + (g + decay * w)),
                           lambda p, v: f"{v[0]} * {v[2]} + ({v[1]} + {v[3]} * {v[4]})",
                           lambda p, names, t: f"{t[2]} × {t[0]} + ({t[1]} + {t[3]} × {t[4]})"),
}


# Operations only hand arithmetic (decimal, with a carry rule) uses: the arrays never see them.
HAND_ONLY = frozenset(("hand_loss",))


def identifier(name: str) -> str:
    return name.replace("-", "_")


def sum_text(terms: Sequence[str]) -> str:
    """`(a + b + c)`, shortened as add_up shortens it: a batch of 1000 samples' mean stays a line."""
    return terms[0] if len(terms) == 1 else "(" + add_up(list(terms)) + ")"


