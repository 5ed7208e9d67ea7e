"""Write what the terminal shows to a file, the format chosen by the file's extension.

.html and .svg record the rich rendering itself, colours kept. .md and .tex are written
from the same content as data (a Document of headings, paragraphs and tables), so the
numbers are the ones the terminal prints at the same --digits.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence, Union

from .files import known_extension, write_atomically

if TYPE_CHECKING:
    from .render import StepLines

FORMATS = (".md", ".html", ".svg", ".tex")
WIDTH = 100   # columns of the recorded console: wide enough that formulas rarely wrap

# A cell is plain text, or spans of (text, kind) with kind "" (plain), "code" or "bold".
Span = tuple[str, str]
Cell = Union[str, Sequence[Span]]


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass
class Preformatted:
    """Text whose layout is its meaning (a chart drawn in characters)."""

    text: str


Block = Union[Heading, Paragraph, Table, Preformatted]


@dataclass
class Document:
    """What a command showed: rich renderables for .html/.svg, and blocks for .md/.tex."""

    title: str
    renderables: list[Any] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def add(self, renderable: Any, blocks: Iterable[Block]) -> None:
        self.renderables.append(renderable)
        self.blocks.extend(blocks)


def step_blocks(lines: "StepLines") -> list[Block]:
    """One iteration's lines as the blocks of a Markdown or LaTeX document."""
    blocks: list[Block] = [Heading(lines.title)]
    header = ["trace name", "computed"] + (["article"] if lines.with_figures else [])
    for section in lines.sections:
        rows: list[list[Cell]] = []
        for line in section.lines:
            computed = [(line.label, "code"), (" = " if line.label else "", ""),
                        (f"{line.formula} = " if line.formula else "", ""), (line.value, "bold")]
            row: list[Cell] = [[(line.name, "code")], computed]
            if lines.with_figures:
                row.append(f"{line.figure} {line.verdict}".strip())
            rows.append(row)
        blocks.append(Table(section.heading, header, rows))
    blocks += [Paragraph(f"≠{number}  {note}") for number, note in enumerate(lines.notes, 1)]
    return blocks


def export_format(path: str | os.PathLike, option: str = "--export") -> str:
    """The format of `path` by its extension; anything else is refused in one line."""
    return known_extension(path, FORMATS, option)


def export(document: Document, path: str | os.PathLike, option: str = "--export") -> None:
    """Write `document` to `path` in the format its extension names, whole or not at all."""
    write_atomically(path, render(document, export_format(path, option)), option)


def render(document: Document, extension: str) -> str:
    if extension == ".md":
        return markdown(document.blocks)
    if extension == ".tex":
        return latex(document.title, document.blocks)
    return recorded(document.renderables, extension, document.title)


# .html and .svg: the terminal's own rendering.

# rich's HTML page, made well-formed XML (a closed <meta/>) so any XML tool can read it.
HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8"/>
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
}}}}
</style>
</head>
<body>
<pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def recording_console(width: int = WIDTH):
    from rich.console import Console

    # Colours are the point of these formats: kept even when NO_COLOR or a pipe would drop them.
    return Console(record=True, width=width, file=io.StringIO(), force_terminal=True,
                   color_system="truecolor", no_color=False, highlight=False)


def recorded(renderables: Sequence[Any], extension: str, title: str) -> str:
    from html import escape

    console = recording_console()
    for renderable in renderables:
        console.print(renderable)
    if extension == ".svg":
        return console.export_svg(title=title)
    return console.export_html(code_format=HTML_PAGE.format(title=escape(title)), inline_styles=True)


# .md: tables ready to paste into a README or a blog post.

def markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + md_text(block.text), ""]
        elif isinstance(block, Paragraph):
            out += [md_text(block.text), ""]
        elif isinstance(block, Preformatted):
            out += ["```", block.text, "```", ""]
        else:
            if block.title:
                out += [f"**{md_text(block.title)}**", ""]
            out.append("| " + " | ".join(md_text(h) for h in block.header) + " |")
            out.append("|" + "|".join("---" for _ in block.header) + "|")
            out += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out)


def md_text(text: str) -> str:
    for special in "\\`*_[]<>|#":
        text = text.replace(special, "\\" + special)
    return text


def md_cell(cell: Cell) -> str:
    parts = []
    for text, kind in spans(cell):
        if kind == "code":
            parts.append(f"`{text}`")
        elif kind == "bold":
            parts.append(f"**{md_text(text)}**")
        else:
            parts.append(md_text(text))
    return "".join(parts)


def spans(cell: Cell) -> list[Span]:
    return [(cell, "")] if isinstance(cell, str) else [span for span in cell if span[0]]


# .tex: a document that compiles as it is with a plain `article` class and no packages.

LATEX_SYMBOLS = {
    "×": "$\\times$", "−": "$-$", "½": "$\\frac{1}{2}$", "²": "$^2$", "′": "$'$",
    "≤": "$\\le$", "≥": "$\\ge$", "<": "$<$", ">": "$>$", "≠": "$\\neq$", "✓": "$\\surd$",
    "→": "$\\to$", "·": "$\\cdot$", "✗": "$\\times$", "µ": "$\\mu$", "…": "\\dots{}", "—": "---", "–": "--",
}
LATEX_SPECIALS = {
    "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_",
    "{": "\\{", "}": "\\}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
}


BOX_ASCII = {"─": "-", "│": "|", **dict.fromkeys("┌┐└┘├┤┬┴┼", "+")}


def tex_text(text: str) -> str:
    """Escape LaTeX's specials and spell the formulas' symbols in ASCII LaTeX."""
    out = []
    for index, char in enumerate(text):
        if (char == "-" and text[index + 1:index + 2].isdigit()
                and not text[index - 1:index].isalnum()):   # not the hyphens of 2-4-1
            out.append("$-$")     # a minus sign, not a hyphen, before a number
        elif char in LATEX_SPECIALS:
            out.append(LATEX_SPECIALS[char])
        elif char in LATEX_SYMBOLS:
            out.append(LATEX_SYMBOLS[char])
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append("?")    # never silently hand LaTeX a character it may not know
    return "".join(out)


def tex_cell(cell: Cell) -> str:
    kinds = {"code": "\\texttt{%s}", "bold": "\\textbf{%s}", "": "%s"}
    return "".join(kinds[kind] % tex_text(text) for text, kind in spans(cell))


def latex(title: str, blocks: Sequence[Block]) -> str:
    out = ["% Written by nntrace. Compiles as it is (pdflatex); to reuse, copy what lies",
           "% between \\begin{document} and \\end{document}.",
           "\\documentclass{article}",
           "\\begin{document}", f"\\section*{{{tex_text(title)}}}", ""]
    for block in blocks:
        if isinstance(block, Heading):
            command = "subsection*" if block.level <= 2 else "subsubsection*"
            out += [f"\\{command}{{{tex_text(block.text)}}}", ""]
        elif isinstance(block, Paragraph):
            out += ["\\noindent " + tex_text(block.text), ""]
        elif isinstance(block, Preformatted):
            # verbatim takes no escapes; its characters must be ASCII for a plain document.
            plain = "".join(c if c.isascii() else BOX_ASCII.get(c, "*") for c in block.text)
            out += ["{\\footnotesize", "\\begin{verbatim}", plain, "\\end{verbatim}", "}", ""]
        else:
            out += tex_table(block)
    out += ["\\end{document}", ""]
    return "\n".join(out)


def tex_table(table: Table) -> list[str]:
    # The widest column (the formulas) wraps in a paragraph column; the others stay on a line.
    widths = [max(len("".join(t for t, _ in spans(row[c]))) for row in [table.header, *table.rows])
              for c in range(len(table.header))]
    wide = widths.index(max(widths))
    share = 0.9 - 0.15 * (len(widths) - 1)
    columns = "".join(f"p{{{share:.2f}\\textwidth}}" if c == wide else "l" for c in range(len(widths)))
    out = []
    if table.title:
        out.append(f"\\subsubsection*{{{tex_text(table.title)}}}")
    # \tabularnewline ends rows, since \raggedright (no stretched spaces in the formulas) redefines \\.
    end = " \\tabularnewline"
    out += ["\\noindent\\begin{small}", f"\\begin{{tabular}}{{{columns}}}", "\\hline",
            " & ".join(tex_text(h) for h in table.header) + end, "\\hline"]
    out += [" & ".join(("\\raggedright " if c == wide else "") + tex_cell(cell)
                       for c, cell in enumerate(row)) + end for row in table.rows]
    out += ["\\hline", "\\end{tabular}", "\\end{small}", ""]
    return out


# What each command shows, as one Document for the terminal and for every export.

def step_document(trace, digits: int = 7, show: bool = False) -> Document:
    """`nntrace step`: the iteration's tables, then with `show` the network's old and new weights."""
    from .render import StepReport, network_after, step_lines

    document = Document("nntrace step")
    document.add(StepReport(trace, digits=digits), step_blocks(step_lines(trace, digits=digits)))
    if show and trace.network is not None:
        add_picture(document, trace.network, network_after(trace.network, trace.steps[0]), digits)
    return document


def show_document(network, digits: int = 7) -> Document:
    """`nntrace show`: the picture of the network."""
    document = Document("nntrace show")
    add_picture(document, network, None, digits)
    return document


def add_picture(document: Document, network, after, digits: int) -> None:
    from .picture import NetworkPicture, connection_header, connection_rows

    rows: list[list[Cell]] = [[[(row[0], "code")], *row[1:]]
                              for row in connection_rows(network, after, digits)]
    title = f"Network {network.describe()}" + (": weights before and after the step" if after else "")
    document.add(NetworkPicture(network, after, digits),
                 [Table(title, connection_header(after is not None), rows)])


def train_document(result, digits: int = 4) -> Document:
    """`nntrace train`: what ran, the loss chart, every sample, the verdict."""
    from .render_training import LossChart, TrainingReport

    report = TrainingReport(result, digits=digits, timing=False)   # same run, same file
    blocks: list[Block] = [Heading(report.headline())]
    if result.stopped:
        blocks.append(Paragraph(report.stop_line()))
    chart = plain_text(LossChart(result.curve)).rstrip()
    if chart:
        blocks.append(Preformatted(chart))
    blocks.append(table_block(report.sample_table()))
    hidden = report.hidden_rows()
    if hidden is not None:
        blocks.append(Paragraph(str(hidden)))
    blocks.append(Paragraph(result.verdict.describe()))
    document = Document("nntrace train")
    document.add(report, blocks)
    return document


def plain_text(renderable: Any, width: int = WIDTH) -> str:
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(renderable)
    return console.file.getvalue()


def table_block(table: Any) -> Table:
    """A rich Table's title, headers and cells as plain text, for Markdown and LaTeX."""
    columns = [[str(cell) for cell in column.cells] for column in table.columns]
    return Table(str(table.title or ""), [str(column.header) for column in table.columns],
                 [list(row) for row in zip(*columns)])
