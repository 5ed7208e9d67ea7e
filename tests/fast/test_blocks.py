"""Reading a program from its blocks is reading its list: the same Plan, for every kind of
step the builders make; and a vectorised run makes no list at all."""

import itertools

import pytest

from nntrace import api
from nntrace.core.activations import ACTIVATIONS
from nntrace.core.engine import program_for
from nntrace.core.losses import LOSSES
from nntrace.core.network import random_network
from nntrace.core.program import Descent, Program, build
from nntrace.core.slips import SLIPS
from nntrace.fast.plan import Plan, forward_vectors, list_phases, read, vectors_of

# One-neuron layers (a row of one weight, a single output) and wider ones, 1 to 3 hidden layers.
SHAPES = [(1, 1), (2, 1), (1, 3), (2, 4, 1), (3, 1, 2), (2, 3, 2), (1, 2, 3, 1), (4, 3, 2, 3)]
DESCENTS = [Descent(*flags) for flags in itertools.product([False, True], repeat=3)]


def activation_pairs():
    """(hidden, output) activations: every output activation, each hidden one in turn (what
    the hidden layers compute does not change how their blocks are laid out); softmax only
    where it may be, on the output layer."""
    hidden = [name for name in ACTIVATIONS if not ACTIVATIONS[name].of_layer]
    return [(hidden[k % len(hidden)], output) for k, output in enumerate(ACTIVATIONS)]


def from_list(program: Program) -> Plan:
    """The Plan the list's reading makes (`groups`, `recognise`), whatever the program."""
    plan = read(program)
    return Plan(program, list_phases(program, plan.state), plan.state)


@pytest.mark.parametrize("descent", DESCENTS, ids=str)
@pytest.mark.parametrize("biases", [False, True])
def test_the_blocks_read_as_the_list_reads(descent, biases):
    compared = 0
    for layers, (hidden, output), loss in itertools.product(SHAPES, activation_pairs(), LOSSES):
        activations = [hidden] * (len(layers) - 2) + [output]
        program = build(layers, activations, biases, loss, (), descent)
        blocks = read(program)
        assert "assigns" not in program.__dict__   # read without making the list
        assert blocks == from_list(program), (layers, activations, loss)
        # Each phase's span of the list is the list's own.
        assert [p.assigns for p in blocks.phases] == [tuple(a) for _, a in program.phases()]
        compared += 1
    assert compared == len(SHAPES) * len(activation_pairs()) * len(LOSSES)


@pytest.mark.parametrize("slip", [None, *SLIPS])
def test_the_forward_pass_is_the_first_phases_vectors_up_to_the_loss(slip):
    """What the vectorised engine's `forward` computes, as the list's forward part reads."""
    for layers, (hidden, output) in itertools.product(SHAPES, activation_pairs()):
        activations = [hidden] * (len(layers) - 2) + [output]
        rewrites = () if slip is None else (SLIPS[slip].rewrite,)
        if slip and SLIPS[slip].needs_derivative and output == "softmax":
            continue
        program = build(layers, activations, True, "half-squared-error", rewrites)
        forward = program.assigns[:1 + next(k for k, a in enumerate(program.assigns) if a.kind == "loss")]
        try:
            plan = read(program)
        except Exception:   # a slip with no array form here: nothing to compare
            continue
        assert forward_vectors(plan) == vectors_of(forward, "sample", program.layers)


def test_a_program_is_its_shape_and_settings():
    """Equal (and hashed) by what it is built from, not by its list: a cache key."""
    a = build((2, 3, 1), ["sigmoid", "sigmoid"], True, "half-squared-error")
    b = build([2, 3, 1], ("sigmoid", "sigmoid"), True, "half-squared-error")
    assert a == b and hash(a) == hash(b) and a is not b
    assert a.assigns == b.assigns
    others = [build((2, 3, 1), ["tanh", "sigmoid"], True, "half-squared-error"),
              build((2, 3, 1), ["sigmoid", "sigmoid"], False, "half-squared-error"),
              build((2, 3, 1), ["sigmoid", "sigmoid"], True, "squared-error"),
              build((2, 3, 1), ["sigmoid", "sigmoid"], True, "half-squared-error", (SLIPS["wrong-sign"].rewrite,)),
              build((2, 3, 1), ["sigmoid", "sigmoid"], True, "half-squared-error", (), Descent(momentum=True)),
              build((2, 3, 2), ["sigmoid", "sigmoid"], True, "half-squared-error")]
    assert all(a != other for other in others)
    assert len({a, *others}) == 1 + len(others)


def test_an_untraced_vectorised_run_makes_no_list():
    network = random_network([20, 16, 3], seed=5)
    samples = [([0.1 * (k % 7)] * 20, [1.0, 0.0, 0.0]) for k in range(5)]
    result = api.train(network, samples, 2, 0.1, evaluator="numpy")
    program = program_for((20, 16, 3), ("sigmoid", "sigmoid"), False, "half-squared-error", (), Descent())
    assert result.iterations == 10
    assert "assigns" not in program.__dict__
    api.train(network, samples, 1, 0.1, evaluator="python")   # the engine needs it
    assert "assigns" in program.__dict__
