"""Traces: the recorded values of steps, the Recorder that collects them, and their files."""

from .model import Step, Trace, finite_or_none
from .read import read_trace
from .recorder import Recorder
from .write import JsonlTraceWriter, dumps_trace, write_trace

__all__ = ["JsonlTraceWriter", "Recorder", "Step", "Trace", "dumps_trace", "finite_or_none",
           "read_trace", "write_trace"]
