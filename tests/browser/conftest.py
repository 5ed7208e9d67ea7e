"""Headless Chromium for tests of the pages nntrace writes.

The browser is Debian's Chromium (/usr/bin/chromium, or NNTRACE_CHROMIUM), driven by
Playwright for Python; Playwright's own browser download is never used, since this
machine reaches no network beyond package registries. Without the browser or the
playwright package the tests skip, unless NNTRACE_REQUIRE_BROWSER=1 (set by .ci/run),
where they fail: CI must never pass them by skipping.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# As root on this closed network: no sandbox (root), no GPU, and no background
# connections, which the network refuses and which would show up as noise.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Short, so a page that never reaches the state a test waits for fails in seconds.
TIMEOUT_MS = 5_000


@dataclass
class BrowserPage:
    """A page plus what it did behind the test's back: fetches and errors."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        """Load a local HTML file, the way a person opens the written page."""
        self.page.goto(Path(path).resolve().as_uri())


def _missing(reason: str):
    """Skip, or fail when the browser is required, so CI cannot pass by skipping."""
    if os.environ.get("NNTRACE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (NNTRACE_REQUIRE_BROWSER=1, so this fails instead of skipping)",
                    pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str:
    """The Chromium to use: NNTRACE_CHROMIUM if set, else Debian's."""
    path = os.environ.get("NNTRACE_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _missing(f"Chromium not found at {path}; install Debian's chromium to run browser tests")
    return path


@pytest.fixture(scope="session")
def chromium():
    """One browser for the whole session: starting Chromium costs far more than a page."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed; pip install -e '.[test]' to run browser tests")
    path = _chromium_path()
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


def _is_own_document(request) -> bool:
    """The page's own file:// load, the one request a self-contained page makes."""
    return (request.url.startswith("file:") and request.is_navigation_request()
            and request.frame.parent_frame is None)


def _watch(context, page, seen: BrowserPage) -> None:
    """Record every fetch, websocket, console error and uncaught exception."""

    def on_request(request):
        if not (request.url.startswith("data:") or _is_own_document(request)):
            seen.requests.append(request.url)

    def on_console(message):
        if message.type == "error":
            seen.errors.append(f"console: {message.text}")

    context.on("request", on_request)
    context.on("websocket", lambda socket: seen.requests.append(socket.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"pageerror: {error}"))


@pytest.fixture
def browser_page(chromium):
    """A fresh page in its own context; anything that would leave the machine is recorded, then refused."""
    context = chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = BrowserPage(page)
    _watch(context, page, seen)
    # Refuse instead of letting the fetch try the network: the test still sees it in
    # seen.requests, and nothing waits on a lookup this closed network cannot answer.
    context.route(lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort())
    yield seen
    context.close()
