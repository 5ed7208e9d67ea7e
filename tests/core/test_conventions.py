from decimal import Decimal

from nntrace.core.conventions import CONVENTIONS


def test_article_carry_keeps_weights_whole():
    article_carry = CONVENTIONS["article"].carry
    assert article_carry(Decimal("0.6000256"), "weight") == Decimal("0.6000256")
    assert article_carry(Decimal("0.6456"), "out") == Decimal("0.64")
