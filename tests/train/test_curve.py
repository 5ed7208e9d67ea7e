import pytest

from nntrace.train.curve import LossCurve


def test_loss_curve_keeps_at_most_capacity_points_each_a_mean():
    curve = LossCurve(capacity=8)
    losses = [float(i * i) for i in range(1, 30)]
    for loss in losses:
        curve.add(loss)
    assert curve.epochs == 29 and curve.first == 1.0 and curve.last == 841.0
    assert len(curve.points) < 8 and curve.width == 4
    series = curve.series()
    expected = [sum(losses[i:i + 4]) / 4 for i in range(0, 28, 4)] + [losses[28]]
    assert [loss for _, loss in series] == pytest.approx(expected)
    assert [epoch for epoch, _ in series] == [2.5 + 4 * i for i in range(7)] + [29]
