"""Content: the hashtags, mentions and link domains the network pushed.

Each reads the `tweet_entities` view (entities.py): the entity column (hashtags, urls,
user_mentions) where the dataset has it, else what twitter-text's rules extract from the tweet
text. With neither the findings are unavailable, never "0.0% carry a hashtag". Rows whose list is
NULL (no column value, or no text) are left out of a share.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings import entities
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
    "content.entity_source": (Unit.text, "Where hashtags, links and mentions are read from"),
}

# The host of an absolute URL, lower-cased (scheme included: HTTPS://X.COM counts), with one
# leading www./m./mobile. stripped: the host of
#   regexp_extract(lower(trim(u)), '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1).
# Computed without lower-casing whole URLs (most of their length is the path): lower() maps
# one character to one character and keeps / ? # : @ as they are, and the only characters
# outside A-Z it turns into a-z are U+0130 (İ) and U+212A (Kelvin sign), so the scheme classes
# take those and the extracted host alone is lower-cased. The user-info branch of the pattern
# is slow in RE2 and can only match when the URL holds an '@', so URLs without one take the
# pattern without it. Hosts are counted before lower-casing and stripping, which then run once
# per distinct host. Tests pin the equivalence (tests/unit/findings/test_content.py).
_SCHEME = "^[a-zA-Z\u0130\u212a][a-zA-Z0-9+.\u0130\u212a-]*://"
_HOST = f"""CASE WHEN contains(u, '@')
    THEN regexp_extract(trim(u), '{_SCHEME}(?:[^/?#@]*@)?([^/?#:]+)', 1)
    ELSE regexp_extract(trim(u), '{_SCHEME}([^/?#:]+)', 1) END"""
STRIP_SQL = r"regexp_replace(lower(host), '^(www|m|mobile)\.', '')"

# Per entity: (cached table, value column, count column, SQL counting every value once).
_RANKED = {
    "hashtags": ("content_hashtags", "hashtag", "tweets",
                 """SELECT h AS hashtag, count(*) AS tweets FROM (SELECT unnest(hashtags) AS h FROM tweet_entities)
                    WHERE h <> '' GROUP BY 1"""),
    "user_mentions": ("content_mentions", "mention", "tweets",
                      """SELECT m AS mention, count(*) AS tweets FROM (SELECT unnest(user_mentions) AS m FROM tweet_entities)
                         WHERE m <> '' GROUP BY 1"""),
    "urls": ("content_domains", "domain", "links",
             f"""WITH hosts AS (SELECT {_HOST} AS host, count(*) AS n
                                FROM (SELECT unnest(urls) AS u FROM tweet_entities) GROUP BY 1)
                 SELECT domain, sum(n)::BIGINT AS links
                 FROM (SELECT {STRIP_SQL} AS domain, n FROM hosts) WHERE domain <> '' GROUP BY 1"""),
}  # fmt: skip


CACHED_ROWS = 100  # the report shows 15; larger requests are measured afresh


def _ranked(con: duckdb.DuckDBPyConnection, column: str, n: int) -> pd.DataFrame:
    """The `n` most frequent values of an entity list column, most frequent first (ties by value).

    The first CACHED_ROWS are kept in a temp table, measured once per connection: `summarize`
    and the notebook's tables read the same scan (the link-domain one reads 2.5 million URLs at
    10 million tweets), and a dataset with millions of distinct mentions keeps only 100 rows.
    """
    table, value, count, sql = _RANKED[column]
    entities.ensure_view(con)
    order = f"ORDER BY {count} DESC, {value} LIMIT ?"
    if n > CACHED_ROWS:
        return con.execute(f"SELECT {value}, {count} FROM ({sql}) {order}", [n]).df()
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {table} AS SELECT {value}, {count} FROM ({sql}) "
        f"ORDER BY {count} DESC, {value} LIMIT {CACHED_ROWS}"
    )
    return con.execute(f"SELECT {value}, {count} FROM {table} {order}", [n]).df()


def top_hashtags(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Hashtags as written (case kept: #香港 and #HongKong are different campaigns)."""
    return _ranked(con, "hashtags", n)


def top_mentions(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    return _ranked(con, "user_mentions", n)


def top_domains(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Link hosts, lower-cased, with www./m./mobile. stripped so one site counts once."""
    return _ranked(con, "urls", n)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per entity column: tweets whose list is recorded (`<key>_n`) and non-empty (`<key>`)."""
    entities.ensure_view(con)
    row = con.execute(
        """SELECT count(hashtags), count(*) FILTER (WHERE len(hashtags) > 0),
                  count(urls), count(*) FILTER (WHERE len(urls) > 0),
                  count(user_mentions), count(*) FILTER (WHERE len(user_mentions) > 0)
           FROM tweet_entities"""
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
    entities.create_view(con, coverage)
    c = counts(con) if coverage.rows.get("tweets") else {}
    out = [_source(coverage)]
    for key, _ in ENTITIES:
        fid = f"content.with_{key}_share"
        why = entities.missing(coverage, key)
        if why:
            out += missing_all({fid: SPECS[fid]}, why)
        else:
            out.append(
                proportion(fid, c[key], c[f"{key}_n"], label=SPECS[fid][1],
                           method=_share_method(coverage, key))
            )  # fmt: skip
    out += _top(coverage, "hashtag", "content.top_hashtag", "content.top_hashtag_tweets",
                lambda: top_hashtags(con, 1), "no tweet in this dataset carries a hashtag",
                f"{entities.method(coverage, 'hashtag')}, case kept")  # fmt: skip
    out += _top(coverage, "url", "content.top_domain", "content.top_domain_links",
                lambda: top_domains(con, 1), "no link in this dataset has a web domain",
                f"host of each link ({entities.method(coverage, 'url')}), lower-cased, leading "
                "www./m./mobile. removed")  # fmt: skip
    why = entities.missing(coverage, "mention")
    top = top_mentions(con, 1) if not why else None
    if top is not None and top.empty:
        why = "no tweet in this dataset mentions an account"
    fid = "content.top_mention_tweets"
    out += (
        missing_all({fid: SPECS[fid]}, why)
        if why
        else [ok(fid, int(top["tweets"].iloc[0]), unit=Unit.count, label=SPECS[fid][1],
                 method=entities.method(coverage, "mention"))]
    )  # fmt: skip
    return out


def _source(coverage: Coverage) -> Finding:
    """Where the entities come from (column or text), for the section and the coverage."""
    fid, said = "content.entity_source", entities.describe(coverage)
    if said is None:
        return missing_all({fid: SPECS[fid]}, entities.missing(coverage, "hashtag") or "")[0]
    return ok(fid, said, unit=Unit.text, label=SPECS[fid][1],
              method="each entity column the dataset holds; any other kind extracted from the text (tweet_text) by twitter-text's rules")  # fmt: skip


def _share_method(coverage: Coverage, key: str) -> str:
    """The share's method: which list counts, and among which tweets."""
    column = entities.COLUMNS[key]
    if entities.source(coverage, key) == "text":
        return (f"tweets with at least one {entities.SINGULAR[key]} "
                f"{entities.method(coverage, key)}, among tweets "
                "with text")  # fmt: skip
    return f"tweets whose {column} list is not empty, among tweets whose {column} is recorded"


def _top(coverage, key, name_id, count_id, frame, none, method) -> list[Finding]:  # noqa: ANN001
    """The most frequent entity (text) and its count, or both unavailable with the reason."""
    why = entities.missing(coverage, key)
    top = frame() if not why else None
    if top is not None and top.empty:
        why = none
    if why:
        return missing_all({name_id: SPECS[name_id], count_id: SPECS[count_id]}, why)
    value, count = top.iloc[0, 0], int(top.iloc[0, 1])
    return [
        ok(name_id, str(value), unit=Unit.text, label=SPECS[name_id][1], method=method),
        ok(count_id, count, unit=Unit.count, label=SPECS[count_id][1], method=method),
    ]
