"""The package's layers, enforced: every import counts, at the top of a module, inside a
function or under TYPE_CHECKING.

- core (the math) imports the standard library only, and nothing of nntrace above it;
- views (plain data) import no renderer, neither rich nor click;
- click only in the CLI, and nothing imports the CLI;
- NumPy only in nntrace.fast, which imports the core and nothing above it;
- no import cycles.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nntrace"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute, wherever the import statement stands."""
    me = module_name(path)
    base = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                module = ".".join(parts[:len(parts) - node.level + 1])
                module += f".{node.module}" if node.module else ""
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}
OURS = set(MODULES)


def ours(targets: set[str]) -> set[str]:
    return {t for t in targets if t in OURS}


def third_party(targets: set[str]) -> set[str]:
    return {t.split(".")[0] for t in targets
            if t.split(".")[0] not in sys.stdlib_module_names and t.split(".")[0] != "nntrace"}


def test_the_scan_sees_the_package_and_its_imports():
    assert {"nntrace.core.engine", "nntrace.cli", "nntrace.views.step"} <= OURS
    assert "click" in MODULES["nntrace.cli"]
    assert "nntrace.core.program" in MODULES["nntrace.core.engine"]


@pytest.mark.parametrize("module", sorted(m for m in OURS if m.startswith("nntrace.core")))
def test_core_imports_the_standard_library_and_itself_only(module):
    above = {t for t in ours(MODULES[module])
             if not t.startswith("nntrace.core") and t not in ("nntrace.errors", "nntrace.files", "nntrace")}
    assert not third_party(MODULES[module]) and not above, (third_party(MODULES[module]), above)


@pytest.mark.parametrize("module", sorted(m for m in OURS if m.startswith("nntrace.views")))
def test_views_render_nothing(module):
    assert not {t for t in ours(MODULES[module]) if t.startswith(("nntrace.render", "nntrace.cli"))}
    assert not third_party(MODULES[module]) & {"rich", "click"}


def test_click_only_in_the_cli_and_nothing_imports_the_cli():
    assert [m for m, targets in MODULES.items() if "click" in third_party(targets)] == ["nntrace.cli"]
    assert [m for m, targets in MODULES.items() if "nntrace.cli" in targets] == ["nntrace.__main__"]


def test_numpy_only_in_the_vectorised_evaluator_which_stands_on_core_alone():
    # NumPy is imported by nntrace.fast only, and that package knows the core (and errors)
    # and nothing above it: the front doors choose it, it chooses nothing.
    users = sorted(m for m, targets in MODULES.items() if "numpy" in third_party(targets))
    assert users and all(m.startswith("nntrace.fast") for m in users), users
    for module in (m for m in OURS if m.startswith("nntrace.fast")):
        above = {t for t in ours(MODULES[module])
                 if not t.startswith(("nntrace.core", "nntrace.fast")) and t not in ("nntrace.errors", "nntrace")}
        assert not above and third_party(MODULES[module]) <= {"numpy"}, (module, above)


def test_no_import_cycles():
    graph = {m: ours(targets) - {m, "nntrace"} for m, targets in MODULES.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(module, path):
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles)


def test_no_function_over_60_lines():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > 60:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({lines})")
    assert not long, long
