"""Rich tables that mirror the worked example: each value with its formula filled in.

Renderers read a recorded Trace (and the network as it was before the step); they never
compute the network's math themselves, only write out the arithmetic the values came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from . import article
from .engine import parse_name
from .network import Network
from .trace import Step, Trace



def format_number(value: float, digits: int = 7) -> str:
    """`digits` significant digits, integers without a decimal point: 0, 1, 0.6000256."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


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
    return f"Updates into the {where} (L{layer})"


@dataclass
class Formulas:
    """Writes out, with the numbers, the arithmetic that produced each recorded value."""

    step: Step
    before: Network | None          # the network as it was when the step began
    learning_rate: float | None
    slips: list[str]
    digits: int = 7

    def n(self, value: float | None) -> str:
        """An operand: negative ones in parentheses, so `0.1 × (-0.3)` reads unambiguously."""
        if value is None:
            return "?"
        text = format_number(value, self.digits)
        return f"({text})" if text.startswith("-") else text

    def value(self, name: str) -> float | None:
        return self.step.values.get(name)

    def input_of(self, layer: int, i: int) -> float | None:
        """What neuron i (from 1) of `layer` handed forward."""
        if layer == 0:
            return self.step.input[i - 1] if i <= len(self.step.input) else None
        return self.value(f"L{layer}.n{i}.out")

    def old_weight(self, layer: int, j: int, i: int) -> float | None:
        if self.before is None:
            return None
        return self.before.weights[layer - 1][j - 1][i - 1]

    def old_bias(self, layer: int, j: int) -> float | None:
        if self.before is None or self.before.biases is None:
            return None
        return self.before.biases[layer - 1][j - 1]

    def __call__(self, name: str) -> str:
        if name == "loss":
            terms = [f"({self.n(t)} − {self.n(self.value(f'L{self.last}.n{j}.out'))})²"
                     for j, t in enumerate(self.step.target, 1)]
            return "½ × " + (terms[0] if len(terms) == 1 else "(" + add_up(terms) + ")")
        parsed = parse_name(name)
        if parsed is None or self.before is None:
            return ""
        l, j, kind = parsed.layer, parsed.neuron, parsed.kind
        sizes = self.before.layers
        if kind == "net":
            terms = [f"{self.n(self.input_of(l - 1, i))} × {self.n(self.old_weight(l, j, i))}"
                     for i in range(1, sizes[l - 1] + 1)]
            if self.before.biases is not None:
                terms.append(self.n(self.old_bias(l, j)))
            return add_up(terms)
        if kind == "out":
            return f"{self.before.activations[l - 1]}({self.n(self.value(f'L{l}.n{j}.net'))})"
        if kind == "error":
            if l == len(sizes) - 1:
                t, o = self.n(self.step.target[j - 1]), self.n(self.value(f"L{l}.n{j}.out"))
                return f"{o} − {t}" if "wrong-sign" in self.slips else f"{t} − {o}"
            if "updated-weights" in self.slips:
                weight = lambda k: self.value(f"L{l + 1}.n{k}.w{j}")  # noqa: E731
            else:
                weight = lambda k: self.old_weight(l + 1, k, j)  # noqa: E731
            return add_up([f"{self.n(self.value(f'L{l + 1}.n{k}.delta'))} × {self.n(weight(k))}"
                           for k in range(1, sizes[l + 1] + 1)])
        if kind == "deriv":
            return self.derivative(l, j)
        if kind == "delta":
            return f"{self.n(self.value(f'L{l}.n{j}.deriv'))} × {self.n(self.value(f'L{l}.n{j}.error'))}"
        delta, lr = self.n(self.value(f"L{l}.n{j}.delta")), self.n(self.learning_rate)
        if kind == "b":
            if "frozen-biases" in self.slips:
                return f"{self.n(self.old_bias(l, j))} (frozen)"
            return f"{self.n(self.old_bias(l, j))} + {delta} × {lr}"
        i = parsed.source
        return f"{self.n(self.old_weight(l, j, i))} + {self.n(self.input_of(l - 1, i))} × {delta} × {lr}"

    @property
    def last(self) -> int:
        return len(self.before.layers) - 1 if self.before else 1

    def derivative(self, l: int, j: int) -> str:
        activation = self.before.activations[l - 1] if self.before else "f"
        out, net = self.value(f"L{l}.n{j}.out"), self.value(f"L{l}.n{j}.net")
        if "missing-derivative" in self.slips:
            return "1 (derivative left out)"
        if "derivative-on-output" in self.slips:
            return f"{activation}′({self.n(out)})"
        if activation == "sigmoid":
            return f"{self.n(out)} × (1 − {self.n(out)})"
        if activation == "tanh":
            return f"1 − {self.n(out)}²"
        if activation == "relu":
            return f"relu′({self.n(net)})"
        return "1"


MAX_TERMS = 8


def add_up(terms: list[str]) -> str:
    """`a + b + c`; a sum over a wide layer keeps its first and last terms and counts the rest,
    so one line of a 300-neuron layer stays a line."""
    if len(terms) > MAX_TERMS:
        terms = [*terms[:3], f"… {len(terms) - 4} more terms …", terms[-1]]
    return " + ".join(terms)


@dataclass
class Line:
    """One line of the worked example: a value, the arithmetic behind it, the article's figure."""

    name: str               # trace name, L1.n1.net
    label: str              # the article's name (net1_h), or ""
    formula: str            # the arithmetic filled in, or ""
    value: str              # the value at the digits asked for
    figure: str = ""        # what the article printed, or ""
    verdict: str = ""       # "✓", "≠N" (reason N below), "≠" (unexplained), or ""


@dataclass
class Section:
    heading: str
    lines: list[Line]


@dataclass
class StepLines:
    """One iteration as data, so every output format (terminal, Markdown, LaTeX) shows the same."""

    title: str
    sections: list[Section]
    notes: list[str]        # reason N is notes[N - 1]
    with_figures: bool      # the article's own example: a column of its printed figures


def step_lines(trace: Trace, index: int = 0, digits: int = 7, before: Network | None = None,
               show_article: bool = True) -> StepLines:
    """The lines of step `index`, in the order the computation produced the values."""
    step = trace.steps[index]
    before = before or (trace.network if index == 0 else None)
    formulas = Formulas(step, before, trace.learning_rate, trace.slips, digits)
    last = len(before.layers) - 1 if before else 1
    names = article.article_names(before.layers) if before else {}
    figures: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if show_article and article.is_article_run(before, step.input, step.target, trace.learning_rate):
        figures = article.FIGURES
        if trace.convention == "exact" and not trace.slips:
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
        sections[-1].lines.append(Line(name, names.get(name, ""), formulas(name),
                                       format_number(value, digits), printed, verdict))
    return StepLines(step_title(trace, step, before), sections,
                     [article.REASONS[key] for key in notes], bool(figures))


def step_title(trace: Trace, step: Step, before: Network | None) -> str:
    label = " + ".join([trace.convention, *[s for s in trace.slips
                                            if not (trace.convention == "article"
                                                    and s == "derivative-on-output")]])
    parts = [
        f"network {before.describe()}" if before else "network not recorded",
        f"input {' '.join(format_number(v) for v in step.input)}",
        f"target {' '.join(format_number(v) for v in step.target)}",
        f"learning rate {format_number(trace.learning_rate) if trace.learning_rate is not None else '?'}",
        f"convention {label}",
    ]
    return f"Iteration {step.iteration}: " + ", ".join(parts)


VERDICT_STYLES = {"✓": "green", "≠": "red"}


@dataclass
class StepReport:
    """One iteration as tables, in the order the computation produced the values."""

    trace: Trace
    index: int = 0
    digits: int = 7
    before: Network | None = None
    show_article: bool = field(default=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = step_lines(self.trace, self.index, self.digits, self.before, self.show_article)
        yield Text(lines.title, style="bold")
        name_width = max((len(line.name) for section in lines.sections for line in section.lines),
                         default=4)
        # As wide as the longest line needs, at most the terminal: on a wide terminal the
        # article's column stays beside the formulas instead of drifting to the far right.
        widest = max((len(line.label) + len(line.formula) + len(line.value) + 6
                      for section in lines.sections for line in section.lines), default=20)
        width = min(options.max_width, name_width + widest + (20 if lines.with_figures else 6))
        for section in lines.sections:
            table = self.new_table(section.heading, name_width, lines.with_figures)
            table.width = width
            for line in section.lines:
                computed = Text()
                computed.append(f"{line.label} = " if line.label else "", style="dim")
                computed.append(f"{line.formula} = " if line.formula else "")
                computed.append(line.value, style="bold")
                row = [Text(line.name, style="cyan"), computed]
                if lines.with_figures:
                    row.append(self.figure_cell(line))
                table.add_row(*row)
            yield table
        for number, note in enumerate(lines.notes, 1):
            yield Text(f"≠{number}  {note}", style="yellow")

    @staticmethod
    def new_table(heading: str, name_width: int, with_figures: bool) -> Table:
        # Same column widths in every section, so the tables line up as one page.
        table = Table(title=heading, title_justify="left", title_style="bold magenta",
                      box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
        table.add_column("trace name", no_wrap=True, width=name_width)
        table.add_column("computed", overflow="fold", ratio=1)
        if with_figures:
            table.add_column("article", no_wrap=True, width=12)
        return table

    @staticmethod
    def figure_cell(line: Line) -> Text:
        if not line.figure:
            return Text("")
        return Text(f"{line.figure} {line.verdict}", style=VERDICT_STYLES.get(line.verdict, "yellow"))


def step_report(trace: Trace, digits: int = 7) -> Group:
    """Every step of a trace, one after another."""
    reports = []
    before = trace.network
    for index, step in enumerate(trace.steps):
        reports.append(StepReport(trace, index, digits, before))
        before = network_after(before, step)
    return Group(*reports)


def network_after(before: Network | None, step: Step) -> Network | None:
    """The network as a step left it, from its recorded weights (None if not all recorded)."""
    if before is None:
        return None
    after = before.copy()
    for l, matrix in enumerate(after.weights, 1):
        for j, row in enumerate(matrix, 1):
            for i in range(1, len(row) + 1):
                value = step.values.get(f"L{l}.n{j}.w{i}")
                if value is None:
                    return None
                row[i - 1] = value
    if after.biases is not None:
        for l, layer in enumerate(after.biases, 1):
            for j in range(1, len(layer) + 1):
                layer[j - 1] = step.values.get(f"L{l}.n{j}.b", layer[j - 1])
    return after
