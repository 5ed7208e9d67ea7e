"""The article's worked example: its network, its data, its names and every figure it prints.

Source: "How neural network works? Let's figure it out" (liashchynskyi, dev.to), the 2-4-1
XOR network with no biases. The figures are the article's text, digit for digit.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from functools import cache

from .core.network import Network
from .core.settings import Settings

NETWORK = {
    "layers": [2, 4, 1],
    "activation": "sigmoid",
    "weights": [
        [[0.2, 0.6], [0.5, 0.7], [0.4, 0.9], [0.8, 0.3]],
        [[0.6, 0.7, 0.3, 0.4]],
    ],
}
XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
INPUT, TARGET, LEARNING_RATE = [0.0, 1.0], [1.0], 0.001
SOURCE = "article"   # what the tables call it, above its names and its printed figures


def network() -> Network:
    return Network.from_dict(NETWORK, "the article's network")


def xor_target(inputs: list[float]) -> list[float] | None:
    """The XOR table's target for inputs 0/1, else None."""
    if len(inputs) == 2 and all(v in (0.0, 1.0) for v in inputs):
        return [float(int(inputs[0]) ^ int(inputs[1]))]
    return None


def article_names(layers: list[int]) -> dict[str, str]:
    """Trace name -> the article's name, for a network of the article's 2-4-1 shape."""
    if list(layers) != [2, 4, 1]:
        return {}
    names = {
        "L2.n1.net": "net_o", "L2.n1.out": "output_o", "L2.n1.error": "error",
        "L2.n1.deriv": "deriv(output_o)", "L2.n1.delta": "delta_error",
    }
    for j in range(1, 5):
        names.update({
            f"L1.n{j}.net": f"net{j}_h", f"L1.n{j}.out": f"output{j}_h",
            f"L1.n{j}.error": f"error{j}_h", f"L1.n{j}.deriv": f"deriv(output{j}_h)",
            f"L1.n{j}.delta": f"delta_error{j}_h", f"L2.n1.w{j}": f"hidden_to_output_{j}",
        })
        for i in (1, 2):
            names[f"L1.n{j}.w{i}"] = f"input_to_hidden_{2 * (j - 1) + i}"
    return names


# Every number the article prints for input 0 1, target 1, learning rate 0.001, as printed.
FIGURES = {
    "L1.n1.net": "0.6", "L1.n2.net": "0.7", "L1.n3.net": "0.9", "L1.n4.net": "0.3",
    "L1.n1.out": "0.64", "L1.n2.out": "0.66", "L1.n3.out": "0.71", "L1.n4.out": "0.57",
    "L2.n1.net": "1.28", "L2.n1.out": "0.78",
    "L2.n1.error": "0.22", "L2.n1.deriv": "0.21", "L2.n1.delta": "0.04",
    "L1.n1.error": "0.024", "L1.n2.error": "0.028", "L1.n3.error": "0.012", "L1.n4.error": "0.016",
    "L1.n1.deriv": "0.22", "L1.n2.deriv": "0.224", "L1.n3.deriv": "0.220", "L1.n4.deriv": "0.23",
    "L1.n1.delta": "0.005", "L1.n2.delta": "0.006", "L1.n3.delta": "0.002", "L1.n4.delta": "0.003",
    "L2.n1.w1": "0.6000256", "L2.n1.w2": "0.7000264", "L2.n1.w3": "0.3000284", "L2.n1.w4": "0.4000228",
    "L1.n1.w1": "0.2", "L1.n1.w2": "0.600005", "L1.n2.w1": "0.5", "L1.n2.w2": "0.700006",
    "L1.n3.w1": "0.4", "L1.n3.w2": "0.900002", "L1.n4.w1": "0.8", "L1.n4.w2": "0.300003",
}


def matches_printed(value: float, printed: str) -> bool:
    """The article's rule: a value matches when, truncated to the printed digits, it equals the figure."""
    decimals = len(printed.partition(".")[2])
    exact = Decimal(repr(float(value)))
    if not exact.is_finite() or exact.adjusted() > 20:   # quantize would raise; it cannot match
        return False
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN) == Decimal(printed)


def is_article_run(network: Network | None, inputs: list[float], targets: list[float],
                   settings: "Settings") -> bool:
    """Is this the article's own example, so its printed figures apply?"""
    return (network is not None and network.to_dict() == Network.from_dict(NETWORK).to_dict()
            and list(inputs) == INPUT and list(targets) == TARGET
            and settings.learning_rate == LEARNING_RATE and settings.loss == Settings().loss)


# Why a figure of the article differs from exact math, for the side-by-side view.
REASONS = {
    "derivative": "derivative applied to an already-activated value (sigmoid twice)",
    "truncation": "article truncated a value and carried it forward",
    "carried": "follows from the derivative slip on an earlier line",
}


@cache
def truncation_only_values() -> dict[str, float]:
    """The article's iteration with its truncation but the textbook derivative: which of its
    figures truncation alone explains. One fixed example, so computed once."""
    from .core.engine import Engine
    from .core.settings import Arithmetic, arithmetic, make_settings

    settings = make_settings(LEARNING_RATE, "article")
    truncation_only = Arithmetic(arithmetic(settings).numbers, arithmetic(settings).carry, ())
    values: dict[str, float] = {}
    Engine(network(), settings, truncation_only).step(
        INPUT, TARGET, lambda name, value: values.__setitem__(name, float(value)))
    return values


def differences(exact_values: dict[str, float]) -> dict[str, str]:
    """Trace name -> reason key, for each article figure that exact math does not reproduce.

    A line whose figure comes out of the article's truncation alone (exact derivative, the
    article's precision) is a truncation; a `deriv` line is the derivative slip; any other
    line only the full article convention reproduces inherits the slip from above.
    """
    truncated = truncation_only_values()
    reasons = {}
    for name, printed in FIGURES.items():
        if name not in exact_values or matches_printed(exact_values[name], printed):
            continue
        if name.endswith(".deriv"):
            reasons[name] = "derivative"
        elif matches_printed(float(truncated[name]), printed):
            reasons[name] = "truncation"
        else:
            reasons[name] = "carried"
    return reasons
