"""Reading the step's list of assignments (core/program.py) as array operations.

The list names one value at a time: `L1.n1.net = weighted_sum(0, L1.n1.w1, L0.n1.out, ...)`,
then `L1.n2.net`, and so on. Read a layer at a time, the assignments of one operation
make one array operation over a *vector* of values (a key: `L1.net` for every net input
of layer 1, `L2.w` for the matrix of its weights, `target`, `loss`):

    L1.n1.net … L1.n4.net = weighted_sum(…)   ->   L1.net = L0.out @ L1.w.T (+ L1.b)
    L2.n1.w1 … L2.n1.w4   = sgd(w, x, delta, lr) -> L2.w = L2.w + L1.out[None, :] * L2.delta[:, None] * lr

Reading is checking: every operand of every assignment must be the element of a vector
that the array operation would take there (the same element, the row's, the column's),
or one scalar for the whole group. Anything else (an operation without an array form, a
slip that rewrote part of a layer only, a name outside the grammar) makes the reading
fail with the reason, and the engine computes the step instead.

Groups are formed without changing what the list computes: an assignment joins the
latest group of its operation and layer when it reads nothing that group or a later one
writes, and writes nothing a later one reads or writes. So a neuron's derivative and
delta, listed neuron by neuron, become two groups, derivatives then deltas; a read of a
weight before its update stays before it.

A program no slip rewrote is read from its blocks instead (core/program.py: the builders
describe the step a layer at a time, and the list is those blocks written out element
by element): each block is one vector, and they are ordered as the list's groups are
(`block_phases`), so the reading is the same Plan without making the list at all, which
for a 256-128-10 network is 68,787 assignments.

This module is plain Python; the arrays are nntrace/fast/engine.py's.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, groupby
from operator import attrgetter, contains, itemgetter
from typing import Sequence

from ..core import names as N
from ..core.program import (COLUMNS, MATRIX, NONE, ROWS, SAME, SCALAR, VECTOR, Assign, Block, Program,
                            names_of)
from ..core.program import shape as vector_shape

SCALARS = frozenset((N.LEARNING_RATE, N.MOMENTUM, N.WEIGHT_DECAY))
# How an operand lines up with the vector assigned (SAME, ROWS, COLUMNS, SCALAR), and the
# roles of a whole-layer operation's operands (MATRIX, VECTOR, NONE), are core/program.py's:
# its blocks say the same.

# Operations computed element by element, whose core Python source (OPS[op].source) is
# also their array source once the operands are arrays.
ELEMENTWISE = frozenset((
    "activate", "output_error", "flipped_error", "derivative", "derivative_on_output", "one",
    "product", "shortcut_delta", "flipped_shortcut", "gradient", "bias_gradient", "sgd",
    "sgd_bias", "keep", "descend", "descend_decayed", "velocity", "velocity_decayed", "mean"))
# Operations over a whole layer, each with its own reading below.
WHOLE_LAYER = frozenset(("weighted_sum", "back_sum", "softmax", "softmax_delta", "loss"))


class Unreadable(Exception):
    """The list cannot be read as array operations: why."""


@dataclass(frozen=True)
class Operand:
    key: str     # a vector's key (L1.net, L2.w, target, loss), or a scalar's name (lr, 2)
    how: str     # SAME, ROWS, COLUMNS, SCALAR; for a whole-layer operation MATRIX, VECTOR, NONE


@dataclass(frozen=True)
class Vector:
    """One array operation: `target = op[param](*operands)`, every element of `target` at once."""

    op: str
    param: str
    target: str
    operands: tuple[Operand, ...]


@dataclass(frozen=True)
class Phase:
    """A run of one scope (each sample's, or the batch's), as array operations in an order
    that computes what the list computes: assignments `start` to `stop` of the program's list."""

    scope: str
    vectors: tuple[Vector, ...]
    program: Program = field(repr=False)
    start: int = 0
    stop: int = 0

    @property
    def assigns(self) -> tuple[Assign, ...]:
        """The list's, in its order (made when first asked for: a traced step's recorder)."""
        return self.program.assigns[self.start:self.stop]

    def order(self, layers: Sequence[int]) -> list[int]:
        """Where each assignment of the list, in its order, is among the vectors' values laid
        end to end (each vector's in the order of `names_of`): how a recorder gets the
        values in the order the engine hands them."""
        where = offsets([vector.target for vector in self.vectors], tuple(layers))
        return [where[a.name] for a in self.assigns]


def offsets(keys: Sequence[str], layers: tuple[int, ...]) -> dict[str, int]:
    """Each element of the vectors `keys` by its name: its place among their values laid end to end."""
    found: dict[str, int] = {}
    start = 0
    for key in keys:
        names = names_of(key, layers)
        found.update(zip(names, range(start, start + len(names))))
        start += len(names)
    return found


@dataclass(frozen=True)
class Plan:
    """A program read as array operations."""

    program: Program
    phases: tuple[Phase, ...]
    state: tuple[str, ...]        # the keys of the state: weights, biases, velocities, in order

    @property
    def layers(self) -> tuple[int, ...]:
        return self.program.layers


# Keys, shapes and names.

def key_of(name: str) -> tuple[str, tuple[int, ...]] | None:
    """The vector a trace name is an element of, and its index: L2.n1.w3 -> (L2.w, (0, 2))."""
    if name == "loss":
        return "loss", ()
    if name.startswith("target") and name[6:].isdigit():
        return "target", (int(name[6:]) - 1,)
    parsed = N.parse_name(name)
    if parsed is None:
        return None
    part = f".{parsed.part}" if parsed.part else ""
    if parsed.kind == "w":
        return f"L{parsed.layer}.w{part}", (parsed.neuron - 1, parsed.source - 1)
    return f"L{parsed.layer}.{parsed.kind}{part}", (parsed.neuron - 1,)


def shape(key: str, layers: Sequence[int]) -> tuple[int, ...]:
    """The vector's shape (core's), Unreadable for a layer the network does not have."""
    layer = key.partition(".")[0]
    if layer.startswith("L") and int(layer[1:]) >= len(layers):
        raise Unreadable(f"{key}: no layer {layer[1:]} in {'-'.join(map(str, layers))}")
    return vector_shape(key, layers)


@lru_cache(maxsize=256)
def positions(key: str, layers: tuple[int, ...]) -> dict[str, int]:
    return {name: k for k, name in enumerate(names_of(key, layers))}


@lru_cache(maxsize=256)
def along_rows(key: str, layers: tuple[int, ...], columns: int) -> list[str]:
    """A layer's names, each repeated along a row of a matrix of `columns` columns."""
    return [name for name in names_of(key, layers) for _ in range(columns)]


def is_scalar(name: str) -> bool:
    return name in SCALARS or N.constant(name) is not None


# Reading.

def read(program: Program) -> Plan:
    """The program as array operations; Unreadable when some part of it has no array form:
    its blocks as they are, or where a slip rewrote its list, the list."""
    layers = program.layers
    keys = [f"L{l}.{kind}" for l in range(1, len(layers)) for kind in ("w", "b")[:1 + program.biases]]
    state = tuple(keys + ([f"{key}.velocity" for key in keys] if program.descent.momentum else []))
    return Plan(program, list_phases(program, state) if program.rewrites else block_phases(program), state)


def list_phases(program: Program, state: Sequence[str]) -> tuple[Phase, ...]:
    """The phases of a program read from its list (`groups`, `recognise`)."""
    layers = program.layers
    if set(program.state) != set(chain.from_iterable(names_of(key, layers) for key in state)):
        raise Unreadable("the state is not every weight and bias (and velocity) of the layers")
    phases, start = [], 0
    for scope, assigns in program.phases():
        phases.append(Phase(scope, tuple(vectors_of(assigns, scope, layers)), program, start,
                            start + len(assigns)))
        start += len(assigns)
    return tuple(phases)


def block_phases(program: Program) -> tuple[Phase, ...]:
    """The phases of a program read from its blocks: each block one vector, in the order the
    list's reading finds them (`groups`). Its groups are each of one operation and layer,
    in the order the list first assigns one, every assignment of it joining the first (a
    builder lays out nothing that must stop one); within a group, its vectors in the order
    the list first assigns one. tests/fast/test_blocks.py checks that this is the Plan the
    list's reading makes, for every shape of step the builders make."""
    found, start = [], 0
    for scope, blocks in program.block_phases():
        by_group: dict[tuple, dict[str, Vector]] = {}
        for block in blocks:
            vectors = by_group.setdefault((block.op, block.param, block.kind, block.layer), {})
            if block.target in vectors:
                raise Unreadable(f"{scope}: a vector assigned twice in one phase")
            vectors[block.target] = vector_of(block, program.layers)
        size = sum(math.prod(shape(block.target, program.layers)) for block in blocks)
        found.append(Phase(scope, tuple(chain.from_iterable(v.values() for v in by_group.values())),
                           program, start, start + size))
        start += size
    return tuple(found)


def vector_of(block: Block, layers: tuple[int, ...]) -> Vector:
    """The block's vector, its operands as `line_up` reads them from the list: along the
    columns of a 1×1 matrix is along its rows too, and reads as that (the first it tries)."""
    if block.op not in ELEMENTWISE and block.op not in WHOLE_LAYER:
        raise Unreadable(f"{block.op}: no array form")
    single = shape(block.target, layers) == (1, 1)
    return Vector(block.op, block.param, block.target,
                  tuple(Operand(key, ROWS if how == COLUMNS and single else how) for key, how in block.operands))


def forward_vectors(plan: Plan) -> list[Vector]:
    """The vectors of the forward pass: the first phase's, up to the loss. (Its reading
    makes the forward part's groups first, and no later assignment joins them: none is
    of their operations.)"""
    vectors = plan.phases[0].vectors
    return list(vectors[:1 + next(k for k, vector in enumerate(vectors) if vector.op == "loss")])


def vectors_of(assigns: Sequence[Assign], scope: str, layers: tuple[int, ...]) -> list[Vector]:
    found = []
    for group in groups(assigns):
        first = key_of(group[0].name)
        if first is None:
            raise Unreadable(f"{group[0].name}: not a name of the trace-name grammar")
        if list(map(NAME, group)) == names_of(first[0], layers):
            found.append(recognise(group, first[0], layers))
            continue
        by_target: dict[str, list[Assign]] = {}
        for a in group:
            key = key_of(a.name)
            if key is None:
                raise Unreadable(f"{a.name}: not a name of the trace-name grammar")
            by_target.setdefault(key[0], []).append(a)
        # Within a group nothing reads another's value: each vector may go first.
        found += [recognise(members, target, layers) for target, members in by_target.items()]
    targets = [vector.target for vector in found]
    if len(set(targets)) != len(targets):   # a recorder would take the later values for both
        raise Unreadable(f"{scope}: a vector assigned twice in one phase")
    return found


@dataclass
class Group:
    assigns: list[Assign]
    writes: set[str]
    read: set[str] | None = None   # what it reads, made when a later assignment first asks

    @property
    def reads(self) -> set[str]:
        if self.read is None:
            self.read = set(chain.from_iterable(map(ARGS, self.assigns)))
        return self.read


GROUP_KEY = attrgetter("op", "param", "kind", "layer")
# An assignment's name and operands, taken from many at once by map() (a layer's updates are
# tens of thousands of them: reading them costs what the loop around each costs).
NAME, ARGS = attrgetter("name"), attrgetter("args")


def groups(assigns: Sequence[Assign]) -> list[list[Assign]]:
    """The assignments in groups of one operation and layer that may each be computed at
    once, in an order that computes what the list computes (see the module's notes).
    A run of assignments of one key joins its group (or makes a new one) at once when it
    can; else one by one."""
    found: list[Group] = []
    latest: dict[tuple, int] = {}
    for key, items in groupby(assigns, GROUP_KEY):
        run = list(items)
        index = latest.get(key)
        if index is None:
            names = independent(run, Group([], set()), [])
            if names is not None:   # the whole run, a new group
                latest[key] = len(found)
                found.append(Group(run, names))
                continue
        elif joins(found, index, run):
            continue
        for a in run:
            index = latest.get(key)
            if index is None or not joins(found, index, [a]):
                latest[key] = len(found)
                found.append(Group([a], {a.name}))
    return [group.assigns for group in found]


def joins(found: list[Group], index: int, run: list[Assign]) -> bool:
    """Join `run` to group `index` if it may be computed with it (`independent`)."""
    names = independent(run, found[index], found[index + 1:])
    if names is None:
        return False
    group = found[index]
    group.assigns += run
    group.writes |= names
    if group.read is not None:
        group.read.update(chain.from_iterable(map(ARGS, run)))
    return True


def independent(run: list[Assign], group: Group, later: list[Group]) -> set[str] | None:
    """What `run` writes, if it may be computed with `group`, that is before the groups
    `later`: it reads nothing they write, and writes nothing they read or write; it reads
    nothing the group writes; and no assignment of it reads what another writes (but its
    own name: a weight's update reads the weight). None if it may not."""
    listed = list(map(NAME, run))
    names = set(listed)
    if len(names) != len(run) or not group.writes.isdisjoint(names):
        return None
    writes = [h.writes for h in (group, *later) if h.writes]
    if writes and not all(w.isdisjoint(chain.from_iterable(map(ARGS, run))) for w in writes):
        return None
    if any(not (h.reads.isdisjoint(names) and h.writes.isdisjoint(names)) for h in later):
        return None
    if not names.isdisjoint(chain.from_iterable(map(ARGS, run))) and not reads_itself(run, listed, names):
        return None
    return names


def reads_itself(run: list[Assign], listed: list[str], names: set[str]) -> bool:
    """Does each assignment of the run read no name the run writes but its own? (A weight's
    update reads the weight.) At once where each reads its own at one place and nothing
    else of the run, as the updates do; else by counting."""
    operands = list(map(ARGS, run))
    arity = len(operands[0])
    if set(map(len, operands)) == {arity}:
        for place in range(arity):
            if list(map(itemgetter(place), operands)) == listed and all(
                    names.isdisjoint(map(itemgetter(other), operands)) for other in range(arity) if other != place):
                return True
    counts = Counter(chain.from_iterable(operands))
    inside = names.intersection(counts)
    return max(map(counts.__getitem__, inside)) == 1 and \
        inside <= set(compress(listed, map(contains, operands, listed)))


def recognise(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> Vector:
    """The array operation a group of assignments to one vector makes."""
    first = assigns[0]
    names = names_of(target, layers)
    if len(assigns) != len(names):
        raise Unreadable(f"{first.name}: {first.op} assigns {len(assigns)} of the {len(names)} "
                         f"values of {target}")
    if list(map(NAME, assigns)) != names:
        where = positions(target, layers)
        assigns = sorted(assigns, key=lambda a: where.get(a.name, -1))
        if list(map(NAME, assigns)) != names:
            raise Unreadable(f"{target}: {first.op} assigns other values than its elements")
    if first.op in ELEMENTWISE:
        operands = elementwise(assigns, target, layers)
    elif first.op in WHOLE_LAYER:
        operands = READERS[first.op](assigns, target, layers)
    else:
        raise Unreadable(f"{first.op}: no array form")
    return Vector(first.op, first.param, target, operands)


def elementwise(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    operands = list(map(ARGS, assigns))
    arity = len(operands[0])
    if set(map(len, operands)) != {arity}:
        raise Unreadable(f"{target}: {assigns[0].op} with operands of different counts")
    into = shape(target, layers)
    return tuple(line_up(list(map(itemgetter(p), operands)), into, layers) for p in range(arity))


def line_up(column: list[str], into: tuple[int, ...], layers: tuple[int, ...]) -> Operand:
    """How the p-th operands of a group, one per element, line up with its vector."""
    first = column[0]
    if is_scalar(first):
        if column.count(first) != len(column):
            raise Unreadable(f"{first}: a scalar operand of some elements only")
        return Operand(first, SCALAR)
    found = key_of(first)
    if found is None:
        raise Unreadable(f"{first}: not a name of the trace-name grammar")
    key, size = found[0], shape(found[0], layers)
    if size == into and column == names_of(key, layers):
        return Operand(key, SAME)
    if len(into) == 2 and size == into[:1] and column == along_rows(key, layers, into[1]):
        return Operand(key, ROWS)
    if len(into) == 2 and size == into[1:] and column == names_of(key, layers) * into[0]:
        return Operand(key, COLUMNS)
    raise Unreadable(f"{first}: operands that do not line up with the elements")


def vector_key(name: str, layers: tuple[int, ...], size: int | None = None) -> str:
    """The key of a vector named by its first element (of `size` elements if given)."""
    found = key_of(name)
    if found is None or len(shape(found[0], layers)) != 1 or found[1] != (0,):
        raise Unreadable(f"{name}: not the first element of a layer's vector")
    if size is not None and shape(found[0], layers) != (size,):
        raise Unreadable(f"{name}: a vector of another size")
    return found[0]


def matrix_key(name: str, layers: tuple[int, ...], rows: int, columns: int) -> str:
    found = key_of(name)
    if found is None or shape(found[0], layers) != (rows, columns):
        raise Unreadable(f"{name}: not an element of a {rows}×{columns} matrix")
    return found[0]


def read_weighted_sum(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    """net_j = start_j + Σ_i w_ji·x_i for every j: x @ W.T + start, start a vector or 0."""
    first = assigns[0].args
    n, m = len(assigns), (len(first) - 1) // 2
    if m < 1 or any(len(a.args) != 2 * m + 1 for a in assigns):
        raise Unreadable(f"{target}: weighted sums of different lengths")
    weights = matrix_key(first[1], layers, n, m)
    x = vector_key(first[2], layers, m)
    rows, inputs = names_of(weights, layers), tuple(names_of(x, layers))
    if any(a.args[1::2] != tuple(rows[j * m:(j + 1) * m]) or a.args[2::2] != inputs
           for j, a in enumerate(assigns)):
        raise Unreadable(f"{target}: a weighted sum of other weights or inputs than a layer's")
    starts = [a.args[0] for a in assigns]
    if starts == [N.ZERO] * n:
        start = Operand(N.ZERO, NONE)
    else:
        start = line_up(starts, (n,), layers)
        if start.how != SAME:
            raise Unreadable(f"{target}: a weighted sum starting from other than biases or 0")
    return start, Operand(weights, MATRIX), Operand(x, VECTOR)


def read_back_sum(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    """error_j = Σ_k delta_k·w_kj for every j: delta @ W."""
    first = assigns[0].args
    n, k = len(assigns), len(first) // 2
    if k < 1 or any(len(a.args) != 2 * k for a in assigns):
        raise Unreadable(f"{target}: sums of different lengths")
    deltas = vector_key(first[0], layers, k)
    weights = matrix_key(first[1], layers, k, n)
    above, matrix = tuple(names_of(deltas, layers)), names_of(weights, layers)
    if any(a.args[0::2] != above or a.args[1::2] != tuple(matrix[j::n]) for j, a in enumerate(assigns)):
        raise Unreadable(f"{target}: a sum over other deltas or weights than the layer above's")
    return Operand(deltas, VECTOR), Operand(weights, MATRIX)


def read_softmax(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    """out_j = e^net_j / Σ_k e^net_k for every j."""
    nets = vector_key(assigns[0].args[0], layers, len(assigns))
    whole = tuple(names_of(nets, layers))
    if [a.args[0] for a in assigns] != list(whole) or any(a.args[1:] != whole for a in assigns):
        raise Unreadable(f"{target}: a softmax over other values than a layer's net inputs")
    return (Operand(nets, VECTOR),)


def read_softmax_delta(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    """delta_j = o_j × (e_j − Σ_k e_k·o_k) for every j."""
    n = len(assigns)
    outs = vector_key(assigns[0].args[0], layers, n)
    errors = vector_key(assigns[0].args[1], layers, n)
    o, e = names_of(outs, layers), names_of(errors, layers)
    pairs = tuple(x for pair in zip(e, o) for x in pair)
    if any(a.args != (o[j], e[j], *pairs) for j, a in enumerate(assigns)):
        raise Unreadable(f"{target}: a softmax delta of other values than a layer's")
    return Operand(outs, VECTOR), Operand(errors, VECTOR)


def read_loss(assigns: list[Assign], target: str, layers: tuple[int, ...]) -> tuple[Operand, ...]:
    """The loss of the outputs, the targets and the output layer's net inputs."""
    args, n = assigns[0].args, layers[-1]
    if len(args) != 3 * n:
        raise Unreadable("loss: not a loss of the output layer")
    keys = [vector_key(args[k * n], layers, n) for k in range(3)]
    if any(args[k * n:(k + 1) * n] != tuple(names_of(key, layers)) for k, key in enumerate(keys)):
        raise Unreadable("loss: not a loss of the output layer's outputs, targets and net inputs")
    return tuple(Operand(key, VECTOR) for key in keys)


READERS = {"weighted_sum": read_weighted_sum, "back_sum": read_back_sum, "softmax": read_softmax,
           "softmax_delta": read_softmax_delta, "loss": read_loss}
