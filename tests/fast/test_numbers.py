"""A data file of plain numbers read by NumPy (nntrace/fast/numbers.py) gives the samples
Python's reader gives, to the bit; anything else is left to Python's reader."""

import random

import pytest

from nntrace.fast.numbers import plain_numbers
from nntrace.train.data import parse_csv


def written(value: float, rng: random.Random) -> str:
    return rng.choice([repr(value), f"{value:.17g}", f"{value:.3f}", f"{value:e}", f" {value!r} ", str(int(value))])


def test_plain_numbers_are_the_floats_python_reads():
    rng = random.Random(3)
    rows = [[rng.choice([rng.uniform(-1e3, 1e3), rng.random() * 1e-300, rng.uniform(-1, 1)]) for _ in range(5)]
            for _ in range(300)]
    text = "\r\n".join(",".join(written(v, rng) for v in row) for row in rows) + "\n\n"
    parsed = plain_numbers(text, 5)
    expected = [[float(field) for field in line.split(",")] for line in text.replace("\r\n", "\n").split("\n") if line]
    assert parsed.tolist() == expected
    with_arrays, without = parse_csv(text, "d.csv", 3, 2, arrays=True), parse_csv(text, "d.csv", 3, 2)
    assert with_arrays.samples == without.samples and without.arrays is None
    inputs, targets = with_arrays.arrays
    assert inputs.tolist() == [list(s.inputs) for s in without.samples]
    assert targets.tolist() == [list(s.targets) for s in without.samples]
    assert inputs.flags.c_contiguous and targets.flags.c_contiguous


@pytest.mark.parametrize("text", [
    "x,y,t\n0,0,0\n", '0,"1",1\n', "0,1_0,1\n", "0,0,nan\n", "0,0,1e400\n", "0,0\n", "0,0,0,0\n",
    "0,0,0\r1,1,1\n", "0,0,0\x0c1,1,1\n", "0,١,1\n", "0,0,0,\n", "", "\n\n",
])
def test_anything_but_plain_numbers_is_left_to_pythons_reader(text):
    assert plain_numbers(text, 3) is None
    try:
        expected = parse_csv(text, "d.csv", 2, 1).samples
    except Exception as error:   # noqa: BLE001 - the same message either way
        with pytest.raises(type(error), match=str(error).replace("(", r"\(").replace(")", r"\)")):
            parse_csv(text, "d.csv", 2, 1, arrays=True)
    else:
        assert parse_csv(text, "d.csv", 2, 1, arrays=True).samples == expected
