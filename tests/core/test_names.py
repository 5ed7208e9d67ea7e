from nntrace.core.engine import value_names
from nntrace.core.names import ValueName, parse_name
from nntrace.core.network import random_network


def test_parse_name_reads_back_every_name_the_engine_records():
    net = random_network([2, 3, 1], seed=1, biases=True)
    for name in value_names(net):
        parsed = parse_name(name)
        assert (parsed is None) == (name == "loss"), name
    assert parse_name("L2.n1.w3") == ValueName(2, 1, "w", 3)
    assert parse_name("L1.n4.b") == ValueName(1, 4, "b")
    assert parse_name("L1.n1.nte") is None


def test_gradients_and_velocities_of_weights_and_biases_are_names():
    assert parse_name("L2.n1.w3.grad") == ValueName(2, 1, "w", 3, "grad")
    assert parse_name("L2.n1.w3.velocity") == ValueName(2, 1, "w", 3, "velocity")
    assert parse_name("L1.n2.b.velocity") == ValueName(1, 2, "b", None, "velocity")
    assert parse_name("L1.n2.delta.velocity") is None and parse_name("L1.n2.w1.speed") is None
    from nntrace.core.settings import make_settings
    names = value_names(random_network([2, 2, 1], seed=1, biases=True), make_settings(0.5, momentum=0.9))
    assert "L2.n1.b.velocity" in names and all(parse_name(n) for n in names if n != "loss")
