"""A plan of array operations (plan.py) written out as one Python function over NumPy
arrays, as core/compiled.py writes the list as one over floats:

    def step(S, L0_out, target, lr, momentum, weight_decay):
        (L1_w, L2_w,) = S
        L1_net = L0_out @ L1_w.T
        L1_out = f_sigmoid(L1_net)
        ...
        L2_w = L2_w + L1_out[..., None, :] * L2_delta[..., :, None] * lr
        S[:] = (L1_w, L2_w,)
        return loss

An element-wise operation's source is the core's own (OPS[op].source), its operands
arrays. A vector is named by its key (L1.net -> L1_net); in a batch the samples' values
have a first axis of samples, and the batch's own values (mean gradients) are batch_…,
beside the samples' of the same name. Untraced, an operation whose value nothing needs
(a gradient that plain descent never reads) is left out, and a batch's mean gradient is
taken from its deltas and inputs at once (−delta.T @ x / size) instead of each sample's
matrix; traced, every value is computed and returned for the recorder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..core import names as N
from ..core.ops import OPS, identifier
from .plan import COLUMNS, NONE, ROWS, SAME, SCALAR, Plan, Unreadable, Vector, shape

RATES = (N.LEARNING_RATE, N.MOMENTUM, N.WEIGHT_DECAY)
INPUTS, TARGETS = "L0.out", "target"


def variable(key: str) -> str:
    return re.sub(r"\W", "_", key)


@dataclass(frozen=True)
class Line:
    """One vector's assignment in the function: what it reads and writes, and its source."""

    target: str               # the variable assigned
    reads: tuple[str, ...]    # the variables read
    source: str
    vector: Vector
    phase: int
    texts: tuple[str, ...] = ()   # each operand as the source writes it


class Writer:
    """Turns the plan's vectors into lines, naming each variable by where it lives."""

    def __init__(self, plan: Plan, batched: bool | None = None):
        """`batched`: the arrays have a first axis of samples (None: as the plan's descent)."""
        self.plan, self.layers = plan, plan.layers
        self.batched = plan.program.descent.batched if batched is None else batched
        self.state = set(plan.state)

    def name(self, key: str, scope: str) -> str:
        """A vector's variable: the state's and the inputs' are shared; in a batch, the
        batch's own values are batch_… beside the samples' of the same key."""
        if key in self.state or key in (INPUTS, TARGETS) or not self.batched or scope == "sample":
            return variable(key)
        return "batch_" + variable(key)

    def lines(self) -> list[Line]:
        found, defined = [], {variable(k) for k in (*self.state, INPUTS, TARGETS)}
        for number, phase in enumerate(self.plan.phases):
            for vector in phase.vectors:
                line = self.line(vector, phase.scope, number)
                missing = [read for read in line.reads if read not in defined]
                if missing:
                    raise Unreadable(f"{vector.target}: reads {missing[0]} before any assignment")
                if self.batched and phase.scope == "sample" and vector.target in self.state:
                    raise Unreadable(f"{vector.target}: the state assigned for each sample of a batch")
                defined.add(line.target)
                found.append(line)
        return found

    def line(self, vector: Vector, scope: str, phase: int) -> Line:
        reads, texts = [], []
        for operand in vector.operands:
            if operand.how in (SCALAR, NONE):
                value = N.constant(operand.key)
                texts.append(operand.key if value is None else repr(value))
                continue
            name = self.name(operand.key, "sample" if vector.op == "mean" else scope)
            reads.append(name)
            axes = "..., " if self.batched else ""   # a batch's values have a first axis of samples
            texts.append({ROWS: f"{name}[{axes}:, None]", COLUMNS: f"{name}[{axes}None, :]"}.get(operand.how, name))
        return Line(self.name(vector.target, scope), tuple(reads), self.expression(vector, texts, scope),
                    vector, phase, tuple(texts))

    def expression(self, vector: Vector, texts: list[str], scope: str) -> str:
        op, operands = vector.op, vector.operands
        if op == "weighted_sum":   # W @ x for one sample, X @ W.T for a batch's
            product = f"{texts[2]} @ {texts[1]}.T" if self.batched else f"{texts[1]} @ {texts[2]}"
            return product + (f" + {texts[0]}" if operands[0].how == SAME else "")
        if op == "back_sum":
            return f"{texts[0]} @ {texts[1]}"
        if op == "softmax":
            return f"softmax({texts[0]})"
        if op == "softmax_delta":
            return f"{texts[0]} * ({texts[1]} - ({texts[1]} * {texts[0]}).sum(axis=-1, keepdims=True))"
        if op == "loss":
            return f"loss_{identifier(vector.param)}({', '.join(texts)})"
        if op == "mean":
            return f"{texts[0]}.sum(axis=0) / size"
        source = OPS[op].source(vector.param, texts)
        return source if self.full(vector, scope) else \
            f"np.broadcast_to({source}, each + {shape(vector.target, self.layers)!r}).copy()"

    def full(self, vector: Vector, scope: str) -> bool:
        """Do the operands alone give the vector its whole shape (and a batch's samples theirs)?"""
        arrays = [o for o in vector.operands if o.how in (SAME, ROWS, COLUMNS)
                  and not (self.batched and scope == "sample" and o.key in self.state)]
        hows = {o.how for o in arrays}
        return SAME in hows or {ROWS, COLUMNS} <= hows


def fused_means(lines: Sequence[Line]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Untraced batches: each mean of a per-sample gradient −(delta × x) that nothing else
    reads, as one product over the samples, −(delta.T @ x) / size (the same sum, in another
    order), with what it reads, by the index of the mean's line; the gradient's line is then
    unneeded."""
    readers: dict[str, list[int]] = {}
    for k, line in enumerate(lines):
        for read in line.reads:
            readers.setdefault(read, []).append(k)
    found = {}
    for line in lines:
        ops = line.vector.operands
        if line.vector.op != "gradient" or [o.how for o in ops] != [ROWS, COLUMNS]:
            continue
        means = readers.get(line.target, [])
        if means and all(lines[k].vector.op == "mean" for k in means):
            delta, x = line.reads
            for k in means:
                found[k] = (f"-({delta}.T @ {x}) / size", (delta, x))
    return found


def live(lines: Sequence[Line], needed: set[str], fused: dict[int, tuple[str, tuple[str, ...]]]) -> list[bool]:
    """Which lines compute something the step needs (the state, the loss), backwards."""
    keep = [False] * len(lines)
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].target in needed:
            keep[k] = True
            needed.discard(lines[k].target)
            needed.update(fused[k][1] if k in fused else lines[k].reads)
    return keep


def step_source(plan: Plan, traced: bool) -> str:
    """`step(S, L0_out, target, lr, momentum, weight_decay)`: the loss (a batch's: the sum
    of its samples'), the state in S updated; traced, also every vector's value in order."""
    writer = Writer(plan)
    lines = writer.lines()
    state = [variable(key) for key in plan.state]
    fused = {} if traced or not writer.batched else fused_means(lines)
    keep = [True] * len(lines) if traced else live(lines, {*state, "loss"}, fused)
    body = [f"    ({', '.join(state)},) = S"]
    if writer.batched:
        body.append("    size = len(L0_out); each = (size,)")
    else:
        body.append("    each = ()")
    for k, line in enumerate(lines):
        if not keep[k]:
            continue
        if not traced and in_place(line, writer):
            body.append(in_place_source(line))
        else:
            body.append(f"    {line.target} = {fused[k][0] if k in fused else line.source}")
    body.append(f"    S[:] = ({', '.join(state)},)")
    loss = "loss.sum()" if writer.batched else "loss"
    values = f", ({', '.join(line.target for line in lines)},)" if traced else ""
    return (f"def step(S, L0_out, target, {', '.join(RATES)}):\n" + "\n".join(body)
            + f"\n    return {loss}{values}\n")


def in_place(line: Line, writer: Writer) -> bool:
    """Is this a weight matrix's plain update, w + x·delta·lr, that the untraced step of one
    sample may write into w itself?"""
    return (line.vector.op == "sgd" and not writer.batched and line.vector.target in writer.state
            and line.texts[0] == line.target and len(shape(line.vector.target, writer.layers)) == 2)


def in_place_source(line: Line) -> str:
    """w + x·delta·lr as the engine computes it, (x·delta)·lr then w + that, into a scratch
    matrix and w itself: no new matrix each step (VectorEngine.snapshot copies the state)."""
    w, x, delta, lr = line.texts
    scratch = scratch_name(line.target)
    return (f"    np.multiply({x}, {delta}, out={scratch}); np.multiply({scratch}, {lr}, out={scratch}); "
            f"np.add({w}, {scratch}, out={w})")


def scratch_name(target: str) -> str:
    return f"scratch_{target}"


def scratches(plan: Plan) -> dict[str, tuple[int, ...]]:
    """The scratch matrices an untraced step updates weights with in place, and their shapes."""
    writer = Writer(plan)
    return {scratch_name(line.target): shape(line.vector.target, plan.layers)
            for line in writer.lines() if in_place(line, writer)}


def forward_source(plan: Plan, forward: Sequence[Vector]) -> str:
    """`forward(S, L0_out, target)`: the outputs and the losses of many samples at once (a
    row each), the weights untouched."""
    writer = Writer(plan, batched=True)
    state = [variable(key) for key in plan.state]
    body = [f"    ({', '.join(state)},) = S", "    each = (len(L0_out),)"]
    for vector in forward:
        line = writer.line(vector, "sample", 0)
        body.append(f"    {line.target} = {line.source}")
    last = variable(f"L{len(plan.layers) - 1}.out")
    return "def forward(S, L0_out, target):\n" + "\n".join(body) + f"\n    return {last}, loss\n"
