"""LaTeX: a document that compiles as it is with a plain `article` class and no packages."""

from __future__ import annotations

from typing import Sequence

from .blocks import Block, Cell, Heading, Paragraph, Preformatted, Table, spans

LATEX_SYMBOLS = {
    "×": "$\\times$", "−": "$-$", "½": "$\\frac{1}{2}$", "²": "$^2$", "′": "$'$",
    "≤": "$\\le$", "≥": "$\\ge$", "<": "$<$", ">": "$>$", "≠": "$\\neq$", "✓": "$\\surd$",
    "→": "$\\to$", "·": "$\\cdot$", "✗": "$\\times$", "µ": "$\\mu$", "∂": "$\\partial$",
    "Σ": "$\\Sigma$", "…": "\\dots{}", "—": "---", "–": "--", "≈": "$\\approx$",
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
