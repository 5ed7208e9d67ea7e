"""The step's list of assignments written out as straight-line Python, once per program.

The engine loops over assignments, looking each operand up and asking at every turn
whether to carry or record. A float run needs none of that: here the same list becomes
one Python function, value by value, the way the worked example writes it
(`L1_n1_net = 0.0 + L1_n1_w1 * L0_n1_out + ...`). Every operation's source performs the
same floating-point operations in the same order as its evaluation in the engine, so it
ends on the very same weights (tests/core/test_compiled.py checks that bit for bit); it
exists only for speed (benchmarks/bench_train.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

from . import names as N
from .activations import ACTIVATIONS, softmax
from .losses import LOSSES
from .program import OPS, Assign, Program, identifier, pairs_of

Step = Callable[[list, Sequence[float], Sequence[float], float], object]

# Beyond this many weights the source gets long to compile, and the loops' overhead matters less.
MAX_WEIGHTS = 4096
# A sum `a + b + c ...` is one nested expression to Python's compiler, which recurses once
# per term: thousands of terms overflow its stack. Longer sums go on in further statements.
TERMS_PER_STATEMENT = 100


def variable(name: str) -> str:
    """A trace name as a Python identifier: L1.n1.w1 -> L1_n1_w1; a constant, 2 -> 2.0."""
    value = N.constant(name)
    return repr(value) if value is not None else re.sub(r"\W", "_", name)


def compilable(program: Program) -> bool:
    return sum(a * b for a, b in zip(program.layers, program.layers[1:])) <= MAX_WEIGHTS


@lru_cache(maxsize=64)
def compiled_step(program: Program, record: bool = False) -> Step | None:
    """`step(state, x, targets, lr) -> loss`, updating `state` (Program.state order) in place,
    for float math without a carry rule; None when the network is too large to be worth it
    or to compile. With `record` it returns `(loss, values)`: every value in program order."""
    if not compilable(program):
        return None
    source = step_source(program, record)
    scope: dict = {"softmax": softmax}
    for name, activation in ACTIVATIONS.items():
        scope[f"f_{name}"], scope[f"g_{name}"] = activation.forward, activation.derivative
    for name, loss in LOSSES.items():
        scope[f"loss_{identifier(name)}"], scope[f"error_{identifier(name)}"] = loss.loss, loss.error
    try:
        code = compile(source, f"<nntrace step {'-'.join(map(str, program.layers))}>", "exec")
    except (RecursionError, MemoryError, SyntaxError):
        return None   # a shape this Python cannot compile: the engine computes the same numbers
    exec(code, scope)
    return scope["step"]


def statements(a: Assign) -> list[str]:
    """The Python of one assignment; a long weighted sum split over several statements."""
    target, args = variable(a.name), [variable(x) for x in a.args]
    if a.op == "weighted_sum" and len(args) > 2 * TERMS_PER_STATEMENT:
        terms = [f" + {w} * {x}" for w, x in pairs_of(args[1:])]
        return [f"{target} = {args[0] if k == 0 else target}{''.join(terms[k:k + TERMS_PER_STATEMENT])}"
                for k in range(0, len(terms), TERMS_PER_STATEMENT)]
    return [f"{target} = {OPS[a.op].source(a.param, args)}"]


def step_source(program: Program, record: bool = False) -> str:
    """Python source of `step(S, x, targets, lr)` for this program."""
    state = [variable(name) for name in program.state]
    lines = ["def step(S, x, targets, lr):",
             f"    ({', '.join(state)},) = S",
             f"    ({', '.join(variable(n) for n in program.inputs)},) = x",
             f"    ({', '.join(variable(n) for n in program.targets)},) = targets"]
    for a in program.assigns:
        lines += ["    " + line for line in statements(a)]
    lines.append(f"    S[:] = ({', '.join(state)},)")
    if record:
        lines.append(f"    return loss, ({', '.join(variable(a.name) for a in program.assigns)},)")
    else:
        lines.append("    return loss")
    return "\n".join(lines) + "\n"
