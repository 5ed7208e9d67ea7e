"""docs/explore.png, the README's picture of an explore page, is made here, deliberately:

    python -m pytest tests/browser/test_screenshot.py --regenerate-screenshot

(the run then fails on purpose: look at the picture before committing it). Without the
flag the test only checks that the picture is there, a PNG of the size it is taken at,
and that the README shows it.
"""

import struct
from pathlib import Path

import pytest

from nntrace import api, article
from nntrace.core.settings import make_settings
from nntrace.render.explore import explore_html
from nntrace.train.data import xor
from nntrace.train.loop import train

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "docs" / "explore.png"
SIZE = (1280, 860)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def take(browser_page, tmp_path: Path) -> None:
    """XOR at learning rate 0.5, as the README trains it, 5000 epochs kept in memory, shown
    where the loss falls, a weight of the output layer under the pointer."""
    run = train(article.network(), xor(), 5000, make_settings(0.5), keep=2000)
    page_path = tmp_path / "explore.html"
    page_path.write_text(explore_html(api.explore(run.kept, name="nntrace train --lr 0.5 --epochs 5000")),
                         encoding="utf-8")
    page = browser_page.page
    page.set_viewport_size({"width": SIZE[0], "height": SIZE[1]})
    browser_page.open(page_path)
    epochs = [step.epoch for step in run.kept.steps]
    page.fill("#iteration", str(epochs.index(2400)))
    page.locator("#iteration").blur()
    page.hover('g.weight[data-name="L2.n1.w3"]')
    page.screenshot(path=str(PICTURE))
    assert browser_page.requests == [] and browser_page.errors == []


def test_the_readme_shows_the_picture_of_an_explore_page(request, tmp_path):
    if request.config.getoption("--regenerate-screenshot"):
        take(request.getfixturevalue("browser_page"), tmp_path)
        pytest.fail("regenerated docs/explore.png: look at it before committing")
    assert PICTURE.exists(), "no docs/explore.png: python -m pytest tests/browser/test_screenshot.py --regenerate-screenshot"
    assert png_size(PICTURE.read_bytes()) == SIZE
    assert "(docs/explore.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
