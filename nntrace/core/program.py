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

The builders below describe the step a layer at a time, as blocks: a block is one
operation over every element of one vector (`L1.net = weighted_sum(L1.b, L1.w, L0.out)`:
every net input of layer 1), and says how its operands line up with those elements. The
list is the blocks written out element by element, in the order the builders lay them
(a neuron's derivative then its delta, neuron by neuron: `Rows`); it is made when first
asked for, since the vectorised evaluator (nntrace/fast) reads the blocks themselves,
and a wide layer's list has hundreds of thousands of assignments.

Each operation (OPS) keeps side by side what it computes, its Python source and its
formula text.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, groupby, repeat
from operator import attrgetter
from typing import AbstractSet, Callable, Iterable, Iterator, NamedTuple, Sequence, Union

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


# How a block's operand lines up with the elements of the vector it assigns: element for
# element, a layer's vector along the rows (index j) or the columns (index i) of a matrix,
# or one scalar (lr, a constant) for all; a whole-layer operation's operands are a matrix,
# a vector, or none (a sum without a bias starts from the constant 0).
SAME, ROWS, COLUMNS, SCALAR = "same", "rows", "columns", "scalar"
MATRIX, VECTOR, NONE = "matrix", "vector", "none"


class Block(NamedTuple):
    """`target = op[param](*operands)` for every element of the vector `target` at once:
    one operation over a layer (its net inputs, its weights' gradients, the loss).

    A vector is named by a key: L1.net (every L1.n{j}.net), L2.w (the matrix of L2.n{j}.w{i}),
    L2.w.grad, L2.b.velocity, L0.out (the inputs), target, loss (names_of lists its elements).
    An operand is (key, how it lines up) or (a scalar's name, SCALAR)."""

    op: str
    target: str
    operands: tuple[tuple[str, str], ...]
    kind: str                 # as Assign's
    layer: int
    param: str = ""
    scope: str = "sample"


class Rows(NamedTuple):
    """Blocks listed neuron by neuron: each part's share of neuron 1 of the layer (a
    vector's element, a matrix's row), part after part, then of neuron 2, ..."""

    parts: tuple[Union[Block, "Each"], ...]


class Each(NamedTuple):
    """Blocks of one shape listed element by element: every part's first element, part
    after part, then every part's second: a weight's mean gradient, velocity and update."""

    parts: tuple[Block, ...]


Piece = Union[Block, Rows]   # the builders' output: blocks, listed whole or neuron by neuron


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


Rewrite = Callable[[list[Assign]], list[Assign]]


@dataclass(frozen=True)
class Program:
    """The step of one network shape under one set of settings, as data.

    It is equal to (and hashes as) another of the same shape and settings: a program is
    a key of several caches, and its list is hundreds of thousands of tuples."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    biases: bool
    loss: str
    rewrites: tuple[Rewrite, ...] = ()    # the slips' rewrites of the list, in order
    descent: Descent = Descent()

    @cached_property
    def pieces(self) -> tuple[Piece, ...]:
        """The step as blocks, in the order the list lists them: forward, loss, backward, updates."""
        return tuple(forward(self.layers, self.activations, self.biases)
                     + backward(self.layers, self.activations, self.biases, self.loss)
                     + updates(self.layers, self.biases, self.descent))

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """Every block, in the order its first element is listed (before any rewrite)."""
        return tuple(blocks_of(self.pieces))

    @cached_property
    def assigns(self) -> tuple[Assign, ...]:
        """The list: the blocks element by element, then each rewrite (a slip)."""
        with collection_paused():
            found = expand(self.pieces, self.layers)
            for rewrite in self.rewrites:
                found = rewrite(found)
            return tuple(found)

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

    def block_phases(self) -> list[tuple[str, list[Block]]]:
        """phases() as blocks (before any rewrite): runs of blocks of one scope, in order."""
        if not self.descent.batched:
            return [("sample", list(self.blocks))]
        return [(scope, list(run)) for scope, run in groupby(self.blocks, attrgetter("scope"))]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector off while a step's list is made: its hundreds of thousands of
    tuples hold no cycle, and the collector, run every 700 allocations, would take more
    than half the time making them (a 2-300-300-1 network's list: 0.26 s instead of 0.10)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def state_names(layers: Sequence[int], biases: bool) -> tuple[str, ...]:
    found: list[str] = []
    for l in range(1, len(layers)):
        for j in range(1, layers[l] + 1):
            found += N.weights(l, j, layers[l - 1])
            if biases:
                found.append(N.bias(l, j))
    return tuple(found)


# Keys, shapes and names.

def shape(key: str, layers: Sequence[int]) -> tuple[int, ...]:
    """A vector's shape: () for the loss, (n,) for a layer's values, (n, m) for its weights'."""
    if key == "loss":
        return ()
    if key == "target":
        return (layers[-1],)
    layer, _, kind = key.partition(".")
    l = int(layer[1:])
    return (layers[l], layers[l - 1]) if kind.startswith("w") else (layers[l],)


@lru_cache(maxsize=256)
def names_of(key: str, layers: tuple[int, ...]) -> list[str]:
    """The trace names of a vector's elements, row by row: L2.w.grad -> L2.n1.w1.grad, L2.n1.w2.grad, ..."""
    if key == "loss":
        return ["loss"]
    if key == "target":
        return [N.target_name(j) for j in range(1, layers[-1] + 1)]
    layer, _, kind = key.partition(".")
    l = int(layer[1:])
    neurons = range(1, layers[l] + 1)
    if kind.startswith("w"):
        return [name for j in neurons for name in N.weights(l, j, layers[l - 1], kind[1:])]
    if kind.startswith("b"):
        return [N.bias(l, j) + kind[1:] for j in neurons]
    return [f"{N.neuron(l, j)}.{kind}" for j in neurons]


def out(l: int) -> str:
    """The key of what layer l hands forward: the inputs (L0.out), or a layer's outputs."""
    return f"L{l}.out"


# The builders: the step as blocks, layer by layer.

def forward(layers: Sequence[int], activations: Sequence[str], biases: bool) -> list[Piece]:
    """Layer by layer: every net input (bias first, then w·x left to right), then every output."""
    found: list[Piece] = []
    for l, f in zip(range(1, len(layers)), activations):
        start = (f"L{l}.b", SAME) if biases else (N.ZERO, NONE)
        found.append(Block("weighted_sum", f"L{l}.net", (start, (f"L{l}.w", MATRIX), (out(l - 1), VECTOR)),
                           "net", l))
        if ACTIVATIONS[f].of_layer:
            found.append(Block("softmax", out(l), ((f"L{l}.net", VECTOR),), "out", l, f))
        else:
            found.append(Block("activate", out(l), ((f"L{l}.net", SAME),), "out", l, f))
    return found


def output_layer(layers: Sequence[int], activation: str, loss: str) -> list[Piece]:
    """The loss, then the output layer's errors −∂E/∂out, derivatives and deltas: from the
    Jacobian for softmax, target − out where the loss has that shortcut."""
    l = len(layers) - 1
    net, error, deriv, delta = (f"L{l}.{kind}" for kind in ("net", "error", "deriv", "delta"))
    found: list[Piece] = [
        Block("loss", "loss", ((out(l), VECTOR), ("target", VECTOR), (net, VECTOR)), "loss", 0, loss),
        Block("output_error", error, (("target", SAME), (out(l), SAME), (str(layers[l]), SCALAR)),
              "error", l, loss)]
    of_layer = ACTIVATIONS[activation].of_layer
    if LOSSES[loss].shortcut and LOSSES[loss].needs == activation:
        last = Block("shortcut_delta", delta, (("target", SAME), (out(l), SAME)), "delta", l, loss)
    elif of_layer:
        last = Block("softmax_delta", delta, ((out(l), VECTOR), (error, VECTOR)), "delta", l)
    else:
        last = Block("product", delta, ((deriv, SAME), (error, SAME)), "delta", l)
    if of_layer:
        return found + [last]
    return found + [Rows((Block("derivative", deriv, ((net, SAME), (out(l), SAME)), "deriv", l, activation),
                          last))]


def hidden_layer(l: int, activation: str) -> list[Piece]:
    """Every error (Σ over the layer above of delta × weight), then each derivative and delta."""
    net, error, deriv, delta = (f"L{l}.{kind}" for kind in ("net", "error", "deriv", "delta"))
    return [Block("back_sum", error, ((f"L{l + 1}.delta", VECTOR), (f"L{l + 1}.w", MATRIX)), "error", l),
            Rows((Block("derivative", deriv, ((net, SAME), (out(l), SAME)), "deriv", l, activation),
                  Block("product", delta, ((deriv, SAME), (error, SAME)), "delta", l)))]


def gradients(l: int, biases: bool) -> list[Piece]:
    """∂E/∂w = −delta × input and ∂E/∂b = −delta, PyTorch's .grad of the layer."""
    parts: list[Block] = [Block("gradient", f"L{l}.w.grad", ((f"L{l}.delta", ROWS), (out(l - 1), COLUMNS)),
                                "grad", l)]
    if biases:
        parts.append(Block("bias_gradient", f"L{l}.b.grad", ((f"L{l}.delta", SAME),), "grad", l))
    return [Rows(tuple(parts))]


def backward(layers: Sequence[int], activations: Sequence[str], biases: bool, loss: str) -> list[Piece]:
    """The loss, then from the output layer down: each layer's errors, derivatives, deltas
    and gradients."""
    found = output_layer(layers, activations[-1], loss) + gradients(len(layers) - 1, biases)
    for l in range(len(layers) - 2, 0, -1):
        found += hidden_layer(l, activations[l - 1]) + gradients(l, biases)
    return found


def updates(layers: Sequence[int], biases: bool, descent: Descent) -> list[Piece]:
    """From the output layer down, neuron by neuron: each weight's update, then the bias's.
    With a batch first the mean loss."""
    found: list[Piece] = [Block("mean", "loss", (("loss", SAME),), "loss", 0, scope="batch")] \
        if descent.batched else []
    for l in range(len(layers) - 1, 0, -1):
        w, b, delta = f"L{l}.w", f"L{l}.b", f"L{l}.delta"
        if descent.plain:
            parts: list[Block | Each] = [Block("sgd", w, ((w, SAME), (out(l - 1), COLUMNS), (delta, ROWS),
                                                          (N.LEARNING_RATE, SCALAR)), "weight", l)]
            if biases:
                parts.append(Block("sgd_bias", b, ((b, SAME), (delta, SAME), (N.LEARNING_RATE, SCALAR)),
                                   "bias", l))
        else:
            parts = [Each(optimizer(w, l, "weight", descent))]
            if biases:
                parts.append(Each(optimizer(b, l, "bias", descent)))
        found.append(Rows(tuple(parts)))
    return found


def optimizer(w: str, l: int, kind: str, descent: Descent) -> tuple[Block, ...]:
    """torch.optim.SGD's update of a layer's weights (or biases) `w` from their gradients:
    the batch's mean gradient, the velocity with momentum, weight decay added to the gradient."""
    grad, found = f"{w}.grad", []
    if descent.batched:
        found.append(Block("mean", grad, ((grad, SAME),), "grad", l, scope="batch"))
    if descent.momentum:
        v = f"{w}.velocity"
        found.append(Block("velocity_decayed", v, ((v, SAME), (grad, SAME), (N.MOMENTUM, SCALAR),
                                                   (N.WEIGHT_DECAY, SCALAR), (w, SAME)), "velocity", l,
                           scope="batch") if descent.decay else
                     Block("velocity", v, ((v, SAME), (grad, SAME), (N.MOMENTUM, SCALAR)), "velocity", l,
                           scope="batch"))
        found.append(Block("descend", w, ((w, SAME), (v, SAME), (N.LEARNING_RATE, SCALAR)), kind, l,
                           scope="batch"))
    elif descent.decay:
        found.append(Block("descend_decayed", w, ((w, SAME), (grad, SAME), (N.WEIGHT_DECAY, SCALAR),
                                                  (N.LEARNING_RATE, SCALAR)), kind, l, scope="batch"))
    else:
        found.append(Block("descend", w, ((w, SAME), (grad, SAME), (N.LEARNING_RATE, SCALAR)), kind, l,
                           scope="batch"))
    return tuple(found)


def build(layers: Sequence[int], activations: Sequence[str], biases: bool, loss: str,
          rewrites: Sequence[Rewrite] = (), descent: Descent = Descent()) -> Program:
    """The step for this shape: forward, loss, backward, updates; then each rewrite (a slip).
    Its blocks are made now (what they name is checked now), its list when first asked for."""
    program = Program(tuple(layers), tuple(activations), biases, loss, tuple(rewrites), descent)
    program.pieces
    return program


# The list: the blocks written out element by element.

def blocks_of(pieces: Iterable[Piece | Each]) -> Iterator[Block]:
    for piece in pieces:
        if isinstance(piece, Block):
            yield piece
        else:
            yield from blocks_of(piece.parts)


def expand(pieces: Sequence[Piece], layers: tuple[int, ...]) -> list[Assign]:
    """The assignments of the pieces, in order."""
    found: list[Assign] = []
    for piece in pieces:
        if isinstance(piece, Block):
            found += assigns_of(piece, layers)
        else:
            neurons = zip(*(rows_of(part, layers) for part in piece.parts))   # each: every part's row
            found += chain.from_iterable(chain.from_iterable(neurons))
    return found


def rows_of(part: Block | Each, layers: tuple[int, ...]) -> list[list[Assign]]:
    """A part's assignments, neuron by neuron (a matrix's row, or a vector's element, each)."""
    if isinstance(part, Each):
        each = [rows_of(p, layers) for p in part.parts]
        return [list(chain.from_iterable(zip(*rows))) for rows in zip(*each)]
    found = assigns_of(part, layers)
    width = len(found) // layers[part.layer]
    return [found[start:start + width] for start in range(0, len(found), width)]


def assigns_of(block: Block, layers: tuple[int, ...]) -> list[Assign]:
    """Every element's assignment `Assign(name, op, args, kind, layer, param, scope)`, made as
    tuples at once: a 300-300 layer has 90,000 of each, and Assign's own constructor, a
    Python function, takes twice as long."""
    names = names_of(block.target, layers)
    if block.op in LAYER_ARGS:
        operands: Iterable[tuple[str, ...]] = LAYER_ARGS[block.op](*(key for key, _ in block.operands),
                                                                   layers=layers, size=len(names))
    else:
        operands = zip(*(column(key, how, block.target, layers) for key, how in block.operands))
    fields = zip(names, repeat(block.op), operands, repeat(block.kind), repeat(block.layer),
                 repeat(block.param), repeat(block.scope))
    return list(map(tuple.__new__, repeat(Assign), fields))


def column(key: str, how: str, target: str, layers: tuple[int, ...]) -> Iterable[str]:
    """An element-wise operand, element by element of the vector `target`."""
    if how == SCALAR:
        return repeat(key)
    names = names_of(key, layers)
    if how == SAME:
        return names
    rows, columns = shape(target, layers)
    if how == ROWS:
        return [name for name in names for _ in range(columns)]
    return names * rows


def weighted_sum_args(start: str, w: str, x: str, layers: tuple[int, ...], size: int) -> list[tuple[str, ...]]:
    """net_j: (start_j, w_j1, x_1, w_j2, x_2, ...), start_j a bias or 0."""
    weights, inputs = names_of(w, layers), names_of(x, layers)
    m = len(inputs)
    starts = names_of(start, layers) if start != N.ZERO else [N.ZERO] * size
    return [(starts[j], *chain.from_iterable(zip(weights[j * m:(j + 1) * m], inputs))) for j in range(size)]


def back_sum_args(deltas: str, w: str, layers: tuple[int, ...], size: int) -> list[tuple[str, ...]]:
    """error_j: (delta_1, w_1j, delta_2, w_2j, ...) over the layer above."""
    above, weights = names_of(deltas, layers), names_of(w, layers)
    return [tuple(chain.from_iterable(zip(above, weights[j::size]))) for j in range(size)]


def softmax_args(nets: str, layers: tuple[int, ...], size: int) -> list[tuple[str, ...]]:
    """out_j: (net_j, every net of the layer)."""
    whole = names_of(nets, layers)
    return [(net, *whole) for net in whole]


def softmax_delta_args(outs: str, errors: str, layers: tuple[int, ...], size: int) -> list[tuple[str, ...]]:
    """delta_j: (out_j, error_j, then error_k, out_k for every k)."""
    o, e = names_of(outs, layers), names_of(errors, layers)
    jacobian = tuple(chain.from_iterable(zip(e, o)))
    return [(o[j], e[j], *jacobian) for j in range(size)]


def loss_args(outs: str, targets: str, nets: str, layers: tuple[int, ...], size: int) -> list[tuple[str, ...]]:
    """The loss: (the outputs, the targets, the net inputs)."""
    return [tuple(chain(names_of(outs, layers), names_of(targets, layers), names_of(nets, layers)))]


# The operations over a whole layer, each with the operands of each element.
LAYER_ARGS: dict[str, Callable[..., list[tuple[str, ...]]]] = {
    "weighted_sum": weighted_sum_args, "back_sum": back_sum_args, "softmax": softmax_args,
    "softmax_delta": softmax_delta_args, "loss": loss_args}


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
