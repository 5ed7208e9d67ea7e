"""The step as data: an ordered list of named assignments, built once per shape and settings.

    L1.n1.net   = weighted_sum(0, L1.n1.w1, L0.n1.out, L1.n1.w2, L0.n2.out)
    L1.n1.out   = activate[sigmoid](L1.n1.net)
    loss        = loss[half-squared-error](L2.n1.out, target1)
    L2.n1.error = output_error[half-squared-error](target1, L2.n1.out)
    L2.n1.deriv = derivative[sigmoid](L2.n1.net, L2.n1.out)
    L2.n1.delta = product(L2.n1.deriv, L2.n1.error)
    L2.n1.w1    = sgd(L2.n1.w1, L1.n1.out, L2.n1.delta, lr)
    ...

Everything that computes, shows or orders a step reads this list: the engine evaluates
it (floats, or Decimals with a carry rule), `compiled` writes it out as Python, the
tables fill its formulas in with numbers, and its order is the trace's and `diff`'s
computation order. A weight's name is read before it is assigned, so an operand is the
weight as it was; a slip is a rewrite of the list (`updated-weights` moves a layer's
updates up, before the layer below reads them).

Each operation (OPS) keeps side by side what it computes, its Python source and its
formula text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from . import names as N
from .activations import ACTIVATIONS, softmax
from .losses import LOSSES
from .numbers import Number, Numbers

Function = Callable[..., Number]


@dataclass(frozen=True)
class Assign:
    """`name = op[param](*args)`: one named value of the step."""

    name: str                 # the trace name it is recorded under
    op: str                   # a key of OPS
    args: tuple[str, ...]     # operand names: values computed before, weights, inputs, targets, lr
    kind: str                 # net, out, loss, error, deriv, delta, grad, weight or bias
    layer: int                # 0 for the loss
    param: str = ""           # the activation or loss it applies


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
                   lambda p, names, t: f"{p}({t[0]})"),
    "softmax": Op(lambda p, n: (lambda net, *nets: softmax(net, nets)),
                  lambda p, v: call("softmax", [v[0], f"({', '.join(v[1:])},)"]),
                  lambda p, names, t: softmax_formula(t)),
    "loss": Op(loss_function,
               lambda p, v: call(f"loss_{identifier(p)}", [f"({', '.join(part)},)" for part in thirds(v)]),
               lambda p, names, t: LOSSES[p].loss_formula(*thirds(t)[:2])),
    "output_error": Op(lambda p, n: LOSSES[p].error,
                       lambda p, v: call(f"error_{identifier(p)}", v),
                       lambda p, names, t: LOSSES[p].error_formula(*t)),
    "flipped_error": Op(lambda p, n: (lambda t, o, size, error=LOSSES[p].error: -error(t, o, size)),
                        lambda p, v: "-" + call(f"error_{identifier(p)}", v),
                        lambda p, names, t: f"−({LOSSES[p].error_formula(*t)})"),
    "back_sum": Op(lambda p, n: back_sum(n),
                   lambda p, v: sum_source([f"{d} * {w}" for d, w in pairs_of(v)], "0.0"),
                   lambda p, names, t: add_up([f"{d} × {w}" for d, w in pairs_of(t)])),
    "derivative": Op(lambda p, n: activation(p, n)[1],
                     lambda p, v: f"g_{p}({v[0]}, {v[1]})",
                     lambda p, names, t: ACTIVATIONS[p].derivative_formula(*t)),
    "derivative_on_output": Op(
        lambda p, n: (lambda out, f=activation(p, n): f[1](out, f[0](out))),
        lambda p, v: f"g_{p}({v[0]}, f_{p}({v[0]}))",
        lambda p, names, t: f"{p}′({t[0]})"),
    "one": Op(lambda p, n: (lambda one=n.one: one), lambda p, v: "1.0",
              lambda p, names, t: "1 (derivative left out)"),
    "product": Op(lambda p, n: (lambda a, b: a * b), lambda p, v: f"{v[0]} * {v[1]}",
                  lambda p, names, t: f"{t[0]} × {t[1]}"),
    "softmax_delta": Op(lambda p, n: softmax_delta(n),
                        lambda p, v: f"{v[0]} * ({v[1]} - {sum_source([f'{e} * {o}' for e, o in pairs_of(v[2:])], '0.0')})",
                        lambda p, names, t: f"{t[0]} × ({t[1]} − {sum_text([f'{e} × {o}' for e, o in pairs_of(t[2:])])})"),
    "shortcut_delta": Op(lambda p, n: (lambda t, o: t - o), lambda p, v: f"{v[0]} - {v[1]}",
                         lambda p, names, t: f"{t[0]} − {t[1]} ({LOSSES[p].needs} with {p}: target − out)"),
    "flipped_shortcut": Op(lambda p, n: (lambda t, o: o - t), lambda p, v: f"{v[1]} - {v[0]}",
                           lambda p, names, t: f"{t[1]} − {t[0]}"),
    "gradient": Op(lambda p, n: (lambda delta, x: -(delta * x)), lambda p, v: f"-({v[0]} * {v[1]})",
                   lambda p, names, t: f"−{t[0]} × {t[1]}", symbol="∂E/∂w"),
    "bias_gradient": Op(lambda p, n: (lambda delta: -delta), lambda p, v: f"-{v[0]}",
                        lambda p, names, t: f"−{t[0]}", symbol="∂E/∂b"),
    "sgd": Op(lambda p, n: (lambda w, x, delta, lr: w + x * delta * lr),
              lambda p, v: f"{v[0]} + {v[1]} * {v[2]} * {v[3]}",
              lambda p, names, t: f"{t[0]} + {t[1]} × {t[2]} × {t[3]}"),
    "sgd_bias": Op(lambda p, n: (lambda b, delta, lr: b + delta * lr),
                   lambda p, v: f"{v[0]} + {v[1]} * {v[2]}",
                   lambda p, names, t: f"{t[0]} + {t[1]} × {t[2]}"),
    "keep": Op(lambda p, n: (lambda value: value), lambda p, v: v[0],
               lambda p, names, t: f"{t[0]} (frozen)", carried=False),
}


def identifier(name: str) -> str:
    return name.replace("-", "_")


def sum_text(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"


@dataclass(frozen=True)
class Program:
    """The step of one network shape under one set of settings, as data."""

    layers: tuple[int, ...]
    biases: bool
    assigns: tuple[Assign, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(N.input_name(i) for i in range(1, self.layers[0] + 1))

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(N.target_name(j) for j in range(1, self.layers[-1] + 1))

    @property
    def state(self) -> tuple[str, ...]:
        """The weights and biases, layer by layer, neuron by neuron: what a step updates."""
        return state_names(self.layers, self.biases)

    @property
    def names(self) -> list[str]:
        """Every name a step records, in the order it computes them."""
        return [a.name for a in self.assigns]


def state_names(layers: Sequence[int], biases: bool) -> tuple[str, ...]:
    found = []
    for l in range(1, len(layers)):
        for j in range(1, layers[l] + 1):
            found += [N.weight(l, j, i) for i in range(1, layers[l - 1] + 1)]
            if biases:
                found.append(N.bias(l, j))
    return tuple(found)


def below(l: int, i: int) -> str:
    """What neuron i of layer l − 1 hands forward: an input, or a hidden neuron's output."""
    return N.input_name(i) if l == 1 else f"L{l - 1}.n{i}.out"


def forward(layers: Sequence[int], activations: Sequence[str], biases: bool) -> list[Assign]:
    """Layer by layer: every net input (bias first, then w·x left to right), then every output."""
    found = []
    for l in range(1, len(layers)):
        nets = [f"L{l}.n{j}.net" for j in range(1, layers[l] + 1)]
        for j, net in enumerate(nets, 1):
            operands = [N.bias(l, j) if biases else N.ZERO]
            for i in range(1, layers[l - 1] + 1):
                operands += [N.weight(l, j, i), below(l, i)]
            found.append(Assign(net, "weighted_sum", tuple(operands), "net", l))
        f = activations[l - 1]
        if ACTIVATIONS[f].of_layer:
            found += [Assign(f"L{l}.n{j}.out", "softmax", (net, *nets), "out", l, f)
                      for j, net in enumerate(nets, 1)]
        else:
            found += [Assign(f"L{l}.n{j}.out", "activate", (net,), "out", l, f)
                      for j, net in enumerate(nets, 1)]
    return found


def output_layer(layers: Sequence[int], activation: str, loss: str) -> list[Assign]:
    """The loss, then the output layer's errors −∂E/∂out, derivatives and deltas: from the
    Jacobian for softmax, target − out where the loss has that shortcut."""
    l, size = len(layers) - 1, layers[-1]
    p = [f"L{l}.n{j}" for j in range(1, size + 1)]
    outputs, targets = [f"{q}.out" for q in p], [N.target_name(j) for j in range(1, size + 1)]
    found = [Assign("loss", "loss", (*outputs, *targets, *(f"{q}.net" for q in p)), "loss", 0, loss)]
    found += [Assign(f"{q}.error", "output_error", (t, f"{q}.out", str(size)), "error", l, loss)
              for q, t in zip(p, targets)]
    shortcut = LOSSES[loss].shortcut and LOSSES[loss].needs == activation
    for q, t in zip(p, targets):
        if shortcut:
            delta = Assign(f"{q}.delta", "shortcut_delta", (t, f"{q}.out"), "delta", l, loss)
        elif ACTIVATIONS[activation].of_layer:
            jacobian = [x for r in p for x in (f"{r}.error", f"{r}.out")]
            delta = Assign(f"{q}.delta", "softmax_delta", (f"{q}.out", f"{q}.error", *jacobian), "delta", l)
        else:
            delta = Assign(f"{q}.delta", "product", (f"{q}.deriv", f"{q}.error"), "delta", l)
        if not ACTIVATIONS[activation].of_layer:
            found.append(Assign(f"{q}.deriv", "derivative", (f"{q}.net", f"{q}.out"), "deriv", l, activation))
        found.append(delta)
    return found


def hidden_layer(layers: Sequence[int], l: int, activation: str) -> list[Assign]:
    """Every error (Σ over the layer above of delta × weight), then each derivative and delta."""
    found = []
    for j in range(1, layers[l] + 1):
        operands = []
        for k in range(1, layers[l + 1] + 1):
            operands += [f"L{l + 1}.n{k}.delta", N.weight(l + 1, k, j)]
        found.append(Assign(f"L{l}.n{j}.error", "back_sum", tuple(operands), "error", l))
    for j in range(1, layers[l] + 1):
        q = f"L{l}.n{j}"
        found.append(Assign(f"{q}.deriv", "derivative", (f"{q}.net", f"{q}.out"), "deriv", l, activation))
        found.append(Assign(f"{q}.delta", "product", (f"{q}.deriv", f"{q}.error"), "delta", l))
    return found


def gradients(layers: Sequence[int], l: int, biases: bool) -> list[Assign]:
    """∂E/∂w = −delta × input and ∂E/∂b = −delta, PyTorch's .grad of the layer."""
    found = []
    for j in range(1, layers[l] + 1):
        delta = f"L{l}.n{j}.delta"
        found += [Assign(f"{N.weight(l, j, i)}.grad", "gradient", (delta, below(l, i)), "grad", l)
                  for i in range(1, layers[l - 1] + 1)]
        if biases:
            found.append(Assign(f"{N.bias(l, j)}.grad", "bias_gradient", (delta,), "grad", l))
    return found


def backward(layers: Sequence[int], activations: Sequence[str], biases: bool, loss: str) -> list[Assign]:
    """The loss, then from the output layer down: each layer's errors, derivatives, deltas
    and gradients."""
    last = len(layers) - 1
    found = output_layer(layers, activations[-1], loss) + gradients(layers, last, biases)
    for l in range(last - 1, 0, -1):
        found += hidden_layer(layers, l, activations[l - 1]) + gradients(layers, l, biases)
    return found


def updates(layers: Sequence[int], biases: bool) -> list[Assign]:
    """From the output layer down, neuron by neuron: w + x·delta·lr for each weight, then the bias."""
    found = []
    for l in range(len(layers) - 1, 0, -1):
        for j in range(1, layers[l] + 1):
            delta = f"L{l}.n{j}.delta"
            for i in range(1, layers[l - 1] + 1):
                w = N.weight(l, j, i)
                found.append(Assign(w, "sgd", (w, below(l, i), delta, N.LEARNING_RATE), "weight", l))
            if biases:
                b = N.bias(l, j)
                found.append(Assign(b, "sgd_bias", (b, delta, N.LEARNING_RATE), "bias", l))
    return found


Rewrite = Callable[[list[Assign]], list[Assign]]


def build(layers: Sequence[int], activations: Sequence[str], biases: bool, loss: str,
          rewrites: Sequence[Rewrite] = ()) -> Program:
    """The step for this shape: forward, loss, backward, updates; then each rewrite (a slip)."""
    assigns = forward(layers, activations, biases) + backward(layers, activations, biases, loss) \
        + updates(layers, biases)
    for rewrite in rewrites:
        assigns = rewrite(assigns)
    return Program(tuple(layers), biases, tuple(assigns))


def with_op(op: str, args: Callable[[Assign], tuple[str, ...]] | None = None) -> Callable[[Assign], Assign]:
    """A rewrite of one assignment: the same name, another operation (and operands)."""
    return lambda a: replace(a, op=op, args=a.args if args is None else args(a))
