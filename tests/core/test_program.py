from nntrace.core.ops import add_up


def test_a_wide_layer_sum_is_shortened():
    assert add_up(["a", "b", "c"]) == "a + b + c"
    assert add_up([str(i) for i in range(1, 301)]) == "1 + 2 + 3 + … 296 more terms … + 300"
