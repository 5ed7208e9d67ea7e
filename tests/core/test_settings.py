import re

import pytest

from nntrace.cli import option_of
from nntrace.core.conventions import CONVENTIONS
from nntrace.core.settings import arithmetic, make_settings
from nntrace.errors import ArgumentError


def test_article_is_the_derivative_slip_plus_truncation():
    settings = make_settings(convention="article")
    assert settings.slips == ("derivative-on-output",)
    assert arithmetic(settings).carry is CONVENTIONS["article"].carry
    assert settings.label == "article"
    assert make_settings(convention="exact", slips=["wrong-sign"]).label == "exact + wrong-sign"


# The CLI names the argument as its option (--convention, --slip): option_of(argument).
@pytest.mark.parametrize("name, slips, option, problem", [
    ("other", [], "--convention", "expected 'exact' or 'article'"),
    ("exact", ["typo"], "--slip", "unknown 'typo'"),
    ("exact", ["rounded:x"], "--slip", "expected rounded:N"),
    ("article", ["truncated:3"], "--slip",
     r"'truncated:3': only one precision at a time \(the article convention already truncates\)$"),
    ("exact", ["rounded:2", "truncated:3"], "--slip", "'truncated:3': only one precision at a time$"),
])
def test_bad_conventions_are_refused(name, slips, option, problem):
    with pytest.raises(ArgumentError) as raised:
        make_settings(convention=name, slips=slips)
    assert option_of(raised.value.argument) == option
    assert re.search(problem, raised.value.problem), raised.value.problem
