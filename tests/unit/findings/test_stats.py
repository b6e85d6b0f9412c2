"""Shared intervals: a share of nothing is an error, never a silent zero."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.findings.stats import count_median, quantile_cont_of_counts, share


def test_share_rejects_empty():
    with pytest.raises(ValueError):
        share(0, 0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantile_of_counts_equals_duckdb_quantile_cont(seed):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.poisson(0.3, 5000), rng.integers(-3, 2000, 137)])
    con = duckdb.connect()
    con.register("x", pd.DataFrame({"x": x}))
    values, counts = np.unique(x, return_counts=True)
    for q in (0.0, 0.5, 0.9, 0.99, 0.999, 0.12345, 1.0):
        want = con.execute(f"SELECT quantile_cont(x, {q}) FROM x").fetchone()[0]
        assert quantile_cont_of_counts(values, counts, q) == want  # exactly
    assert quantile_cont_of_counts(np.array([], dtype=np.int64), np.array([]), 0.99) is None
    assert quantile_cont_of_counts(np.array([7]), np.array([3]), 0.99) == 7.0


def test_count_median_says_when_it_is_halfway_between_two_counts():
    odd = count_median([5, 9, 7], "clusters")
    assert (odd.value, odd.between, odd.method) == (7.0, None, "median of 3 clusters")
    same = count_median([5, 6, 6, 9], "clusters")
    assert (same.value, same.between) == (6.0, None)
    even = count_median([18, 40, 5, 19], "clusters")
    assert (even.value, even.between) == (18.5, (18, 19))
    assert even.method == (
        "median of an even number (4) of clusters: halfway between the two middle ones, 18 and 19"
    )
