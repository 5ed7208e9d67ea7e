"""The `nntrace explore` page in a real browser (headless Chromium, tests/browser/conftest.py).

Every element that shows a traced value carries data-name and data-value (the value's
repr); these tests move the slider, the buttons and the keys, and check each one against
the trace, read here with nntrace's reader; the formula lines against the terminal's.
"""

import json
import math
import random
import struct
from pathlib import Path

import pytest

from nntrace import api, article
from nntrace.core.settings import make_settings
from nntrace.render.explore import explore_html
from nntrace.trace import read_trace, write_trace
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.views.step import step_view
from nntrace.views.text import format_number

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "fixtures/train/xor-3-epochs.json"


def page_of(tmp_path: Path, trace, against=None, name: str = "page.html", **options) -> Path:
    path = tmp_path / name
    path.write_text(explore_html(api.explore(trace, against, **options)), encoding="utf-8")
    return path


def until(page, script: str, seconds: float = 5) -> None:
    """Wait for `script` (a function) to return true. The page's Content-Security-Policy
    forbids eval, which Playwright's wait_for_function polls with, so poll from here."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        page.wait_for_timeout(20)


def opened(browser_page, path: Path):
    browser_page.open(path)
    page = browser_page.page
    until(page, "() => document.documentElement.dataset.ready === 'true'")
    return page


def shown(page) -> list[dict]:
    """Every element showing a traced value: its name, value, side, scope and place."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('[data-name]')).map((e) => ({
        name: e.dataset.name, value: e.dataset.value === undefined ? null : e.dataset.value,
        side: e.dataset.side || null, epoch: e.dataset.epoch || null,
        scope: (e.closest('[data-scope]') || {dataset: {}}).dataset.scope || null,
        where: e.closest('#tables') ? 'tables' : e.closest('#network') ? 'picture'
             : e.closest('#details') ? 'details' : e.closest('#curve') ? 'curve' : 'elsewhere'}))""")


def position(page) -> int:
    return int(page.input_value("#iteration"))


def check_values(page, trace, k: int, slot: int = 0) -> int:
    """Every value shown is the trace's at step k (a batch's sample-scope ones: sample `slot`);
    returns how many were checked."""
    step = trace.steps[k]
    checked = 0
    for element in shown(page):
        name, value = element["name"], element["value"]
        if element["side"] == "actual":
            continue
        if name == "epoch_loss":
            expected = trace.epoch_losses[int(element["epoch"]) - 1]
        elif step.samples and (element["scope"] == "sample" or (element["where"] == "picture"
                                                                and name.endswith(".out"))):
            expected = step.samples[slot].values.get(name)
        else:
            expected = step.values.get(name)
        assert value == (None if expected is None else repr(expected)), (k, element)
        checked += 1
    return checked


def no_trouble(browser_page):
    assert browser_page.requests == [], browser_page.requests
    assert browser_page.errors == [], browser_page.errors


def test_the_slider_the_buttons_and_the_keys_show_each_step_s_values(browser_page, tmp_path):
    trace = read_trace(TRAIN)
    page = opened(browser_page, page_of(tmp_path, TRAIN))
    assert position(page) == 0 and page.get_attribute("#iteration", "max") == "11"
    assert check_values(page, trace, 0) > 50
    page.fill("#iteration", "6")   # the slider: input events, as a drag sends
    assert position(page) == 6 and check_values(page, trace, 6) > 50
    assert page.text_content("#status") == "Iteration 7 · epoch 2 · step 7 of 12"
    page.click('[data-action="next"]')
    page.click('[data-action="next"]')
    assert position(page) == 8 and check_values(page, trace, 8)
    page.click('[data-action="previous"]')
    assert position(page) == 7 and check_values(page, trace, 7)
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    assert position(page) == 8
    page.keyboard.press("End")
    assert position(page) == 11 and check_values(page, trace, 11)
    page.keyboard.press("ArrowRight")   # already the last step: stays
    assert position(page) == 11
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")
    assert position(page) == 0 and check_values(page, trace, 0)
    page.focus("#iteration")
    page.keyboard.press("ArrowRight")   # the slider's own keys
    assert position(page) == 1 and check_values(page, trace, 1)
    # The loss of the step's epoch, as the run recorded it, beside the curve.
    assert page.get_attribute('#curve [data-name="epoch_loss"]', "data-value") == repr(trace.epoch_losses[0])
    no_trouble(browser_page)


def computed_lines(page, scope: str | None = None) -> list[tuple[str, str]]:
    """The tables' lines as (trace name, the computed cell's text); of one scope if given."""
    return [(name, text) for name, text, own in page.evaluate("""() => Array.from(
        document.querySelectorAll('#tables tbody tr')).filter((tr) => !tr.hidden).map((tr) =>
        [tr.dataset.row, tr.querySelector('td.computed').textContent, tr.dataset.scope])""")
            if scope is None or own == scope]


def terminal_lines(view, prefix: str = "") -> list[tuple[str, str]]:
    return [(line.name, (f"{line.label} = " if line.label else "") + (f"{line.formula} = " if line.formula else "")
             + line.value) for section in view.sections if section.heading.startswith(prefix)
            for line in section.lines]


@pytest.mark.parametrize("args", [
    dict(),
    dict(convention="article"),
    dict(slips=["updated-weights"], lr=0.5),
    dict(network=str(ROOT / "fixtures/networks/2-3-2-softmax-biases.json"), input=[0.5, -1], target=[0, 1],
         loss="cross-entropy", lr=0.1),
    dict(network=str(ROOT / "examples/2-2-2.json"), input=[0.05, 0.1], target=[0.01, 0.99], lr=0.5),
])
def test_the_formula_lines_are_the_terminal_s(browser_page, tmp_path, args):
    trace = api.step(**args)
    page = opened(browser_page, page_of(tmp_path, trace))
    assert computed_lines(page) == terminal_lines(step_view(trace))
    headings = page.eval_on_selector_all("#tables caption", "cs => cs.map((c) => c.textContent)")
    assert headings == list(dict.fromkeys(s.heading for s in step_view(trace).sections))
    no_trouble(browser_page)


def test_a_batch_step_shows_the_selected_sample_and_the_update(browser_page, tmp_path):
    trace = api.step(data=article.XOR, batch_size="all", momentum=0.9, weight_decay=0.01, lr=0.5)
    page = opened(browser_page, page_of(tmp_path, trace))
    view = step_view(trace)
    assert page.is_visible("#sample")
    for slot in (0, 2):
        page.select_option("#sample", str(slot))
        assert computed_lines(page, "sample") == terminal_lines(view, f"Sample {slot + 1} ")
        assert computed_lines(page, "batch") == terminal_lines(view, "Update: ")
        assert [line[0] for line in computed_lines(page)][-1] == "L1.n4.w2"   # the samples', then the update
        assert check_values(page, trace, 0, slot) > 80
        x = trace.steps[0].samples[slot].input
        assert page.text_content('[data-input="2"]') == f"x {format_number(x[1])}"
        assert page.text_content("#sample-line") == (
            f"Sample {slot + 1} of the batch of 4: input {format_number(x[0])} {format_number(x[1])} → "
            f"target {format_number(trace.steps[0].samples[slot].target[0])}")
        # A weight's details: the update's mean gradient and this sample's, told apart by scope.
        page.hover('g.weight[data-name="L2.n1.w3"]')
        grads = page.eval_on_selector_all('#details [data-name="L2.n1.w3.grad"]',
                                          "es => es.map((e) => [e.dataset.scope, e.dataset.value])")
        assert grads == [["batch", repr(trace.steps[0].values["L2.n1.w3.grad"])],
                         ["sample", repr(trace.steps[0].samples[slot].values["L2.n1.w3.grad"])]]
    no_trouble(browser_page)


def test_hovering_a_weight_shows_its_values(browser_page, tmp_path):
    trace = read_trace(TRAIN)
    page = opened(browser_page, page_of(tmp_path, TRAIN))
    page.fill("#iteration", "5")
    page.hover('g.weight[data-name="L2.n1.w3"]')
    details = "#details "
    new, old = trace.steps[5].values["L2.n1.w3"], trace.steps[4].values["L2.n1.w3"]
    assert page.get_attribute(details + '[data-name="L2.n1.w3"]', "data-value") == repr(new)
    assert page.get_attribute(details + '[data-before="L2.n1.w3"]', "data-value") == repr(old)
    assert page.get_attribute(details + '[data-name="L2.n1.w3.grad"]', "data-value") == \
        repr(trace.steps[5].values["L2.n1.w3.grad"])
    assert "L2.n1.w3: weight from L1.n3 into L2.n1" in page.text_content("#details h3")
    update = terminal_lines(step_view(trace, 5, before=network_before(trace, 5)))
    assert page.text_content("#details .formula-line") == "update: " + dict(update)["L2.n1.w3"]
    # The picture's line: its value, its colour and thickness by sign and size.
    line = page.locator('g.weight[data-name="L2.n1.w3"]')
    assert line.get_attribute("data-value") == repr(new)
    assert page.get_attribute('g.weight[data-name="L2.n1.w3"] .wire', "class") == (
        "wire negative" if new < 0 else "wire positive")
    # The details follow the step.
    page.click('[data-action="next"]')
    assert page.get_attribute(details + '[data-name="L2.n1.w3"]', "data-value") == \
        repr(trace.steps[6].values["L2.n1.w3"])
    no_trouble(browser_page)


def network_before(trace, k):
    from nntrace.trace.model import network_after

    return trace.network if k == 0 else network_after(trace.network, trace.steps[k - 1])


def test_focusing_a_neuron_from_the_keyboard_shows_its_values(browser_page, tmp_path):
    trace = read_trace(TRAIN)
    page = opened(browser_page, page_of(tmp_path, TRAIN))
    page.locator("body").focus()
    for _ in range(20):   # Tab through the page until the neuron
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.neuron") == "L1.n1":
            break
    assert page.evaluate("document.activeElement.dataset.neuron") == "L1.n1"
    for kind in ("net", "out", "error", "deriv", "delta"):
        assert page.get_attribute(f'#details [data-name="L1.n1.{kind}"]', "data-value") == \
            repr(trace.steps[0].values[f"L1.n1.{kind}"])
    page.keyboard.press("ArrowRight")   # the focus stays; the step moves
    assert page.get_attribute('#details [data-name="L1.n1.out"]', "data-value") == \
        repr(trace.steps[1].values["L1.n1.out"])
    no_trouble(browser_page)


def tampered(tmp_path: Path) -> tuple[Path, int]:
    trace = read_trace(TRAIN)
    trace.steps[6].values["L1.n3.out"] += 1e-6
    trace.steps[6].values["L2.n1.net"] += 1e-6
    path = tmp_path / "mine.json"
    write_trace(trace, path)
    return path, 6


def test_against_a_trace_both_values_and_the_first_difference(browser_page, tmp_path):
    mine, k = tampered(tmp_path)
    expected, actual = read_trace(TRAIN), read_trace(mine)
    page = opened(browser_page, page_of(tmp_path, TRAIN, mine))
    banner = page.text_content("#divergence")
    assert banner.startswith(f"First difference: iteration 7, L1.n3.out: expected "
                             f"{expected.steps[6].values['L1.n3.out']!r}, actual {actual.steps[6].values['L1.n3.out']!r}.")
    assert page.locator('#tables tr.first').count() == 0   # not at this step
    page.click('[data-action="first-divergence"]')
    assert position(page) == k
    first = page.locator("#tables tr.first")
    assert first.count() == 1 and first.get_attribute("data-row") == "L1.n3.out"
    assert first.locator("td.mark").text_content() == "≠ first"
    marks = dict(page.evaluate("""() => Array.from(document.querySelectorAll('#tables tbody tr'))
        .map((tr) => [tr.dataset.row, tr.querySelector('td.mark').dataset.mark])"""))
    assert marks["L2.n1.net"] == "differs" and marks["L1.n1.out"] == "same"
    assert [n for n, m in marks.items() if m != "same"] == ["L1.n3.out", "L2.n1.net"]
    for element in shown(page):
        side = {"expected": expected, "actual": actual}[element["side"]]
        if element["name"] == "epoch_loss":
            assert element["value"] == repr(side.epoch_losses[int(element["epoch"]) - 1])
        else:
            assert element["value"] == repr(side.steps[k].values[element["name"]]), element
    assert {e["side"] for e in shown(page) if e["where"] == "tables"} == {"expected", "actual"}
    assert all(e["side"] in ("expected", "actual") for e in shown(page))   # the picture's too
    no_trouble(browser_page)


def test_clicking_the_loss_curve_goes_to_that_part_of_the_run(browser_page, tmp_path):
    path = tmp_path / "run.jsonl"
    train(article.network(), xor(), 60, make_settings(0.5), trace=path)
    trace = read_trace(path)
    page = opened(browser_page, page_of(tmp_path, path))
    box = page.locator("#curve svg").bounding_box()
    epochs = []
    for fraction in (0.3, 0.8):
        page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
        k = position(page)
        epoch = trace.steps[k].epoch
        epochs.append(epoch)
        assert page.get_attribute('#curve [data-name="epoch_loss"]', "data-epoch") == str(epoch)
        assert page.get_attribute('#curve [data-name="epoch_loss"]', "data-value") == \
            repr(trace.epoch_losses[epoch - 1])
        check_values(page, trace, k)
    assert 1 < epochs[0] < epochs[1] < 60
    no_trouble(browser_page)


def test_a_thinned_page_says_so_and_shows_the_steps_it_holds(browser_page, tmp_path, monkeypatch):
    monkeypatch.setattr("nntrace.views.explore.VALUE_BUDGET", 60 * 10)   # 10 steps of about 60 values
    path = tmp_path / "run.jsonl"
    train(article.network(), xor(), 50, make_settings(0.5), trace=path)
    trace = read_trace(path)
    monkeypatch.setattr("nntrace.views.explore.MIN_STEPS", 10)
    page = opened(browser_page, page_of(tmp_path, path))
    held = json.loads(page.text_content("#nntrace-data"))["steps"]["iteration"]
    assert len(held) < 20 and held[0] == 1 and held[-1] == 200
    assert "of the trace's 200 steps, evenly spaced" in page.text_content("header")
    page.keyboard.press("End")
    check_values(page, trace, 199)
    assert page.text_content("#status") == f"Iteration 200 · epoch 50 · step {len(held)} of {len(held)}"
    no_trouble(browser_page)


def python_format(value: float, digits: int) -> str:
    return format_number(value, digits)


def test_numbers_are_written_as_python_writes_them(browser_page, tmp_path):
    page = opened(browser_page, page_of(tmp_path, TRAIN))
    rng = random.Random(14)
    values = [0.0, -0.0, 1.0, -1.5, 0.1, 1e-5, 0.0001, 1e16, 1e15, 123456789012345680.0, 5e-324,
              2 ** -11, 0.125, 2.5, -2.5, 0.5, 1.5, 9.9999995, 0.00048828125, 1e22, 1 / 3, 2 / 3,
              float("inf"), -float("inf"), 1e-7, 12345.678, 99999.95, 0.6000256, -0.02332912]
    values += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(1500)]
    values += [rng.uniform(-10, 10) for _ in range(1500)] + [rng.uniform(0, 1e-3) for _ in range(500)]
    values = [v for v in values if not math.isnan(v)] + [float("nan")]
    finite = [(v, d) for v in values if math.isfinite(v) for d in (1, 3, 4, 7, 17)]
    # One string each way: Playwright is slow to carry thousands of small values.
    js = page.evaluate("""(text) => JSON.parse(text).map(([v, d]) => [window.nntraceExplore.repr(v),
        window.nntraceExplore.formatNumber(v, d), window.nntraceExplore.operandText(v, d)].join("\\t"))
        .join("\\n")""", json.dumps(finite))
    for (v, d), line in zip(finite, js.split("\n"), strict=True):
        r, f, o = line.split("\t")
        assert r == repr(v), v
        assert f == python_format(v, d), (v, d)
        assert o == (f"({f})" if f.startswith("-") else f)
    # Not finite (JSON has no spelling: passed as text).
    specials = page.evaluate("""() => [Infinity, -Infinity, NaN].map((v) =>
        [window.nntraceExplore.repr(v), window.nntraceExplore.formatNumber(v, 7)])""")
    assert specials == [[repr(v), python_format(v, 7)] for v in (math.inf, -math.inf, math.nan)]
    no_trouble(browser_page)


@pytest.mark.parametrize("width, height", [(1024, 768), (390, 844)])
@pytest.mark.parametrize("kind", ["training", "a diff with the article's figures"])
def test_readable_at_1024_pixels_and_at_phone_width(browser_page, tmp_path, width, height, kind):
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    if kind == "training":
        opened(browser_page, page_of(tmp_path, TRAIN))
    else:
        opened(browser_page, page_of(tmp_path, api.step(), api.step(slips=["updated-weights"])))
        page.click('[data-action="first-divergence"]')
        # Every formula gets at least 40% of the width to itself: it reads, it does not wrap
        # a character a line.
        narrowest = page.evaluate("""() => Math.min(...Array.from(document.querySelectorAll('#tables td.computed'))
            .map((td) => td.getBoundingClientRect().width))""")
        assert narrowest >= width * 0.4
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ('[data-action="previous"]', "#iteration", '[data-action="next"]', "#status", "#network"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    # The picture's numbers at a size a person reads (at least 9 CSS pixels).
    smallest = page.evaluate("""() => Math.min(...Array.from(document.querySelectorAll('#network text'))
        .filter((t) => t.textContent !== '').map((t) => t.getBoundingClientRect().height))""")
    assert smallest >= 9
    # The controls take little of the screen and stay in view while the tables scroll.
    assert page.locator(".controls").bounding_box()["height"] <= height / 5
    page.mouse.wheel(0, 2000)
    until(page, "() => window.scrollY > 0")
    assert page.locator(".controls").bounding_box()["y"] == 0
    no_trouble(browser_page)


def test_signs_and_verdicts_are_symbols_not_only_colours(browser_page, tmp_path):
    page = opened(browser_page, page_of(tmp_path, api.step()))
    terminal = step_view(api.step())
    figures = page.evaluate("""() => Array.from(document.querySelectorAll('#tables td.figure-column'))
        .filter((td) => td.textContent).map((td) => td.textContent)""")
    assert figures == [f"{line.figure} {line.verdict}" for s in terminal.sections for line in s.lines
                       if line.figure]
    verdicts = page.eval_on_selector_all("#tables .verdict", "vs => vs.map((v) => v.textContent)")
    assert len(verdicts) == 37 and "✓" in verdicts and "≠1" in verdicts   # symbols, whatever the colour
    notes = page.eval_on_selector_all("#figure-notes .note", "ns => ns.map((n) => n.textContent)")
    assert notes == [f"≠{k}  {note}" for k, note in enumerate(terminal.notes, 1)] and notes
    assert page.text_content("#tables th.figure-column") == terminal.source == "article"
    # A negative weight's line is dashed as well as red; a positive one is solid.
    trained = train(article.network(), xor(), 2000, make_settings(0.5), keep=10).kept
    page = opened(browser_page, page_of(tmp_path, trained, name="t.html"))
    page.keyboard.press("End")
    weights = {n: v for n, v in trained.steps[-1].values.items() if n.count(".") == 2 and ".w" in n}
    dashes = page.evaluate("""(names) => names.map((n) => getComputedStyle(document.querySelector(
        `g.weight[data-name="${n}"] .wire`)).strokeDasharray)""", list(weights))
    assert {v < 0 for v in weights.values()} == {True, False}
    for (name, value), dash in zip(weights.items(), dashes):
        assert (dash not in ("none", "")) == (value < 0), name
    no_trouble(browser_page)


def test_a_trace_without_steps_or_without_a_network_still_opens(browser_page, tmp_path):
    path = tmp_path / "none.jsonl"
    train(article.network(), xor(), 3, make_settings(0.5), trace=path, every=100)   # 12 iterations: none traced
    page = opened(browser_page, page_of(tmp_path, path))
    assert page.text_content("#status") == "The trace holds no step."
    assert page.locator("#curve svg path.line").count() == 1   # the epochs' losses are still there
    page.keyboard.press("End")
    mine = tmp_path / "mine.json"
    mine.write_text('{"steps": [{"values": {"L2.n1.delta": 0.04, "loss": 0.5}}]}')
    page = opened(browser_page, page_of(tmp_path, mine, name="mine.html"))
    assert "does not record its network" in page.text_content(".picture")
    assert computed_lines(page) == [("loss", "0.5"), ("L2.n1.delta", "0.04")]   # in computation order
    headings = page.eval_on_selector_all("#tables caption", "cs => cs.map((c) => c.textContent)")
    assert headings == ["Loss", "Backward, output layer (L2)"]
    no_trouble(browser_page)


def test_a_summarised_page_of_a_wide_network_shows_its_values_without_trouble(browser_page, tmp_path):
    # 2-30-30-1, too large to draw: the tables hold the first 8 neurons of each wide layer,
    # and each formula's operands, all 30 of a sum's among them, are filled in.
    from nntrace.core.network import random_network

    network = random_network([2, 30, 30, 1], seed=2, low=-1, high=1)
    trace = api.step(network, input=[0.3, 0.8], target=[1], lr=0.1)
    page = opened(browser_page, page_of(tmp_path, trace))
    names = {element["name"] for element in shown(page) if element["where"] == "tables"}
    assert "L2.n8.w8" in names and "L2.n9.net" not in names
    assert check_values(page, trace, 0) > 100
    assert "?" not in page.text_content("#tables")   # no operand left out of a formula
    assert "shows its first 8" in page.text_content("body")
    no_trouble(browser_page)


def test_a_value_beside_a_figure_printed_with_more_digits_shows_two_more_as_the_terminal_does(browser_page, tmp_path):
    from nntrace.check.example import read_example

    example = read_example(ROOT / "examples/mazur-2-2-2.json")
    trace = api.step(example.network, input=example.input, target=example.target, lr=0.5)
    page = opened(browser_page, page_of(tmp_path, trace, example=example))
    value = page.locator('#tables [data-name="L1.n1.out"]').first
    assert value.text_content() == "0.59326999211" and value.get_attribute("data-value") == repr(
        trace.steps[0].values["L1.n1.out"])
    assert page.locator('#tables [data-name="L1.n1.net"]').first.text_content() == "0.3775"
    no_trouble(browser_page)
