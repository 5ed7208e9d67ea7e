"""The one error class the CLI turns into a one-line message and exit status 2."""


class NntraceError(Exception):
    """Bad input or a file that cannot be read or written; the message is one line."""


class NonFiniteError(NntraceError):
    """A computed value stopped being a finite number (overflow, a diverging learning rate)."""

    def __init__(self, message: str, name: str | None = None, iteration: int | None = None):
        super().__init__(message)
        self.name = name
        self.iteration = iteration
