"""`nntrace check`, `check --template` and `step --example` through the CLI."""

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.check.example import built_in
from nntrace.check.judge import check
from nntrace.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MAZUR = ROOT / "examples" / "mazur-2-2-2.json"
MISTAKES = ROOT / "examples" / "mistakes.json"
# 1-1-1 identity, x = 2, w = 0.35 and 0.6, t = 1, lr = 0.1: L1.n1.net = 0.7, L2.n1.net = 0.42,
# L2.n1.w1 = 0.6 + 0.7 × 0.58 × 0.1 = 0.6406.
TINY = {"network": {"layers": [1, 1, 1], "activation": "identity", "weights": [[[0.35]], [[0.6]]]},
        "input": [2], "target": [1], "settings": {"learning_rate": 0.1},
        "figures": {"L1.n1.net": "0.7", "L2.n1.net": "0.42", "L2.n1.w1": "0.6406"}}
FIGURE_KEYS = {"name", "source_name", "printed", "exact", "verdict", "explanation"}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(tmp_path, data, name="ex.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


# The article.

def test_check_with_no_file_judges_the_article_and_exits_1_on_its_derivative_slip():
    result = invoke("check")
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("How neural network works? Let's figure it out: 37 figures")
    summary = " ".join(result.stdout.split())
    assert ("The first figure to go wrong: deriv(output_o) (L2.n1.deriv), printed 0.21: slip, "
            "derivative-on-output:") in summary
    assert "✗ wrong" not in result.stdout
    assert result.stderr == ""


def test_check_json_has_the_shape_formats_md_describes():
    result = invoke("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"figures", "first_wrong", "closest"}
    assert report["first_wrong"] == "L2.n1.deriv"
    assert report["closest"] == {"convention": "article", "slips": [], "except": []}
    assert len(report["figures"]) == 37
    for figure in report["figures"]:
        assert set(figure) == FIGURE_KEYS | ({"slip"} if figure["verdict"] == "slip" else set()), figure
        assert figure["verdict"] in ("agrees", "follows", "slip")
        assert isinstance(figure["printed"], str) and isinstance(figure["exact"], float)
    first = report["figures"][0]
    assert first == {"name": "L1.n1.net", "source_name": "net1_h", "printed": "0.6", "exact": 0.6,
                     "verdict": "agrees", "explanation": "the exact value, to 1 decimal place"}
    slips = [f for f in report["figures"] if f["verdict"] == "slip"]
    assert [f["name"] for f in slips] == ["L2.n1.deriv", "L1.n3.deriv", "L1.n4.deriv"]
    assert {f["slip"] for f in slips} == {"derivative-on-output"}


def test_the_article_is_checked_well_under_a_second():
    # About 270 ways of computing, each a step of a 2-4-1 network in decimal: milliseconds each.
    start = time.perf_counter()
    check(built_in())
    assert time.perf_counter() - start < 1.0


# Mazur's and the mistakes.

def test_mazurs_example_checks_out_and_exits_0():
    result = invoke("check", MAZUR)
    assert result.exit_code == 0, result.output
    assert "Every figure checks out: 22 agree with exact math." in result.stdout
    report = json.loads(invoke("check", MAZUR, "--json").stdout)
    assert report["first_wrong"] is None and {f["verdict"] for f in report["figures"]} == {"agrees"}
    negated = {f["source_name"]: f for f in report["figures"]}["dE_total/dout_o1"]
    assert negated["name"] == "L2.n1.error" and negated["exact"] == pytest.approx(0.74136507, abs=1e-8)


def test_the_mistakes_example_exits_1_and_reports_each_kind():
    result = invoke("check", MISTAKES, "--json")
    assert result.exit_code == 1
    verdicts = {f["source_name"]: f["verdict"] for f in json.loads(result.stdout)["figures"]}
    assert (verdicts["net_o"], verdicts["deriv_o"], verdicts["error_h1"], verdicts["w_o1+"], verdicts["w_o2+"]) \
        == ("follows", "slip", "wrong", "wrong", "wrong")


def test_a_hand_computed_example_that_checks_out_exits_0(tmp_path):
    result = invoke("check", write(tmp_path, TINY))
    assert result.exit_code == 0, result.output
    assert "Every figure checks out: 3 agree with exact math." in result.stdout


# Refusals: one line on stderr naming the file, the place and the problem; exit 2.

@pytest.mark.parametrize("changes, message", [
    ({"figures": {"L1.n1.net": "abc"}}, "ex.json: figures: L1.n1.net: 'abc' is not a number as printed"),
    ({"figures": {"L1.n1.net": "0,7"}},
     "ex.json: figures: L1.n1.net: '0,7' has a decimal comma; write it with a point (0.7)"),
    ({"figures": {"L1.n1.nett": "0.7"}},
     "ex.json: figures: L1.n1.nett: neither a trace name of this network nor in names (did you mean L1.n1.net?)"),
    ({"settings": {"convention": "article"}}, "ex.json: settings: convention: not a setting an example carries"),
    ({"figures": {"L1.n1.net": 0.7}},
     "ex.json: figures: L1.n1.net: write the figure as a string, as printed: \"0.7\""),
    ({"figure": {}}, "ex.json: figure: unknown key (known: format, title, source, note, network"),
    ({"network": None}, "ex.json: network"),
    ({"network": "no-such-net.json"}, "ex.json: network: "),
])
def test_a_bad_example_is_refused_in_one_line_with_exit_2(tmp_path, changes, message):
    path = write(tmp_path, {**TINY, **changes})
    result = invoke("check", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"nntrace: {tmp_path / message}") and result.stderr.count("\n") == 1, \
        result.stderr


@pytest.mark.parametrize("missing", ["network", "input", "target"])
def test_an_example_without_its_network_or_sample_is_refused(tmp_path, missing):
    data = {key: value for key, value in TINY.items() if key != missing}
    result = invoke("check", write(tmp_path, data))
    assert result.exit_code == 2
    assert result.stderr == f"nntrace: {tmp_path / 'ex.json'}: {missing}: missing (an example is a network, " \
                            f"one sample and its figures)\n"


def test_a_network_path_that_does_not_exist_names_both_files(tmp_path):
    result = invoke("check", write(tmp_path, {**TINY, "network": "nets/none.json"}))
    assert result.exit_code == 2
    assert result.stderr == (f"nntrace: {tmp_path / 'ex.json'}: network: {tmp_path / 'nets/none.json'}: "
                             f"cannot read: No such file or directory\n")


def test_files_that_are_not_examples_are_refused(tmp_path):
    for text in ("{", "[1, 2]", ""):
        result = invoke("check", write(tmp_path, text))
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, (text, result.stderr)
    assert invoke("check", tmp_path / "none.json").exit_code == 2


def test_the_template_options_are_refused_with_an_example(tmp_path):
    result = invoke("check", MAZUR, "--lr", "0.1")
    assert result.exit_code == 2
    assert "Invalid value for '--lr': only with --template" in result.stderr
    result = invoke("check", "--template", MAZUR)
    assert result.exit_code == 2 and "Invalid value for 'EXAMPLE': not with --template" in result.stderr


# --template: an example to fill in.

def test_a_template_lists_every_trace_name_of_the_step_and_round_trips(tmp_path):
    net = write(tmp_path, TINY["network"], "net.json")
    result = invoke("check", "--template", "--weights", net, "--input", "2", "--target", "1", "--lr", "0.1")
    assert result.exit_code == 0, result.output
    template = json.loads(result.stdout)
    step = json.loads(invoke("step", "--weights", net, "--input", "2", "--target", "1", "--lr", "0.1",
                             "--json").stdout)
    assert list(template["figures"]) == list(step["steps"][0]["values"])     # every name, in order
    assert set(template["figures"].values()) == {""}
    assert (template["format"], template["input"], template["target"]) == ("nntrace-example/1", [2.0], [1.0])
    assert template["settings"] == {"learning_rate": 0.1, "loss": "half-squared-error"}
    # An author fills in two figures: 0.7 and, a typo, 0.6460 for 0.6406.
    template["figures"].update({"L1.n1.net": "0.7", "L2.n1.w1": "0.6460"})
    result = invoke("check", write(tmp_path, template, "mine.json"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["name"], f["verdict"]) for f in report["figures"]] == [("L1.n1.net", "agrees"), ("L2.n1.w1", "wrong")]
    assert report["figures"][1]["explanation"].endswith("expected 0.6406, printed 0.6460")


def test_a_template_of_the_article_by_default():
    template = json.loads(invoke("check", "--template").stdout)
    assert template["input"] == [0.0, 1.0] and template["target"] == [1.0]     # XOR's
    assert len(template["figures"]) == 50 and template["network"]["layers"] == [2, 4, 1]


# step --example.

def test_step_with_an_example_uses_its_network_sample_and_rate_and_shows_its_column():
    result = invoke("step", "--example", MAZUR)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "input 0.05 0.1, target 0.01 0.99" in " ".join(text.split())
    assert "learning rate 0.5" in " ".join(text.split())
    assert "printed" in text and "0.3775 ✓" in text and "0.593269992 ✓" in text
    assert text.count("✓") == 22 and "≠" not in text


def test_an_explicit_option_overrides_the_example_and_the_column_goes():
    result = invoke("step", "--example", MAZUR, "--lr", "0.1")
    assert result.exit_code == 0
    assert "learning rate 0.1" in " ".join(result.stdout.split()) and "✓" not in result.stdout
    result = invoke("step", "--example", MAZUR, "--input", "0.5", "0.1", "--target", "0.01", "0.99")
    assert result.exit_code == 0 and "✓" not in result.stdout


def test_step_with_the_mistakes_example_numbers_its_reasons():
    result = invoke("step", "--example", MISTAKES)
    assert result.exit_code == 0
    assert "≠1  follows from earlier figures as the text printed them" in result.stdout
    assert "0.2225 ≠2" in result.stdout


def test_step_with_a_bad_example_is_refused(tmp_path):
    result = invoke("step", "--example", write(tmp_path, {**TINY, "figures": {"x": "1"}}))
    assert result.exit_code == 2 and result.stderr.startswith(f"nntrace: {tmp_path / 'ex.json'}: figures: x:")


# Exports.

@pytest.mark.parametrize("extension", [".md", ".html", ".tex"])
def test_check_exports_every_figure_and_verdict(tmp_path, extension):
    path = tmp_path / f"check{extension}"
    result = invoke("check", MISTAKES, "--export", path)
    assert result.exit_code == 1          # the exit status still says what the check found
    text = path.read_text(encoding="utf-8")
    if extension == ".html":
        text = "".join(ET.fromstring(text).itertext())
    text = text.replace("$-$", "-")       # LaTeX's minus before a number
    report = json.loads(invoke("check", MISTAKES, "--json").stdout)
    for figure in report["figures"]:
        assert figure["printed"] in text and figure["verdict"] in text
    assert text.count("wrong") >= 3 and "follows" in text and "slip" in text


def test_an_export_path_of_an_unknown_kind_is_refused_before_any_work(tmp_path):
    result = invoke("check", "--export", tmp_path / "check.txt")
    assert result.exit_code == 2 and "--export" in result.stderr


# diff's closest candidate, through the CLI.

def test_diff_names_the_closest_candidate_and_what_it_leaves_over(tmp_path):
    exact, rounded = tmp_path / "exact.json", tmp_path / "rounded.json"
    assert invoke("step", "--input", "0", "1", "--trace", exact).exit_code == 0
    assert invoke("step", "--input", "0", "1", "--slip", "rounded:3", "--trace", rounded).exit_code == 0
    trace = json.loads(rounded.read_text())
    # Every value rounded to 3 places, but the loss written out longer: ½ (1 − 0.7855297)² = 0.0229988.
    assert trace["steps"][0]["values"]["loss"] == 0.023
    trace["steps"][0]["values"]["loss"] = 0.0229987518
    rounded.write_text(json.dumps(trace))
    result = invoke("diff", exact, rounded)
    assert result.exit_code == 1
    assert "closest: rounded:3, except loss." in " ".join(result.stdout.split())
    explanation = json.loads(invoke("diff", exact, rounded, "--json").stdout)["explanation"]
    assert explanation["closest"] == {"convention": "exact", "slips": ["rounded:3"], "except": ["loss"]}
    assert explanation["message"].endswith("closest: rounded:3, except loss")


@pytest.mark.parametrize("option", [("--export", "t.md"), ("--json",)])
def test_template_refuses_the_options_of_a_report(tmp_path, option):
    args = (option[0], tmp_path / option[1]) if len(option) == 2 else option
    result = invoke("check", "--template", *args)
    assert result.exit_code == 2 and f"'{option[0]}': not with --template" in result.stderr
    assert not (tmp_path / "t.md").exists()
