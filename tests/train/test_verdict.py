"""The verdict: learned or not, and why, on hand-made results and on the README's three settings."""

import math

import pytest

from nntrace import article
from nntrace.core.network import Network
from nntrace.core.settings import make_settings
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.train.signals import Stop
from nntrace.train.curve import LossCurve
from nntrace.train.verdict import SampleResult, classified_right, judge, largest_where_largest, stuck_near


def article_run(epochs, lr, convention="exact"):
    return train(article.network(), xor(), epochs, make_settings(lr, convention))


def test_the_articles_settings_learn_nothing():
    result = article_run(10000, 0.001)
    verdict = result.verdict
    assert not verdict.learned and verdict.right == 2
    assert "stuck" in verdict.reasons and "flat" in verdict.reasons
    assert verdict.stuck_near == pytest.approx(0.5, abs=0.02)
    assert all(abs(s.outputs[0] - 0.5) < 0.02 for s in result.samples)
    assert "outputs are stuck near 0.511" in verdict.describe()


def test_exact_math_at_half_learns_xor():
    result = article_run(10000, 0.5)
    assert result.verdict.learned and result.verdict.reasons == ()
    assert all(abs(s.outputs[0] - s.targets[0]) < 0.05 for s in result.samples)
    assert result.final_loss < 0.001 < result.curve.first
    assert result.verdict.describe().startswith("Learned: all 4 samples classified right")


def test_at_half_the_article_convention_does_not_learn_where_exact_math_does():
    # 3000 epochs are enough for exact math, and show the article convention stuck.
    assert article_run(3000, 0.5).verdict.learned
    result = article_run(3000, 0.5, "article")
    assert not result.verdict.learned
    assert set(result.verdict.reasons) == {"stuck", "flat"}


def test_a_run_still_falling_says_more_epochs_may_help():
    verdict = article_run(2000, 0.5).verdict
    assert not verdict.learned and verdict.reasons == ("falling",)
    assert "more epochs may help" in verdict.describe()


def test_a_loss_that_ended_no_lower_is_not_called_falling():
    curve = LossCurve()
    for loss in [1.0, 0.9, 1.2, 0.8, 1.05, 0.7, 1.04]:   # up 4%: not the 10% of "rose"; not flat
        curve.add(loss)
    samples = [SampleResult((0.0,), (t,), (o,), False) for o, t in [(0.9, 0.0), (0.1, 1.0)]]
    verdict = judge(samples, curve, None)
    assert verdict.reasons == ("not-falling",)
    assert verdict.describe() == ("Not learned: 0 of 2 samples classified right; the loss went from 1 to "
                                  "1.04, no lower than it began, and is not flat: it wanders.")


@pytest.mark.parametrize("output, target, targets, right", [
    (0.51, 1.0, [0.0, 1.0], True), (0.49, 1.0, [0.0, 1.0], False), (0.5, 0.0, [0.0, 1.0], False),
    (-0.2, -1.0, [-1.0, 1.0], True), (0.3, 0.25, [0.25], True), (0.8, 0.25, [0.25], False),
    (math.nan, 1.0, [0.0, 1.0], False),
])
def test_classified_right(output, target, targets, right):
    assert classified_right(output, target, targets) is right


def test_stuck_near_needs_outputs_that_barely_depend_on_the_input():
    def samples(outputs):
        return [SampleResult((0.0,), (t,), (o,), False) for o, t in zip(outputs, [0.0, 1.0, 1.0, 0.0])]
    assert stuck_near(samples([0.50, 0.52, 0.51, 0.53])) == pytest.approx(0.515)
    assert stuck_near(samples([0.40, 0.52, 0.51, 0.53])) is None


def test_too_short_a_run_says_so():
    stop = Stop()
    stop.requested = True
    net = Network.from_dict({"layers": [2, 1], "activation": "sigmoid", "weights": [[[1.0, -1.0]]]})
    verdict = train(net, xor(), 10, make_settings(0.5), stop=stop).verdict
    assert verdict.reasons == ("short",)
    assert verdict.describe() == (f"Not learned: {verdict.right} of 4 samples classified right; "
                                  f"too few epochs ran to judge the loss.")


def test_a_plateau_is_called_flat_without_a_forecast():
    # Exact math at 0.5 is flat at 1000 epochs, then leaves the plateau and learns by 3000:
    # the verdict must not say more epochs will hardly help.
    verdict = article_run(1000, 0.5).verdict
    assert not verdict.learned and "flat" in verdict.reasons
    text = verdict.describe()
    assert "the loss is flat, on a plateau (its mean over the last 100 epoch(s) is within 1% of the 100 " \
           "before), which more epochs may or may not leave" in text
    assert "hardly help" not in text
    assert article_run(3000, 0.5).verdict.learned


@pytest.mark.parametrize("outputs, targets, right", [
    ((0.4, 0.3, 0.3), (1.0, 0.0, 0.0), True),     # below 0.5, but the largest
    ((0.3, 0.4, 0.3), (1.0, 0.0, 0.0), False),
    ((0.1, 0.2, 0.7), (0.2, 0.3, 0.5), True),     # soft targets: where the largest target is
    ((0.1, 0.6, 0.3), (0.2, 0.3, 0.5), False),
    ((0.99, 0.01), (0.0, 1.0), False),
    ((math.nan, 0.5, 0.5), (1.0, 0.0, 0.0), False),
    ((math.inf, 0.0), (1.0, 0.0), False),
])
def test_largest_where_largest(outputs, targets, right):
    assert largest_where_largest(outputs, targets) is right
