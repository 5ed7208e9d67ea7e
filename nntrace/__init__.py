"""nntrace: backpropagation you can check number by number.

The Python API is `nntrace.api` (step, train, diff, explain, show); `nntrace.notebook`
shows its results in Jupyter; `Recorder` writes a trace from your own code.
"""

from .core.network import Network, load_network
from .errors import NntraceError
from .trace import Recorder, Trace, read_trace

__version__ = "0.1.0"
__all__ = ["NntraceError", "Network", "Recorder", "Trace", "load_network", "read_trace", "__version__"]
