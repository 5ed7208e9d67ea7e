import io

from rich.console import Console

from nntrace import article
from nntrace.core.settings import make_settings
from nntrace.render.training import TrainingReport, progress_bar
from nntrace.train.data import xor
from nntrace.train.loop import train
from nntrace.train.signals import Stop
from nntrace.views.train import train_view


def test_report_of_a_learned_run(render):
    result = train(article.network(), xor(), 5000, make_settings(0.5))
    text = render(TrainingReport(train_view(result)))
    assert text.startswith("Trained 5000 of 5000 epoch(s) (20000 iterations) on the article's XOR")
    assert "network 2-4-1 sigmoid, no biases, convention exact, learning rate 0.5" in text
    assert "loss per epoch (mean over the samples), each point the mean of 8 epochs" in text
    for sample in result.samples:
        row = f"{' '.join(str(int(v)) for v in sample.inputs)}     {int(sample.targets[0])}"
        assert row in text
    assert text.count("right ✓") == 4
    assert "Learned: all 4 samples classified right; the loss went from 0.1629 to 0.00178" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "\x1b[" not in text


def test_report_of_an_interrupted_run_says_how_far_it_got(render):
    stop = Stop()
    stop.requested = True
    result = train(article.network(), xor(), 100, make_settings(0.5), stop=stop)
    text = render(TrainingReport(train_view(result, digits=3)))
    assert "Interrupted at the end of iteration 1 (0 epoch(s) complete)" in text
    assert "loss per epoch" not in text   # no complete epoch, no curve
    assert "Not learned: 2 of 4 samples" in text


def test_progress_bar_with_a_fake_clock():
    now = [0.0]
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system=None)
    with progress_bar(console, 1000, clock=lambda: now[0]) as update:
        for epoch in range(1, 1001):
            now[0] += 0.001   # 1000 epochs a second
            update(epoch, 1 / epoch)
    text = console.file.getvalue()
    assert "epoch 1000/1000" in text and "loss 0.001" in text
    assert "1,000 epochs/s" in text


def test_a_disabled_progress_bar_costs_the_loop_nothing():
    with progress_bar(Console(file=io.StringIO()), 10, enabled=False) as update:
        assert update is None


def test_a_long_data_set_shows_the_first_rows_and_counts_the_rest(render):
    from nntrace.train.data import Dataset, Sample
    rows = tuple(Sample((float(i % 2), float(i % 3 == 0)), (float(i % 2),)) for i in range(50))
    result = train(article.network(), Dataset(rows, "many"), 2, make_settings(0.5))
    text = render(TrainingReport(train_view(result, max_rows=10)))
    hidden = sum(s.right for s in result.samples[10:])
    assert f"… and 40 more sample(s), {hidden} of them right (--json lists every one)" in text
    assert text.count("✓") + text.count("✗") == 10
