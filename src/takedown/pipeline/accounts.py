"""accounts.csv: one row per account, for a reader to check any claim about an account.

Creation, first and last tweet, tweets, followers, creation wave, the co-tweet clusters it is in
and the group attributes the data carries (users columns beyond the archive's own, such as
IRA's account_category). One DuckDB query written by COPY; text cells neutralized as in
rejects.csv.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from takedown.db import open_dataset
from takedown.findings import account_creation as ac
from takedown.ingest.normalize import lit, q
from takedown.ingest.rejects import neutralize
from takedown.schema import USER_COLUMNS


def group_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The users columns beyond the archive's own: attributes that group accounts."""
    names = [r[0] for r in con.execute("DESCRIBE users").fetchall()]
    return [n for n in names if n not in USER_COLUMNS]


def creation_waves(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The creation waves of the account-creation section: (wave, start, end) dates."""
    if con.execute("SELECT count(account_creation_date) FROM users").fetchall()[0][0] == 0:
        return pd.DataFrame({"wave": [], "start": [], "end": []})
    return ac.waves(con, ac.weekly(con))[["wave", "start", "end"]]


def accounts_sql(groups: list[str], clusters: Path | None) -> str:
    """SELECT of accounts.csv's rows, ordered by userid (the `waves` relation must exist)."""
    member = (
        f"""SELECT userid, string_agg(CAST(cluster AS VARCHAR), ' ' ORDER BY cluster) AS clusters
            FROM read_parquet({lit(clusters.as_posix())}) GROUP BY userid"""
        if clusters is not None
        else "SELECT NULL::VARCHAR AS userid, NULL::VARCHAR AS clusters WHERE false"
    )
    picked = "".join(f", min({q(g)}) AS {q(g)}" for g in groups)
    shown = "".join(f", {neutralize('CAST(u.' + q(g) + ' AS VARCHAR)')} AS {q(g)}" for g in groups)
    return f"""
        WITH ids AS (SELECT userid FROM users WHERE userid IS NOT NULL
                     UNION SELECT userid FROM tweets WHERE userid IS NOT NULL),
             u AS (SELECT userid, min(user_screen_name) AS account,
                          min(account_creation_date) AS created, max(follower_count) AS followers
                          {picked}
                   FROM users GROUP BY userid),
             t AS (SELECT userid, min(user_screen_name) AS account, count(*) AS tweets,
                          min(tweet_time) AS first_tweet, max(tweet_time) AS last_tweet,
                          arg_max(follower_count, tweet_time) AS followers
                   FROM tweets GROUP BY userid),
             c AS ({member}),
             w AS (SELECT wave, CAST(start AS DATE) AS lo, CAST("end" AS DATE) AS hi FROM waves)
        SELECT {neutralize("ids.userid")} AS userid,
               {neutralize("coalesce(u.account, t.account)")} AS account,
               CAST(u.created AT TIME ZONE 'UTC' AS DATE) AS created,
               strftime(t.first_tweet AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS first_tweet,
               strftime(t.last_tweet AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS last_tweet,
               coalesce(t.tweets, 0) AS tweets, coalesce(u.followers, t.followers) AS followers,
               w.wave, c.clusters{shown}
        FROM ids LEFT JOIN u USING (userid) LEFT JOIN t USING (userid) LEFT JOIN c USING (userid)
             LEFT JOIN w ON CAST(u.created AT TIME ZONE 'UTC' AS DATE) BETWEEN w.lo AND w.hi
        ORDER BY ids.userid"""


def write_accounts(dataset_dir: Path, clusters: Path | None, out: Path) -> Path:
    """Write out/accounts.csv for the dataset; `clusters` is the coordination notebook's
    (userid, cluster) file, None when no cluster was found or the notebook failed."""
    con = open_dataset(dataset_dir)
    try:
        waves = creation_waves(con)
        con.execute('CREATE TEMP TABLE waves (wave INTEGER, start VARCHAR, "end" VARCHAR)')
        if len(waves):  # a handful of rows
            con.executemany("INSERT INTO waves VALUES (?, ?, ?)", waves.values.tolist())
        sql = accounts_sql(group_columns(con), clusters)
        path = out / "accounts.csv"
        con.execute(f"COPY ({sql}) TO {lit(path.as_posix())} (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return path
