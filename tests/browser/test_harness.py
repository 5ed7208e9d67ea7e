"""The browser harness itself: it drives a page, and its no-fetch and no-error checks can fail.

These use a small hand-written page shaped like the coming `nntrace explore` page (a
slider #iteration, previous/next buttons, values in data-value), not nntrace's own.
"""

from pathlib import Path

import pytest

# One value per iteration; the span shows the current one.
STEPPER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>stepper</title>
<style>span { font-family: monospace; }</style></head>
<body>
<input type="range" id="iteration" min="0" max="3" value="0">
<button data-action="previous">previous</button>
<button data-action="next">next</button>
<span data-name="L1.n1.net" data-value="0.5">0.5</span>
<script>
const values = ["0.5", "0.25", "-1.125", "3"];
const slider = document.getElementById("iteration");
const span = document.querySelector('[data-name="L1.n1.net"]');
function show(i) {
  i = Math.max(0, Math.min(values.length - 1, i));
  slider.value = String(i);
  span.dataset.value = values[i];
  span.textContent = values[i];
}
const move = (by) => show(Number(slider.value) + by);
document.querySelector('[data-action="previous"]').addEventListener("click", () => move(-1));
document.querySelector('[data-action="next"]').addEventListener("click", () => move(1));
slider.addEventListener("input", () => show(Number(slider.value)));
document.addEventListener("keydown", (event) => {
  if (event.target === slider) return;  // the slider moves itself on arrow keys
  if (event.key === "ArrowRight") move(1);
  if (event.key === "ArrowLeft") move(-1);
});
</script>
</body></html>
"""


def write_page(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return path


def net_value(page) -> str:
    return page.get_attribute('[data-name="L1.n1.net"]', "data-value")


def test_buttons_keys_and_slider_step_the_page(browser_page, tmp_path):
    browser_page.open(write_page(tmp_path, STEPPER_PAGE))
    page = browser_page.page
    assert net_value(page) == "0.5"

    page.click('[data-action="next"]')
    page.click('[data-action="next"]')
    assert net_value(page) == "-1.125"
    page.click('[data-action="previous"]')
    assert net_value(page) == "0.25"

    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    assert net_value(page) == "-1.125"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # already at the first iteration: stays there
    assert net_value(page) == "0.5"

    page.fill("#iteration", "3")  # sets the range's value and fires input
    assert net_value(page) == "3"
    page.focus("#iteration")
    page.keyboard.press("ArrowLeft")  # the slider's own arrow-key handling
    assert net_value(page) == "-1.125"
    assert page.input_value("#iteration") == "2"

    assert browser_page.requests == []
    assert browser_page.errors == []


def test_an_external_fetch_is_caught(browser_page, tmp_path):
    html = '<!doctype html><title>leaky</title><img src="http://example.invalid/x.png">'
    browser_page.open(write_page(tmp_path, html))
    browser_page.page.wait_for_load_state("load")
    assert browser_page.requests == ["http://example.invalid/x.png"]


def test_a_second_local_file_counts_as_a_fetch(browser_page, tmp_path):
    (tmp_path / "style.css").write_text("body { color: red; }", encoding="utf-8")
    html = '<!doctype html><title>two files</title><link rel="stylesheet" href="style.css">'
    browser_page.open(write_page(tmp_path, html))
    assert browser_page.requests == [(tmp_path / "style.css").as_uri()]


@pytest.mark.parametrize("script, expected", [
    ("console.error('bad value')", "console: bad value"),
    ("undefinedFunction()", "pageerror: "),
])
def test_console_errors_and_exceptions_are_caught(browser_page, tmp_path, script, expected):
    html = f"<!doctype html><title>noisy</title><script>{script}</script>"
    browser_page.open(write_page(tmp_path, html))
    assert len(browser_page.errors) == 1
    assert browser_page.errors[0].startswith(expected)
