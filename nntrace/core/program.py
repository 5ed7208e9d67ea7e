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
from functools import cached_property, lru_cache
from itertools import chain, groupby, repeat
from operator import attrgetter
from typing import AbstractSet, Callable, Iterable, Iterator, NamedTuple, Sequence

from . import names as N
from .activations import ACTIVATIONS
from .losses import LOSSES


class Assign(NamedTuple):
    """`name = op[param](*args)`: one named value of the step.

    A record like the others, but a tuple: a step of a 2-300-300-1 network has 184,806 of
    them, and a tuple is made four times faster than a frozen dataclass (`_replace` is its
    `dataclasses.replace`)."""

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

    @cached_property
    def state(self) -> tuple[str, ...]:
        """What a step updates and the next one reads: the weights and biases, layer by layer,
        neuron by neuron; then with momentum their velocities, in the same order."""
        weights = state_names(self.layers, self.biases)
        return weights + tuple(f"{w}.velocity" for w in weights) if self.descent.momentum else weights

    @cached_property
    def names(self) -> list[str]:
        """Every name a step records, in the order it computes them (a batch's: its update's)."""
        return [a.name for a in self.assigns if a.scope == "batch" or not self.descent.batched]

    @property
    def sample_names(self) -> list[str]:
        """What a batch's step records for each of its samples."""
        return [a.name for a in self.assigns if a.scope == "sample"] if self.descent.batched else []

    def phases(self) -> list[tuple[str, list[Assign]]]:
        """Runs of assignments of one scope, in order: each sample's, then the batch's, ..."""
        if not self.descent.batched:
            return [("sample", list(self.assigns))]
        return [(scope, list(run)) for scope, run in groupby(self.assigns, attrgetter("scope"))]


def state_names(layers: Sequence[int], biases: bool) -> tuple[str, ...]:
    found: list[str] = []
    for layer in layer_names(layers):
        for j, row in enumerate(layer.weights):
            found += row
            if biases:
                found.append(layer.biases[j])
    return tuple(found)


def below(l: int, i: int) -> str:
    """What neuron i of layer l − 1 hands forward: an input, or a hidden neuron's output."""
    return N.input_name(i) if l == 1 else f"L{l - 1}.n{i}.out"


@dataclass(frozen=True)
class Layer:
    """The names of layer l's values, each written once: a step names every weight four
    times (in a sum, its gradient, its update's name and operand)."""

    l: int
    neurons: tuple[str, ...]              # L{l}.n{j}
    weights: tuple[tuple[str, ...], ...]  # [j][i]: L{l}.n{j}.w{i}
    biases: tuple[str, ...]               # L{l}.n{j}.b
    below: tuple[str, ...]                # what each neuron of layer l − 1 hands forward


def layer_names(layers: Sequence[int]) -> list[Layer]:
    """Each layer after the input, its names made once."""
    found = []
    for l in range(1, len(layers)):
        sources = range(1, layers[l - 1] + 1)
        neurons = tuple(N.neuron(l, j) for j in range(1, layers[l] + 1))
        found.append(Layer(l, neurons,
                           tuple(tuple(N.weights(l, j, layers[l - 1])) for j in range(1, layers[l] + 1)),
                           tuple(N.bias(l, j) for j in range(1, layers[l] + 1)),
                           tuple(below(l, i) for i in sources)))
    return found


def many(names: Iterable[str], op: str, operands: Iterable[tuple[str, ...]], kind: str,
         layer: int) -> list[Assign]:
    """A row of assignments of one operation (a neuron's gradients, its weights' updates),
    each `Assign(name, op, args, kind, layer)`, made as tuples at once: a 300-300 layer has
    90,000 of each, and Assign's own constructor, a Python function, takes twice as long."""
    fields = zip(names, repeat(op), operands, repeat(kind), repeat(layer), repeat(""), repeat("sample"))
    return list(map(tuple.__new__, repeat(Assign), fields))


def forward(names: Sequence[Layer], activations: Sequence[str], biases: bool) -> list[Assign]:
    """Layer by layer: every net input (bias first, then w·x left to right), then every output."""
    found = []
    for layer, f in zip(names, activations):
        l, nets = layer.l, [f"{q}.net" for q in layer.neurons]
        for j, net in enumerate(nets):
            operands = (layer.biases[j] if biases else N.ZERO,
                        *chain.from_iterable(zip(layer.weights[j], layer.below)))
            found.append(Assign(net, "weighted_sum", operands, "net", l))
        if ACTIVATIONS[f].of_layer:
            found += [Assign(f"{q}.out", "softmax", (net, *nets), "out", l, f)
                      for q, net in zip(layer.neurons, nets)]
        else:
            found += [Assign(f"{q}.out", "activate", (net,), "out", l, f)
                      for q, net in zip(layer.neurons, nets)]
    return found


def output_layer(layer: Layer, activation: str, loss: str) -> list[Assign]:
    """The loss, then the output layer's errors −∂E/∂out, derivatives and deltas: from the
    Jacobian for softmax, target − out where the loss has that shortcut."""
    l, p, size = layer.l, layer.neurons, len(layer.neurons)
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


def hidden_layer(layer: Layer, above: Layer, activation: str) -> list[Assign]:
    """Every error (Σ over the layer above of delta × weight), then each derivative and delta."""
    l, found = layer.l, []
    deltas = [f"{q}.delta" for q in above.neurons]
    for j, q in enumerate(layer.neurons):
        operands = tuple(chain.from_iterable(zip(deltas, (row[j] for row in above.weights))))
        found.append(Assign(f"{q}.error", "back_sum", operands, "error", l))
    for q in layer.neurons:
        found.append(Assign(f"{q}.deriv", "derivative", (f"{q}.net", f"{q}.out"), "deriv", l, activation))
        found.append(Assign(f"{q}.delta", "product", (f"{q}.deriv", f"{q}.error"), "delta", l))
    return found


def gradients(layer: Layer, biases: bool) -> list[Assign]:
    """∂E/∂w = −delta × input and ∂E/∂b = −delta, PyTorch's .grad of the layer."""
    l, found = layer.l, []
    for q, row, b in zip(layer.neurons, layer.weights, layer.biases):
        delta = f"{q}.delta"
        found += many(map("{}.grad".format, row), "gradient", zip(repeat(delta), layer.below), "grad", l)
        if biases:
            found.append(Assign(f"{b}.grad", "bias_gradient", (delta,), "grad", l))
    return found


def backward(names: Sequence[Layer], activations: Sequence[str], biases: bool, loss: str) -> list[Assign]:
    """The loss, then from the output layer down: each layer's errors, derivatives, deltas
    and gradients."""
    found = output_layer(names[-1], activations[-1], loss) + gradients(names[-1], biases)
    for k in range(len(names) - 2, -1, -1):
        found += hidden_layer(names[k], names[k + 1], activations[k]) + gradients(names[k], biases)
    return found


def updates(names: Sequence[Layer], biases: bool, descent: Descent) -> list[Assign]:
    """From the output layer down, neuron by neuron: each weight's update, then the bias's.
    With a batch first the mean loss."""
    found = [Assign("loss", "mean", ("loss",), "loss", 0, scope="batch")] if descent.batched else []
    for layer in reversed(names):
        l = layer.l
        for q, row, b in zip(layer.neurons, layer.weights, layer.biases):
            delta = f"{q}.delta"
            if descent.plain:
                found += many(row, "sgd", zip(row, layer.below, repeat(delta), repeat(N.LEARNING_RATE)),
                              "weight", l)
            else:
                for w in row:
                    found += optimizer(w, l, "weight", descent)
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
    names = layer_names(layers)
    assigns = forward(names, activations, biases) + backward(names, activations, biases, loss) \
        + updates(names, biases, descent)
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
    return tuple(sources_of(program))


def sources_of(program: Program, wanted: AbstractSet[str] | None = None
               ) -> Iterator[tuple[str, Assign, tuple[Operand, ...]]]:
    """operand_sources, of the `wanted` assignments only (None: all): a summary of a wide
    step writes the formulas of a few hundred of its hundreds of thousands."""
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

    for scope, assigns in program.phases():
        if scope == "sample":
            by_sample -= state   # each sample pass reads the weights afresh, as the batch left them
        for a in assigns:
            if wanted is None or a.name in wanted:
                yield scope, a, ((Operand("samples", a.args[0]),) if a.op == "mean"
                                 else tuple(source(x, scope) for x in a.args))
            (by_sample if scope == "sample" else by_batch).add(a.name)
