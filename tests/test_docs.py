"""docs/cli.md is generated: every command's --help, then the registries' tables (activations,
losses, conventions, slips). It fails here when it is stale; to regenerate on purpose:
python -m pytest tests/test_docs.py --regenerate-snapshots (the run still fails, so that
someone reads `git diff docs/` before committing)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from nntrace.cli import cli
from nntrace.core.activations import ACTIVATIONS
from nntrace.core.conventions import CONVENTIONS
from nntrace.core.losses import LOSSES
from nntrace.core.slips import PRECISION_SLIPS, SLIPS

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"

INTRO = """# Command-line reference

Generated from `nntrace --help` and the registries (`tests/test_docs.py` fails when this
file is stale; `python -m pytest tests/test_docs.py --regenerate-snapshots` rewrites it).
"""


def help_text(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def table(title: str, rows: list[tuple[str, ...]], *more: str) -> list[str]:
    """A registry as a table: each entry's name, what it is, and the `more` columns."""
    head = ["name", "what it is", *more]
    return [f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| `" + name + "` | " + " | ".join(cell.replace("|", "∣") for cell in cells) + " |"
              for name, *cells in rows), ""]


def reference() -> str:
    out = [INTRO, "## nntrace", "", "```", help_text(), "```", ""]
    for name in cli.list_commands(None):
        out += [f"## nntrace {name}", "", "```", help_text(name), "```", ""]
    out += table("Activations (a network file's `activation`, `init --activation`)",
                 [(a.name, a.description) for a in ACTIVATIONS.values()])
    out += table("Losses (`--loss`)", [(loss.name, loss.description, f"`{loss.pytorch}`")
                                       for loss in LOSSES.values()], "the same per sample in `torch.nn` (out the outputs, net the net inputs)")
    out += table("Conventions (`--convention`)", [(c.name, c.description) for c in CONVENTIONS.values()])
    out += table("Slips (`--slip`, repeatable)",
                 [(s.name, s.description) for s in SLIPS.values()]
                 + [(f"{kind}:N", p.description) for kind, p in PRECISION_SLIPS.items()])
    return "\n".join(out).rstrip() + "\n"


def test_every_command_has_help_with_an_example():
    for name in cli.list_commands(None):
        text = help_text(name)
        assert "Example" in text and f"nntrace {name}" in text, name


def test_docs_cli_md_is_generated_from_help_and_registries(request):
    text = reference()
    if request.config.getoption("--regenerate-snapshots"):
        CLI_DOC.write_text(text, encoding="utf-8")
        pytest.fail("regenerated docs/cli.md: read `git diff docs/` before committing")
    assert CLI_DOC.exists() and CLI_DOC.read_text(encoding="utf-8") == text, \
        "docs/cli.md is stale: python -m pytest tests/test_docs.py --regenerate-snapshots"


def test_the_reference_names_every_registry_entry():
    text = reference()
    for name in [*ACTIVATIONS, *LOSSES, *CONVENTIONS, *SLIPS]:
        assert f"| `{name}` |" in text


def test_the_readme_is_for_a_newcomer_and_short():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) < 12000
    # The two commands CI runs, and a virtual environment before them.
    assert "python -m pip install -e . && nntrace step --input 0 1" in readme
    assert "python -m pip install -e '.[test]' && python -m pytest" in readme
    assert readme.index("venv") < readme.index("python -m pip install -e .")
    for doc in ("docs/cli.md", "docs/formats.md", "docs/guide.md", "docs/python.md", "docs/development.md"):
        assert doc in readme and (ROOT / doc).exists(), doc
