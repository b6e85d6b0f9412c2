"""Content: the hashtags, mentions and link domains the network pushed.

Each needs its entity column (hashtags, urls, user_mentions): an export without it has these
findings unavailable, never "0.0% carry a hashtag". Rows whose list is NULL are left out of a share.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.contract import Coverage, Finding, Unit, ok
from takedown.findings.proportion import missing_all, proportion
from takedown.profile import Profile

# (finding key, list column)
ENTITIES = (("hashtag", "hashtags"), ("url", "urls"), ("mention", "user_mentions"))
SPECS: dict[str, tuple[Unit, str]] = {
    "content.with_hashtag_share": (Unit.share, "Tweets with at least one hashtag"),
    "content.with_url_share": (Unit.share, "Tweets with at least one link"),
    "content.with_mention_share": (Unit.share, "Tweets with at least one mention"),
    "content.top_hashtag": (Unit.text, "Most used hashtag (as written)"),
    "content.top_hashtag_tweets": (Unit.count, "Uses of the most used hashtag"),
    "content.top_domain": (Unit.text, "Most linked web domain"),
    "content.top_domain_links": (Unit.count, "Links to the most linked domain"),
    "content.top_mention_tweets": (Unit.count, "Tweets mentioning the most mentioned account"),
}

# The host of an absolute URL, lower-cased (scheme included: HTTPS://X.COM counts), with one
# leading www./m./mobile. stripped.
HOST_SQL = r"""regexp_replace(regexp_extract(lower(trim(u)), '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1), '^(www|m|mobile)\.', '')"""


def top_hashtags(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Hashtags as written (case kept: #香港 and #HongKong are different campaigns)."""
    return con.execute(
        """SELECT h AS hashtag, count(*) AS tweets FROM (SELECT unnest(hashtags) AS h FROM tweets)
           WHERE h <> '' GROUP BY 1 ORDER BY tweets DESC, hashtag LIMIT ?""",
        [n],
    ).df()


def top_mentions(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    return con.execute(
        """SELECT m AS mention, count(*) AS tweets FROM (SELECT unnest(user_mentions) AS m FROM tweets)
           WHERE m <> '' GROUP BY 1 ORDER BY tweets DESC, mention LIMIT ?""",
        [n],
    ).df()


def top_domains(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Link hosts, lower-cased, with www./m./mobile. stripped so one site counts once."""
    return con.execute(
        f"""SELECT {HOST_SQL} AS domain, count(*) AS links
            FROM (SELECT unnest(urls) AS u FROM tweets)
            WHERE {HOST_SQL} <> '' GROUP BY 1 ORDER BY links DESC, domain LIMIT ?""",
        [n],
    ).df()


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per entity column: tweets whose list is recorded (`<key>_n`) and non-empty (`<key>`)."""
    row = con.execute(
        """SELECT count(hashtags), count(*) FILTER (WHERE len(hashtags) > 0),
                  count(urls), count(*) FILTER (WHERE len(urls) > 0),
                  count(user_mentions), count(*) FILTER (WHERE len(user_mentions) > 0)
           FROM tweets"""
    ).fetchone()
    out: dict[str, int] = {}
    for i, (key, _) in enumerate(ENTITIES):
        out[f"{key}_n"], out[key] = int(row[2 * i]), int(row[2 * i + 1])
    return out


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Entity shares and the top hashtag, domain and mention, or unavailable with the reason."""
    del profile  # nothing here depends on the operation
    c = counts(con) if coverage.rows.get("tweets") else {}
    out: list[Finding] = []
    for key, column in ENTITIES:
        fid = f"content.with_{key}_share"
        why = coverage.missing("tweets", column)
        if why:
            out += missing_all({fid: SPECS[fid]}, why)
        else:
            out.append(
                proportion(fid, c[key], c[f"{key}_n"], label=SPECS[fid][1],
                           method=f"tweets whose {column} list is not empty, among tweets whose "
                           f"{column} is recorded")
            )  # fmt: skip
    out += _top(coverage, "hashtags", "content.top_hashtag", "content.top_hashtag_tweets",
                lambda: top_hashtags(con, 1), "no tweet in this dataset carries a hashtag",
                "hashtags field, case kept")  # fmt: skip
    out += _top(coverage, "urls", "content.top_domain", "content.top_domain_links",
                lambda: top_domains(con, 1), "no link in this dataset has a web domain",
                "host of each URL, lower-cased, leading www./m./mobile. removed")  # fmt: skip
    why = coverage.missing("tweets", "user_mentions")
    top = top_mentions(con, 1) if not why else None
    if top is not None and top.empty:
        why = "no tweet in this dataset mentions an account"
    fid = "content.top_mention_tweets"
    out += (
        missing_all({fid: SPECS[fid]}, why)
        if why
        else [ok(fid, int(top["tweets"].iloc[0]), unit=Unit.count, label=SPECS[fid][1],
                 method="user_mentions field")]
    )  # fmt: skip
    return out


def _top(coverage, column, name_id, count_id, frame, none, method) -> list[Finding]:  # noqa: ANN001
    """The most frequent entity (text) and its count, or both unavailable with the reason."""
    why = coverage.missing("tweets", column)
    top = frame() if not why else None
    if top is not None and top.empty:
        why = none
    if why:
        return missing_all({name_id: SPECS[name_id], count_id: SPECS[count_id]}, why)
    value, count = top.iloc[0, 0], int(top.iloc[0, 1])
    return [
        ok(name_id, str(value), unit=Unit.text, label=SPECS[name_id][1], method=method),
        ok(count_id, count, unit=Unit.count, label=SPECS[count_id][1]),
    ]
