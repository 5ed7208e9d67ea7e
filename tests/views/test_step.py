from rich.console import Group

from nntrace import api
from nntrace.render.step import StepTables
from nntrace.trace.model import network_after
from nntrace.views.step import section_of, step_views
from nntrace.views.text import format_number


def test_sections_follow_the_article():
    assert section_of("L1.n2.net", 2) == "Forward, hidden layer 1 (L1)"
    assert section_of("L2.n1.delta", 2) == "Backward, output layer (L2)"
    assert section_of("L1.n1.w2", 2) == "Updates into the hidden layer 1 (L1)"
    assert section_of("loss", 2) == "Loss"


def test_multi_step_traces_use_the_weights_the_previous_step_left(render, article_network):
    first = api.step(article_network, [0, 1], [1], lr=0.5)
    after = first.steps[0].values["L2.n1.w1"]
    net = network_after(first.network, first.steps[0])
    second = api.step(net, [1, 1], [0], lr=0.5)
    first.steps.append(second.steps[0])
    second.steps[0].iteration = 2
    text = render(Group(*(StepTables(view) for view in step_views(first))))
    assert f"{format_number(after)} + " in text
