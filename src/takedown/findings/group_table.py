"""Per-group rows for the groups section: accounts, tweets, zero-follower and retweet shares, top
languages and the hour-of-day clock, for each value of one users column (an account attribute).

The largest `cap` groups by accounts are shown one by one; the rest are pooled as "other" and
accounts with no value in the column as "no value", so every account and tweet is counted once.
All aggregation is DuckDB SQL; a column the data lacks gives NULL shares, never zeros.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.contract import Coverage
from takedown.findings.traits import UNLABELLED

MAX_GROUPS = 8  # groups shown one by one; the rest are pooled as "other"
TOP_LANGUAGES = 3  # the most common labels of a group, each listed when it holds 0.5% or more
NOT_AVAILABLE = "not available here"
KIND_ORDER = {"group": 0, "other": 1, "none": 2}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def buckets_sql(column: str, coverage: Coverage, cap: int = MAX_GROUPS) -> str:
    """A relation (userid, fc, kind, grp, orig, rank): each account's bucket for `column`.

    kind is 'group' (one of the `cap` largest by accounts, ties by name), 'other' or 'none'
    (no value); grp is the group's value for kind 'group' and NULL otherwise."""
    fc = "follower_count" if coverage.has("users", "follower_count") else "CAST(NULL AS BIGINT)"
    return f"""(WITH g AS (SELECT userid, CAST({_q(column)} AS VARCHAR) AS orig, {fc} AS fc
                           FROM users),
                     r AS (SELECT orig, row_number() OVER (ORDER BY count(*) DESC, orig) AS rank
                           FROM g WHERE orig IS NOT NULL GROUP BY orig)
                SELECT g.userid, g.fc, g.orig, r.rank,
                       CASE WHEN g.orig IS NULL THEN 'none' WHEN r.rank <= {int(cap)} THEN 'group'
                            ELSE 'other' END AS kind,
                       CASE WHEN r.rank <= {int(cap)} THEN g.orig END AS grp
                FROM g LEFT JOIN r USING (orig))"""


def _same(alias: str) -> str:
    """Join on the bucket: kind, and the group value (NULL for other and no value)."""
    return f"{alias}.kind = x.kind AND {alias}.grp IS NOT DISTINCT FROM x.grp"


def breakdown(
    con: duckdb.DuckDBPyConnection, column: str, coverage: Coverage, cap: int = MAX_GROUPS
) -> pd.DataFrame:
    """One row per bucket: kind, group, groups, accounts, tweets, zero_followers, follower_n,
    zero_share, retweets, retweet_n, retweet_share, top_languages, label; groups by rank first,
    then other, then no value. Tweets by accounts missing from the users file count as no value."""
    b = buckets_sql(column, coverage, cap)
    rt = "t.is_retweet" if coverage.has("tweets", "is_retweet") else "CAST(NULL AS BOOLEAN)"
    lang = "t.tweet_language" if coverage.has("tweets", "tweet_language") else "NULL"
    codes = ", ".join(f"'{c}'" for c in UNLABELLED)
    df = con.execute(
        f"""WITH b AS (SELECT * FROM {b}),
                 t AS (SELECT coalesce(b.kind, 'none') AS kind, b.grp, {rt} AS rt,
                              lower(split_part({lang}, '-', 1)) AS lang
                       FROM tweets t LEFT JOIN b USING (userid)),
                 a AS (SELECT kind, grp, min(rank) AS rank, count(DISTINCT orig) AS groups,
                              count(*) AS accounts, count(*) FILTER (WHERE fc = 0) AS zero_followers,
                              count(fc) AS follower_n FROM b GROUP BY kind, grp),
                 w AS (SELECT kind, grp, count(*) AS tweets, count(*) FILTER (WHERE rt) AS retweets,
                              count(rt) AS retweet_n FROM t GROUP BY kind, grp),
                 l AS (SELECT kind, grp, lang, count(*) AS n,
                              row_number() OVER (PARTITION BY kind, grp
                                                 ORDER BY count(*) DESC, lang) AS rn
                       FROM t WHERE lang IS NOT NULL AND lang NOT IN ({codes})
                       GROUP BY kind, grp, lang),
                 k AS (SELECT kind, grp, count(*) AS labelled FROM t
                       WHERE lang IS NOT NULL AND lang NOT IN ({codes}) GROUP BY kind, grp)
            SELECT x.kind, x.grp AS "group", coalesce(a.rank, 0) AS rank,
                   coalesce(a.groups, 0) AS groups, coalesce(a.accounts, 0) AS accounts,
                   coalesce(w.tweets, 0) AS tweets,
                   coalesce(a.zero_followers, 0) AS zero_followers,
                   coalesce(a.follower_n, 0) AS follower_n,
                   coalesce(w.retweets, 0) AS retweets, coalesce(w.retweet_n, 0) AS retweet_n,
                   (SELECT string_agg(l.lang || ' ' || printf('%.0f%%', 100 * l.n / w.tweets), ', '
                                      ORDER BY l.rn)
                    FROM l WHERE l.kind = x.kind AND l.grp IS NOT DISTINCT FROM x.grp
                          AND l.rn <= {TOP_LANGUAGES} AND 200 * l.n >= w.tweets) AS top_languages,
                   (SELECT l.lang FROM l WHERE l.kind = x.kind AND l.grp IS NOT DISTINCT FROM x.grp
                          AND l.rn = 1) AS top_language,
                   coalesce(k.labelled, 0) AS labelled
            FROM (SELECT kind, grp FROM a UNION SELECT kind, grp FROM w) x
            LEFT JOIN a ON {_same("a")} LEFT JOIN w ON {_same("w")} LEFT JOIN k ON {_same("k")}"""
    ).df()
    return _finish(df)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    """Order the rows, add the shares (NaN where nothing was counted) and a display label."""
    df = df.assign(order=df["kind"].map(KIND_ORDER)).sort_values(["order", "rank"])
    df = df.drop(columns="order").reset_index(drop=True)
    for share, k, n in (("zero_share", "zero_followers", "follower_n"),
                        ("retweet_share", "retweets", "retweet_n")):  # fmt: skip
        df[share] = (df[k] / df[n].where(df[n] > 0)).astype(float)
    other = (
        "other (" + df["groups"].astype(str) + df["groups"].map({1: " group)"}).fillna(" groups)")
    )
    df["label"] = df["group"].where(df["kind"] == "group", other.where(df["kind"] == "other"))
    df["label"] = df["label"].fillna("no value")
    return df


def clock(
    con: duckdb.DuckDBPyConnection, column: str, coverage: Coverage, tz: str,
    cap: int = MAX_GROUPS,
) -> pd.DataFrame:  # fmt: skip
    """Tweets per (kind, group, hour of day on `tz`), for the small-multiples figure."""
    b = buckets_sql(column, coverage, cap)
    zone = tz.replace("'", "")
    return con.execute(
        f"""SELECT coalesce(b.kind, 'none') AS kind, b.grp AS "group",
                   hour(timezone('{zone}', t.tweet_time)) AS hour, count(*) AS tweets
            FROM tweets t LEFT JOIN {b} b USING (userid)
            WHERE t.tweet_time IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
    ).df()


def display(df: pd.DataFrame, coverage: Coverage) -> pd.DataFrame:
    """The table a reader sees: shares as percentages, "not available here" where the data
    cannot give one (the column is absent, or no account or tweet of the group has a value)."""
    out = pd.DataFrame({"group": df["label"], "accounts": df["accounts"], "tweets": df["tweets"]})
    for share, need, name in (
        ("zero_share", ("users", "follower_count"), "zero-follower share"),
        ("retweet_share", ("tweets", "is_retweet"), "retweet share"),
    ):
        ok = coverage.has(*need)
        out[name] = [f"{100 * v:.1f}%" if ok and pd.notna(v) else NOT_AVAILABLE for v in df[share]]
    langs = coverage.has("tweets", "tweet_language")
    out["top languages"] = [
        s if langs and isinstance(s, str) and s else NOT_AVAILABLE for s in df["top_languages"]
    ]
    return out
