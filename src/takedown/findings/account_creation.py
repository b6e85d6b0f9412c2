"""Account creation: waves of new accounts, and accounts left dormant before they first posted.

Waves are weeks whose creation count stands far above the archive's typical week (median + 8
scaled MADs, and at least 0.5% of accounts); adjacent flagged weeks merge into one wave. Every
finding needs `account_creation_date`; without it they are unavailable, never zero.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, ok, unavailable
from takedown.findings.stats import share
from takedown.profile import Profile

DORMANT_DAYS = 90
WAVE_MADS = 8.0
WAVE_MIN_SHARE = 0.005
WAVE_RULE = (
    f"ISO weeks (Monday start, UTC) whose creation count exceeds the median of weeks with any "
    f"creation by {WAVE_MADS:g} scaled MADs (MAD at least 1) and {WAVE_MIN_SHARE:.1%} of all "
    f"accounts; adjacent weeks merge into one wave"
)
DORMANT_RULE = (
    f"accounts with tweets whose first tweet came {DORMANT_DAYS} or more days after the account "
    f"was created (UTC calendar days)"
)
LISTED_WAVES = 5  # waves listed one by one as findings, in date order


def weekly(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accounts created per ISO week (Monday start, UTC), empty weeks included."""
    return con.execute(
        """WITH w AS (SELECT date_trunc('week', account_creation_date AT TIME ZONE 'UTC') AS week,
                             count(*) AS accounts
                      FROM users WHERE account_creation_date IS NOT NULL GROUP BY 1),
                r AS (SELECT unnest(generate_series(min(week), max(week), INTERVAL 7 DAY)) AS week FROM w)
           SELECT CAST(r.week AS DATE) AS week, coalesce(w.accounts, 0) AS accounts
           FROM r LEFT JOIN w USING (week) ORDER BY r.week"""
    ).df()


def waves(con: duckdb.DuckDBPyConnection, weeks: pd.DataFrame) -> pd.DataFrame:
    """Runs of flagged weeks, with the first and last creation date and the accounts inside."""
    x = weeks["accounts"].to_numpy(dtype=float)
    total = x.sum()
    if total == 0:
        return pd.DataFrame(columns=["wave", "start", "end", "accounts", "threshold"])
    active = x[x > 0]
    med = float(np.median(active))
    mad = float(np.median(np.abs(active - med))) * 1.4826
    threshold = max(med + WAVE_MADS * max(mad, 1.0), WAVE_MIN_SHARE * total)
    flagged = x > threshold
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(x):
        if flagged[i]:
            j = i
            while j + 1 < len(x) and flagged[j + 1]:
                j += 1
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    rows = []
    for n, (a, b) in enumerate(runs, 1):
        start = pd.Timestamp(weeks["week"].iloc[a])
        stop = pd.Timestamp(weeks["week"].iloc[b]) + pd.Timedelta(days=7)
        lo, hi, k = con.execute(
            """SELECT min(account_creation_date), max(account_creation_date), count(*) FROM users
               WHERE account_creation_date >= CAST(? AS TIMESTAMP) AT TIME ZONE 'UTC'
                 AND account_creation_date < CAST(? AS TIMESTAMP) AT TIME ZONE 'UTC'""",
            [start.to_pydatetime(), stop.to_pydatetime()],
        ).fetchone()
        rows.append(
            {"wave": n, "start": lo.date().isoformat(), "end": hi.date().isoformat(),
             "accounts": int(k), "threshold": threshold}
        )  # fmt: skip
    # Named columns even when no week stands out, so callers can sort and filter an empty table.
    return pd.DataFrame(rows, columns=["wave", "start", "end", "accounts", "threshold"])


def lags(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per account: creation date, first tweet and the days between (accounts with tweets only),
    in userid order: the figure's CSV must not change from one render of the same data to the
    next, and the join's own order did (three orders in five runs of 200,000 accounts)."""
    return con.execute(
        """SELECT u.userid, CAST(u.account_creation_date AS DATE) AS created,
                  CAST(f.first_tweet AS DATE) AS first_tweet,
                  date_diff('day', CAST(u.account_creation_date AS DATE), CAST(f.first_tweet AS DATE)) AS lag_days
           FROM users u JOIN (SELECT userid, min(tweet_time) AS first_tweet FROM tweets GROUP BY 1) f
           USING (userid) WHERE u.account_creation_date IS NOT NULL
           ORDER BY u.userid"""
    ).df()


def dormant(lag: pd.DataFrame, days: int = DORMANT_DAYS) -> pd.DataFrame:
    """Accounts whose first tweet came at least `days` after their creation."""
    return lag[lag["lag_days"] >= days]


def wave_membership(dormant_accounts: pd.DataFrame, wave_table: pd.DataFrame) -> pd.DataFrame:
    """How many dormant accounts each wave holds, and when its median dormant account first posted."""
    created = pd.to_datetime(dormant_accounts["created"])
    first = (
        pd.to_datetime(dormant_accounts["first_tweet"])
        if "first_tweet" in dormant_accounts
        else None
    )
    rows = []
    for w in wave_table.itertuples():
        inside = (created >= pd.Timestamp(w.start)) & (created <= pd.Timestamp(w.end))
        median_first = None
        if first is not None and inside.any():
            median_first = first[inside].sort_values().iloc[(int(inside.sum()) - 1) // 2]
            median_first = median_first.date().isoformat()
        rows.append({"wave": w.wave, "start": w.start, "end": w.end, "accounts": w.accounts,
                     "dormant": int(inside.sum()), "dormant_first_tweet": median_first})  # fmt: skip
    return pd.DataFrame(
        rows, columns=["wave", "start", "end", "accounts", "dormant", "dormant_first_tweet"]
    )


def created_quantile(con: duckdb.DuckDBPyConnection, q: float = 0.5) -> str | None:
    """The creation date (UTC) below which a share `q` of accounts were created."""
    row = con.execute(
        "SELECT quantile_disc(account_creation_date, ?) FROM users "
        "WHERE account_creation_date IS NOT NULL",
        [q],
    ).fetchone()
    return row[0].date().isoformat() if row and row[0] is not None else None


_SPECS: dict[str, tuple[str, str]] = {
    "first_created": ("date", "Earliest account creation date (UTC)"),
    "last_created": ("date", "Latest account creation date (UTC)"),
    "median_created": ("date", "Median account creation date (half the accounts were created after it)"),
    "waves": ("count", "Account creation waves"),
    "accounts_in_waves": ("count", "Accounts created inside a wave"),
    "accounts_in_waves_share": ("share", "Share of accounts created inside a wave"),
    "largest_wave_start": ("date", "Largest wave: first account created (UTC)"),
    "largest_wave_end": ("date", "Largest wave: last account created (UTC)"),
    "largest_wave_accounts": ("count", "Largest wave: accounts created"),
    "median_lag_days": ("days", "Median days from account creation to first tweet"),
    "dormant_days": ("days", "Dormancy rule: days from creation to first tweet"),
    "dormant_count": ("count", f"Accounts silent {DORMANT_DAYS}+ days after creation"),
    "dormant_share": ("share", f"Share of active accounts silent {DORMANT_DAYS}+ days after creation"),
    "dormant_in_waves": ("count", "Dormant accounts created inside a wave"),
    "dormant_wave_start": ("date", "Wave with the most dormant accounts: first account created"),
    "dormant_wave_end": ("date", "Wave with the most dormant accounts: last account created"),
    "dormant_wave_dormant": ("count", "Dormant accounts in that wave"),
    "dormant_wave_first_tweet": ("date", "Median first-tweet date of that wave's dormant accounts"),
}  # fmt: skip
_LARGEST = ("largest_wave_start", "largest_wave_end", "largest_wave_accounts")
_LAG = tuple(k for k in _SPECS if k == "median_lag_days" or k.startswith("dormant"))
_DORMANT_WAVE = tuple(k for k in _SPECS if k.startswith("dormant_wave"))


def _f(name: str, value: object, **kw: object) -> Finding:
    unit, label = _SPECS[name]
    return ok(f"account_creation.{name}", value, unit=unit, label=label, **kw)  # type: ignore[arg-type]


def _na(names: tuple[str, ...] | list[str], reason: str) -> list[Finding]:
    return [
        unavailable(f"account_creation.{k}", unit=_SPECS[k][0], label=_SPECS[k][1], reason=reason)
        for k in names
    ]


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Creation dates, waves and dormancy. Without creation dates every finding is unavailable;
    without tweets the dormancy findings are."""
    del profile  # the same rules for every operation
    reason = coverage.missing("users", "account_creation_date")
    if reason:
        return _na(list(_SPECS), reason)
    weeks = weekly(con)
    wave_table = waves(con, weeks)
    accounts = int(weeks["accounts"].sum())
    lo, hi = con.execute(
        "SELECT min(account_creation_date), max(account_creation_date) FROM users"
    ).fetchone()
    out = [
        _f("first_created", created_quantile(con, 0.0), n=accounts),
        _f("last_created", hi.date().isoformat(), n=accounts),
        _f("median_created", created_quantile(con, 0.5), n=accounts,
           method="lower median of the creation dates the users file gives"),
        _f("waves", len(wave_table), n=accounts, method=WAVE_RULE),
    ]  # fmt: skip
    for w in wave_table.head(LISTED_WAVES).itertuples():
        for key, unit, label, value in (
            ("start", "date", "first account created (UTC)", w.start),
            ("end", "date", "last account created (UTC)", w.end),
            ("accounts", "count", "accounts created", int(w.accounts)),
        ):
            out.append(ok(f"account_creation.wave{w.wave}_{key}", value, unit=unit,
                          label=f"Wave {w.wave}: {label}"))  # fmt: skip
    in_waves = int(wave_table["accounts"].sum()) if len(wave_table) else 0
    s = share(in_waves, accounts)
    out.append(_f("accounts_in_waves", in_waves, n=accounts, method=WAVE_RULE))
    out.append(_f("accounts_in_waves_share", s.value, interval=(s.low, s.high), n=s.n,
                  method=s.method))  # fmt: skip
    if len(wave_table):
        big = wave_table.sort_values(["accounts", "wave"], ascending=[False, True]).iloc[0]
        out += [_f("largest_wave_start", big["start"]), _f("largest_wave_end", big["end"]),
                _f("largest_wave_accounts", int(big["accounts"]), n=accounts)]  # fmt: skip
    else:
        out += _na(_LARGEST, "no week stood out as a creation wave")
    return out + _dormancy(con, coverage, wave_table)


def _dormancy(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, wave_table: pd.DataFrame
) -> list[Finding]:
    reason = coverage.missing("tweets", "tweet_time")
    lag = lags(con) if reason is None else None
    if lag is not None and lag.empty:
        reason = "no account with a creation date has a tweet"
    if reason or lag is None:
        return _na(_LAG, reason or "no tweets")
    active = len(lag)
    dormant_accounts = dormant(lag)
    d = share(len(dormant_accounts), active)
    out = [
        _f("median_lag_days", float(lag["lag_days"].median()), n=active,
           method="accounts with at least one tweet; UTC calendar days from creation date to first tweet"),
        _f("dormant_days", DORMANT_DAYS, method=DORMANT_RULE),
        _f("dormant_count", len(dormant_accounts), n=active, method=DORMANT_RULE),
        _f("dormant_share", d.value, interval=(d.low, d.high), n=d.n, method=f"{DORMANT_RULE}; {d.method}"),
    ]  # fmt: skip
    membership = wave_membership(dormant_accounts, wave_table)
    in_waves = int(membership["dormant"].sum()) if len(membership) else 0
    out.append(_f("dormant_in_waves", in_waves, n=len(dormant_accounts), method=WAVE_RULE))
    top = membership[membership["dormant"] > 0]
    if top.empty:
        return out + _na(_DORMANT_WAVE, "no creation wave holds a dormant account")
    t = top.sort_values(["dormant", "wave"], ascending=[False, True]).iloc[0]
    return out + [
        _f("dormant_wave_start", t["start"]),
        _f("dormant_wave_end", t["end"]),
        _f("dormant_wave_dormant", int(t["dormant"]), n=int(t["accounts"])),
        _f("dormant_wave_first_tweet", t["dormant_first_tweet"],
           method="lower median of the first-tweet dates of the wave's dormant accounts"),
    ]  # fmt: skip


def figure_weeks(con: duckdb.DuckDBPyConnection, weeks: pd.DataFrame, wave_table: pd.DataFrame
                 ) -> tuple[pd.DataFrame, str | None]:  # fmt: skip
    """The weeks the creation figure draws (from 16 weeks before the first wave, or before the
    10th percentile of creation dates) and a note counting the older accounts left out."""
    wk = weeks.assign(week=pd.to_datetime(weeks["week"]))
    if len(wave_table):
        first = pd.Timestamp(wave_table["start"].min())
    else:
        first = pd.Timestamp(created_quantile(con, 0.1))
    lo = max(wk["week"].min(), first - pd.Timedelta(weeks=16))
    earlier = wk[(wk["week"] < lo) & (wk["accounts"] > 0)]
    note = None
    if len(earlier):
        # dates, not the weeks' Mondays: the first is the text's first_created, same query
        first_day = created_quantile(con, 0.0)
        last_day = (
            (wk.loc[wk["week"] >= lo, "week"].min() - pd.Timedelta(days=1)).date().isoformat()
        )
        note = (f"not shown: {int(earlier['accounts'].sum()):,} accounts created "
                f"{first_day} to {last_day}")  # fmt: skip
    return wk[wk["week"] >= lo], note
