"""A share as a finding: k of n with its Wilson interval, or unavailable when n is zero.

Every topic quotes shares the same way, so the interval, n and method text are built once here.
"""

from __future__ import annotations

from takedown.findings.contract import Finding, Unit, ok, unavailable
from takedown.findings.stats import share


def proportion(
    id: str,
    k: int,
    n: int,
    *,
    label: str,
    method: str = "",
    empty: str = "there is nothing to count",
) -> Finding:
    """`k / n` with a Wilson 95% interval; `empty` is the reason given when n is zero."""
    if n <= 0:
        return unavailable(id, unit=Unit.share, label=label, reason=empty)
    s = share(k, n)
    return ok(
        id,
        s.value,
        unit=Unit.share,
        label=label,
        interval=(s.low, s.high),
        n=s.n,
        method=f"{method}; {s.method}" if method else s.method,
    )


def missing_all(ids: dict[str, tuple[Unit, str]], reason: str) -> list[Finding]:
    """Every finding of `ids` ({id: (unit, label)}) unavailable for one reason."""
    return [unavailable(i, unit=u, label=lbl, reason=reason) for i, (u, lbl) in ids.items()]
