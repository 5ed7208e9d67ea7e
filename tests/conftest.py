import io
import os

import hypothesis
import pytest
from rich.console import Console

from nntrace import article


# Property-based tests (tests/test_properties.py): a fixed seed (derandomize: each test's
# examples follow from its name), a bounded number of examples and no example database, so
# CI runs the same cases in a few seconds every time. NNTRACE_EXAMPLES=1000 searches wider.
hypothesis.settings.register_profile(
    "nntrace", derandomize=True, database=None, deadline=None,
    max_examples=int(os.environ.get("NNTRACE_EXAMPLES", "60")),
    suppress_health_check=[hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.function_scoped_fixture])
hypothesis.settings.load_profile("nntrace")


def pytest_addoption(parser):
    parser.addoption("--regenerate-fixtures", action="store_true", default=False,
                     help="Rewrite each fixtures/<group>/<case>.json from its <case>.cmd and the current code (the run still fails, "
                          "so a person reads `git diff fixtures/` before committing).")
    parser.addoption("--regenerate-screenshot", action="store_true", default=False,
                     help="Rewrite docs/explore.png, the README's picture of the explore page, in Chromium (the "
                          "run still fails, so a person looks at the picture before committing).")
    parser.addoption("--regenerate-snapshots", action="store_true", default=False,
                     help="Rewrite each tests/snapshots/<case>.txt from the current code (the run still fails, "
                          "so a person reads `git diff tests/snapshots/` before committing).")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    """Pin everything rich reads from the environment."""
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "NNTRACE_PROGRESS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def render():
    """Render a renderable to plain text at 80 columns, the way a piped terminal would see it."""

    def render(renderable, width: int = 80) -> str:
        console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
        console.print(renderable)
        return console.file.getvalue()

    return render


@pytest.fixture
def article_network():
    return article.network()
