"""One iteration as the worked example writes it: each value under its heading, with its
formula filled in with the numbers it was computed from, and the example's printed figure
beside it where there is one. The formulas come from the step's own list of assignments
(core/program.py), so they are the arithmetic the engine did, never a second copy of it."""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..core import names as N
from ..core.engine import network_from_state, network_program, state_values
from ..core.names import parse_name
from ..core.network import Network
from ..core.ops import OPS
from ..core.program import Assign, Operand, Program, sources_of
from ..errors import NntraceError
from ..core.settings import Settings
from ..trace.model import SampleValues, Step, Trace

if TYPE_CHECKING:
    from ..check.example import Example
from ..trace.model import network_after
from .figures import Column, column, labels_for
from .summary import SHOWN, WIDE, Summary
from .text import descent, format_number, operand


@dataclass
class Line:
    name: str          # the trace name
    label: str         # the worked example's name for it, if it has one
    formula: str
    value: str
    figure: str        # what the worked example printed, "" if nothing
    verdict: str       # ✓, ≠N or ≠; "" without a figure
    note: str = ""     # a line standing for values left out of a summary: how many, and which


@dataclass
class Section:
    heading: str
    lines: list[Line]


@dataclass
class StepView:
    title: str
    sections: list[Section]
    notes: list[str]        # reason N is notes[N - 1]
    with_figures: bool      # a worked example's own step: a column of its printed figures
    source: str = ""        # the worked example, as the figures' column calls it


def section_of(name: str, last_layer: int, update: bool = False) -> str:
    """The heading a value belongs under, in the article's order; in a batch's `update` a
    weight's mean gradient and velocity go with its update."""
    if name == "loss":
        return "Loss"
    parsed = parse_name(name)
    if parsed is None:
        return "Other values"
    layer, kind = parsed.layer, parsed.kind
    where = "output layer" if layer == last_layer else f"hidden layer {layer}"
    if kind in ("net", "out"):
        return f"Forward, {where} (L{layer})"
    if kind in ("error", "deriv", "delta"):
        return f"Backward, {where} (L{layer})"
    if parsed.part == "grad" and not update:
        return f"Gradients, {where} (L{layer})"
    return f"Updates into the {where} (L{layer})"


def program_of(trace: Trace, network: Network) -> Program:
    """The step the trace's settings describe; a trace of unknown settings (someone's own
    code) is written out as exact backprop."""
    try:
        return network_program(network, trace.settings)
    except (NntraceError, KeyError):
        return network_program(network)


def formulas(program: Program, step: Step, before: Network, settings: Settings, digits: int,
             first: bool = True, wanted: set[str] | None = None) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Each assignment's formula, its operands as they were when it was computed: the
    recorded values, the weights before the step, the sample and the rates. The step's own
    formulas, and for a batch each sample's. Velocities start at 0 at a run's `first` step;
    later they are the step's `before` where the trace wrote it, else unknown (written ?).
    Only the `wanted` names' formulas are written (None: all)."""
    state: dict[str, float | None] = {name: 0.0 if first else None for name in program.state}
    state.update(zip(program.state, state_values(before)))
    state.update(step.before)
    rates = {N.LEARNING_RATE: settings.learning_rate, N.MOMENTUM: settings.momentum,
             N.WEIGHT_DECAY: settings.weight_decay}
    samples = step.samples or [SampleValues(step.input, step.target, step.values)]
    batch: dict[str, str] = {}
    found: list[dict[str, str]] = [{} for _ in samples]
    for scope, a, operands in sources_of(program, wanted):
        for sample, written in ([(None, batch)] if scope == "batch" else zip(samples, found)):
            texts = [operand(value, digits) for value in
                     operand_values(operands, step, sample, samples, state, rates)]
            written[a.name] = OPS[a.op].formula(a.param, a.args, texts)
    return (batch, found) if step.samples else (found[0], [])


def operand_values(operands: Sequence[Operand], step: Step, sample: SampleValues | None,
                   samples: list[SampleValues], state: dict, rates: dict) -> list[float | None]:
    """The value of each operand (None where the step does not hold it); a batch's mean
    reads one value from each sample."""
    found: list[float | None] = []
    for o in operands:
        if o.kind == "samples":
            found += [each.values.get(o.name) for each in samples]
        elif o.kind in ("input", "target"):
            vector = sample.input if o.kind == "input" else sample.target
            found.append(vector[o.index - 1] if o.index <= len(vector) else None)
        elif o.kind in ("sample", "step"):
            found.append((sample if o.kind == "sample" else step).values.get(o.name))
        elif o.kind in ("before", "rate"):
            found.append((state if o.kind == "before" else rates).get(o.name))
        else:
            found.append(N.constant(o.name))   # None for "unknown"
    return found


@dataclass
class Context:
    """What the lines of one step are written with."""

    written: dict[str, str]             # formula text, by trace name
    labels: dict[str, str]              # the worked example's name, or a symbol like ∂E/∂w
    last: int                           # the output layer
    digits: int
    column: Column                      # the worked example's printed figures and verdicts


Row = tuple[str, float, str, bool]   # a recorded value: name, value, heading, shown


def rows_of(values: dict[str, float], last: int, update: bool, summary: Summary | None,
            assigns: Sequence[Assign] = ()) -> list[Row]:
    """Each value with its heading, and whether the summary shows it (None: every value).
    Values recorded in the order of `assigns` (nntrace's own) are placed by their kind and
    layer, the others by their names."""
    if [a.name for a in assigns] == list(values):
        return rows_by_program(values, assigns, last, update, summary)
    headings: dict[object, str] = {}
    found = []
    for name, value in values.items():
        match = N.NAME.match(name)
        key = (match[1], match[3] if match[4] is None else "w", match[5]) if match else name
        heading = headings.get(key)
        if heading is None:
            heading = headings[key] = section_of(name, last, update)
        found.append((name, value, heading, summary is None or summary.shows(match)))
    return found


def rows_by_program(values: dict[str, float], assigns: Sequence[Assign], last: int, update: bool,
                    summary: Summary | None) -> list[Row]:
    """rows_of for values named as `assigns` name them, in their order: the heading of each
    kind and layer once (section_of), what the summary shows by one look-up a value."""
    headings: dict[tuple[str, int], str] = {}
    shown = None if summary is None else summary.names()
    found = []
    for a, value in zip(assigns, values.values()):
        heading = headings.get((a.kind, a.layer))
        if heading is None:
            heading = headings[a.kind, a.layer] = section_of(a.name, last, update)
        found.append((a.name, value, heading, shown is None or a.name in shown))
    return found


def sections_of(rows: list[Row], context: Context, prefix: str = "") -> list[Section]:
    """The lines of `rows`, under their headings, in the order they were recorded; where a
    summary left values out, a line at the end of their section says how many."""
    sections: list[Section] = []
    left_out: list[int] = []
    current = None
    for name, value, heading, shown in rows:
        if heading is not current:   # the same string object while a section goes on (rows_of)
            current = heading
            if not sections or sections[-1].heading != prefix + heading:
                sections.append(Section(prefix + heading, []))
                left_out.append(0)
        if not shown:
            left_out[-1] += 1
            continue
        printed = context.column.figures.get(name, "")
        verdict = context.column.verdicts.get(name, "") if printed else ""
        sections[-1].lines.append(Line(name, context.labels.get(name, ""), context.written.get(name, ""),
                                       format_number(value, beside(printed, context.digits)), printed, verdict))
    for section, count in zip(sections, left_out):
        if count:
            section.lines.append(Line("…", "", "", "", "", "", left_out_note(count)))
    return sections


def left_out_note(count: int) -> str:
    return (f"and {count:,} more (a layer wider than {WIDE} neurons shows its first {SHOWN} neurons "
            f"and weights; --all shows every value)")


def line_labels(program: Program | None, network: Network | None,
                example: "Example | None" = None, wanted: set[str] | None = None) -> dict[str, str]:
    """What a line calls its value besides the trace name: the worked example's name (for
    its shape; the article's by default), else the operation's symbol (∂E/∂w); of the
    `wanted` names only (None: all)."""
    labels = {} if program is None else {a.name: OPS[a.op].symbol for a in program.assigns
                                         if OPS[a.op].symbol and (wanted is None or a.name in wanted)}
    labels.update(labels_for(network, example))
    return labels


def beside(printed: str, digits: int) -> int:
    """The digits of a value beside a printed figure: `digits`, unless the figure has more,
    then two more than it has, so that 0.593269992 stands beside 0.59326999211, not 0.59327."""
    if not printed:
        return digits
    from decimal import Decimal, InvalidOperation

    try:
        figure = len(Decimal(printed.strip("−()").replace("\u2212", "-")).as_tuple().digits)
    except InvalidOperation:
        return digits
    return digits if figure <= digits else min(17, figure + 2)


def step_view(trace: Trace, index: int = 0, digits: int = 7, before: Network | None = None,
              show_article: bool = True, example: "Example | None" = None, summary: bool = True) -> StepView:
    """The lines of step `index`, in the order the computation produced the values; a batch's
    samples first, each under its own headings, then the update. With `summary`, a layer
    wider than a screen shows its first neurons, and a line says how many values it leaves out."""
    step = trace.steps[index]
    before = before_step(trace, step, before if before is not None else (trace.network if index == 0 else None))
    settings = trace.settings
    program = None if before is None else program_of(trace, before)
    last = len(before.layers) - 1 if before else 1
    shown = Summary(tuple(before.layers)) if summary and before is not None else None
    shown = shown if shown is not None and shown.wide else None
    own = {scope: [a for a in program.assigns if a.scope == scope or not step.samples]
           for scope in ("sample", "batch")} if program is not None else {"sample": [], "batch": []}
    rows = [rows_of(sample.values, last, False, shown, own["sample"]) for sample in step.samples]
    rows.append(rows_of(step.values, last, bool(step.samples), shown, own["batch" if step.samples else "sample"]))
    wanted = None if shown is None else {row[0] for each in rows for row in each if row[3]}
    written, per_sample = ({}, []) if program is None else formulas(program, step, before, settings, digits,
                                                                   step.iteration == 1, wanted)
    labels = line_labels(program, before, example, wanted)
    side = column(example, before, step, settings) if show_article else None
    side = side or Column("")
    context = Context(written, labels, last, digits, side)
    sections: list[Section] = []
    for k, (sample, found) in enumerate(zip(step.samples, per_sample), 1):
        own_context = Context(found, labels, last, digits, Column(""))
        sections += sections_of(rows[k - 1], own_context, f"Sample {k} ({numbers(sample.input)} → "
                                                          f"{numbers(sample.target)}): ")
    sections += sections_of(rows[-1], context, "Update: " if step.samples else "")
    return StepView(step_title(trace, step, before), sections, side.notes, bool(side.figures),
                    side.title)


def before_step(trace: Trace, step: Step, before: Network | None) -> Network | None:
    """The network as the step began: the weights its `before` holds (a trace recorded every
    K-th step writes them), else `before` as given."""
    if not step.before or trace.network is None:
        return before
    names = program_of(trace, trace.network).state
    values = dict(zip(names, state_values(trace.network)))
    values.update(step.before)
    return network_from_state(trace.network, [values[name] for name in names])


def numbers(values: list[float]) -> str:
    return " ".join(format_number(v) for v in values)


def step_title(trace: Trace, step: Step, before: Network | None) -> str:
    learning_rate, size = trace.settings.learning_rate, trace.settings.batch_size
    asked = f" (batch size {size} asked)" if isinstance(size, int) and size > len(step.samples) else ""
    sample = ([f"a batch of {len(step.samples)} sample(s){asked}"] if step.samples else
              [f"input {numbers(step.input)}", f"target {numbers(step.target)}"])
    parts = [
        f"network {before.describe()}" if before else "network not recorded", *sample,
        f"learning rate {format_number(learning_rate) if learning_rate is not None else '?'}"
        + descent(trace.settings, len(step.samples) or 1, batches=False),
        f"convention {trace.settings.label}",
    ]
    return f"Iteration {step.iteration}: " + ", ".join(parts)


def is_state(name: str) -> bool:
    """A weight, a bias or a velocity: what a step leaves the next."""
    parsed = parse_name(name)
    return parsed is not None and parsed.kind in ("w", "b") and parsed.part in ("", "velocity")


def step_views(trace: Trace, digits: int = 7, summary: bool = True) -> list[StepView]:
    """Every step of a trace, one after another, each from the weights (and velocities) the
    one before left."""
    views = []
    before = trace.network
    steps = [trace.steps[0]] if trace.steps else []
    for previous, step in zip(trace.steps, trace.steps[1:]):
        left = {name: value for name, value in previous.values.items() if is_state(name)}
        steps.append(step if step.before or not left else dataclasses.replace(step, before=left))
    trace = dataclasses.replace(trace, steps=steps)
    for index, step in enumerate(trace.steps):
        views.append(step_view(trace, index, digits, before, summary=summary))
        before = network_after(before, step)
    return views
