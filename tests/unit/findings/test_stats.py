"""Shared intervals: a share of nothing is an error, never a silent zero."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.findings.stats import quantile_cont_of_counts, share


def test_share_rejects_empty():
    with pytest.raises(ValueError):
        share(0, 0)


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
