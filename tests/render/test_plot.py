import re
import struct
import sys
import xml.etree.ElementTree as ET

import pytest

from nntrace.errors import NntraceError
from nntrace.render.plot import plot_losses

LOSSES = [0.5 * 0.9 ** epoch + 0.01 * (epoch % 3) for epoch in range(40)]


def line_points(svg: str) -> list[tuple[float, float]]:
    """The drawn loss line's points, read from the SVG matplotlib wrote."""
    root = ET.fromstring(svg)
    group = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == "loss")
    path = next(group.iter("{http://www.w3.org/2000/svg}path")).get("d")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(zip(numbers[::2], numbers[1::2]))


def test_svg_draws_a_point_per_epoch_in_the_losses_order(tmp_path):
    path = tmp_path / "loss.svg"
    plot_losses(LOSSES, path)
    points = line_points(path.read_text(encoding="utf-8"))
    assert len(points) == len(LOSSES)
    xs = [x for x, _ in points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)           # epochs left to right
    for a in range(len(LOSSES)):
        for b in range(a + 1, len(LOSSES)):
            # SVG's y grows downwards: a larger loss is drawn higher up.
            if abs(LOSSES[a] - LOSSES[b]) > 1e-9:
                assert (points[a][1] < points[b][1]) == (LOSSES[a] > LOSSES[b]), (a, b)


def test_png_is_a_real_png(tmp_path):
    path = tmp_path / "loss.png"
    plot_losses([0.3, 0.2, 0.25, 0.1], path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (7 * 120, 4 * 120)


def test_a_loss_falling_by_orders_of_magnitude_uses_a_log_scale(tmp_path):
    path = tmp_path / "loss.svg"
    plot_losses([10.0 ** -k for k in range(6)], path)
    ys = [y for _, y in line_points(path.read_text(encoding="utf-8"))]
    steps = [b - a for a, b in zip(ys, ys[1:])]
    assert max(steps) == pytest.approx(min(steps), rel=1e-3)   # equal decades, equal steps


@pytest.mark.parametrize("name, message", [("loss.jpg", "unknown extension '.jpg'; use .png or .svg"),
                                           ("loss", "unknown extension '(none)'")])
def test_unknown_extensions_are_refused(tmp_path, name, message):
    with pytest.raises(NntraceError, match=re.escape(message)):
        plot_losses([1.0], tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_one_line_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # import matplotlib now fails
    with pytest.raises(NntraceError, match=re.escape("--plot: matplotlib is not installed; "
                                                     "to get it: pip install 'nntrace[plot]'")):
        plot_losses([1.0, 0.5], tmp_path / "loss.png")
    assert list(tmp_path.iterdir()) == []


def test_losses_can_sit_at_given_epochs(tmp_path):
    path = tmp_path / "loss.svg"
    plot_losses([0.4, 0.3, 0.1], path, epochs=[5, 15, 45])
    xs = [x for x, _ in line_points(path.read_text(encoding="utf-8"))]
    # Spacing follows the epochs: 10 apart, then 30 apart.
    assert (xs[2] - xs[1]) == pytest.approx(3 * (xs[1] - xs[0]), rel=1e-3)


def test_a_long_runs_curve_is_titled_with_the_epochs_each_point_averages(tmp_path):
    from nntrace.render.plot import plot_curve
    from nntrace.train.curve import LossCurve

    curve = LossCurve(capacity=4)
    for epoch in range(1, 7):
        curve.add(1.0 / epoch)
    assert curve.width == 2
    path = tmp_path / "loss.svg"
    assert plot_curve(curve, path)
    svg = path.read_text(encoding="utf-8")
    # The title of views.train.curve_title (tests/views/test_train.py), capitalised.
    assert "Loss per epoch (mean over the samples), each point the mean of 2 epochs" in svg
    assert len(line_points(svg)) == len(curve.series())
    short = LossCurve()
    short.add(float("nan"))
    assert not plot_curve(short, tmp_path / "none.svg") and not (tmp_path / "none.svg").exists()


def test_the_x_axis_leaves_room_around_the_first_and_last_epoch(tmp_path):
    from nntrace.render.plot import x_limits

    low, high = x_limits(list(range(1, 41)))
    assert low < 1 and high > 40 and (1 - low) == pytest.approx(high - 40)
    assert x_limits([1]) == (0.5, 1.5)                    # one epoch: no axis out to epoch 2
    path = tmp_path / "loss.svg"
    plot_losses([0.5], path)
    svg = path.read_text(encoding="utf-8")
    assert re.findall(r'id="xtick_\d+"', svg) == ['id="xtick_1"']   # one tick: epoch 1
