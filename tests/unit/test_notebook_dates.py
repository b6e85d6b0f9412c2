"""date_axis: figures with dates in year 1 or 9999 render, with every date on the axis.

Issue 20 item 20: a tweet or creation date in year 0001 or 9999 failed four report sections,
because matplotlib's margin around the data reached years it cannot draw.
"""

from __future__ import annotations

import io
from datetime import datetime

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from takedown.notebook import date_axis  # noqa: E402

EDGES = {
    "both": [datetime(1, 1, 1), datetime(2020, 1, 5), datetime(9999, 12, 31)],
    "year 1": [datetime(1, 1, 1), datetime(1, 1, 3), datetime(1, 2, 1)],
    "year 9999": [datetime(9999, 11, 1), datetime(9999, 12, 31)],
}


@pytest.mark.slow
@pytest.mark.parametrize("dates", EDGES.values(), ids=EDGES.keys())
def test_edge_years_draw_and_stay_on_the_axis(dates):
    days = pd.Series(dates)
    fig, (line, bars) = plt.subplots(2, 1, sharex=True)  # as the volume figure
    line.plot(days, range(len(days)))
    line.scatter(days, range(len(days)))
    bars.bar(days, range(len(days)), width=25)  # as the monthly figure: bars reach past a date
    date_axis(bars)
    fig.savefig(io.BytesIO(), format="png")  # drawing is where matplotlib refused
    lo, hi = bars.get_xlim()
    assert lo <= mdates.date2num(min(dates)) and hi >= mdates.date2num(max(dates))
    plt.close(fig)


@pytest.mark.slow
def test_ordinary_dates_keep_their_margin():
    days = [datetime(2020, 1, 1), datetime(2020, 3, 1)]
    fig, ax = plt.subplots()
    ax.plot(days, [1, 2])
    date_axis(ax)
    lo, hi = ax.get_xlim()
    assert lo < mdates.date2num(days[0]) and hi > mdates.date2num(days[1])
    plt.close(fig)
