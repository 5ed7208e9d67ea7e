"""LaTeX: a document that compiles as it is with a plain `article` class and `longtable`
(of the tools bundle every LaTeX has), written in ASCII: accented letters as accents,
Greek in math mode, anything else as its code point, never a character LaTeX may refuse."""

from __future__ import annotations

import unicodedata
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
# Letters and marks a plain LaTeX spells in ASCII.
LATEX_LETTERS = {
    "ß": "{\\ss}", "æ": "{\\ae}", "Æ": "{\\AE}", "ø": "{\\o}", "Ø": "{\\O}", "œ": "{\\oe}",
    "Œ": "{\\OE}", "ł": "{\\l}", "Ł": "{\\L}", "ı": "{\\i}", "“": "``", "”": "''", "‘": "`", "’": "'",
    "«": "$\\ll$", "»": "$\\gg$", "„": ",,", "\u00a0": "~",   # plain LaTeX prints < as an inverted !
}
ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": "\"", "\u030a": "r",
           "\u0327": "c", "\u030c": "v", "\u0304": "=", "\u0306": "u", "\u0307": ".", "\u030b": "H"}
DOTLESS_I = "{\\i}"
GREEK = {chr(0x3b1 + k): name for k, name in enumerate(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
    "varsigma sigma tau upsilon phi chi psi omega".split())}
GREEK.update({"Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
              "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "Υ": "Upsilon"})


def tex_letter(char: str) -> str:
    """A character outside ASCII as plain LaTeX writes it: `\\"{u}`, `$\\delta$`, or its code point."""
    if char in LATEX_LETTERS:
        return LATEX_LETTERS[char]
    if char in GREEK:
        return "o" if GREEK[char] == "o" else f"$\\{GREEK[char]}$"
    base, *marks = unicodedata.normalize("NFD", char)
    if base.isascii() and base.isalpha() and len(marks) == 1 and marks[0] in ACCENTS:
        letter = DOTLESS_I if base == "i" else base   # an accent replaces the dot of an i
        return "\\" + ACCENTS[marks[0]] + "{" + letter + "}"
    return "\\texttt{[U+%04X]}" % ord(char)


def tex_text(text: str) -> str:
    """Escape LaTeX's specials and spell the formulas' symbols in ASCII LaTeX."""
    out = []
    text = unicodedata.normalize("NFC", text)   # e + a combining acute is é, spelled \'{e}
    for index, char in enumerate(text):
        if (char == "-" and text[index + 1:index + 2].isdigit()
                and not text[index - 1:index].isalnum()):   # not the hyphens of 2-4-1
            out.append("$-$")     # a minus sign, not a hyphen, before a number
        elif char == "-" and text[index + 1:index + 2] == "-":
            out.append("-{}")     # --json stays two hyphens, not an en dash
        elif char in LATEX_SPECIALS:
            out.append(LATEX_SPECIALS[char])
        elif char in LATEX_SYMBOLS:
            out.append(LATEX_SYMBOLS[char])
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append(tex_letter(char))   # never hand LaTeX a character it may not know
    return "".join(out)


def tex_cell(cell: Cell) -> str:
    kinds = {"code": "\\texttt{%s}", "bold": "\\textbf{%s}", "": "%s"}
    return "".join(kinds[kind] % tex_text(text) for text, kind in spans(cell))


def latex(title: str, blocks: Sequence[Block]) -> str:
    out = ["% Written by nntrace. Compiles as it is (pdflatex; run it twice, so that a long",
           "% table's columns line up across its pages); to reuse, copy what lies between",
           "% \\begin{document} and \\end{document}.",
           "\\documentclass{article}",
           "\\usepackage{longtable}",
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
    widths = [max(len("".join(t for t, _ in spans(row[c]))) for row in [table.header, *table.rows])
              for c in range(len(table.header))]
    wide = widths.index(max(widths))
    # What the other columns take, at about 1.6% of the text width a character in \small
    # plus the space between columns; the wide one (the formulas) wraps in the rest, at
    # least a fifth. (A check report's five columns may still run into the margin.)
    share = max(0.2, 0.96 - sum(0.016 * w + 0.035 for c, w in enumerate(widths) if c != wide))
    columns = "".join(f"p{{{share:.2f}\\textwidth}}" if c == wide else "l" for c in range(len(widths)))
    out = []
    if table.title:
        out.append(f"\\subsubsection*{{{tex_text(table.title)}}}")
    # \tabularnewline ends rows, since \raggedright (no stretched spaces in the formulas)
    # redefines \\; a longtable breaks across pages, its header repeated on each.
    end = " \\tabularnewline"
    out += ["\\begin{small}", f"\\begin{{longtable}}{{{columns}}}", "\\hline",
            " & ".join(tex_text(h) for h in table.header) + end, "\\hline", "\\endhead"]
    out += [" & ".join(("\\raggedright " if c == wide else "") + tex_cell(cell)
                       for c, cell in enumerate(row)) + end for row in table.rows]
    out += ["\\hline", "\\end{longtable}", "\\end{small}", ""]
    return out
