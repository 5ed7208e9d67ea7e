"""The network: a dataclass, and loading, validating and saving the network file."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NntraceError
from ..files import read_text, source_name, write_atomically
from .activations import ACTIVATIONS, DEFAULT_ACTIVATION

FORMAT = "nntrace-network/1"
KEYS = {"format", "layers", "activation", "weights", "biases"}


@dataclass
class Network:
    """Layer sizes (input first), one activation per non-input layer, weights and optional biases.

    `weights[l][j][i]` is the weight from neuron i of layer l into neuron j of layer l+1;
    `biases[l][j]` is the bias of neuron j of layer l+1, or `biases` is None.
    """

    layers: list[int]
    activations: list[str]
    weights: list[list[list[float]]]
    biases: list[list[float]] | None = None

    @property
    def shape(self) -> str:
        return "-".join(str(size) for size in self.layers)

    @property
    def inputs(self) -> int:
        return self.layers[0]

    @property
    def outputs(self) -> int:
        return self.layers[-1]

    def describe(self) -> str:
        kinds = sorted(set(self.activations), key=self.activations.index)
        biases = "biases" if self.biases is not None else "no biases"
        return f"{self.shape} {'/'.join(kinds)}, {biases}"

    def to_dict(self) -> dict[str, Any]:
        same = len(set(self.activations)) == 1
        data: dict[str, Any] = {
            "format": FORMAT,
            "layers": list(self.layers),
            "activation": self.activations[0] if same else list(self.activations),
            "weights": [[list(row) for row in layer] for layer in self.weights],
        }
        if self.biases is not None:
            data["biases"] = [list(layer) for layer in self.biases]
        return data

    def copy(self) -> "Network":
        return Network(list(self.layers), list(self.activations),
                       [[list(row) for row in matrix] for matrix in self.weights],
                       None if self.biases is None else [list(layer) for layer in self.biases])

    @classmethod
    def from_dict(cls, data: Any, source: str = "network") -> "Network":
        """Validate a parsed network file; every problem names `source` and the place."""
        return _Validator(source).network(data)


def load_network(path: str | Path) -> Network:
    """Read and validate a network file."""
    source = source_name(path)
    text = read_text(path, "utf-8-sig")
    return Network.from_dict(parse_json(text, source), source)


def save_network(network: Network, path: str | Path, option: str = "--save") -> None:
    write_atomically(path, dumps_network(network), option)


def dumps_network(network: Network) -> str:
    return json.dumps(network.to_dict(), indent=2) + "\n"


def random_network(layers: list[int], activation: str | list[str] = DEFAULT_ACTIVATION, seed: int | None = None,
                   biases: bool = False, low: float = 0.0, high: float = 1.0) -> Network:
    """A fresh network, weights uniform in [low, high] as the article draws them."""
    rng = random.Random(seed)
    data: dict[str, Any] = {
        "layers": layers,
        "activation": activation,
        "weights": [[[rng.uniform(low, high) for _ in range(layers[l])] for _ in range(layers[l + 1])]
                    for l in range(len(layers) - 1)],
    }
    if biases:
        data["biases"] = [[rng.uniform(low, high) for _ in range(size)] for size in layers[1:]]
    return Network.from_dict(data)


def parse_json(text: str, source: str, what: str = "a network file") -> Any:
    """json.loads, errors naming the line and column. NaN and Infinity are read as a
    JsonConstant, so that the validator refuses them naming their place (weights[0][1][0]).
    `what` the file should be, for the message when it is empty or a JSON Lines trace."""
    if not text.strip():
        raise NntraceError(f"{source}: empty file, not {what}")
    try:
        return json.loads(text.removeprefix("\ufeff"), parse_constant=JsonConstant.read)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and error.lineno > 1:   # JSON Lines? a trace's header
            try:
                first = json.loads(text.strip().splitlines()[0])
            except (ValueError, RecursionError):
                first = None
            if isinstance(first, dict) and what == "a network file":
                _Validator(source).not_a_trace(first)
            if isinstance(first, dict) and str(first.get("format", "")).startswith("nntrace-trace"):
                raise NntraceError(f"{source}: a trace ({first['format']}), not {what}") from None
        raise NntraceError(f"{source}: line {error.lineno} column {error.colno}: not valid JSON: "
                           f"{error.msg}") from None
    except RecursionError:
        raise NntraceError(f"{source}: nested too deeply to be a network or a trace") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise NntraceError(f"{source}: not readable as JSON: {error}") from None


class JsonConstant(float):
    """NaN, Infinity or -Infinity as a file spelled it: numbers JSON does not allow."""

    token = "NaN"

    @classmethod
    def read(cls, token: str) -> "JsonConstant":
        constant = cls(token.replace("Infinity", "inf"))
        constant.token = token
        return constant


def is_number(value: Any) -> bool:
    """A JSON number: not a bool, nor a NaN or Infinity token (JsonConstant)."""
    return isinstance(value, (int, float)) and not isinstance(value, (bool, JsonConstant))


def as_float(value: int | float) -> float:
    """float(), but an integer too large for a float is infinity rather than an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def placement(activation: str, layer: int, layers: list[int]) -> str:
    """Why `activation` may not be that of `layer` (1 = the first after the input), or ""."""
    if ACTIVATIONS[activation].output_only:
        if layer != len(layers) - 1:
            return f"{activation} is for the output layer only, not layer {layer}"
        if layers[layer] < 2:
            return f"{activation} needs an output layer of 2 neurons or more (layer {layer} has 1)"
    return ""


class _Validator:
    def __init__(self, source: str):
        self.source = source

    def fail(self, place: str, problem: str) -> NntraceError:
        return NntraceError(f"{self.source}: {place}: {problem}")

    def number(self, value: Any, place: str) -> float:
        if isinstance(value, JsonConstant):
            raise self.fail(place, f"{value.token} is not a number JSON allows")
        if not is_number(value):
            raise self.fail(place, f"{json.dumps(value)[:40]} is not a number")
        number = as_float(value)
        if not math.isfinite(number):
            raise self.fail(place, "a number beyond a float's range (1.8e308)")
        return number

    def numbers(self, value: Any, place: str, length: int, what: str) -> list[float]:
        """A list of `length` finite numbers: at once when they are floats and ints, else
        one by one, to name the first that is not."""
        self.array(value, place, length, what)
        if set(map(type, value)) == {float} and all(map(math.isfinite, value)):
            return list(value)
        return [self.number(v, f"{place}[{k}]") for k, v in enumerate(value)]

    def array(self, value: Any, place: str, length: int, what: str) -> list:
        if not isinstance(value, list):
            raise self.fail(place, f"expected a list of {what}, got {json.dumps(value)[:40]}")
        if len(value) != length:
            raise self.fail(place, f"expected {length} {what}, got {len(value)}")
        return value

    def network(self, data: Any) -> Network:
        if not isinstance(data, dict):
            raise NntraceError(f"{self.source}: expected a JSON object with layers, activation, weights")
        self.not_a_trace(data)
        unknown = sorted(set(data) - KEYS)
        if unknown:
            raise self.fail(unknown[0], f"unknown key (known: {', '.join(sorted(KEYS))})")
        if "format" in data and data["format"] != FORMAT:
            raise self.fail("format", f"expected {FORMAT!r}, got {json.dumps(data['format'])}")
        if "layers" not in data:
            raise self.fail("layers", "missing (the layer sizes, input first, e.g. [2, 4, 1])")
        layers = self.layers(data["layers"])
        if "activation" not in data:
            raise self.fail("activation", f"missing (one of {', '.join(ACTIVATIONS)}, or a list)")
        activations = self.activations(data["activation"], layers)
        if "weights" not in data:
            raise self.fail("weights", "missing")
        weights = self.weights(data["weights"], layers)
        biases = None if data.get("biases") is None else self.biases(data["biases"], layers)
        return Network(layers, activations, weights, biases)

    def not_a_trace(self, data: dict) -> None:
        form = data.get("format")
        if isinstance(form, str) and form.startswith("nntrace-trace/") or "format" not in data and "steps" in data:
            raise NntraceError(f"{self.source}: a trace ({form or 'it has steps'}), not a network file; "
                               f"its header's \"network\" is the network it started from")

    def layers(self, value: Any) -> list[int]:
        if not isinstance(value, list) or len(value) < 2:
            raise self.fail("layers", "expected a list of at least 2 layer sizes, e.g. [2, 4, 1]")
        for l, size in enumerate(value):
            if not isinstance(size, int) or isinstance(size, bool):
                raise self.fail(f"layers[{l}]", f"{json.dumps(size)} is not a whole number")
            if size < 1:
                raise self.fail(f"layers[{l}]", f"a layer needs at least 1 neuron, got {size}")
        return list(value)

    def activations(self, value: Any, layers: list[int]) -> list[str]:
        count = len(layers) - 1
        names = [value] * count if isinstance(value, str) else value
        place = "activation"
        if not isinstance(names, list):
            raise self.fail(place, "expected a name or a list of names")
        if len(names) != count:
            raise self.fail(place, f"expected one name per non-input layer ({count}), got {len(names)}")
        for l, name in enumerate(names):
            if name not in ACTIVATIONS:
                where = place if isinstance(value, str) else f"{place}[{l}]"
                raise self.fail(where, f"unknown activation {json.dumps(name)} "
                                       f"(choose from {', '.join(ACTIVATIONS)})")
            problem = placement(name, l + 1, layers)
            if problem:
                raise self.fail(place if isinstance(value, str) else f"{place}[{l}]", problem)
        return list(names)

    def weights(self, value: Any, layers: list[int]) -> list[list[list[float]]]:
        self.array(value, "weights", len(layers) - 1, "weight matrices (one per layer after the input)")
        result = []
        for l, matrix in enumerate(value):
            self.transposed(matrix, l, layers)
            rows = self.array(matrix, f"weights[{l}]", layers[l + 1],
                              f"rows (one per neuron of layer {l + 1})")
            result.append([self.numbers(row, f"weights[{l}][{j}]", layers[l],
                                        f"numbers (one per neuron of layer {l})") for j, row in enumerate(rows)])
        return result

    def transposed(self, matrix: Any, l: int, layers: list[int]) -> None:
        """Refuse, by name, a matrix in the (inputs x neurons) layout of x @ W."""
        into, out_of = layers[l + 1], layers[l]
        if (into != out_of and isinstance(matrix, list) and len(matrix) == out_of
                and all(isinstance(row, list) and len(row) == into for row in matrix)):
            raise self.fail(f"weights[{l}]", f"{out_of} rows of {into}: the transposed layout "
                                             f"(one row per neuron of layer {l}, as x @ W); a network "
                                             f"file has one row per neuron of layer {l + 1} ({into} rows "
                                             f"of {out_of}), weights[{l}][j][i] from neuron i into j")

    def biases(self, value: Any, layers: list[int]) -> list[list[float]]:
        self.array(value, "biases", len(layers) - 1, "bias lists (one per layer after the input)")
        return [self.numbers(row, f"biases[{l}]", layers[l + 1], f"numbers (one per neuron of layer {l + 1})")
                for l, row in enumerate(value)]
