"""The step's list of assignments written out as straight-line Python, once per program.

The engine loops over assignments, looking each operand up and asking at every turn
whether to carry or record. A run needs none of that: here the same list becomes one
Python function, value by value, the way the worked example writes it
(`L1_n1_net = C0 + L1_n1_w1 * L0_n1_out + ...`). Every operation's source performs the
same operations in the same order as its evaluation in the engine, in floats, or in
Decimals with the carry rule applied where the engine applies it, so it ends on the very
same weights (tests/core/test_compiled.py checks that bit for bit); it exists only for
speed (benchmarks/bench_train.py).
"""

from __future__ import annotations

import re
from decimal import localcontext
from functools import lru_cache
from typing import Callable, Sequence

from . import names as N
from .activations import ACTIVATIONS, softmax
from .losses import LOSSES
from .numbers import FLOAT, Carry, Numbers
from .ops import OPS, identifier, pairs_of
from .program import Assign, Program

# step(state, x or xs, t or ts, lr, momentum, weight_decay) -> loss, or (loss, values) when recording
Step = Callable[[list, Sequence, Sequence, float, float, float], object]

# Beyond this many weights the source gets long to compile, and the loops' overhead matters less.
MAX_WEIGHTS = 4096
# A sum `a + b + c ...` is one nested expression to Python's compiler, which recurses once
# per term: thousands of terms overflow its stack. Longer sums go on in further statements.
TERMS_PER_STATEMENT = 100


def variable(name: str) -> str:
    """A trace name as a Python identifier: L1.n1.w1 -> L1_n1_w1; the constant 2 -> C2 (the
    number type's own 2, in the step's scope)."""
    return f"C{name}" if N.constant(name) is not None else re.sub(r"\W", "_", name)


def compilable(program: Program) -> bool:
    return sum(a * b for a, b in zip(program.layers, program.layers[1:])) <= MAX_WEIGHTS


def compiled_step(program: Program, record: bool = False, numbers: Numbers = FLOAT,
                  carry: Carry | None = None) -> Step | None:
    """`step(state, x, targets, lr, momentum, weight_decay) -> loss`, updating `state`
    (Program.state order) in place, in `numbers` with `carry` (none: values kept as
    computed); None when the network is too large to be worth it or to compile. With
    `record` (floats only) it returns `(loss, values)`: every value in program order.

    For a batch (Program.descent.batched, floats only): `step(state, xs, ts, lr, momentum,
    weight_decay)` returns the sum of the samples' losses; None when a slip interleaves the
    samples' passes with the updates (updated-weights), or with `record`: the engine does those."""
    return compile_once(program, bool(record), numbers, carry)


@lru_cache(maxsize=64)
def compile_once(program: Program, record: bool, numbers: Numbers, carry: Carry | None) -> Step | None:
    plain = numbers is FLOAT and carry is None
    if not compilable(program) or (not plain and (record or program.descent.batched)):
        return None
    if program.descent.batched:
        if record or len(program.phases()) != 2:
            return None
        source = batch_source(program)
    else:
        source = step_source(program, record, carry is not None, numbers.context is not None)
    try:
        code = compile(source, f"<nntrace step {'-'.join(map(str, program.layers))}>", "exec")
    except (RecursionError, MemoryError, SyntaxError):
        return None   # a shape this Python cannot compile: the engine computes the same numbers
    scope = step_scope(program, numbers, carry)
    exec(code, scope)
    return scope["step"]


def step_scope(program: Program, numbers: Numbers, carry: Carry | None) -> dict:
    """What the step's source refers to: the activations, losses and constants of its number type."""
    decimal = numbers.context is not None
    scope: dict = {"softmax": softmax, "ZERO": numbers.zero, "ONE": numbers.one, "carry": carry,
                   "CONTEXT": numbers.context, "localcontext": localcontext}
    for name, activation in ACTIVATIONS.items():
        forward, derivative = ((activation.decimal_forward, activation.decimal_derivative) if decimal
                               else (activation.forward, activation.derivative))
        scope[f"f_{name}"], scope[f"g_{name}"] = forward, derivative
    for name, loss in LOSSES.items():
        scope[f"loss_{identifier(name)}"], scope[f"error_{identifier(name)}"] = loss.loss, loss.error
        scope[f"hand_loss_{identifier(name)}"] = loss.written
    for name in {x for a in program.assigns for x in a.args if N.constant(x) is not None}:
        scope[variable(name)] = numbers.convert(N.constant(name))
    return scope


compiled_step.cache_clear = compile_once.cache_clear   # type: ignore[attr-defined]


def statements(a: Assign, carried: bool = False) -> list[str]:
    """The Python of one assignment; a long weighted sum split over several statements; with
    `carried` the value written down by the carry rule, as the engine does."""
    target, args = variable(a.name), [variable(x) for x in a.args]
    if a.op == "weighted_sum" and len(args) > 2 * TERMS_PER_STATEMENT:
        terms = [f" + {w} * {x}" for w, x in pairs_of(args[1:])]
        lines = [f"{args[0] if k == 0 else target}{''.join(terms[k:k + TERMS_PER_STATEMENT])}"
                 for k in range(0, len(terms), TERMS_PER_STATEMENT)]
    else:
        lines = [OPS[a.op].source(a.param, args)]
    if carried and OPS[a.op].carried:
        lines[-1] = f"carry({lines[-1]}, {a.kind!r})"
    return [f"{target} = {line}" for line in lines]


SIGNATURE = f"(S, {{}}, {{}}, {N.LEARNING_RATE}, {N.MOMENTUM}, {N.WEIGHT_DECAY})"


def batch_source(program: Program) -> str:
    """Python source of a batch's step: each sample's pass in a loop that adds up what the
    means read, in the samples' order (as the engine's mean does), then the update."""
    (_, each), (_, update) = program.phases()
    means = {a.args[0]: f"sum_{variable(a.args[0])}" for a in update if a.op == "mean"}
    state = [variable(name) for name in program.state]
    lines = [f"def step{SIGNATURE.format('xs', 'ts')}:", f"    ({', '.join(state)},) = S",
             *(f"    {total} = ZERO" for total in means.values()),
             "    for x, targets in zip(xs, ts):",
             f"        ({', '.join(variable(n) for n in program.inputs)},) = x",
             f"        ({', '.join(variable(n) for n in program.targets)},) = targets"]
    for a in each:
        lines += ["        " + line for line in statements(a)]
    lines += [f"        {total} = {total} + {variable(name)}" for name, total in means.items()]
    lines.append("    size = len(xs)")
    for a in update:
        lines += [f"    {variable(a.name)} = {means[a.args[0]]} / size" if a.op == "mean"
                  else "    " + line for line in ([None] if a.op == "mean" else statements(a))]
    lines += [f"    S[:] = ({', '.join(state)},)", f"    return {means['loss']}"]
    return "\n".join(lines) + "\n"


def step_source(program: Program, record: bool = False, carried: bool = False,
                decimal: bool = False) -> str:
    """Python source of `step(S, x, targets, lr, momentum, weight_decay)` for this program;
    `decimal`: in the number type's own decimal context."""
    state = [variable(name) for name in program.state]
    pad = "        " if decimal else "    "
    body = [f"({', '.join(state)},) = S",
            f"({', '.join(variable(n) for n in program.inputs)},) = x",
            f"({', '.join(variable(n) for n in program.targets)},) = targets"]
    for a in program.assigns:
        body += statements(a, carried)
    body.append(f"S[:] = ({', '.join(state)},)")
    if record:
        body.append(f"return loss, ({', '.join(variable(a.name) for a in program.assigns)},)")
    else:
        body.append("return loss")
    head = [f"def step{SIGNATURE.format('x', 'targets')}:"] + (["    with localcontext(CONTEXT):"] if decimal else [])
    return "\n".join(head + [pad + line for line in body]) + "\n"
