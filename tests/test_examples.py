"""The scripts in examples/ run, and `nntrace diff` catches and explains their slips."""

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nntrace.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_own_backprop_is_caught_and_explained(tmp_path):
    mine = tmp_path / "mine.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}   # this checkout's nntrace, not an installed one
    subprocess.run([sys.executable, str(ROOT / "examples" / "own_backprop.py"), str(mine)],
                   cwd=ROOT, env=env, check=True, timeout=60)
    assert json.loads(mine.read_text())["convention"] == "own_backprop.py"

    expected = tmp_path / "expected.json"
    assert CliRunner().invoke(cli, ["step", "--input", "0", "1", "--trace", str(expected)]).exit_code == 0
    result = CliRunner().invoke(cli, ["diff", str(expected), str(mine), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["first_divergence"]["name"] == "L1.n1.error"
    # Everything before the slip, the output neuron's update included, is right. The
    # example records no gradient (12) and no derivative (5), and no loss.
    assert report["compared"] == 32 and report["not_checked"] == 18
    assert report["explanation"]["matches"] == [{"convention": "exact", "slips": ["updated-weights"]}]


def test_the_formats_trace_example_is_a_trace(tmp_path):
    readme = (ROOT / "docs" / "formats.md").read_text()
    section = readme.split("### The trace format, for any language", 1)[1]
    block = section.split("```json\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.json"
    path.write_text(block)
    expected = tmp_path / "expected.json"
    assert CliRunner().invoke(cli, ["step", "--input", "0", "1", "--trace", str(expected)]).exit_code == 0
    result = CliRunner().invoke(cli, ["diff", str(expected), str(path)])
    assert result.exit_code == 0, result.output
    assert "Same: all 2 values compared" in result.stdout


def test_the_formats_worked_example_is_an_example_and_checks_as_described(tmp_path):
    text = (ROOT / "docs" / "formats.md").read_text()
    section = text.split("## Worked example", 1)[1]
    path = tmp_path / "example.json"
    path.write_text(section.split("```json\n", 1)[1].split("```", 1)[0])
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    shown = json.loads(section.split("```json\n", 2)[2].split("```", 1)[0].replace("…", "").replace(
        "output1_h = 0.64, , as", "output1_h = 0.64, L2.n1.w2 = 0.7, output2_h = 0.66, L2.n1.w3 = 0.3, "
                                   "output3_h = 0.71, L2.n1.w4 = 0.4 and output4_h = 0.57, as"))
    figures = {f["name"]: f for f in report["figures"]}
    assert [figures[f["name"]] for f in shown["figures"]] == shown["figures"]
    assert (report["first_wrong"], report["closest"]) == (shown["first_wrong"], shown["closest"])
    assert [f["verdict"] for f in report["figures"]] == ["agrees"] * 4 + ["follows", "agrees", "follows",
                                                                          "slip", "agrees"]
