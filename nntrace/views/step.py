"""One iteration as the worked example writes it: each value under its heading, with its
formula filled in with the numbers it was computed from, and the example's printed figure
beside it where there is one. The formulas come from the step's own list of assignments
(core/program.py), so they are the arithmetic the engine did, never a second copy of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .. import article
from ..core import names as N
from ..core.engine import network_program, state_values
from ..core.names import parse_name
from ..core.network import Network
from ..core.ops import OPS
from ..core.program import Assign, Program
from ..errors import NntraceError
from ..core.settings import Settings
from ..trace.model import SampleValues, Step, Trace
from ..trace.model import network_after
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
    with_figures: bool      # the article's own example: a column of its printed figures
    source: str = article.SOURCE   # the worked example, as the figures' column calls it


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
    later, a network file does not hold them (written ?). Only the `wanted` names' formulas
    are written (None: all)."""
    known: dict[str, float | None] = {name: 0.0 if first else None for name in program.state}
    known.update(zip(program.state, state_values(before)))
    known.update({N.LEARNING_RATE: settings.learning_rate, N.MOMENTUM: settings.momentum,
                  N.WEIGHT_DECAY: settings.weight_decay})
    samples = step.samples or [SampleValues(step.input, step.target, step.values)]
    each = [{**known, **dict(zip(program.inputs, s.input)), **dict(zip(program.targets, s.target))}
            for s in samples]
    batch: dict[str, str] = {}
    found: list[dict[str, str]] = [{} for _ in samples]
    for scope, assigns in program.phases():
        if scope == "batch":
            fill(assigns, known, step.values, batch, digits, samples, wanted)
            continue
        for s, sample in enumerate(samples):
            each[s].update({name: known[name] for name in program.state})   # the weights as they are now
            fill(assigns, each[s], sample.values, found[s], digits, wanted=wanted)
    return (batch, found) if step.samples else (found[0], [])


def fill(assigns: list, known: dict, values: dict, found: dict, digits: int,
         samples: list[SampleValues] | None = None, wanted: set[str] | None = None) -> None:
    """The formula of each assignment (of the `wanted` ones) from the values as they were
    when it was computed: `known`, the weights (updated in the list's order), rates and
    sample; the rest, each computed once, as recorded (a batch's mean: from each sample's
    value)."""
    for a in assigns:
        if wanted is None or a.name in wanted:
            if a.op == "mean":
                texts = [operand(sample.values.get(a.args[0]), digits) for sample in samples]
            else:
                texts = [operand(known[x] if x in known else values.get(x, N.constant(x)), digits)
                         for x in a.args]
            found[a.name] = OPS[a.op].formula(a.param, a.args, texts)
        if a.name in known:   # a weight (or bias, or velocity) updated: later formulas read the new one
            known[a.name] = values.get(a.name)


@dataclass
class Context:
    """What the lines of one step are written with."""

    written: dict[str, str]             # formula text, by trace name
    labels: dict[str, str]              # the worked example's name, or a symbol like ∂E/∂w
    last: int                           # the output layer
    digits: int
    figures: dict[str, str]             # the worked example's printed figures
    reasons: dict[str, str]             # why a figure differs from exact math
    notes: list[str]


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
        printed = context.figures.get(name, "")
        if not printed:
            verdict = ""
        elif name in context.reasons:
            verdict = f"≠{context.notes.index(context.reasons[name]) + 1}"
        else:
            verdict = "✓" if article.matches_printed(value, printed) else "≠"
        sections[-1].lines.append(Line(name, context.labels.get(name, ""), context.written.get(name, ""),
                                       format_number(value, context.digits), printed, verdict))
    for section, count in zip(sections, left_out):
        if count:
            section.lines.append(Line("…", "", "", "", "", "", left_out_note(count)))
    return sections


def left_out_note(count: int) -> str:
    return (f"and {count:,} more (a layer wider than {WIDE} neurons shows its first {SHOWN} neurons "
            f"and weights; --all shows every value)")


def step_view(trace: Trace, index: int = 0, digits: int = 7, before: Network | None = None,
              show_article: bool = True, summary: bool = True) -> StepView:
    """The lines of step `index`, in the order the computation produced the values; a batch's
    samples first, each under its own headings, then the update. With `summary`, a layer
    wider than a screen shows its first neurons, and a line says how many values it leaves out."""
    step = trace.steps[index]
    before = before or (trace.network if index == 0 else None)
    settings = trace.settings
    last = len(before.layers) - 1 if before else 1
    shown = Summary(tuple(before.layers)) if summary and before is not None else None
    shown = shown if shown is not None and shown.wide else None
    program = None if before is None else program_of(trace, before)
    own = {scope: [a for a in program.assigns if a.scope == scope or not step.samples]
           for scope in ("sample", "batch")} if program is not None else {"sample": [], "batch": []}
    rows = [rows_of(sample.values, last, False, shown, own["sample"]) for sample in step.samples]
    rows.append(rows_of(step.values, last, bool(step.samples), shown, own["batch" if step.samples else "sample"]))
    wanted = None if shown is None else {row[0] for each in rows for row in each if row[3]}
    written, per_sample = ({}, []) if program is None else formulas(program, step, before, settings, digits,
                                                                   index == 0, wanted)
    labels = {} if program is None else {a.name: OPS[a.op].symbol for a in program.assigns
                                         if OPS[a.op].symbol and (wanted is None or a.name in wanted)}
    labels.update(article.article_names(before.layers) if before else {})
    figures: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if show_article and article.is_article_run(before, step.input, step.target, settings):
        figures = article.FIGURES
        if settings.textbook:
            reasons = article.differences(step.values)
    notes = list(dict.fromkeys(reasons.values()))
    context = Context(written, labels, last, digits, figures, reasons, notes)
    sections: list[Section] = []
    for k, (sample, found) in enumerate(zip(step.samples, per_sample), 1):
        own = Context(found, labels, last, digits, {}, {}, [])
        sections += sections_of(rows[k - 1], own, f"Sample {k} ({numbers(sample.input)} → "
                                                  f"{numbers(sample.target)}): ")
    sections += sections_of(rows[-1], context, "Update: " if step.samples else "")
    return StepView(step_title(trace, step, before), sections,
                    [article.REASONS[key] for key in notes], bool(figures))


def numbers(values: list[float]) -> str:
    return " ".join(format_number(v) for v in values)


def step_title(trace: Trace, step: Step, before: Network | None) -> str:
    learning_rate = trace.settings.learning_rate
    sample = ([f"a batch of {len(step.samples)} sample(s)"] if step.samples else
              [f"input {numbers(step.input)}", f"target {numbers(step.target)}"])
    parts = [
        f"network {before.describe()}" if before else "network not recorded", *sample,
        f"learning rate {format_number(learning_rate) if learning_rate is not None else '?'}"
        + descent(trace.settings, len(step.samples) or 1, batches=False),
        f"convention {trace.settings.label}",
    ]
    return f"Iteration {step.iteration}: " + ", ".join(parts)


def step_views(trace: Trace, digits: int = 7, summary: bool = True) -> list[StepView]:
    """Every step of a trace, one after another, each from the weights the one before left."""
    views = []
    before = trace.network
    for index, step in enumerate(trace.steps):
        views.append(step_view(trace, index, digits, before, summary=summary))
        before = network_after(before, step)
    return views
