from nntrace.views.train import curve_title


def test_a_long_runs_curve_title_says_how_many_epochs_each_point_averages():
    # Split from render/test_plot.py, where the plot draws this title capitalised.
    assert curve_title(2) == "loss per epoch (mean over the samples), each point the mean of 2 epochs"
    assert curve_title(1) == "loss per epoch (mean over the samples)"


def test_the_headline_never_parts_a_number_from_its_unit():
    # "12.67 ⏎ s": rich wraps at spaces, so a number and its unit are written together.
    import dataclasses
    import re

    from nntrace import article
    from nntrace.core.settings import make_settings
    from nntrace.train.data import xor
    from nntrace.train.loop import train
    from nntrace.views.train import headline

    result = dataclasses.replace(train(article.network(), xor(), 3, make_settings(0.5)), seconds=12.674)
    text = headline(result, timing=True)
    assert text.endswith("; 12.67s, 1056166.7µs per iteration")   # 12.674 s / 12 iterations
    assert not re.search(r"\d (s|µs)\b", text)
