"""The errors the front doors turn into one line: exit status 2 (1 for NonFiniteError)."""

from __future__ import annotations

from typing import Any

NOT_GIVEN = object()


def one_line(message: str) -> str:
    """The message on one line whatever it quotes: a file name or a key may hold a line break."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in message)


class NntraceError(Exception):
    """Bad input or a file that cannot be read or written; the message is one line."""

    def __init__(self, message: str = "", *args: object):
        super().__init__(one_line(str(message)), *args)


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def plural(count: int, word: str) -> str:
    """`1 number`, `3 numbers`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class ArgumentError(NntraceError):
    """One argument of a run is wrong. The message names it as Python does (`lr='x': not a
    number`; `target: required here` when there is no value to show); the CLI names it as
    its option (`--lr`) from `argument` and `problem`."""

    def __init__(self, argument: str, problem: str, value: Any = NOT_GIVEN):
        shown = "" if value is NOT_GIVEN else f"={short(value)}"
        super().__init__(f"{argument}{shown}: {problem}")
        self.argument = argument
        self.problem = problem


class NonFiniteError(NntraceError):
    """A computed value stopped being a finite number (overflow, a diverging learning rate)."""

    def __init__(self, message: str, name: str | None = None, iteration: int | None = None):
        super().__init__(message)
        self.name = name
        self.iteration = iteration
