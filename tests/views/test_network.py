from nntrace.core.network import random_network
from nntrace.views.network import connections


def expected_weights(network, after=None):
    return {c.name: c for c in connections(network, after)}


def test_connections_name_every_weight_and_bias():
    net = random_network([3, 2, 1], seed=2, biases=True)
    found = expected_weights(net)
    assert len(found) == 3 * 2 + 2 + 2 * 1 + 1
    assert found["L1.n2.w3"].old == net.weights[0][1][2]
    assert found["L2.n1.b"].old == net.biases[1][0]
    assert found["L1.n2.w3"].origin == "L0.n3" and found["L1.n2.w3"].target == "L1.n2"
