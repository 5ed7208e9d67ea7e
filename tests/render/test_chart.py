from nntrace.render.chart import chart_text
from nntrace.train.curve import LossCurve
from nntrace.views.train import curve_title


def chart(curve: LossCurve, width: int = 80, height: int = 12) -> str:
    """The chart of a run's curve, as the report draws it (at most 100 columns wide)."""
    return chart_text(curve.series(), curve.epochs, curve_title(curve.width), min(width, 100), height)


def test_the_loss_chart_is_drawn_by_plotext_with_epoch_ticks():
    curve = LossCurve()
    for epoch in range(1, 401):
        curve.add(0.2 / epoch)
    text = chart(curve, width=60, height=10)
    lines = text.splitlines()
    assert len(lines) == 10 and max(map(len, lines)) <= 60
    assert "loss per epoch" in lines[0]
    ticks = lines[-1].split()
    assert ticks == ["1", "100", "200", "300", "400"]
    assert "0.2" in text   # the first loss labels the log-scale axis


def test_a_single_epoch_draws_no_chart():
    curve = LossCurve()
    curve.add(0.1)
    assert chart(curve).strip() == ""


def test_a_linear_chart_after_a_log_one_is_linear_again():
    steep, gentle = LossCurve(), LossCurve()
    for epoch in range(1, 101):
        steep.add(1.0 / epoch ** 2)
        gentle.add(0.2 - epoch / 1000)
    chart(steep)
    text = chart(gentle)
    labels = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    values = [float(label) for label in labels]
    gaps = [a - b for a, b in zip(values, values[1:])]
    assert max(gaps) - min(gaps) < 0.002   # evenly spaced: a linear axis


def test_a_log_scale_is_named_in_the_title():
    curve = LossCurve()
    for epoch in range(1, 101):
        curve.add(1.0 / epoch ** 2)       # from 1 to 1e-4: four decades
    assert chart(curve).splitlines()[0].strip().endswith("(log scale)")
    flat = LossCurve()
    for epoch in range(1, 101):
        flat.add(0.2 - epoch / 1000)
    assert "log scale" not in chart(flat)


def test_a_diverged_runs_y_labels_stay_short():
    # A loss that grows to 1e89 used to label its axis with 70-digit numbers.
    curve = LossCurve()
    for epoch, loss in enumerate([0.77, 1.8e22, 4.2e44, 9.9e66, 2.3e89], 1):
        curve.add(loss)
    text = chart(curve)
    labels = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    assert labels and max(map(len, labels)) <= 8, labels
    assert labels[0] == "2.3e+89" and labels[-1] == "0.77"
    assert all(len(line) <= 80 for line in text.splitlines())
