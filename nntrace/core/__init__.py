"""The math of a step, in the standard library only: the network, the trace-name grammar,
numbers and carry rules, the registries (activations, losses, slips, conventions), the
settings, the step described as data (program) and the evaluators that read it."""
