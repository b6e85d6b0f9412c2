"""Followers: the share of accounts nobody followed, and the follower/following distributions.

Every number here needs the users file's `follower_count` (or `following_count`); without the
column the findings are unavailable with that reason, never a share of zero.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.contract import Coverage, Finding, first_missing, ok, unavailable
from takedown.findings.stats import Share, share
from takedown.profile import Profile

# Bins chosen to show the commonly quoted thresholds (0, fewer than 8, fewer than 10) exactly.
BINS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-7", 2, 7),
    ("8-9", 8, 9),
    ("10-99", 10, 99),
    ("100-999", 100, 999),
    ("1,000+", 1000, None),
)
THRESHOLDS = (8, 10)
KINDS = {"followers": "follower_count", "following": "following_count"}

_FOLLOWER_IDS: dict[str, tuple[str, str]] = {
    "zero_share": ("share", "Accounts with zero followers"),
    "zero_count": ("count", "Accounts with zero followers (count)"),
    **{
        f"under_{t}_share": ("share", f"Accounts with fewer than {t} followers") for t in THRESHOLDS
    },
    "median_followers": ("number", "Median followers per account"),
    "p99_followers": ("number", "99th percentile of followers"),
    "max_followers": ("count", "Most followers of any account"),
}
_FOLLOWING_IDS: dict[str, tuple[str, str]] = {
    "median_following": ("number", "Median accounts followed per account"),
}


def below(con: duckdb.DuckDBPyConnection, threshold: int) -> Share:
    """Accounts with fewer than `threshold` followers (threshold 1 = zero followers).

    Accounts whose count is NULL are left out of numerator and denominator alike.
    """
    k, n = con.execute(
        "SELECT count(*) FILTER (WHERE follower_count < ?), count(follower_count) FROM users",
        [threshold],
    ).fetchone()
    return share(int(k), int(n))


def quantiles(con: duckdb.DuckDBPyConnection, column: str = "follower_count") -> dict[str, float]:
    if column not in KINDS.values():
        raise ValueError(column)
    q = con.execute(
        f"SELECT quantile_cont({column}, [0.5, 0.9, 0.99]), max({column}), count({column}) "
        "FROM users"
    ).fetchone()
    return {"median": q[0][0], "p90": q[0][1], "p99": q[0][2], "max": float(q[1]), "n": q[2]}


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Zero-follower share (Wilson interval), thresholds and quantiles; unavailable with reason."""
    del profile  # the same for every operation
    out: list[Finding] = []
    reason = first_missing(coverage, ("users", "follower_count"))
    if reason:
        out += [_unavailable(k, spec, reason) for k, spec in _FOLLOWER_IDS.items()]
    else:
        zero = below(con, 1)
        out.append(_share("zero_share", zero))
        out.append(ok("followers.zero_count", zero.k, unit="count", label=_FOLLOWER_IDS["zero_count"][1],
                      n=zero.n, method="accounts whose follower_count is 0"))  # fmt: skip
        for t in THRESHOLDS:
            out.append(_share(f"under_{t}_share", below(con, t)))
        q = quantiles(con, "follower_count")
        for key, name in (("median", "median_followers"), ("p99", "p99_followers")):
            unit, label = _FOLLOWER_IDS[name]
            out.append(ok(f"followers.{name}", q[key], unit=unit, label=label, n=q["n"],
                          method="continuous quantile of follower_count over accounts with a value"))  # fmt: skip
        out.append(ok("followers.max_followers", int(q["max"]), unit="count",
                      label=_FOLLOWER_IDS["max_followers"][1], n=q["n"]))  # fmt: skip
    reason = first_missing(coverage, ("users", "following_count"))
    if reason:
        out += [_unavailable(k, spec, reason) for k, spec in _FOLLOWING_IDS.items()]
    else:
        g = quantiles(con, "following_count")
        out.append(ok("followers.median_following", g["median"], unit="number",
                      label=_FOLLOWING_IDS["median_following"][1], n=g["n"],
                      method="continuous median of following_count over accounts with a value"))  # fmt: skip
    return out


def _share(name: str, s: Share) -> Finding:
    unit, label = _FOLLOWER_IDS[name]
    return ok(f"followers.{name}", s.value, unit=unit, label=label, interval=(s.low, s.high),
              n=s.n, method=f"accounts with a follower_count; {s.method}")  # fmt: skip


def _unavailable(name: str, spec: tuple[str, str], reason: str) -> Finding:
    return unavailable(f"followers.{name}", unit=spec[0], label=spec[1], reason=reason)


def binned(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] = tuple(KINDS)) -> pd.DataFrame:
    """Accounts per follower and following bin, long format for a grouped bar chart.

    Only the `kinds` whose column the data holds should be asked for; NULL counts are left out.
    """
    cases = " ".join(
        f"WHEN x BETWEEN {lo} AND {hi if hi is not None else 'x'} THEN {i}"
        for i, (_, lo, hi) in enumerate(BINS)
    )
    parts = " UNION ALL ".join(
        f"SELECT '{k}' AS kind, {KINDS[k]} AS x FROM users" for k in kinds if k in KINDS
    )
    if not parts:
        return pd.DataFrame(columns=["kind", "bin", "accounts", "share"])
    df = con.execute(
        f"""SELECT kind, CASE {cases} END AS bin, count(*) AS accounts FROM ({parts})
            WHERE x IS NOT NULL GROUP BY ALL ORDER BY kind, bin"""
    ).df()
    df["bin"] = df["bin"].map(lambda i: BINS[int(i)][0])
    df["share"] = df["accounts"] / df.groupby("kind")["accounts"].transform("sum")
    return df


def available_kinds(coverage: Coverage) -> tuple[str, ...]:
    """The distributions this dataset can draw: followers, following, both or neither."""
    return tuple(k for k, col in KINDS.items() if coverage.has("users", col))


def bin_table(b: pd.DataFrame) -> pd.DataFrame:
    """Accounts per bin, one column per kind drawn, every bin listed (a bin with no account is 0)."""
    w = b.pivot(index="bin", columns="kind", values="accounts")
    w = w.reindex([x[0] for x in BINS]).fillna(0).astype(int)
    w.columns.name = None
    return w.reset_index()
