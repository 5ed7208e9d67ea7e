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

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from . import names as N
from .activations import ACTIVATIONS
from .losses import LOSSES


@dataclass(frozen=True)
class Assign:
    """`name = op[param](*args)`: one named value of the step."""

    name: str                 # the trace name it is recorded under
    op: str                   # a key of OPS
    args: tuple[str, ...]     # operand names: values computed before, weights, inputs, targets, lr
    kind: str                 # net, out, loss, error, deriv, delta, grad, velocity, weight or bias
    layer: int                # 0 for the loss
    param: str = ""           # the activation or loss it applies
    scope: str = "sample"     # "sample": computed for each sample; "batch": once, for the update


@dataclass(frozen=True)
class Descent:
    """What the step needs to know of the optimizer's settings."""

    batched: bool = False     # the update of a batch: mean gradients over its samples
    momentum: bool = False    # a velocity per weight, μ·v + g
    decay: bool = False       # g + λ·w

    @property
    def plain(self) -> bool:
        """Online descent, nothing added: the article's w + x·delta·lr."""
        return not (self.batched or self.momentum or self.decay)


@dataclass(frozen=True)
class Program:
    """The step of one network shape under one set of settings, as data."""

    layers: tuple[int, ...]
    biases: bool
    assigns: tuple[Assign, ...]
    descent: Descent = Descent()

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(N.input_name(i) for i in range(1, self.layers[0] + 1))

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(N.target_name(j) for j in range(1, self.layers[-1] + 1))

    @property
    def state(self) -> tuple[str, ...]:
        """What a step updates and the next one reads: the weights and biases, layer by layer,
        neuron by neuron; then with momentum their velocities, in the same order."""
        weights = state_names(self.layers, self.biases)
        return weights + tuple(f"{w}.velocity" for w in weights) if self.descent.momentum else weights

    @property
    def names(self) -> list[str]:
        """Every name a step records, in the order it computes them (a batch's: its update's)."""
        return [a.name for a in self.assigns if a.scope == "batch" or not self.descent.batched]

    @property
    def sample_names(self) -> list[str]:
        """What a batch's step records for each of its samples."""
        return [a.name for a in self.assigns if a.scope == "sample"] if self.descent.batched else []

    def phases(self) -> list[tuple[str, list[Assign]]]:
        """Runs of assignments of one scope, in order: each sample's, then the batch's, ..."""
        found: list[tuple[str, list[Assign]]] = []
        for a in self.assigns:
            scope = a.scope if self.descent.batched else "sample"
            if not found or found[-1][0] != scope:
                found.append((scope, []))
            found[-1][1].append(a)
        return found


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


def updates(layers: Sequence[int], biases: bool, descent: Descent) -> list[Assign]:
    """From the output layer down, neuron by neuron: each weight's update, then the bias's.
    With a batch first the mean loss."""
    found = [Assign("loss", "mean", ("loss",), "loss", 0, scope="batch")] if descent.batched else []
    for l in range(len(layers) - 1, 0, -1):
        for j in range(1, layers[l] + 1):
            delta = f"L{l}.n{j}.delta"
            for i in range(1, layers[l - 1] + 1):
                w = N.weight(l, j, i)
                if descent.plain:
                    found.append(Assign(w, "sgd", (w, below(l, i), delta, N.LEARNING_RATE), "weight", l))
                else:
                    found += optimizer(w, l, "weight", descent)
            b = N.bias(l, j)
            if biases and descent.plain:
                found.append(Assign(b, "sgd_bias", (b, delta, N.LEARNING_RATE), "bias", l))
            elif biases:
                found += optimizer(b, l, "bias", descent)
    return found


def optimizer(w: str, l: int, kind: str, descent: Descent) -> list[Assign]:
    """torch.optim.SGD's update of one weight or bias from its gradient: the batch's mean
    gradient, the velocity with momentum, weight decay added to the gradient."""
    grad, found = f"{w}.grad", []
    if descent.batched:
        found.append(Assign(grad, "mean", (grad,), "grad", l, scope="batch"))
    if descent.momentum:
        v = f"{w}.velocity"
        found.append(Assign(v, "velocity_decayed", (v, grad, N.MOMENTUM, N.WEIGHT_DECAY, w), "velocity", l,
                            scope="batch") if descent.decay else
                     Assign(v, "velocity", (v, grad, N.MOMENTUM), "velocity", l, scope="batch"))
        found.append(Assign(w, "descend", (w, v, N.LEARNING_RATE), kind, l, scope="batch"))
    elif descent.decay:
        found.append(Assign(w, "descend_decayed", (w, grad, N.WEIGHT_DECAY, N.LEARNING_RATE), kind, l,
                            scope="batch"))
    else:
        found.append(Assign(w, "descend", (w, grad, N.LEARNING_RATE), kind, l, scope="batch"))
    return found


Rewrite = Callable[[list[Assign]], list[Assign]]


def build(layers: Sequence[int], activations: Sequence[str], biases: bool, loss: str,
          rewrites: Sequence[Rewrite] = (), descent: Descent = Descent()) -> Program:
    """The step for this shape: forward, loss, backward, updates; then each rewrite (a slip)."""
    assigns = forward(layers, activations, biases) + backward(layers, activations, biases, loss) \
        + updates(layers, biases, descent)
    for rewrite in rewrites:
        assigns = rewrite(assigns)
    return Program(tuple(layers), biases, tuple(assigns), descent)




@dataclass(frozen=True)
class Operand:
    """Where the value an assignment reads comes from, as the step computes it.

    kind: "sample" a value this sample's pass computed before (online: the step's own);
    "step" a value the batch's part computed before (a batch's mean gradient, a new weight);
    "before" a weight, bias or velocity as the step began; "input", "target" the sample's
    (`index` counts from 1); "rate" lr, momentum or weight_decay; "constant" a number
    written out; "samples" the value of each sample of the batch (a batch's mean);
    "unknown" nothing the step holds (a name no assignment gives).
    """

    kind: str
    name: str
    index: int = 0


@lru_cache(maxsize=64)
def operand_sources(program: Program) -> tuple[tuple[str, Assign, tuple[Operand, ...]], ...]:
    """Each assignment in order, with its scope ("sample" or "batch") and where each of its
    operands comes from. A sample's pass reads its input and target, what its own pass
    computed before, and the weights as the step began or as an earlier batch part left
    them; the batch's part reads its own earlier values and the state, never a sample's."""
    state = set(program.state)
    inputs = {name: k for k, name in enumerate(program.inputs, 1)}
    targets = {name: k for k, name in enumerate(program.targets, 1)}
    rates = {N.LEARNING_RATE, N.MOMENTUM, N.WEIGHT_DECAY}
    by_sample: set[str] = set()
    by_batch: set[str] = set()

    def source(x: str, scope: str) -> Operand:
        if x in rates or N.constant(x) is not None:
            return Operand("rate" if x in rates else "constant", x)
        if scope == "batch":
            return Operand("step" if x in by_batch else "before" if x in state else "unknown", x)
        if x in inputs or x in targets:
            return Operand("input", x, inputs[x]) if x in inputs else Operand("target", x, targets[x])
        if x in by_sample:
            return Operand("sample", x)
        if x in state:
            return Operand("step" if x in by_batch else "before", x)
        return Operand("unknown", x)

    found = []
    for scope, assigns in program.phases():
        if scope == "sample":
            by_sample -= state   # each sample pass reads the weights afresh, as the batch left them
        for a in assigns:
            operands = ((Operand("samples", a.args[0]),) if a.op == "mean"
                        else tuple(source(x, scope) for x in a.args))
            found.append((scope, a, operands))
            (by_sample if scope == "sample" else by_batch).add(a.name)
    return tuple(found)
