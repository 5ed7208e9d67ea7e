"""One iteration as the worked example writes it: each value under its heading, with its
formula filled in with the numbers it was computed from, and the example's printed figure
beside it where there is one. The formulas come from the step's own list of assignments
(core/program.py), so they are the arithmetic the engine did, never a second copy of it."""

from __future__ import annotations

from dataclasses import dataclass

from .. import article
from ..core import names as N
from ..core.engine import network_program, state_values
from ..core.names import parse_name
from ..core.network import Network
from ..core.program import OPS, Program
from ..errors import NntraceError
from ..trace.model import Step, Trace
from ..trace.model import network_after
from .text import format_number, operand


@dataclass
class Line:
    name: str          # the trace name
    label: str         # the worked example's name for it, if it has one
    formula: str
    value: str
    figure: str        # what the worked example printed, "" if nothing
    verdict: str       # ✓, ≠N or ≠; "" without a figure


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


def section_of(name: str, last_layer: int) -> str:
    """The heading a value belongs under, in the article's order."""
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
    if parsed.part == "grad":
        return f"Gradients, {where} (L{layer})"
    return f"Updates into the {where} (L{layer})"


def program_of(trace: Trace, network: Network) -> Program:
    """The step the trace's settings describe; a trace of unknown settings (someone's own
    code) is written out as exact backprop."""
    try:
        return network_program(network, trace.settings)
    except (NntraceError, KeyError):
        return network_program(network)


def formulas(program: Program, step: Step, before: Network, learning_rate: float | None,
             digits: int) -> dict[str, str]:
    """Each assignment's formula, its operands as they were when it was computed: the
    recorded values, the weights before the step, the sample and the learning rate."""
    known: dict[str, float | None] = dict(zip(program.state, state_values(before)))
    known.update(zip(program.inputs, step.input))
    known.update(zip(program.targets, step.target))
    known[N.LEARNING_RATE] = learning_rate
    found = {}
    for a in program.assigns:
        texts = [operand(known.get(x, N.constant(x)), digits) for x in a.args]
        found[a.name] = OPS[a.op].formula(a.param, a.args, texts)
        known[a.name] = step.values.get(a.name)
    return found


def step_view(trace: Trace, index: int = 0, digits: int = 7, before: Network | None = None,
              show_article: bool = True) -> StepView:
    """The lines of step `index`, in the order the computation produced the values."""
    step = trace.steps[index]
    before = before or (trace.network if index == 0 else None)
    settings = trace.settings
    program = None if before is None else program_of(trace, before)
    written = {} if program is None else formulas(program, step, before, settings.learning_rate, digits)
    symbols = {} if program is None else {a.name: OPS[a.op].symbol for a in program.assigns if OPS[a.op].symbol}
    last = len(before.layers) - 1 if before else 1
    names = article.article_names(before.layers) if before else {}
    figures: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if show_article and article.is_article_run(before, step.input, step.target, settings):
        figures = article.FIGURES
        if settings.textbook:
            reasons = article.differences(step.values)
    notes = list(dict.fromkeys(reasons.values()))
    sections: list[Section] = []
    for name, value in step.values.items():
        heading = section_of(name, last)
        if not sections or sections[-1].heading != heading:
            sections.append(Section(heading, []))
        printed = figures.get(name, "")
        if not printed:
            verdict = ""
        elif name in reasons:
            verdict = f"≠{notes.index(reasons[name]) + 1}"
        else:
            verdict = "✓" if article.matches_printed(value, printed) else "≠"
        sections[-1].lines.append(Line(name, names.get(name, symbols.get(name, "")), written.get(name, ""),
                                       format_number(value, digits), printed, verdict))
    return StepView(step_title(trace, step, before), sections,
                    [article.REASONS[key] for key in notes], bool(figures))


def step_title(trace: Trace, step: Step, before: Network | None) -> str:
    learning_rate = trace.settings.learning_rate
    parts = [
        f"network {before.describe()}" if before else "network not recorded",
        f"input {' '.join(format_number(v) for v in step.input)}",
        f"target {' '.join(format_number(v) for v in step.target)}",
        f"learning rate {format_number(learning_rate) if learning_rate is not None else '?'}",
        f"convention {trace.settings.label}",
    ]
    return f"Iteration {step.iteration}: " + ", ".join(parts)


def step_views(trace: Trace, digits: int = 7) -> list[StepView]:
    """Every step of a trace, one after another, each from the weights the one before left."""
    views = []
    before = trace.network
    for index, step in enumerate(trace.steps):
        views.append(step_view(trace, index, digits, before))
        before = network_after(before, step)
    return views
