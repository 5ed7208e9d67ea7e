"""nntrace: backpropagation you can check number by number.

The Python API is `nntrace.api` (step, train, diff, explain, check, explore, show);
`nntrace.notebook` shows its results in Jupyter; `Recorder` writes a trace from your own code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
# Imported when first used, so that the command line starts without them.
EXPORTS = {"NntraceError": "errors", "Network": "core.network", "load_network": "core.network",
           "Recorder": "trace", "Trace": "trace", "read_trace": "trace"}
__all__ = [*EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in EXPORTS:
        return getattr(import_module(f".{EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'nntrace' has no attribute {name!r}")
