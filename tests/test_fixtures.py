"""Golden fixtures: each fixtures/<group>/<name>.cmd holds the nntrace arguments of a case,
<name>.json the trace a person read and committed.

On a mismatch the test writes <name>.obtained.json beside the fixture. To regenerate on
purpose: python -m pytest tests/test_fixtures.py --regenerate-fixtures (the run still
fails, so that someone reads `git diff fixtures/` before committing).
"""

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "fixtures").rglob("*.cmd"))


def produce(case: Path) -> str:
    args = shlex.split(case.read_text())
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def differing(expected: dict, obtained: dict) -> list[str]:
    """What differs, by header key or by iteration and value name."""
    problems = [f"header {key}" for key in expected if key != "steps" and expected[key] != obtained.get(key)]
    if len(expected["steps"]) != len(obtained["steps"]):
        problems.append(f"{len(expected['steps'])} steps expected, {len(obtained['steps'])} obtained")
    for want, got in zip(expected["steps"], obtained["steps"]):
        for name in sorted(set(want["values"]) | set(got["values"])):
            if want["values"].get(name) != got["values"].get(name):
                problems.append(f"iteration {want['iteration']}: {name}: "
                                f"{want['values'].get(name)} != {got['values'].get(name)}")
    return problems


def test_there_are_fixtures():
    assert len(CASES) >= 2


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(ROOT / "fixtures").with_suffix("")) for c in CASES])
def test_fixture(case, request):
    expected_path = case.with_suffix(".json")
    obtained_path = case.with_suffix(".obtained.json")
    text = produce(case)
    obtained = json.loads(text)
    if request.config.getoption("--regenerate-fixtures"):
        expected_path.write_text(text)
        obtained_path.unlink(missing_ok=True)
        pytest.fail(f"regenerated {expected_path.relative_to(ROOT)}: read `git diff fixtures/` before committing")
    assert expected_path.exists(), f"no {expected_path.name}: run with --regenerate-fixtures"
    problems = differing(json.loads(expected_path.read_text()), obtained)
    if problems:
        obtained_path.write_text(text)
        pytest.fail(f"{len(problems)} difference(s), first: {problems[0]}; "
                    f"see {obtained_path.relative_to(ROOT)}")
    obtained_path.unlink(missing_ok=True)
