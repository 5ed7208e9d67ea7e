"""A training step compiled to straight-line Python for one network's shape.

`Engine.step_converted` loops over layers, neurons and slips, checking at every turn
whether to record, carry or slip. A training run without a recorder, in exact float
math, needs none of that: here the same step is written out once per network, value by
value, the way the worked example writes it (net1_h = x1 * w11 + x2 * w12 ...), and run
as plain Python. It performs the same floating-point operations in the same order as the
engine, so it ends on the very same weights (tests/test_compiled.py checks that bit for
bit); it exists only for speed (benchmarks/bench_train.py).
"""

from __future__ import annotations

from typing import Callable

from .engine import Engine

Step = Callable[[list[float], list[float], float], float]

# Beyond this many weights the source gets long to compile, and the loops' overhead matters less.
MAX_WEIGHTS = 4096
# A sum `a + b + c ...` is one nested expression to Python's compiler, which recurses once
# per term: thousands of terms overflow its stack. Longer sums go on in further statements.
TERMS_PER_STATEMENT = 100


def compiled_step(engine: Engine, record: bool = False) -> Step | None:
    """The engine's untraced step as straight-line code, updating the engine's own weight
    lists in place; None when the convention is not plain exact float math (Decimal
    carries, slips) or the network is very large: use step_converted then.

    With `record`, the step returns `(loss, values)`: every value the engine would hand a
    recorder, in the same order, as a tuple whose names are `recorded_names(engine)`.
    """
    convention = engine.convention
    if convention.carry is not None or convention.slips or convention.number is not float:
        return None
    if sum(a * b for a, b in zip(engine.layers, engine.layers[1:])) > MAX_WEIGHTS:
        return None
    source, _ = step_source(engine.layers, engine.biases is not None, record)
    scope = {"W": engine.weights, "B": engine.biases}
    for l, activation in enumerate(engine.activations, 1):
        scope[f"f{l}"], scope[f"g{l}"] = activation.forward, activation.derivative
    try:
        code = compile(source, f"<nntrace step {'-'.join(map(str, engine.layers))}>", "exec")
    except (RecursionError, MemoryError, SyntaxError):
        return None   # a shape this Python cannot compile: the engine computes the same numbers
    exec(code, scope)
    return scope["step"]


def total(terms: list[str], start: str) -> str:
    """sum(terms, start) as the engine computes it; one term is just start + term, which
    equals sum() in every Python (3.12's compensated float sum included) and costs no call."""
    if len(terms) == 1:
        return f"({start} + {terms[0]})"
    return f"sum(({', '.join(terms)}), {start})"


def recorded_names(engine: Engine) -> tuple[str, ...]:
    """The trace names of the values a recording compiled step returns, in order."""
    return step_source(engine.layers, engine.biases is not None, True)[1]


def step_source(layers: list[int], biases: bool, record: bool = False) -> tuple[str, tuple[str, ...]]:
    """Python source of `step(x, targets, lr) -> loss` for these layer sizes, and the trace
    names of the values it records (then it returns `(loss, values)`), in the engine's order.

    Names: x{i} inputs, t{j} targets; for layer l, neuron j: n{l}_{j} net, o{l}_{j} out,
    e{l}_{j} error, g{l}_{j} derivative, d{l}_{j} delta; w{l}_{j}_{i} the weight from
    neuron i below; row{l}_{j} the list holding that neuron's weights; b{l}_{j} its bias.
    Layer 0 is the input, so o0_{i} is x{i}.
    """
    last = len(layers) - 1
    lines = ["def step(x, targets, lr):"]
    recorded: list[tuple[str, str]] = []   # (trace name, variable), in the engine's order
    keep = lambda name, variable: recorded.append((name, variable))  # noqa: E731
    add = lambda text: lines.append("    " + text)  # noqa: E731
    tuple_of = lambda names: "(" + ", ".join(names) + ",)"  # noqa: E731
    add(f"{tuple_of([f'o0_{i}' for i in range(1, layers[0] + 1)])} = x")
    add(f"{tuple_of([f't{j}' for j in range(1, layers[last] + 1)])} = targets")
    for l in range(1, last + 1):
        rows = [f"row{l}_{j}" for j in range(1, layers[l] + 1)]
        add(f"{tuple_of(rows)} = W[{l - 1}]")
        for j, row in enumerate(rows, 1):
            add(f"{tuple_of([f'w{l}_{j}_{i}' for i in range(1, layers[l - 1] + 1)])} = {row}")
        if biases:
            add(f"bias{l} = B[{l - 1}]")
            add(f"{tuple_of([f'b{l}_{j}' for j in range(1, layers[l] + 1)])} = bias{l}")

    # Forward, as the engine sums: start at the bias (or 0.0), add w * x left to right.
    for l in range(1, last + 1):
        for j in range(1, layers[l] + 1):
            start = f"b{l}_{j}" if biases else "0.0"
            terms = [f" + w{l}_{j}_{i} * o{l - 1}_{i}" for i in range(1, layers[l - 1] + 1)]
            # n = s + a + b, then n = n + c + d: the same additions, left to right.
            for k in range(0, len(terms), TERMS_PER_STATEMENT):
                add(f"n{l}_{j} = {start if k == 0 else f'n{l}_{j}'}{''.join(terms[k:k + TERMS_PER_STATEMENT])}")
            keep(f"L{l}.n{j}.net", f"n{l}_{j}")
        for j in range(1, layers[l] + 1):
            add(f"o{l}_{j} = f{l}(n{l}_{j})")
            keep(f"L{l}.n{j}.out", f"o{l}_{j}")

    # The loss: the engine's sum() over outputs (an int start), halved.
    squares = [f"(t{j} - o{last}_{j}) * (t{j} - o{last}_{j})" for j in range(1, layers[last] + 1)]
    add(f"loss = {total(squares, '0')} / 2")
    keep("loss", "loss")

    # Backward: error, derivative, delta = derivative * error, from the output layer down.
    for l in range(last, 0, -1):
        for j in range(1, layers[l] + 1):
            if l == last:
                add(f"e{l}_{j} = t{j} - o{l}_{j}")
            else:
                products = [f"d{l + 1}_{k} * w{l + 1}_{k}_{j}" for k in range(1, layers[l + 1] + 1)]
                add(f"e{l}_{j} = {total(products, '0.0')}")
            keep(f"L{l}.n{j}.error", f"e{l}_{j}")
        for j in range(1, layers[l] + 1):
            add(f"g{l}_{j} = g{l}(n{l}_{j}, o{l}_{j})")
            add(f"d{l}_{j} = g{l}_{j} * e{l}_{j}")
            keep(f"L{l}.n{j}.deriv", f"g{l}_{j}")
            keep(f"L{l}.n{j}.delta", f"d{l}_{j}")

    # Updates, from the output layer down: new w = w + x * delta * lr, new b = b + delta * lr.
    for l in range(last, 0, -1):
        for j in range(1, layers[l] + 1):
            for i in range(1, layers[l - 1] + 1):
                add(f"row{l}_{j}[{i - 1}] = new{l}_{j}_{i} = w{l}_{j}_{i} + o{l - 1}_{i} * d{l}_{j} * lr")
                keep(f"L{l}.n{j}.w{i}", f"new{l}_{j}_{i}")
            if biases:
                add(f"bias{l}[{j - 1}] = newb{l}_{j} = b{l}_{j} + d{l}_{j} * lr")
                keep(f"L{l}.n{j}.b", f"newb{l}_{j}")
    if record:
        add(f"return loss, {tuple_of([variable for _, variable in recorded])}")
    else:
        add("return loss")
    return "\n".join(lines) + "\n", tuple(name for name, _ in recorded)
