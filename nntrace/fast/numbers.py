"""A data file of plain numbers read by NumPy's own parser, for a run the vectorised
evaluator computes: its samples come as the rows of one array, with no float made twice.

Only the plainest file is read here: numbers between commas, a line a row, every row as
wide as the network, every number finite. Anything else (a header, quotes, another line
break, a number NumPy refuses and Python takes, such as 1_000) gives None, and
train/data.py reads the file field by field, naming what is wrong. Where both read a
number they agree to the bit (tests/fast/test_numbers.py).
"""

from __future__ import annotations

import numpy as np

def plain_numbers(text: str, width: int) -> np.ndarray | None:
    """The rows of `text` as an array of `width` columns, or None when it is not plain."""
    if not text.strip() or '"' in text:
        return None
    # Lines split at \n (and \r\n) only, as the csv module splits them: a lone \r, or a
    # break splitlines() would make of \x0c, stays inside a field, which NumPy then refuses.
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        rows = np.loadtxt(lines, delimiter=",", comments=None, ndmin=2, dtype=float)
    except ValueError:
        return None
    if rows.shape[0] == 0 or rows.shape[1] != width or not np.isfinite(rows).all():
        return None
    return rows


def contiguous(rows: np.ndarray) -> np.ndarray:
    """Columns of the rows as an array of their own, each row contiguous for BLAS."""
    return np.ascontiguousarray(rows)
