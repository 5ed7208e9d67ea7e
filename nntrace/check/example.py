"""A worked example as data: a network, one sample, the settings, and the figures a text
printed, as strings, so that the printed precision is kept ("0.640" was printed to 3
places). The format is nntrace-example/1 (docs/formats.md, "Worked example").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.engine import value_names
from ..core.network import Network, is_number, load_network, parse_json
from ..core.numbers import to_decimal
from ..core.settings import Settings, check_fits, make_settings, target_problem
from ..errors import ArgumentError, NntraceError
from ..files import read_text, read_through

FORMAT = "nntrace-example/1"
KEYS = ("format", "title", "source", "note", "network", "input", "target", "settings", "names", "figures")
SETTINGS = {"learning_rate": "lr", "loss": "loss", "weight_decay": "weight_decay"}   # key -> make_settings'
WHAT = "a worked example"
TEMPLATE_HINT = "nntrace check --template writes one to fill in"
BUILT_IN = "article"   # the example `nntrace check` judges when given none


@dataclass(frozen=True)
class Figure:
    """One number the text printed, under the trace name it stands for."""

    name: str            # the trace name
    source_name: str     # the text's own name for it ("" when the text used the trace name)
    printed: str         # as printed
    value: Decimal       # the number printed, in nntrace's sign convention
    places: int          # decimal places printed: "0.640" has 3, "1.2e-3" has 4
    negated: bool = False   # the text's sign convention is the opposite ("-" in names)

    @property
    def label(self) -> str:
        return self.source_name or self.name


@dataclass
class Example:
    title: str
    source: str
    note: str
    network: Network
    input: list[float]
    target: list[float]
    settings: Settings
    names: dict[str, str]                  # the text's name -> trace name, "-" first if negated
    figures: list[Figure] = field(default_factory=list)   # in computation order
    path: str = ""

    def labels(self) -> dict[str, str]:
        """Trace name -> the text's name, for the tables; `−name` where the text's sign
        convention is the opposite (−dE/dout is nntrace's error)."""
        return {target.lstrip("-"): ("−" if target.startswith("-") else "") + name
                for name, target in self.names.items()}


def read_example(path: str | Path) -> Example:
    """Read and check a worked-example file; every problem is one line naming the file and the place."""
    source = str(path)
    data = parse_json(read_text(path, "utf-8-sig"), source, WHAT)
    return parse_example(data, source, Path(path).parent)


def built_in(name: str = BUILT_IN) -> Example:
    """A worked example shipped inside the package (nntrace/examples/NAME.json)."""
    path = Path(__file__).parents[1] / "examples" / f"{name}.json"
    return parse_example(parse_json(read_text(path, "utf-8"), str(path), WHAT), f"the built-in example {name}",
                         path.parent)


def parse_example(data: Any, source: str, folder: Path | None) -> Example:
    fail = lambda place, problem: NntraceError(f"{source}: {place}: {problem}")  # noqa: E731
    if not isinstance(data, dict):
        raise NntraceError(f"{source}: expected a JSON object (a worked example, {FORMAT})")
    if str(data.get("format", "")).startswith("nntrace-trace"):
        raise NntraceError(f"{source}: a trace ({data['format']}), not {WHAT} ({TEMPLATE_HINT})")
    unknown = [key for key in data if key not in KEYS]
    if "layers" in unknown and "network" not in data:
        raise NntraceError(f"{source}: a network file, not a worked example (one holds a network, "
                           f"its input and target, and the figures printed: docs/formats.md)")
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(KEYS)})")
    if data.get("format", FORMAT) != FORMAT:
        raise fail("format", f"expected {FORMAT!r}, got {json.dumps(data['format'])}")
    for key in ("network", "input", "target"):
        if key not in data:
            raise fail(key, "missing (an example is a network, one sample and its figures)")
    network = example_network(data["network"], source, folder)
    settings = example_settings(data.get("settings", {}), network, fail)
    sample = sample_of(data, network, settings, fail)
    names = example_names(data.get("names", {}), value_names(network, settings), fail)
    example = Example(*(text(data, key, fail) for key in ("title", "source", "note")), network,
                      sample[0], sample[1], settings, names, path=source)
    example.figures = figures(data.get("figures", {}), example, fail)
    return example


def text(data: dict, key: str, fail) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise fail(key, "expected a string")
    return value


def example_network(value: Any, source: str, folder: Path | None) -> Network:
    if isinstance(value, str):
        if folder is None:
            raise NntraceError(f"{source}: network: a path needs an example file to be relative to")
        try:
            network = load_network(folder / value)
            read_through(folder / value, f"the network of {source}")
            return network
        except NntraceError as error:   # name the example too: the path is relative to it
            raise NntraceError(f"{source}: network: {error}") from None
    return Network.from_dict(value, f"{source}: network")


def sample_of(data: dict, network: Network, settings: Settings, fail) -> list[list[float]]:
    """The input and target, checked against the network and the loss."""
    inputs, targets = (vector(data[key], key, fail) for key in ("input", "target"))
    if len(inputs) != network.inputs:
        raise fail("input", f"the network {network.shape} takes {network.inputs} number(s), got {len(inputs)}")
    if len(targets) != network.outputs:
        raise fail("target", f"the network {network.shape} has {network.outputs} output(s), got {len(targets)}")
    problem = target_problem(settings, targets)
    if problem:
        raise fail("target", problem)
    return [inputs, targets]


def vector(value: Any, key: str, fail) -> list[float]:
    if not isinstance(value, list) or not value or not all(is_number(v) for v in value):
        raise fail(key, "expected a list of numbers")
    if not all(math.isfinite(v) for v in value):   # 1e400 reads as infinity
        raise fail(key, "expected a list of finite numbers")
    return [float(v) for v in value]


def example_settings(value: Any, network: Network, fail) -> Settings:
    """The settings, checked on their own and against the network (a loss its output takes)."""
    if not isinstance(value, dict):
        raise fail("settings", "expected an object")
    for key in value:
        if key not in SETTINGS:
            raise fail(f"settings: {key}", f"not a setting an example carries (it may carry "
                                           f"{', '.join(SETTINGS)}; the checker finds the convention "
                                           f"and the slips)")
    keys = {argument: key for key, argument in SETTINGS.items()}   # make_settings' name -> the file's
    try:
        settings = make_settings(**{SETTINGS[key]: item for key, item in value.items()})
        check_fits(settings, network)
    except ArgumentError as error:
        raise fail(f"settings: {keys.get(error.argument, error.argument)}", error.problem) from None
    return settings


def example_names(value: Any, order: list[str], fail) -> dict[str, str]:
    """The text's names for trace names, each a trace name of the step ("-" first if negated)."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise fail("names", "expected an object of the text's name: trace name")
    for key, target in value.items():
        if target.removeprefix("-") not in order:
            close = nearest(target.removeprefix("-"), order)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise fail(f"names: {key}", f"{target!r} is not a trace name of this network{hint}")
    return dict(value)


def figures(value: Any, example: Example, fail) -> list[Figure]:
    """The printed figures, checked and put in computation order; "" means not printed."""
    if not isinstance(value, dict):
        raise fail("figures", "expected an object of name: the figure as printed (a string)")
    order = value_names(example.network, example.settings)
    known, found = set(order), {}
    for key, printed in value.items():
        target = example.names.get(key, key)
        name, negated = target.lstrip("-"), target.startswith("-")
        if name not in known:
            close = nearest(key, [*example.names, *order])
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise fail(f"figures: {key}", f"neither a trace name of this network nor in names{hint}")
        if not isinstance(printed, str):
            raise fail(f"figures: {key}", f"write the figure as a string, as printed: \"{printed}\"")
        if printed.strip():
            number, places = printed_number(printed, lambda problem: fail(f"figures: {key}", problem))
            if name in found:
                raise fail(f"figures: {key}", f"{name} is printed twice (also as {found[name].label})")
            found[name] = Figure(name, key if key != name else "", printed.strip(),
                                 -number if negated else number, places, negated)
    return [found[name] for name in order if name in found]


def printed_number(printed: str, fail) -> tuple[Decimal, int]:
    """The number a figure shows and its decimal places ("1.2e-3": 4); − (U+2212) is a minus."""
    cleaned = printed.strip().replace("\u2212", "-")
    if "," in cleaned:
        raise fail(f"{printed!r} has a decimal comma; write it with a point ({cleaned.replace(',', '.')})")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise fail(f"{printed!r} is not a number as printed") from None
    if not number.is_finite():
        raise fail(f"{printed!r} is not a finite number")
    if not PRINTED.fullmatch(cleaned):   # Decimal() also takes "1_0" and Arabic-Indic digits
        raise fail(f"{printed!r} is not a number as printed (digits 0-9, a point, an exponent)")
    places = -number.as_tuple().exponent
    if not -400 <= places <= 1100:   # a float64 is below 1.8e308, its smallest step 5e-324
        raise fail(f"{printed!r} has an exponent beyond any float64")
    return number, places


PRINTED = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
ROUNDINGS = (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN)


def agrees(value: float | Decimal, figure: Figure) -> bool:
    """Rounding (half up or half even) or truncating the value to the printed places gives
    the printed figure."""
    number = to_decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return False
    try:
        step = Decimal(1).scaleb(-figure.places)
        return any(number.quantize(step, rounding=mode) == figure.value for mode in ROUNDINGS)
    except ArithmeticError:   # more digits than decimal's precision holds
        return False


def nearest(name: str, names: list[str]) -> list[str]:
    """The known name nearest a mistyped one, if any is near (imported here: only errors need it)."""
    import difflib

    return difflib.get_close_matches(name, names, n=1, cutoff=0.6)
