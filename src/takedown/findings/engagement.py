"""Engagement and amplification: how much the network's tweets were engaged with, whom it
retweeted, and which clients it posted from.

A count the export does not carry is not a zero: without like, retweet, reply and quote counts
the engagement findings are unavailable with the reason. Rows whose counts are NULL are left
out of the share (the method says so). An empty client name is never reported as a client.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, Unit, first_missing, ok, unavailable
from takedown.findings.proportion import missing_all, proportion
from takedown.findings.stats import quantile_cont_of_counts
from takedown.profile import Profile

METRICS = ("like_count", "retweet_count", "reply_count", "quote_count")
NAMES = {"like_count": "likes", "retweet_count": "retweets", "reply_count": "replies",
         "quote_count": "quotes"}  # fmt: skip
ZERO = " AND ".join(f"{m} = 0" for m in METRICS)
RECORDED = " AND ".join(f"{m} IS NOT NULL" for m in METRICS)

SPECS: dict[str, tuple[Unit, str]] = {
    "engagement.original_tweets": (Unit.count, "Original tweets (not retweets)"),
    "engagement.zero_engagement_share": (Unit.share, "Original tweets with no engagement at all"),
    "engagement.zero_engagement_share_all": (
        Unit.share, "All tweets, retweets included, with no engagement"),
    "engagement.like_p99": (Unit.number, "99th percentile of likes per original tweet"),
    "engagement.retweet_p99": (Unit.number, "99th percentile of retweets per original tweet"),
    "engagement.like_max": (Unit.count, "Most likes on one tweet"),
    "engagement.retweet_max": (Unit.count, "Most retweets of one tweet"),
    "engagement.zero_follower_over_50_likes": (
        Unit.count, "Tweets from zero-follower accounts with more than 50 likes"),
    "engagement.zero_follower_over_10_retweets": (
        Unit.count, "Tweets from zero-follower accounts with more than 10 retweets"),
    "engagement.retweets": (Unit.count, "Retweets"),
    "engagement.retweet_inside_share": (Unit.share, "Retweets of accounts inside the network"),
    "engagement.retweet_unknown": (Unit.count, "Retweets that do not name their source account"),
    "engagement.top_client": (Unit.text, "Most used posting client"),
    "engagement.top_client_share": (Unit.share, "Tweets posted with the most used client"),
}  # fmt: skip


COUNTS = "engagement_counts"


def engagement_counts(con: duckdb.DuckDBPyConnection) -> str:
    """Name of a temp table of tweets per (retweet or not, likes, retweets, replies, quotes).

    One scan of five small columns per connection; the summary, percentiles and distribution
    then read a few thousand rows (1,296 at 10 million demo tweets) instead of every tweet.
    """
    con.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS {COUNTS} AS
            SELECT coalesce(is_retweet, false) AS rt, like_count, retweet_count, reply_count,
                   quote_count, count(*) AS n
            FROM tweets GROUP BY ALL"""
    )
    return COUNTS


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Zero-engagement counts and upper quantiles, on original tweets (retweets carry no counts of
    their own: the archive gives a retweet zero likes), plus the zero count over all tweets.
    Only tweets whose four counts are all recorded (not NULL) enter the zero counts.

    The 99th percentiles are DuckDB's quantile_cont, computed exactly from each count's
    histogram (`quantile_cont_of_counts`) rather than by holding every tweet's count in memory.
    """
    table = engagement_counts(con)
    row = con.execute(
        f"""WITH t AS (SELECT rt, like_count, retweet_count, n,
                             {RECORDED} AS recorded, {ZERO} AS zero
                      FROM {table})
           SELECT sum(n) FILTER (WHERE NOT rt),
                  sum(n) FILTER (WHERE NOT rt AND recorded),
                  sum(n) FILTER (WHERE zero AND NOT rt),
                  max(like_count) FILTER (WHERE NOT rt), max(retweet_count) FILTER (WHERE NOT rt),
                  sum(n), sum(n) FILTER (WHERE recorded), sum(n) FILTER (WHERE zero)
           FROM t"""
    ).fetchone()
    n, n_rec, zero, lmax, rmax, n_all, rec_all, zero_all = row
    hist = con.execute(
        f"""SELECT like_count, retweet_count, sum(n)::BIGINT AS n FROM {table}
            WHERE NOT rt GROUP BY ALL"""
    ).fetchnumpy()
    p99 = {}
    for col in ("like_count", "retweet_count"):
        values = np.ma.getdata(hist[col])
        keep = ~np.ma.getmaskarray(hist[col])
        p99[col] = quantile_cont_of_counts(values[keep], np.asarray(hist["n"])[keep], 0.99)
    return {
        "original_tweets": int(n or 0),
        "original_recorded": int(n_rec or 0),
        "zero_engagement": int(zero or 0),
        "like_p99": p99["like_count"],
        "retweet_p99": p99["retweet_count"],
        "like_max": None if lmax is None else int(lmax),
        "retweet_max": None if rmax is None else int(rmax),
        "tweets": int(n_all or 0),
        "recorded": int(rec_all or 0),
        "zero_engagement_all": int(zero_all or 0),
    }


def zero_follower_engaged(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Tweets from zero-follower accounts that still drew >50 likes or >10 retweets."""
    row = con.execute(
        """SELECT count(*) FILTER (WHERE t.like_count > 50), count(*) FILTER (WHERE t.retweet_count > 10)
           FROM tweets t JOIN users u USING (userid) WHERE u.follower_count = 0"""
    ).fetchone()
    return {"over_50_likes": int(row[0]), "over_10_retweets": int(row[1])}


def retweet_sources(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Retweets of accounts inside the network (in the users file) vs outside it; retweets whose
    source account is not recorded are counted apart (`unknown`) and in neither group."""
    row = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE u.userid IS NOT NULL),
                  count(*) FILTER (WHERE coalesce(t.retweet_userid, '') = '')
           FROM tweets t LEFT JOIN (SELECT DISTINCT userid FROM users) u ON t.retweet_userid = u.userid
           WHERE coalesce(t.is_retweet, false)"""
    ).fetchone()
    n, inside, unknown = (int(x) for x in row)
    return {"retweets": n, "inside": inside, "outside": n - inside - unknown, "unknown": unknown}


def distribution(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Original tweets per engagement bin, per metric (long format for a grouped bar chart).
    A metric the data does not record (all NULL) has no rows."""
    table = engagement_counts(con)
    parts = " UNION ALL ".join(
        f"SELECT '{NAMES[m]}' AS metric, {m} AS x, n FROM {table} WHERE NOT rt AND {m} IS NOT NULL"
        for m in METRICS
    )
    return con.execute(
        f"""SELECT metric, CASE WHEN x = 0 THEN '0' WHEN x <= 10 THEN '1-10' WHEN x <= 50 THEN '11-50'
                                ELSE '51+' END AS bin, sum(n)::BIGINT AS tweets
            FROM ({parts}) GROUP BY ALL ORDER BY metric, bin"""
    ).df()


def clients(con: duckdb.DuckDBPyConnection, n: int = 8) -> pd.DataFrame:
    """The most used clients, with their share of ALL tweets; tweets without a client name are
    no client (they count only in the denominator)."""
    return con.execute(
        """SELECT client, tweets, tweets / total AS share FROM (
               SELECT NULLIF(tweet_client_name, '') AS client, count(*) AS tweets,
                      sum(count(*)) OVER () AS total
               FROM tweets GROUP BY 1)
           WHERE client IS NOT NULL ORDER BY tweets DESC, client LIMIT ?""",
        [n],
    ).df()


def _spec(*ids: str) -> dict[str, tuple[Unit, str]]:
    return {f"engagement.{i}": SPECS[f"engagement.{i}"] for i in ids}


def _ok(name: str, value: object, **kw: object) -> Finding:
    unit, label = SPECS[f"engagement.{name}"]
    return ok(f"engagement.{name}", value, unit=unit, label=label, **kw)  # type: ignore[arg-type]


def _counts(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[Finding]:
    """Original tweets, zero-engagement shares, percentiles and maxima."""
    cov = coverage.missing
    rt = cov("tweets", "is_retweet")
    counts = first_missing(coverage, *(("tweets", m) for m in METRICS))
    s = summary(con)
    out: list[Finding] = []
    if rt:
        out += missing_all(_spec("original_tweets"), rt)
    else:
        out.append(_ok("original_tweets", s["original_tweets"], n=s["tweets"]))
    fid = "engagement.zero_engagement_share"
    if rt or counts:
        out += missing_all(_spec("zero_engagement_share"), rt or counts)
    else:
        out.append(
            proportion(fid, s["zero_engagement"], s["original_recorded"], label=SPECS[fid][1],
                       method="original tweets (not retweets) with no likes, retweets, replies or "
                       "quotes, among those whose four counts are recorded",
                       empty="no original tweet has its engagement counts recorded")
        )  # fmt: skip
    fid = "engagement.zero_engagement_share_all"
    if counts:
        out += missing_all(_spec("zero_engagement_share_all"), counts)
    else:
        out.append(
            proportion(fid, s["zero_engagement_all"], s["recorded"], label=SPECS[fid][1],
                       method="every tweet whose four counts are recorded; the archive gives "
                       "retweets no counts of their own",
                       empty="no tweet has its engagement counts recorded")
        )  # fmt: skip
    for kind, col in (("like", "like_count"), ("retweet", "retweet_count")):
        why = rt or cov("tweets", col)
        if why or s[f"{kind}_max"] is None:
            why = why or "no original tweet has its engagement counts recorded"
            out += missing_all(_spec(f"{kind}_p99", f"{kind}_max"), why)
        else:
            out.append(_ok(f"{kind}_p99", s[f"{kind}_p99"], n=s["original_tweets"]))
            out.append(_ok(f"{kind}_max", s[f"{kind}_max"]))
    return out


def _zero_followers(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[Finding]:
    why = first_missing(coverage, ("users", "follower_count"), ("tweets", "like_count"))
    why_rt = first_missing(coverage, ("users", "follower_count"), ("tweets", "retweet_count"))
    zf = zero_follower_engaged(con) if not (why and why_rt) else {}
    base = "tweets whose account has 0 followers in the users file and"
    out = []
    for name, reason, key, cond in (
        ("zero_follower_over_50_likes", why, "over_50_likes", "like_count > 50"),
        ("zero_follower_over_10_retweets", why_rt, "over_10_retweets", "retweet_count > 10"),
    ):
        if reason:
            out += missing_all(_spec(name), reason)
        else:
            out.append(_ok(name, zf[key], method=f"{base} {cond}"))
    return out


def _retweets(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[Finding]:
    rt = coverage.missing("tweets", "is_retweet")
    if rt:
        return missing_all(_spec("retweets", "retweet_inside_share", "retweet_unknown"), rt)
    rs = retweet_sources(con)
    tweets = coverage.rows.get("tweets", 0)
    out = [_ok("retweets", rs["retweets"], n=tweets)]
    fid = "engagement.retweet_inside_share"
    if not rs["retweets"]:
        none = unavailable(
            fid, unit=Unit.share, label=SPECS[fid][1], reason="this dataset holds no retweets"
        )
        return [*out, none, _ok("retweet_unknown", 0)]
    src = first_missing(coverage, ("tweets", "retweet_userid"), ("users", "userid"))
    if src:
        return out + missing_all(_spec("retweet_inside_share", "retweet_unknown"), src)
    out.append(
        proportion(fid, rs["inside"], rs["inside"] + rs["outside"], label=SPECS[fid][1],
                   method="retweets whose retweeted account (retweet_userid) is in the users file, "
                   "among retweets naming their source",
                   empty="no retweet in this dataset names its source account")
    )  # fmt: skip
    out.append(_ok("retweet_unknown", rs["unknown"]))
    return out


def _clients(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[Finding]:
    why = coverage.missing("tweets", "tweet_client_name")
    top = clients(con, 1) if not why else None
    if top is not None and top.empty:
        why = "tweet_client_name is empty in every row of this dataset's tweets file"
    if why:
        return missing_all(_spec("top_client", "top_client_share"), why)
    fid = "engagement.top_client_share"
    n = coverage.rows.get("tweets", 0)
    return [
        _ok("top_client", str(top["client"].iloc[0])),
        proportion(fid, int(top["tweets"].iloc[0]), n, label=SPECS[fid][1],
                   method="share of all tweets, tweets without a client name included"),
    ]  # fmt: skip


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Every engagement finding, measured or unavailable with the reason."""
    del profile  # nothing here depends on the operation
    if coverage.missing("tweets", "tweetid"):
        return missing_all(SPECS, coverage.missing("tweets", "tweetid"))
    return [
        *_counts(con, coverage),
        *_zero_followers(con, coverage),
        *_retweets(con, coverage),
        *_clients(con, coverage),
    ]
