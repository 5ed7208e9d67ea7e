"""`nntrace check` in the terminal and in the exported files (.md, .html, .tex)."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nntrace.check.example import built_in, read_example
from nntrace.check.judge import check
from nntrace.render.check import CheckTable
from nntrace.render.export import render as export_render
from nntrace.views.check import check_view
from nntrace.views.document import Document

EXAMPLES = Path(__file__).parents[2] / "examples"


def document(example) -> Document:
    return Document("nntrace check", [check_view(check(example))])


def test_a_line_a_figure_with_the_reason_below_each_that_does_not_simply_agree(render):
    text = render(CheckTable(check_view(check(built_in()))))
    lines = text.splitlines()
    assert lines[0].startswith("How neural network works? Let's figure it out: 37 figures")
    header = next(line for line in lines if line.startswith("figure"))
    assert header.split() == ["figure", "printed", "exact", "verdict"]
    row = next(line for line in lines if line.startswith("L1.n1.out"))
    assert row.split() == ["L1.n1.out", "output1_h", "0.64", "0.6456563", "✓", "agrees"]
    slip = lines.index(next(line for line in lines if line.startswith("L2.n1.deriv")))
    assert lines[slip].split()[-2:] == ["≠", "slip"]
    assert lines[slip + 1].strip().startswith("derivative-on-output: the derivative evaluated")
    # An agreeing line has no reason under it: the next line is the next figure.
    assert lines[lines.index(row) + 1].startswith("L1.n2.out")
    assert "The first figure to go wrong: deriv(output_o) (L2.n1.deriv), printed 0.21: slip" in text
    assert "reproduces 37 of 37 figures." in text
    assert "\x1b[" not in text


def test_a_wrong_figure_reads_with_its_expected_value(render):
    text = render(CheckTable(check_view(check(read_example(EXAMPLES / "mistakes.json")))))
    row = next(line for line in text.splitlines() if line.startswith("L1.n1.error"))
    assert row.split()[1:] == ["error_h1", "-0.0381", "-0.01220434", "✗", "wrong"]
    assert "expected -0.0127, printed -0.0381" in " ".join(text.split())


def test_markdown_has_a_row_a_figure_with_its_verdict_and_reason():
    example = read_example(EXAMPLES / "mistakes.json")
    report = check(example)
    text = export_render(document(example), ".md")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(report.judgements) == 14
    for row, judgement in zip(rows, report.judgements):
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[0].startswith(f"`{judgement.figure.name}`")
        assert cells[1] == judgement.figure.printed and cells[3].endswith(judgement.verdict)
        assert cells[4] == judgement.explanation.replace("_", "\\_")
    assert "The first figure to go wrong: deriv\\_o (L2.n1.deriv)" in text


def test_html_is_xml_with_every_figure_and_verdict():
    example = read_example(EXAMPLES / "mazur-2-2-2.json")
    page = ET.fromstring(export_render(document(example), ".html"))
    text = "".join(page.itertext())
    for figure in example.figures:
        assert figure.printed in text and figure.name in text
    assert text.count("✓ agrees") == 22


def test_latex_spells_every_mark_in_latex():
    text = export_render(document(read_example(EXAMPLES / "mistakes.json")), ".tex")
    assert "$\\approx$ follows" in text and "$\\neq$ slip" in text and "$\\times$ wrong" in text
    assert "$\\surd$ agrees" in text
    assert "?" not in text.replace("\\documentclass", "")   # no character LaTeX might not know


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_export_compiles(tmp_path):
    (tmp_path / "check.tex").write_text(export_render(document(built_in()), ".tex"), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                           "check.tex"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]
    # All 37 figures on the pages: the table breaks across them, none runs off the bottom.
    log = (tmp_path / "check.log").read_text(errors="replace")
    pages = int(re.search(r"Output written on check\.pdf \((\d+) pages", log)[1])
    assert "Overfull \\vbox" not in log and pages >= 2
