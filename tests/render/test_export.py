import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from nntrace import api
from nntrace.core.network import random_network
from nntrace.core.settings import make_settings
from nntrace.errors import NntraceError
from nntrace.render.blocks import blocks_of
from nntrace.render.export import export, export_format, render
from nntrace.render.markdown import markdown
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.views.document import show_document, step_document, train_document


@pytest.fixture
def article_trace(article_network):
    return api.step(article_network, [0, 1], [1])


def close(text: str, value: float, digits: int) -> bool:
    """Does a printed number agree with the recorded value to the digits asked for?"""
    return float(text) == pytest.approx(value, rel=10 ** (1 - digits), abs=1e-300)


def markdown_rows(text: str) -> list[list[str]]:
    """Every table row of a Markdown document, checked for shape on the way."""
    rows, width = [], None
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        assert line.endswith("|"), line
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if width is None:
            width = len(cells)            # the header
        assert len(cells) == width, line
        if not all(re.fullmatch(r"-{3,}", cell) for cell in cells):
            rows.append(cells)
    return rows


@pytest.mark.parametrize("digits", [3, 7, 10])
def test_markdown_has_a_row_per_value_with_the_traces_number(article_trace, digits):
    text = render(step_document(article_trace, digits), ".md")
    values = article_trace.steps[0].values
    rows = {row[0].strip("`"): row for row in markdown_rows(text) if row[0].startswith("`")}
    assert set(rows) == set(values)
    for name, value in values.items():
        shown = re.search(r"\*\*(.+?)\*\*$", rows[name][1])[1]
        assert close(shown, value, digits), (name, shown)
    assert rows["L1.n1.net"][1] == "`net1_h` = 0 × 0.2 + 1 × 0.6 = **0.6**"
    assert rows["L2.n1.deriv"][2] == "0.21 ≠2"
    assert "≠2  derivative-on-output: the derivative evaluated on the activated output" in text


def test_html_is_xml_with_the_colours_and_the_numbers(article_trace, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")       # a file keeps its colours regardless
    page = ET.fromstring(render(step_document(article_trace), ".html"))
    spans = [(span.get("style", ""), "".join(span.itertext())) for span in page.iter("span")]
    bold_numbers = [float(text) for style, text in spans
                    if "font-weight: bold" in style and re.fullmatch(r"-?[\d.]+(e-?\d+)?", text)]
    values = list(article_trace.steps[0].values.values())
    assert bold_numbers == [pytest.approx(v, rel=1e-6) for v in values]
    assert any("color: #008000" in style and text.strip() == "0.64 ✓" for style, text in spans)
    code = "".join(next(page.iter("code")).itertext())
    assert all(name in code for name in article_trace.steps[0].values)


def test_svg_is_xml_and_shows_every_value(article_trace):
    svg = ET.fromstring(render(step_document(article_trace, 5), ".svg"))
    assert svg.tag.endswith("svg")
    text = "".join(svg.itertext()).replace("\xa0", " ")
    for name, value in article_trace.steps[0].values.items():
        assert name in text
        # 5 digits, or beside a figure the article printed with more (0.3000284), two more than it.
        assert any(f"{value:.{digits}g}" in text for digits in (5, 8, 9)), name
    assert "fill" in render(step_document(article_trace, 5), ".svg")


def latex_environments_balanced(text: str) -> bool:
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", text):
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_latex_is_balanced_ascii_and_carries_the_numbers(article_trace):
    text = render(step_document(article_trace, 4), ".tex")
    assert text.isascii()
    assert latex_environments_balanced(text)
    assert text.count("\\begin{longtable}") == 9   # one per section (two of gradients), across pages
    assert re.search(r"\\documentclass\{article\}\n\\usepackage\{longtable\}\n\\begin\{document\}", text)
    rows = re.findall(r"^\\texttt\{(.+?)\} & (.*?) \\tabularnewline$", text, re.M)
    values = article_trace.steps[0].values
    assert {name for name, _ in rows} == set(values)
    for name, rest in rows:
        shown = re.search(r"\\textbf\{(.+?)\}", rest)[1].replace("$-$", "-")   # LaTeX's minus
        assert close(shown, values[name], 4), (name, shown)
    assert "\\texttt{net1\\_h} = 0 $\\times$ 0.2 + 1 $\\times$ 0.6 = \\textbf{0.6}" in text
    assert "$\\frac{1}{2}$ $\\times$ (1 $-$ 0.7855)$^2$" in text


def test_show_document_lists_every_connection(tmp_path):
    net = random_network([3, 2, 2], "tanh", seed=4, biases=True, low=-1)
    rows = markdown_rows(render(show_document(net, 6), ".md"))
    weights = {row[0].strip("`"): float(row[-1]) for row in rows[1:]}
    assert len(weights) == 3 * 2 + 2 * 2 + 2 + 2
    for l, matrix in enumerate(net.weights, 1):
        for j, row in enumerate(matrix, 1):
            assert weights[f"L{l}.n{j}.b"] == pytest.approx(net.biases[l - 1][j - 1], rel=1e-5)
            for i, w in enumerate(row, 1):
                assert weights[f"L{l}.n{j}.w{i}"] == pytest.approx(w, rel=1e-5)


def test_step_document_with_show_has_old_and_new_weights(article_trace):
    rows = markdown_rows(render(step_document(article_trace, 10, show=True), ".md"))
    header = next(row for row in rows if row[-2:] == ["old", "new"])
    table = rows[rows.index(header) + 1:]
    new = {row[0].strip("`"): float(row[-1]) for row in table}
    values = article_trace.steps[0].values
    assert {name: pytest.approx(value, rel=1e-9) for name, value in values.items()
            if ".w" in name and not name.endswith(".grad")} == new


@pytest.mark.parametrize("name", ["step.doc", "step", "step.MD.bak"])
def test_unknown_extensions_are_refused_and_nothing_is_written(tmp_path, name, article_trace):
    with pytest.raises(NntraceError, match=r"--export: .*unknown extension.*use \.md, \.html, \.svg or \.tex"):
        export(step_document(article_trace), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_extensions_are_read_without_case():
    assert export_format("Step.HTML") == ".html"


def test_export_writes_the_file_whole(tmp_path, article_trace):
    path = tmp_path / "step.md"
    path.write_text("old")
    export(step_document(article_trace), path)
    assert path.read_text(encoding="utf-8") == render(step_document(article_trace), ".md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["step.md"]


def test_a_document_without_article_figures_has_two_columns():
    net = random_network([2, 2, 1], seed=1)
    trace = api.step(net, [0.5, 0.25], [1.0], 0.1)
    blocks = [block for part in step_document(trace).parts for block in blocks_of(part)]
    assert all(len(row) == 2 for row in markdown_rows(markdown(blocks)))


def test_a_training_run_exports_its_chart_samples_and_verdict():
    result = train(random_network([2, 3, 1], seed=2), xor(), 50, make_settings(0.5))
    document = train_document(result, digits=5)
    text = render(document, ".md")
    chart = re.search(r"```\n(.*?)\n```", text, re.S)[1]
    assert "loss per epoch" in chart and "┤" in chart
    rows = markdown_rows(text)
    assert rows[0] == ["input", "target", "output", "classified"]
    for row, sample in zip(rows[1:], result.samples):
        assert close(row[2], sample.outputs[0], 5)
        assert row[3] == ("right ✓" if sample.right else "wrong ✗")
    assert result.verdict.describe().replace("_", "\\_") in text
    tex = render(document, ".tex")
    assert tex.isascii() and latex_environments_balanced(tex) and "\\begin{verbatim}" in tex
    page = ET.fromstring(render(document, ".html"))
    assert "Every sample under the final weights" in "".join(page.itertext())


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_tex_exports_compile_with_pdflatex(tmp_path, article_trace):
    result = train(random_network([2, 3, 1], seed=2, biases=True), xor(), 50, make_settings(0.5))
    documents = {"step": step_document(article_trace, 7, show=True), "train": train_document(result),
                 "show": show_document(random_network([3, 2, 2], seed=1, low=-1))}
    for name, document in documents.items():
        (tmp_path / f"{name}.tex").write_text(render(document, ".tex"), encoding="utf-8")
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               "-no-shell-escape", f"{name}.tex"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (name, done.stdout[-2000:])
        assert (tmp_path / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
