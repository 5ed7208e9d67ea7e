"""`nntrace explore` and `train --explore` through the CLI: the page written whole, bad
input refused in one line before any work."""

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.cli import cli
from nntrace.trace import read_trace

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def data_of(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="nntrace-data">(.*?)</script>', text, re.S)[1])


def test_explore_writes_one_page_from_a_trace(tmp_path):
    page = tmp_path / "step.html"
    result = invoke("explore", ROOT / "fixtures/article/exact.json", "--output", page)
    assert result.exit_code == 0, result.output
    assert result.output == "" and os.listdir(tmp_path) == ["step.html"]
    data = data_of(page)
    assert data["steps"]["iteration"] == [1] and data["title"].endswith("fixtures/article/exact.json")
    assert data["digits"] == 7


def test_explore_against_a_second_trace(tmp_path):
    wrong = tmp_path / "wrong.json"
    assert invoke("step", "--input", 0, 1, "--slip", "derivative-on-output", "--trace", wrong).exit_code == 0
    page = tmp_path / "diff.html"
    result = invoke("explore", ROOT / "fixtures/article/exact.json", "--against", wrong, "-o", page,
                    "--digits", 4)
    assert result.exit_code == 0, result.output
    data = data_of(page)
    assert data["first"]["name"] == "L2.n1.deriv" and data["actual"]["source"] == str(wrong)
    assert data["digits"] == 4


def test_open_shows_the_page_in_the_default_browser(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    page = tmp_path / "p.html"
    result = invoke("explore", ROOT / "fixtures/article/exact.json", "-o", page, "--open")
    assert result.exit_code == 0 and result.stderr == ""
    assert opened == [page.resolve().as_uri()]


def test_open_without_a_browser_says_where_the_page_is(tmp_path, monkeypatch):
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    page = tmp_path / "p.html"
    result = invoke("explore", ROOT / "fixtures/article/exact.json", "-o", page, "--open")
    assert result.exit_code == 0 and page.exists()
    assert result.stderr == f"nntrace: no browser to open it with here; the page is {page}\n"


@pytest.mark.parametrize("option", ["--rtol", "--atol"])
def test_a_tolerance_without_against_is_refused(tmp_path, option):
    result = invoke("explore", ROOT / "fixtures/article/exact.json", "-o", tmp_path / "p.html", option, "0.1")
    assert result.exit_code == 2 and f"'{option}': only means something with --against" in result.stderr
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize("args, message", [
    (["explore", "missing.json", "-o", "{tmp}/p.html"], "missing.json: cannot read"),
    (["explore", "fixtures/networks/2-2-2-biases.json", "-o", "{tmp}/p.html"], "a network file"),
    (["explore", "fixtures/article/exact.json", "-o", "{tmp}/p.txt"],
     "Invalid value for '--output' / '-o': '{tmp}/p.txt': unknown extension '.txt'; use .html or .htm"),
    (["explore", "fixtures/article/exact.json", "-o", "{tmp}/no/such/p.html"], "does not exist"),
    (["explore", "fixtures/article/exact.json"], "Missing option '--output'"),
    (["explore", "fixtures/article/exact.json", "-o", "{tmp}/p.html", "--against", "missing.json"],
     "missing.json: cannot read"),
    (["train", "--explore", "{tmp}/p.svg"], "Invalid value for '--explore'"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(ROOT)
    result = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message.replace("{tmp}", str(tmp_path)) in lines[0], result.output
    assert os.listdir(tmp_path) == []


def test_train_explore_without_a_trace_keeps_the_steps_in_memory(tmp_path):
    page = tmp_path / "run.html"
    result = invoke("train", "--epochs", 200, "--lr", 0.5, "--explore", page, "--json")
    assert result.exit_code == 0, result.output
    data = data_of(page)
    assert data["steps"]["iteration"] == list(range(1, 801))   # 800 iterations fit whole
    assert data["title"] == "nntrace explore: a run on the article's XOR table (kept in memory)"
    assert os.listdir(tmp_path) == ["run.html"]
    summary = json.loads(result.output)
    assert summary["loss_last_epoch"] == pytest.approx(summary["loss_curve"]["points"][-1])


def test_train_explore_with_a_trace_reads_the_trace_it_wrote(tmp_path):
    page, trace = tmp_path / "run.html", tmp_path / "run.jsonl"
    result = invoke("train", "--epochs", 30, "--lr", 0.5, "--trace", trace, "--every", 7, "--explore", page)
    assert result.exit_code == 0, result.output
    data = data_of(page)
    assert data["steps"]["iteration"] == [s.iteration for s in read_trace(trace).steps] == list(range(7, 121, 7))
    assert data["title"] == f"nntrace explore: {trace}"


def test_explore_with_a_worked_example_puts_its_figures_beside_its_step(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    trace, page = tmp_path / "mazur.json", tmp_path / "mazur.html"
    assert invoke("step", "--example", "examples/mazur-2-2-2.json", "--trace", trace).exit_code == 0
    result = invoke("explore", trace, "--example", "examples/mazur-2-2-2.json", "-o", page)
    assert result.exit_code == 0, result.output
    data = data_of(page)
    assert data["figures"]["0"]["L2.n1.w1"][1] == "✓" and data["figure_title"] == "printed"
    bad = invoke("explore", trace, "--example", "fixtures/article/exact.json", "-o", page)
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args, blamed, other", [
    (["explore", "{tmp}/t.json", "-o", "{tmp}/p.html", "--against", "{tmp}/p.html"], "--output", "--against"),
    (["train", "--epochs", "1", "--save", "{tmp}/p.html", "--explore", "{tmp}/p.html"], "--explore", "--save"),
])
def test_no_two_options_name_the_same_file(tmp_path, args, blamed, other):
    (tmp_path / "t.json").write_text((ROOT / "fixtures/article/exact.json").read_text())
    (tmp_path / "p.html").write_text("kept")
    result = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2 and f"'{blamed}'" in result.output and f"the same file as '{other}'" in result.output
    assert (tmp_path / "p.html").read_text() == "kept"
