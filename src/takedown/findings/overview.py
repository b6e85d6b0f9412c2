"""Overview: how big the archive is, the span it covers, and who posts most.

Counts of an empty file are unavailable rather than zero: a users file with no rows says nothing
about how many accounts the operation had, and the tweet-based counts are still computed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.clock_offset import quarter_hours
from takedown.findings.contract import Coverage, Finding, first_missing, ok, unavailable
from takedown.profile import Profile

_TWEET_IDS: dict[str, tuple[str, str, str | None]] = {
    "tweets": ("count", "Tweets", "rows of the tweets file after ingest"),
    "active_accounts": ("count", "Accounts with at least one tweet", "distinct userid in tweets"),
    "first_tweet": ("date", "First tweet (UTC)", None),
    "last_tweet": ("date", "Last tweet (UTC)", None),
    "span_days": ("days", "Days from first to last tweet", "UTC calendar days, both ends counted"),
    "tweets_per_account_median": ("number", "Median tweets per active account", None),
    "tweets_per_account_mean": ("number", "Mean tweets per active account", None),
    "tweets_per_account_max": ("count", "Most tweets by one account", None),
}
_LABELS = {
    "accounts": ("count", "Accounts in the users table"),
    "accounts_without_tweets": ("count", "Accounts in the users table with no tweet"),
    "posting_accounts_unlisted": ("count", "Accounts with tweets but not in the users table"),
    "rejected_account_rows": ("count", "Users-file rows rejected at ingest"),
    "retweet_share": ("share", "Share of tweets that are retweets"),
    "rejected_rows": ("count", "Rows rejected at ingest"),
}
# Columns of the most-active table, with the users column each needs (None: from tweets).
TOP_COLUMNS: dict[str, tuple[str, str | None]] = {
    "screen_name": ("screen name", "user_screen_name"),
    "display_name": ("display name", "user_display_name"),
    "description": ("description", "user_profile_description"),
    "followers": ("followers", "follower_count"),
    "tweets": ("tweets", None),
}


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Headline tweet counts in one SQL pass, plus tweets per active account."""
    tweets, active, first, last = con.execute(
        "SELECT count(*), count(DISTINCT userid), min(tweet_time), max(tweet_time) FROM tweets"
    ).fetchone()
    per = con.execute(
        "SELECT median(n), avg(n), max(n) FROM (SELECT count(*) AS n FROM tweets GROUP BY userid)"
    ).fetchone()
    return {
        "tweets": int(tweets),
        "active_accounts": int(active),
        "first_tweet": first.date().isoformat() if first else None,
        "last_tweet": last.date().isoformat() if last else None,
        "span_days": (last.date() - first.date()).days + 1 if first else None,
        "tweets_per_account_median": float(per[0]) if per[0] is not None else None,
        "tweets_per_account_mean": float(per[1]) if per[1] is not None else None,
        "tweets_per_account_max": int(per[2]) if per[2] is not None else None,
    }


def summarize(
    con: duckdb.DuckDBPyConnection,
    profile: Profile,
    coverage: Coverage,
    *,
    rejected: int | None = None,
    rejected_users: int | None = None,
) -> list[Finding]:
    """Every overview finding. `rejected` is ingest's count of rejected rows and
    `rejected_users` its count of rejected users-file rows (both from dataset.json)."""
    del profile  # the same for every operation
    out = accounts(con, coverage, rejected_users=rejected_users)
    reason = coverage.missing("tweets", "tweet_time")
    if reason:
        out += [
            unavailable(f"overview.{k}", unit=u, label=lbl, reason=reason)
            for k, (u, lbl, _) in _TWEET_IDS.items()
        ]
    else:
        c = counts(con)
        out += [
            ok(
                f"overview.{k}",
                c[k],
                unit=u,
                label=lbl,
                method=m,
                n=c["active_accounts"] if k.startswith("tweets_per") else None,
            )  # fmt: skip
            for k, (u, lbl, m) in _TWEET_IDS.items()
        ]
    reason = first_missing(coverage, ("tweets", "is_retweet"))
    if reason:
        out.append(_unavailable("retweet_share", reason))
    else:
        k, n = con.execute(
            "SELECT count(*) FILTER (WHERE is_retweet), count(is_retweet) FROM tweets"
        ).fetchone()
        out.append(ok("overview.retweet_share", k / n, unit="share", n=int(n),
                      label=_LABELS["retweet_share"][1],
                      method="tweets marked is_retweet, of the tweets with a value"))  # fmt: skip
    if rejected is None:
        out.append(_unavailable("rejected_rows", "the ingest record gives no count of rejects"))
    else:
        out.append(ok("overview.rejected_rows", int(rejected), unit="count",
                      label=_LABELS["rejected_rows"][1],
                      method="rows ingest could not read, each listed with its reason in rejects.csv"))  # fmt: skip
    return out


_ACCOUNT_METHODS = {
    "accounts": "rows of the users table after ingest: the accounts the users file lists, or, "
    "where the format's adapter derives accounts from the tweets, the accounts that tweeted",
    "accounts_without_tweets": "userid in the users table with no row in the tweets table",
    "posting_accounts_unlisted": "distinct userid in the tweets table absent from the users table",
}


def accounts(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, *, rejected_users: int | None = None
) -> list[Finding]:
    """Accounts listed (users table), listed without a tweet, tweeting but unlisted, and users
    rows rejected at ingest: kept apart so no one number stands for "the accounts"."""
    out: list[Finding] = []
    reason = coverage.missing("users", "userid")
    both = reason or coverage.missing("tweets", "userid")
    if reason:
        out.append(_unavailable("accounts", reason))
    else:
        n = con.execute("SELECT count(*) FROM users").fetchone()[0]
        out.append(_counted("accounts", n))
    if both:
        out += [
            _unavailable(k, both) for k in ("accounts_without_tweets", "posting_accounts_unlisted")
        ]
    else:
        silent, unlisted = con.execute(
            """SELECT (SELECT count(*) FROM users u WHERE NOT EXISTS
                         (SELECT 1 FROM tweets t WHERE t.userid = u.userid)),
                      (SELECT count(DISTINCT t.userid) FROM tweets t WHERE NOT EXISTS
                         (SELECT 1 FROM users u WHERE u.userid = t.userid))"""
        ).fetchone()
        out += [_counted("accounts_without_tweets", silent),
                _counted("posting_accounts_unlisted", unlisted)]  # fmt: skip
    if rejected_users is None:
        out.append(_unavailable("rejected_account_rows", "the ingest record gives no count"))
    else:
        out.append(ok("overview.rejected_account_rows", int(rejected_users), unit="count",
                      label=_LABELS["rejected_account_rows"][1],
                      method="rows of the users file ingest could not read, each listed with "
                      "its reason in rejects.csv"))  # fmt: skip
    return out


def _counted(name: str, n: int) -> Finding:
    unit, label = _LABELS[name]
    return ok(f"overview.{name}", int(n), unit=unit, label=label, method=_ACCOUNT_METHODS[name])


def _unavailable(name: str, reason: str) -> Finding:
    unit, label = _LABELS[name]
    return unavailable(f"overview.{name}", unit=unit, label=label, reason=reason)


def monthly(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets per calendar month (UTC), months without tweets included as zero.

    Read from the 15-minute UTC buckets (`clock_offset.quarter_hours`): a bucket never straddles
    a month, and converting ten thousand bucket times is cheaper than converting every tweet's.
    """
    return con.execute(
        f"""WITH m AS (SELECT date_trunc('month', t AT TIME ZONE 'UTC') AS month, sum(n)::BIGINT AS tweets
                      FROM {quarter_hours(con)} GROUP BY 1),
                r AS (SELECT unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS month FROM m)
           SELECT r.month, coalesce(m.tweets, 0) AS tweets FROM r LEFT JOIN m USING (month)
           ORDER BY r.month"""
    ).df()


def top_columns(coverage: Coverage) -> dict[str, str]:
    """The most-active table's columns {key: header}: only those the data holds values for."""
    return {
        k: header
        for k, (header, col) in TOP_COLUMNS.items()
        if col is None or coverage.has("users", col)
    }


def top_accounts(con: duckdb.DuckDBPyConnection, n: int = 10) -> pd.DataFrame:
    """The most active accounts with their self-description (hostile text: display escaped).

    Accounts come from the tweets file; their profile fields from the users file where it has
    the account (NULL otherwise, shown as a dash). `userid` is for picking their examples.
    """
    return con.execute(
        """SELECT u.user_screen_name AS screen_name, u.user_display_name AS display_name,
                  u.user_profile_description AS description, u.follower_count AS followers,
                  t.tweets, t.userid
           FROM (SELECT userid, count(*) AS tweets FROM tweets GROUP BY userid) t
           LEFT JOIN users u USING (userid)
           ORDER BY t.tweets DESC, t.userid LIMIT ?""",
        [n],
    ).df()
