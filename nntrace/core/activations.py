"""The activation registry: every fact about an activation function, in one entry.

An entry holds the function and its derivative for floats, for Decimals and for NumPy
arrays (a layer at once, for the vectorised evaluator), and the text of its derivative's
formula. A derivative takes (net, out), so that the textbook one can reuse out (sigmoid:
out·(1 − out)) instead of computing f(net) again. Adding an activation is adding an entry
here: the network file, `init --activation`, the CLI's help, the tables, both conventions
and both evaluators read this registry.

`softmax` is the one activation of a whole layer: each output depends on every net input
of its layer, so its derivative is a matrix, and the step computes its delta from the
Jacobian (core/program.py). It is allowed on the output layer only, of two neurons or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Sequence

from .numbers import Number, exp

D0, D1 = Decimal(0), Decimal(1)
Scalar = Callable[[float], float] | None


@dataclass(frozen=True)
class Activation:
    name: str
    description: str                                   # the function, for help and docs
    forward: Callable[[float], float] | None           # None for a function of the whole layer
    derivative: Callable[[float, float], float] | None    # (net, out) -> f'(net)
    decimal_forward: Callable[[Decimal], Decimal] | None
    decimal_derivative: Callable[[Decimal, Decimal], Decimal] | None
    derivative_formula: Callable[[str, str], str] | None  # (net, out) as text -> the formula
    output_only: bool = False     # allowed on the output layer only, of two neurons or more
    # The same over a layer of NumPy arrays, `np` the module (the vectorised evaluator's;
    # core never imports NumPy): the float function's operations, in its order where it can.
    array_forward: Callable[[Any, Any], Any] | None = None            # (np, nets) -> outs
    array_derivative: Callable[[Any, Any, Any], Any] | None = None    # (np, nets, outs) -> f′

    @property
    def of_layer(self) -> bool:
        """A function of the whole layer (softmax): no scalar derivative, a delta from the Jacobian."""
        return self.forward is None


def applied(function: str, operand: str) -> str:
    """`sigmoid(-0.1)`: a function's own parentheses are enough, so a negative operand,
    which a formula writes as `(-0.1)`, loses its own."""
    inner = operand[1:-1]
    if operand.startswith("(") and operand.endswith(")") and "(" not in inner and ")" not in inner:
        operand = inner
    return f"{function}({operand})"


def softmax(net: Number, nets: Sequence[Number]) -> Number:
    """The output of `net`, one of its layer's `nets`: e^(net − m) / Σ_k e^(net_k − m), with m
    the largest net, so that it never overflows."""
    m = max(nets)
    return exp(net - m) / sum(exp(other - m) for other in nets)


def float_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # never overflows for x < 0, so weights of 1e300 are fine
    return e / (1.0 + e)


def decimal_sigmoid(x: Decimal) -> Decimal:
    if x >= 0:
        return 1 / (1 + (-x).exp())
    e = x.exp()
    return e / (1 + e)


def array_sigmoid(np: Any, x: Any) -> Any:
    # 1 / (1 + e^−x) for every x: the float one computes e^x / (1 + e^x) below 0, the same
    # number within an ulp or two. Below −709 e^−x overflows to inf and this gives 0
    # where the float one gives e^x, under 1e-308.
    return 1.0 / (1.0 + np.exp(-x))


def decimal_tanh(x: Decimal) -> Decimal:
    t = (-2 * abs(x)).exp()
    y = (1 - t) / (1 + t)
    return y if x >= 0 else -y


DEFAULT_ACTIVATION = "sigmoid"   # the article's
LEAKY_SLOPE, DECIMAL_LEAKY_SLOPE = 0.01, Decimal("0.01")   # PyTorch's default negative_slope

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("sigmoid", "1 / (1 + e^(−x))",
               float_sigmoid, lambda net, out: out * (1.0 - out),
               decimal_sigmoid, lambda net, out: out * (1 - out),
               lambda net, out: f"{out} × (1 − {out})",
               array_forward=array_sigmoid, array_derivative=lambda np, net, out: out * (1.0 - out)),
    Activation("tanh", "(e^x − e^(−x)) / (e^x + e^(−x))",
               math.tanh, lambda net, out: 1.0 - out * out,
               decimal_tanh, lambda net, out: 1 - out * out,
               lambda net, out: f"1 − {out}²",
               array_forward=lambda np, x: np.tanh(x), array_derivative=lambda np, net, out: 1.0 - out * out),
    Activation("relu", "x if x > 0, else 0 (derivative 0 at 0 and below, as PyTorch)",
               lambda x: x if x > 0.0 else 0.0, lambda net, out: 1.0 if net > 0.0 else 0.0,
               lambda x: x if x > 0 else D0, lambda net, out: D1 if net > 0 else D0,
               lambda net, out: applied("relu′", net),
               array_forward=lambda np, x: np.where(x > 0.0, x, 0.0),
               array_derivative=lambda np, net, out: np.where(net > 0.0, 1.0, 0.0)),
    Activation("leaky_relu", "x if x > 0, else 0.01·x (derivative 0.01 at 0 and below, as PyTorch)",
               lambda x: x if x > 0.0 else LEAKY_SLOPE * x,
               lambda net, out: 1.0 if net > 0.0 else LEAKY_SLOPE,
               lambda x: x if x > 0 else DECIMAL_LEAKY_SLOPE * x,
               lambda net, out: D1 if net > 0 else DECIMAL_LEAKY_SLOPE,
               lambda net, out: applied("leaky_relu′", net),
               array_forward=lambda np, x: np.where(x > 0.0, x, LEAKY_SLOPE * x),
               array_derivative=lambda np, net, out: np.where(net > 0.0, 1.0, LEAKY_SLOPE)),
    Activation("identity", "x",
               lambda x: x, lambda net, out: 1.0,
               lambda x: x, lambda net, out: D1,
               lambda net, out: "1",
               array_forward=lambda np, x: x, array_derivative=lambda np, net, out: np.ones_like(net)),
    Activation("softmax", "e^(net_j) / Σ_k e^(net_k) over the layer (the output layer only, of "
               "2 neurons or more)", None, None, None, None, None, output_only=True),
)}
