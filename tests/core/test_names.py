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
