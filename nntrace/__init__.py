"""nntrace: backpropagation you can check number by number."""

from .errors import NntraceError
from .network import Network, load_network
from .trace import Recorder, Trace, read_trace

__version__ = "0.1.0"
__all__ = ["NntraceError", "Network", "Recorder", "Trace", "load_network", "read_trace", "__version__"]
