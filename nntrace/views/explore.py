"""What `nntrace explore` puts in its page, as plain data: a trace's steps by column, the
step's formulas as templates, the loss of every epoch, and with `--against` a second trace
and where it first differs.

Values are stored by column (one list per trace name, a number per step the page holds):
the page draws the network, the tables and the curve from them. The formula lines are
not written out per step: each assignment of the step (core/program.py) gives its
formula once, from the same function the terminal calls (OPS[op].formula), with a
placeholder where each operand goes, and where each operand's value comes from
(program.operand_sources); the page fills them in. A long trace is thinned evenly
to the steps that fit a value budget, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from typing import TYPE_CHECKING

from ..check import ATOL, RTOL
from ..core.engine import network_from_state, network_program, state_values
from ..core.network import Network
from ..core.ops import OPS
from ..core.names import NAME
from ..core.program import Operand, Program, operand_sources, sources_of, state_names
from ..core.settings import ALL, Settings
from ..trace.model import Step, Trace
from .figures import article, column
from .step import line_labels, program_of, section_of
from .summary import SHOWN, WIDE, Summary
from .text import descent, format_number

if TYPE_CHECKING:
    from ..check.example import Example

# About 2.6 MB of numbers once encoded (8 bytes each, base64): a page that stays small and
# quick to open. A 10,000-epoch XOR run traced every 10th iteration fits whole.
VALUE_BUDGET = 320_000
# A page of steps too big for the budget still steps through MIN_STEPS of them, as long as
# that stays under PAGE_MOST numbers (about 26 MB); else as many as fit, at least one.
MIN_STEPS = 50
PAGE_MOST = 10 * VALUE_BUDGET
# Past this many weights, or neurons in a layer, the picture would be a blur of lines: the
# page leaves it out and says so, and a layer wider than a screen shows its first neurons.
DRAW_WEIGHTS = 800
DRAW_NEURONS = 40


@dataclass
class Row:
    """One line of the tables: a value the step computes, with its formula as a template."""

    name: str
    scope: str                  # "sample": each sample's (online: the step's); "batch": the update's
    heading: str
    label: str                  # the worked example's name for it, or a symbol like ∂E/∂w
    template: str = ""          # the formula, {k} where operand k's value goes; "" for none
    operands: list[Operand] = field(default_factory=list)
    by_count: dict[int, str] = field(default_factory=dict)   # a batch's mean: a template per sample count


@dataclass
class Side:
    """One trace's values at the steps the page holds, by column; None where not recorded."""

    source: str
    values: dict[str, list[float | None]]
    samples: list[dict[str, list[float | None]]]     # sample slot k of each batch step
    epoch_losses: list[float]


@dataclass
class Divergence:
    """Where ACTUAL first differs from EXPECTED, as `nntrace diff` finds it."""

    position: int               # the index of its step among those the page holds
    iteration: int
    name: str
    sample: int | None          # from 1, in a batch
    expected: float
    actual: float


@dataclass
class ExploreView:
    title: str
    summary: str
    notes: list[str]                         # thinning, missing values: said on the page
    network: Network | None                  # the shape to draw, the weights the run began from
    settings: Settings
    iterations: list[int]
    epochs: list[int | None]
    total_steps: int                         # in the trace, before thinning
    sample_counts: list[int]                 # samples of each step (0: online)
    inputs: list[list[list[float | None]]]   # [slot][i] -> a value per step
    targets: list[list[list[float | None]]]
    before: dict[str, list[float | None]]    # weights, biases, velocities as each step began
    rows: list[Row]
    expected: Side
    actual: Side | None = None
    first: Divergence | None = None
    agreement: str = ""                      # without a first difference, what the comparison found
    differing: dict[tuple[int | None, str], list[int]] = field(default_factory=dict)   # (slot, name) -> positions
    figures: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)   # position -> name -> (printed, ✓/≠)
    figure_notes: dict[int, list[str]] = field(default_factory=dict)
    figure_title: str = ""                   # the worked example's column, as the terminal calls it
    digits: int = 7
    rtol: float = 0.0
    atol: float = 0.0


def held_positions(total: int, limit: int, must: Sequence[int] = ()) -> list[int]:
    """At most about `limit` of `total` steps, evenly spaced, the first and the last among
    them; plus those in `must`."""
    if total <= limit:
        return list(range(total))
    if limit < 2:
        return sorted({total - 1, *must})
    return sorted({round(k * (total - 1) / (limit - 1)) for k in range(limit)} | set(must))


def values_per_step(trace: Trace, kept: "PageNames | None" = None) -> int:
    """How many numbers one step takes in the page: its values, its samples', the state it
    began from, the inputs and targets (the first step's count stands for all)."""
    if not trace.steps:
        return 1
    step, network = trace.steps[0], trace.network
    held = (lambda names: len(names)) if kept is None else (lambda names: sum(map(kept.holds, names)))
    state = held(state_names(network.layers, network.biases is not None)) * 2 if network else 0
    vectors = len(step.input) + len(step.target) + sum(len(s.input) + len(s.target) for s in step.samples)
    return max(1, held(step.values) + sum(held(s.values) for s in step.samples) + state + vectors)


def drawable(network: Network) -> bool:
    weights = sum(a * b for a, b in zip(network.layers, network.layers[1:]))
    return weights <= DRAW_WEIGHTS and max(network.layers) <= DRAW_NEURONS


@dataclass(frozen=True)
class PageNames:
    """What the page of a network too large to draw holds: the rows of a summary (a layer
    wider than a screen: its first neurons, their first weights), and the values those rows
    show or their formulas read. A name outside the grammar (a producer's own) is held."""

    shown: frozenset[str]
    needed: frozenset[str]

    def shows(self, name: str) -> bool:
        return name in self.shown or NAME.fullmatch(name) is None

    def holds(self, name: str) -> bool:
        return name in self.needed or NAME.fullmatch(name) is None


def page_names(program: Program | None, network: Network | None, every_value: bool,
               also: Sequence[str] = ()) -> PageNames | None:
    """The summary's names, None for every value: `--all`, a network the page draws (its
    picture needs every weight), one no wider than a screen. `also`: names held anyway."""
    if every_value or program is None or network is None or drawable(network):
        return None
    summary = Summary(tuple(network.layers))
    if not summary.wide:
        return None
    shown = summary.names() | set(also)
    needed = set(shown)
    for _, _, operands in sources_of(program, shown):
        needed.update(o.name for o in operands)
    return PageNames(frozenset(shown), frozenset(needed))


def steps_limit(per_step: int, sides: int = 1) -> int:
    """The steps a page holds, for steps of `per_step` numbers each, from `sides` traces."""
    per = per_step * sides
    return max(VALUE_BUDGET // per, min(MIN_STEPS, PAGE_MOST // per), 1)


def keep_for_training(network: Network, settings: Settings, batch: int) -> int:
    """How many steps `train --explore` keeps in memory: as many as its page will hold."""
    program = network_program(network, settings)
    per_step = (len(program.names) + len(program.sample_names) * batch + 2 * len(program.state)
                + (network.inputs + network.outputs) * batch)
    return steps_limit(per_step)


def explore_view(expected: Trace, source: str, actual: Trace | None = None, actual_source: str = "",
                 digits: int = 7, rtol: float = RTOL, atol: float = ATOL,
                 example: "Example | None" = None, every_value: bool = False) -> ExploreView:
    """The page of `expected` (with `actual`: both, and where ACTUAL first differs); the
    printed figures of `example` (the article's by default) at the steps that are its own.
    A network too large to draw and wider than a screen is summarised, unless `every_value`."""
    comparison = None
    if actual is not None:
        from ..check.compare import compare

        comparison = compare(expected, actual, rtol, atol, (source, actual_source))
    first = comparison.first if comparison else None
    positions = {step.iteration: k for k, step in enumerate(expected.steps)}
    must = [positions[first.iteration]] if first is not None else []
    network = expected.network
    program = program_of(expected, network) if network is not None else None
    kept = page_names(program, network, every_value, [first.name] if first else [])
    held = held_positions(len(expected.steps),
                          steps_limit(values_per_step(expected, kept), 1 + (actual is not None)), must)
    steps = [expected.steps[k] for k in held]
    view = ExploreView(
        f"nntrace explore: {source}" + (f" against {actual_source}" if actual else ""),
        summary(expected, network), thinning(len(held), len(expected.steps), expected) + summarised(kept),
        network, expected.settings, [s.iteration for s in steps], [s.epoch for s in steps],
        len(expected.steps), [len(s.samples) for s in steps], *vectors(steps),
        states_before(expected, held, program, kept), rows_of(steps, program, network, example, kept),
        side(steps, source, expected.epoch_losses, kept), digits=digits, rtol=rtol, atol=atol)
    if actual is not None:
        by_iteration = {step.iteration: step for step in actual.steps}
        view.actual = side([by_iteration.get(s.iteration) for s in steps], actual_source, actual.epoch_losses,
                           kept)
        view.differing = differing_positions(comparison, view.iterations)
        if first is not None:
            view.first = Divergence(view.iterations.index(first.iteration), first.iteration, first.name,
                                    first.sample, first.expected, first.actual)
        else:
            view.agreement = agreement(comparison)
    add_figures(view, expected, held, example)
    return view


def agreement(comparison) -> str:
    """What `diff` would say of traces with no differing value."""
    if not comparison.compared:
        return "No value to compare: the traces have no iteration and name in common."
    if comparison.setup_differences:
        return ("No value differs, but the setups do: " + "; ".join(comparison.setup_differences) + ".")
    return (f"No difference: all {comparison.compared:,} values compared agree within rtol "
            f"{format_number(comparison.rtol)}, atol {format_number(comparison.atol)}.")


def summary(trace: Trace, network: Network | None) -> str:
    """What ran, in the words of the terminal's titles."""
    settings, extra = trace.settings, trace.extra
    rate = settings.learning_rate
    # A full batch is as many samples as its first step holds; other sizes say themselves.
    samples = len(trace.steps[0].samples) if trace.steps and settings.batch_size == ALL else 0
    parts = [f"network {network.describe()}" if network else "network not recorded",
             f"learning rate {format_number(rate) if rate is not None else '?'}" + descent(settings, samples),
             f"convention {settings.label}"]
    if extra.get("data"):
        parts.append(f"data {extra['data']}")
    if isinstance(extra.get("epochs"), int):
        parts.append(f"{extra['epochs']} epoch(s)" + (f", 1 iteration in {extra['every']} recorded"
                                                      if extra.get("every", 1) != 1 else ""))
    return ", ".join(parts)


def summarised(kept: PageNames | None) -> list[str]:
    if kept is None:
        return []
    return [f"The network is too large to draw and wider than a screen: a layer of more than {WIDE} "
            f"neurons shows its first {SHOWN}, each with its first {SHOWN} weights (nntrace explore "
            f"--all holds every value)."]


def thinning(held: int, total: int, trace: Trace) -> list[str]:
    notes = []
    if held < total:
        notes.append(f"This page holds {held:,} of the trace's {total:,} steps, evenly spaced "
                     f"(about one in {total / held:.3g}), to stay small and quick.")
    if trace.epoch_losses:
        notes.append(f"The loss curve is the run's loss of each of its {len(trace.epoch_losses):,} "
                     f"epoch(s), as the run recorded it.")
    elif trace.steps:
        notes.append("The trace records no loss per epoch: the curve is each step's loss.")
    return notes


def vectors(steps: list[Step]) -> tuple[list, list]:
    """The inputs and targets by column: [slot][i] -> a value per step (None where a step has
    fewer samples or numbers); an online step's sample is slot 0."""
    def column(slot: int, i: int, key: str) -> list[float | None]:
        found = []
        for step in steps:
            sample = step.samples[slot] if step.samples and slot < len(step.samples) else (
                step if not step.samples and slot == 0 else None)
            vector = getattr(sample, key) if sample is not None else []
            found.append(vector[i] if i < len(vector) else None)
        return found

    slots = max([len(s.samples) or 1 for s in steps], default=0)
    width = {key: max((len(getattr(x, key)) for s in steps for x in (s.samples or [s])), default=0)
             for key in ("input", "target")}
    return tuple([[column(slot, i, key) for i in range(width[key])] for slot in range(slots)]
                 for key in ("input", "target"))


def states_before(trace: Trace, held: list[int], program: Program | None,
                  kept: PageNames | None = None) -> dict[str, list[float | None]]:
    """The weights, biases and velocities each held step began from: the step's own record
    (a run traced every K-th iteration), else the trace's previous iteration, else for
    iteration 1 the network the trace began from (velocities 0); None when not known."""
    network = trace.network
    if network is None:
        return {}
    every = program.state if program else state_names(network.layers, network.biases is not None)
    start = {name: 0.0 for name in every}
    start.update(zip(every, state_values(network)))
    names = [name for name in every if kept is None or kept.holds(name)]
    by_iteration = {step.iteration: step for step in trace.steps}
    found: dict[str, list[float | None]] = {name: [] for name in names}
    for k in held:
        step = trace.steps[k]
        previous = by_iteration.get(step.iteration - 1)
        known = (step.before or (start if step.iteration == 1 else None)
                 or (previous.values if previous is not None else {}))
        for name in names:
            found[name].append(known.get(name))
    return found


def side(steps: list[Step | None], source: str, epoch_losses: list[float],
         kept: PageNames | None = None) -> Side:
    """Every value of `steps` by column (a missing step: None throughout); of a summarised
    page, those it holds."""
    holds = (lambda name: True) if kept is None else kept.holds
    names = list(dict.fromkeys(name for step in steps if step for name in step.values if holds(name)))
    slots = max([len(step.samples) for step in steps if step], default=0)
    values = {name: [step.values.get(name) if step else None for step in steps] for name in names}
    samples = []
    for slot in range(slots):
        own = [step.samples[slot] if step and slot < len(step.samples) else None for step in steps]
        sample_names = dict.fromkeys(name for sample in own if sample for name in sample.values if holds(name))
        samples.append({name: [sample.values.get(name) if sample else None for sample in own]
                        for name in sample_names})
    return Side(source, values, samples, list(epoch_losses))


def rows_of(steps: list[Step], program: Program | None, network: Network | None,
            example: "Example | None" = None, kept: PageNames | None = None) -> list[Row]:
    """A row per value the trace holds (of a summarised page, those it shows), in the order
    the step computes it, each with its formula template; values the step does not compute
    (a producer's own) come last."""
    batched = any(step.samples for step in steps)
    own = {n for s in steps for n in s.values}
    recorded = ({"sample": {n for s in steps for x in s.samples for n in x.values}, "batch": own} if batched
                else {"sample": own, "batch": set()})
    last = len(network.layers) - 1 if network else last_layer(own | recorded["sample"])
    labels = line_labels(program, network, example)
    counts = sorted({len(s.samples) for s in steps if s.samples})
    rows, seen = [], set()
    sources = () if program is None else operand_sources(program) if kept is None else sources_of(
        program, kept.shown)
    for scope, a, operands in sources:
        scope = scope if batched else "sample"
        if a.name not in recorded[scope] or (scope, a.name) in seen:
            continue
        seen.add((scope, a.name))
        row = Row(a.name, scope, section_of(a.name, last, scope == "batch"), labels.get(a.name, ""))
        if operands and operands[0].kind == "samples":
            row.by_count = {n: template_of(a, n) for n in counts}
        else:
            row.template = template_of(a, len(a.args))
        row.operands = list(operands)
        rows.append(row)
    from ..check.compare import grammar_key

    for scope in ("sample", "batch"):
        for name in sorted(recorded[scope] - {name for s, name in seen if s == scope}, key=grammar_key):
            if kept is None or kept.shows(name):
                rows.append(Row(name, scope, section_of(name, last, scope == "batch"), labels.get(name, "")))
    return rows


def last_layer(names: set[str]) -> int:
    """The output layer, by the names alone (a trace that does not record its network)."""
    from ..core.names import parse_name

    return max((parsed.layer for parsed in map(parse_name, names) if parsed), default=1)


def template_of(a, count: int) -> str:
    """The assignment's formula, from the function the terminal calls, with `{k}` where
    operand k goes: the page writes it as the terminal writes an operand (a negative in
    parentheses). Where the formula takes those parentheses off (`sigmoid(-0.1)`:
    activations.applied), found by handing it operand k in parentheses, `{=k}`: the page
    writes the number bare."""
    formula = OPS[a.op].formula
    template = formula(a.param, a.args, [f"{{{k}}}" for k in range(count)])
    for k in range(count):
        if f"{{{k}}}" in template and formula(a.param, a.args, [
                f"({{{j}}})" if j == k else f"{{{j}}}" for j in range(count)]) == template:
            template = template.replace(f"{{{k}}}", f"{{={k}}}")
    return template


def differing_positions(comparison, iterations: list[int]) -> dict[tuple[int | None, str], list[int]]:
    """For each value (and sample slot), the held steps where ACTUAL differs from EXPECTED."""
    position = {iteration: k for k, iteration in enumerate(iterations)}
    found: dict[tuple[int | None, str], list[int]] = {}
    for step in comparison.steps:
        if step.iteration not in position:
            continue
        for d in step.differing:
            slot = None if d.sample is None else d.sample - 1
            found.setdefault((slot, d.name), []).append(position[step.iteration])
    return found


def add_figures(view: ExploreView, trace: Trace, held: list[int], example: "Example | None") -> None:
    """A worked example's printed figures (the article's by default), ✓ or ≠N, at the steps
    that are its own example (its network, sample and settings): the terminal's column,
    from the same code (views/figures.py)."""
    network, example = trace.network, example or article()
    if network is None or list(network.layers) != list(example.network.layers):
        return
    names = list(view.before)[:len(state_values(network))]   # the weights and biases
    start = state_values(example.network)
    for position, k in enumerate(held):
        step = trace.steps[k]
        if step.samples or step.input != example.input or [view.before[n][position] for n in names] != start:
            continue
        found = column(example, network_from_state(network, start), step, trace.settings)
        if found is not None and found.figures:
            view.figures[position] = {name: (printed, found.verdicts.get(name, ""))
                                      for name, printed in found.figures.items()}
            view.figure_notes[position] = found.notes
            view.figure_title = found.title
