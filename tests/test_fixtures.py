"""Golden fixtures: each fixtures/<group>/<name>.cmd holds the nntrace arguments of a case
(paths in it relative to the repository root), <name>.json the trace a person read and
committed. Network files the cases use live in fixtures/networks/.

Each case is rerun and compared with the code `nntrace diff` uses, with its default
tolerances; every value and step must be in both, and a training run's epoch losses. On a mismatch the test writes
<name>.obtained.json beside the fixture, so `nntrace diff <name>.json <name>.obtained.json`
shows the first wrong number. To regenerate on purpose:
python -m pytest tests/test_fixtures.py --regenerate-fixtures (the run still fails, so
that someone reads `git diff fixtures/` before committing).
"""

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.cli import cli
from nntrace.check import ATOL, RTOL
from nntrace.check.compare import compare, vectors_close
from nntrace.trace import Trace, read_trace, write_trace

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "fixtures").rglob("*.cmd"))


def produce(case: Path, folder: Path) -> Trace:
    """Run the case's command from the repository root, its trace written to `folder`."""
    path = folder / "obtained.jsonl"   # train streams JSON Lines; step writes either
    args = shlex.split(case.read_text())
    result = CliRunner().invoke(cli, [*args, "--trace", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return read_trace(path)


def test_there_are_fixtures():
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(ROOT / "fixtures").with_suffix("")) for c in CASES])
def test_fixture(case, request, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected_path = case.with_suffix(".json")
    obtained_path = case.with_suffix(".obtained.json")
    obtained = produce(case, tmp_path)
    if request.config.getoption("--regenerate-fixtures"):
        write_trace(obtained, expected_path)
        obtained_path.unlink(missing_ok=True)
        pytest.fail(f"regenerated {expected_path.relative_to(ROOT)}: read `git diff fixtures/` before committing")
    assert expected_path.exists(), f"no {expected_path.name}: run with --regenerate-fixtures"
    expected = read_trace(expected_path)
    report = compare(expected, obtained)
    labels = (expected.settings, expected.extra, expected.evaluator) == \
        (obtained.settings, obtained.extra, obtained.evaluator) and \
        vectors_close(expected.epoch_losses, obtained.epoch_losses, RTOL, ATOL)
    if not (report.identical and labels):
        write_trace(obtained, obtained_path)
        first = report.first
        detail = (f"first: iteration {first.iteration}, {first.name}: {first.expected!r} expected, "
                  f"{first.actual!r} obtained" if first else
                  "; ".join(report.setup_differences) or "steps, values or header labels differ")
        pytest.fail(f"{report.differing} value(s) differ, {detail}; see "
                    f"nntrace diff {expected_path.relative_to(ROOT)} {obtained_path.relative_to(ROOT)}")
    obtained_path.unlink(missing_ok=True)
