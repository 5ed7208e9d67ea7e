import pytest

from nntrace.views.text import format_number


@pytest.mark.parametrize("value, digits, text", [
    (0.6, 7, "0.6"), (1.0, 7, "1"), (0.0, 7, "0"), (0.6000233291157266, 7, "0.6000233"),
    (0.6456563062257954, 4, "0.6457"), (3.6e-05, 7, "3.6e-05"), (float("inf"), 7, "inf"),
])
def test_format_number(value, digits, text):
    assert format_number(value, digits) == text
