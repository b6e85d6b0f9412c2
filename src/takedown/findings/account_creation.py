"""Account creation: waves of new accounts, and accounts left dormant before they first posted.

SIO found most accounts were created weeks before their first tweet, and a September 2019
cohort that stayed silent until late January 2020. Waves are weeks whose creation count stands
far above the archive's typical week (median + 8 scaled MADs, and at least 0.5% of accounts);
adjacent flagged weeks merge into one wave.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

DORMANT_DAYS = 90
WAVE_MADS = 8.0
WAVE_MIN_SHARE = 0.005


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
    """Per account: creation date, first tweet and the days between (accounts with tweets only)."""
    return con.execute(
        """SELECT u.userid, CAST(u.account_creation_date AS DATE) AS created,
                  CAST(f.first_tweet AS DATE) AS first_tweet,
                  date_diff('day', CAST(u.account_creation_date AS DATE), CAST(f.first_tweet AS DATE)) AS lag_days
           FROM users u JOIN (SELECT userid, min(tweet_time) AS first_tweet FROM tweets GROUP BY 1) f
           USING (userid) WHERE u.account_creation_date IS NOT NULL"""
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
