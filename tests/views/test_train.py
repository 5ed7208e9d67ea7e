from nntrace.views.train import curve_title


def test_a_long_runs_curve_title_says_how_many_epochs_each_point_averages():
    # Split from render/test_plot.py, where the plot draws this title capitalised.
    assert curve_title(2) == "loss per epoch (mean over the samples), each point the mean of 2 epochs"
    assert curve_title(1) == "loss per epoch (mean over the samples)"
