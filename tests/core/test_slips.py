import pytest

from nntrace.core.engine import Engine
from nntrace.core.network import Network
from nntrace.core.settings import make_settings


@pytest.mark.parametrize("slip, loss", [("rounded:3", 0.205), ("truncated:3", 0.204), ("rounded:1", 0.2),
                                        ("rounded:0", 0.0), ("truncated:6", 0.2048)])
def test_precision_slips_carry_the_loss_too(slip, loss):
    # 1-1 identity network, weight 0.5, input 0.3: out 0.15; target 0.79: error 0.64,
    # loss ½ × 0.64² = 0.2048, written down at N decimals like every other intermediate.
    network = Network.from_dict({"layers": [1, 1], "activation": "identity", "weights": [[[0.5]]]})
    values = {}
    returned = Engine(network, make_settings(0.1, "exact", [slip])).step([0.3], [0.79], values.__setitem__)
    assert float(values["loss"]) == float(returned) == loss
