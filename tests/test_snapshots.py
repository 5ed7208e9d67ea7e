"""Whole-output snapshots: what a person reads, compared character for character.

Each case runs one nntrace command through the CLI, plain text at 80 columns (CliRunner's
output is not a terminal, and conftest clears COLUMNS, NO_COLOR and FORCE_COLOR), and
compares everything it prints with tests/snapshots/<case>.txt. On a mismatch the output
is written beside it as <case>.obtained.txt, so `diff -u` shows what moved.

To regenerate on purpose: python -m pytest tests/test_snapshots.py --regenerate-snapshots
(the run still fails, so that someone reads `git diff tests/snapshots/` before committing).
"""

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots"

CASES = {
    "step-article-exact": "step --input 0 1",
    "step-article-convention": "step --input 0 1 --convention article",
    "step-tanh-biases": "step --weights fixtures/networks/2-3-2-1-tanh.json --input 0.5 -1 "
                        "--target 0.25 --lr 0.1",
    "train-xor": "train --epochs 2000 --lr 0.5",
    "diff-updated-weights": "diff fixtures/article/exact.json fixtures/slips/updated-weights.json",
    "show-tanh-biases": "show --weights fixtures/networks/2-3-2-1-tanh.json",
    "check-article": "check",
    "check-mistakes": "check examples/mistakes.json",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_snapshot(case, request, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(time, "perf_counter", lambda: 0.0)   # train's timing, pinned
    result = CliRunner().invoke(cli, CASES[case].split(), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    text = f"$ nntrace {CASES[case]}\n{result.output}"
    expected_path = SNAPSHOTS / f"{case}.txt"
    obtained_path = SNAPSHOTS / f"{case}.obtained.txt"
    if request.config.getoption("--regenerate-snapshots"):
        expected_path.write_text(text, encoding="utf-8")
        obtained_path.unlink(missing_ok=True)
        pytest.fail(f"regenerated {expected_path.relative_to(ROOT)}: read `git diff tests/snapshots/` "
                    f"before committing")
    assert expected_path.exists(), f"no {expected_path.name}: run with --regenerate-snapshots"
    if text != expected_path.read_text(encoding="utf-8"):
        obtained_path.write_text(text, encoding="utf-8")
        pytest.fail(f"output moved; see diff -u {expected_path.relative_to(ROOT)} "
                    f"{obtained_path.relative_to(ROOT)}")
    obtained_path.unlink(missing_ok=True)
