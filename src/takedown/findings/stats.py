"""Intervals and tests shared by findings: published analyses gave none, the report gives them."""

from __future__ import annotations

from dataclasses import dataclass

from statsmodels.stats.proportion import proportion_confint


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
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return Share(k=int(k), n=int(n), value=k / n, low=float(lo), high=float(hi))
