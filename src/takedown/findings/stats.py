"""Intervals and tests shared by findings: published analyses gave none, the report gives them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Share:
    """k of n, with a Wilson 95% interval (sound near 0 and 1, unlike the normal interval)."""

    k: int
    n: int
    value: float
    low: float
    high: float
    method: str = "Wilson score interval, 95%"


def share(k: int, n: int, alpha: float = 0.05) -> Share:
    if n <= 0:
        raise ValueError("share of an empty set")
    # Imported here: statsmodels brings scipy.stats (1.5 s of CPU), and the render imports this
    # module for the accounts table before it starts the kernels, which preload it anyway.
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return Share(k=int(k), n=int(n), value=k / n, low=float(lo), high=float(hi))


def quantile_cont_of_counts(values: np.ndarray, counts: np.ndarray, q: float) -> float | None:
    """DuckDB's quantile_cont(x, q) of a column given as distinct values and their counts.

    Same rule and arithmetic: position (n - 1) * q in the sorted values, the two order
    statistics either side of it, lo + (hi - lo) * fraction in doubles. None when n is 0.
    """
    order = np.argsort(values, kind="stable")
    v, c = np.asarray(values)[order], np.asarray(counts, dtype=np.int64)[order]
    total = int(c.sum())
    if total == 0:
        return None
    cum = np.cumsum(c)
    rn = float(total - 1) * q
    frn, crn = math.floor(rn), math.ceil(rn)
    lo = float(v[np.searchsorted(cum, frn, side="right")])
    if frn == crn:
        return lo
    hi = float(v[np.searchsorted(cum, crn, side="right")])
    return lo + (hi - lo) * (rn - frn)


@dataclass(frozen=True)
class CountMedian:
    """The median of whole counts, and the two middle counts when it falls between them."""

    value: float
    between: tuple[int, int] | None  # set only when the number of counts is even and they differ
    method: str


def count_median(counts: np.ndarray | list[int], of: str) -> CountMedian:
    """Median of `counts` (of `of`, e.g. "clusters"), saying so when it is halfway between two.

    A median of an even number of counts can be a half (18.5): it is then named as halfway
    between the two middle counts, so no reader takes it for a count.
    """
    v = np.sort(np.asarray(counts, dtype=np.int64))
    if not len(v):
        raise ValueError("median of no counts")
    n = len(v)
    lo, hi = int(v[(n - 1) // 2]), int(v[n // 2])
    if lo == hi:
        return CountMedian(float(lo), None, f"median of {n:,} {of}")
    return CountMedian(
        (lo + hi) / 2,
        (lo, hi),
        f"median of an even number ({n:,}) of {of}: halfway between the two middle ones, "
        f"{lo:,} and {hi:,}",
    )
