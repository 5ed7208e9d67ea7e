"""The one error class the CLI turns into a one-line message and exit status 2."""


class NntraceError(Exception):
    """Bad input or a file that cannot be read or written; the message is one line."""


class ArgumentError(NntraceError):
    """One argument of a run is wrong; the CLI names it as an option (--input), the notebook
    API as a keyword (input=), so the problem is kept apart from the argument's name."""

    def __init__(self, argument: str, problem: str):
        super().__init__(f"{argument}: {problem}")
        self.argument = argument
        self.problem = problem


class NonFiniteError(NntraceError):
    """A computed value stopped being a finite number (overflow, a diverging learning rate)."""

    def __init__(self, message: str, name: str | None = None, iteration: int | None = None):
        super().__init__(message)
        self.name = name
        self.iteration = iteration
