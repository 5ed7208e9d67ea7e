"""The explore page as a file, without a browser: one self-contained HTML document whose
embedded data decodes to the trace's values bit for bit, under 5 MB for a long run."""

import base64
import json
import re
import struct
from pathlib import Path

import pytest

from nntrace import api, article
from nntrace.core.settings import make_settings
from nntrace.render.explore import bits, column, explore_html, script_json
from nntrace.trace import read_trace
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.views.explore import explore_view

ROOT = Path(__file__).resolve().parents[2]


def embedded(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="nntrace-data">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def decode(encoded) -> list:
    """A column back to numbers, None where missing (independent of the writer: struct)."""
    numbers, missing = (encoded, None) if isinstance(encoded, str) else encoded
    raw = base64.b64decode(numbers)
    values = list(struct.unpack(f"<{len(raw) // 8}d", raw))
    if missing is not None:
        flags = base64.b64decode(missing)
        values = [None if flags[k // 8] >> (k % 8) & 1 else v for k, v in enumerate(values)]
    return values


def test_a_column_is_every_float_to_the_last_bit_and_none_apart():
    values = [0.1, -0.0, 5e-324, 1.7976931348623157e308, None, 1 / 3, float("inf"), None]
    back = decode(column(values))
    assert [repr(v) for v in back] == [repr(v) for v in values]
    assert isinstance(column([1.0, 2.0]), str)   # nothing missing: no second part


def test_bits_mark_positions_low_bit_first():
    assert base64.b64decode(bits([0, 9], 10)) == bytes([0b00000001, 0b00000010])


def test_the_page_embeds_the_trace_values_by_column():
    trace = read_trace(ROOT / "fixtures/train/xor-3-epochs.json")
    data = embedded(explore_html(explore_view(trace, "t.json")))
    assert data["steps"]["iteration"] == list(range(1, 13)) and data["steps"]["total"] == 12
    for name, encoded in data["expected"]["values"].items():
        assert decode(encoded) == [step.values[name] for step in trace.steps], name
    assert decode(data["expected"]["epoch_losses"]) == trace.epoch_losses
    assert data["layers"] == [2, 4, 1] and data["settings"]["lr"] == 0.5
    net = next(row for row in data["rows"] if row["name"] == "L1.n1.net")
    assert net["template"] == "{2} × {1} + {4} × {3}" and net["label"] == "net1_h"
    out = next(row for row in data["rows"] if row["name"] == "L1.n1.out")
    assert out["template"] == "sigmoid({=0})"   # the formula takes a negative operand's parentheses off
    assert net["operands"][1] == ["before", "L1.n1.w1", 0]


def test_the_page_is_self_contained():
    html = explore_html(api.explore(api.step()))
    # Nothing to fetch: no source, link, import or URL; a policy that forbids fetching anyway.
    # (The SVG namespace is a name, never fetched.)
    assert not re.search(r"\b(src|href)\s*=|<link|@import|url\(|https?://", html.replace(
        '"http://www.w3.org/2000/svg"', ""))
    assert "default-src 'none'" in html
    assert html.count("<script") == 2 and "</html>" in html
    for placeholder in ("{{TITLE}}", "{{DATA}}", "{{SCRIPT}}", "{{STYLE}}", "{{NETWORK}}"):
        assert placeholder not in html


def test_text_in_the_data_cannot_close_its_script_element():
    text = script_json({"title": "</script><script>alert(1)</script>", "line": "\u2028"})
    assert "</" not in text and "\u2028" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>"


def test_the_picture_tags_every_weight_neuron_and_output():
    html = explore_html(api.explore(api.step(network=str(ROOT / "examples/2-2-2.json"), input=[0.05, 0.1],
                                             target=[0.01, 0.99], lr=0.5)))
    weights = re.findall(r'<g class="weight" data-name="([^"]+)"', html)
    assert weights == ["L1.n1.w1", "L1.n1.w2", "L1.n2.w1", "L1.n2.w2", "L2.n1.w1", "L2.n1.w2", "L2.n2.w1", "L2.n2.w2"]
    assert re.findall(r'data-neuron="([^"]+)"', html) == ["L0.n1", "L0.n2", "L1.n1", "L1.n2", "L2.n1", "L2.n2"]
    assert 'data-name="L2.n2.out"' in html and 'data-name="L1.n1.b"' in html
    assert html.count('tabindex="0"') == 8 + 6   # every weight and neuron reachable by keyboard


def test_a_10000_epoch_xor_run_traced_every_10_is_under_5_mb(tmp_path):
    path = tmp_path / "run.jsonl"
    train(article.network(), xor(), 10000, make_settings(0.5), trace=path, every=10)
    trace = read_trace(path)
    html = explore_html(explore_view(trace, str(path)))
    size = len(html.encode("utf-8"))
    assert size < 5_000_000, size
    data = embedded(html)
    assert len(data["steps"]["iteration"]) == 4000   # every traced step, none thinned away
    assert decode(data["expected"]["values"]["L2.n1.w3"])[-1] == trace.steps[-1].values["L2.n1.w3"]
    assert len(decode(data["expected"]["epoch_losses"])) == 10000


def test_a_network_too_big_to_draw_is_said_not_drawn():
    from nntrace.core.network import random_network

    network = random_network([30, 30, 1], ["sigmoid", "sigmoid"], 1, False)
    html = explore_html(api.explore(api.step(network, [0.5] * 30, [1])))
    assert '<svg id="network"' not in html and "930 weights are too many to draw" in html


@pytest.mark.parametrize("text", ["<b>bold</b> & co"])
def test_names_in_the_page_are_escaped(text):
    view = api.explore(api.step(), name=text)
    html = explore_html(view)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html


def test_a_first_difference_that_is_not_a_number_is_written_as_python_writes_it():
    expected = api.step()
    actual = api.step()
    actual.steps[0].values["L1.n2.out"] = float("nan")   # a trace's null
    data = embedded(explore_html(api.explore(expected, actual)))
    assert data["first"]["name"] == "L1.n2.out" and data["first"]["actual"] == "nan"
    assert data["first"]["expected"] == repr(expected.steps[0].values["L1.n2.out"])
    assert decode(data["actual"]["values"]["L1.n2.out"])[0] != decode(data["actual"]["values"]["L1.n2.out"])[0]
