from decimal import Decimal

import pytest

from nntrace.core.numbers import truncate_significant


@pytest.mark.parametrize("value, digits, expected", [
    ("1.287", 3, "1.28"), ("0.0473", 1, "0.04"), ("0.78244", 2, "0.78"),
    ("0.22605", 3, "0.226"), ("-0.78244", 2, "-0.78"), ("0", 2, "0"), ("12.99", 2, "12"),
])
def test_truncate_significant_cuts_toward_zero(value, digits, expected):
    assert truncate_significant(Decimal(value), digits) == Decimal(expected)
