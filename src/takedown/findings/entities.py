"""Hashtags, mentions and links per tweet: from the entity columns, or from the tweet text.

The one place every consumer reads entities from (content, profile drafts, networks). For each
kind, the archive's list column (`hashtags`, `user_mentions`, `urls`) is used when the dataset
holds it; otherwise the entities are extracted from `tweet_text` in DuckDB SQL by Twitter's own
rules (twitter-text 3.1, conformance/extract.yml), written for RE2:

- hashtag: `#` or `＃` after the start, a variation selector or any character that is not a
  hashtag character or `&`; then letters, marks, digits, `_` and twitter-text's joiners, with at
  least one letter or mark; not followed by another hash sign or `://`; never inside a link.
- mention: `@` or `＠` after the start, `RT`/`RT:` or any character but an ASCII word character
  or one of `!#$%&*@＠`; then 1-20 ASCII word characters (twitter-text's bound); not followed by
  an at sign, a Latin accented letter or `://`; `@name/list` is a list, not a mention; never
  inside a link.
- link: `http://` or `https://` with twitter-text's domain, port, path and query characters, after
  a character that is not an ASCII letter, digit, `@`, `$` or a hash sign; a t.co link ends at its
  slug. A link ends at any Unicode space (the rule coordination's text key uses).
  The top-level domain must be in twitter-text's list (tlds.py). Deliberate differences from
  twitter-text: links without `http(s)://` (a bare `example.com`) are not extracted, and a host
  is neither cut back to its last valid top-level domain nor IDNA-checked. On the IRA sample's
  206,655 texts every tweet's links equal twitter-text-parser's.

RE2 has no look-around: a match's following text is the piece up to the next match (from
`regexp_split_to_array`) plus that match, so each check sees what twitter-text's look-ahead sees.
tests/unit/findings/test_entities.py runs the official conformance cases against this SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import duckdb

from takedown.db import sql_string
from takedown.findings.text_keys import SPACE
from takedown.findings.tlds import TLDS
from takedown.schema import Coverage

Kind = Literal["hashtag", "mention", "url"]
Source = Literal["column", "text"]
COLUMNS: dict[str, str] = {"hashtag": "hashtags", "mention": "user_mentions", "url": "urls"}
VIEW = "tweet_entities"  # the temp view `create_view` writes: one row per tweet, three lists

# --- twitter-text's character classes, in RE2 syntax -----------------------------------------
_HASH_SPECIAL = r"_\x{200C}\x{200D}\x{A67E}\x{05BE}\x{05F3}\x{05F4}\x{FF5E}\x{301C}\x{309B}\x{309C}\x{30A0}\x{30FB}\x{3003}\x{0F0B}\x{0F0C}\x{00B7}"
_HASH_ALNUM = rf"\p{{L}}\p{{M}}\p{{Nd}}{_HASH_SPECIAL}"
# The first character after the hash sign: any hashtag character but U+FE0F and U+20E3 (a
# keycap "#️⃣" is no hashtag). RE2 cannot subtract from a class; [^\P{Mn}X] is "Mn but not X".
_HASH_FIRST = (
    rf"(?:[\p{{L}}\p{{Mc}}\p{{Nd}}{_HASH_SPECIAL}]|[^\P{{Mn}}\x{{FE0F}}]|[^\P{{Me}}\x{{20E3}}])"
)
HASHTAG_PATTERN = (
    rf"(?:^|\x{{FE0E}}|\x{{FE0F}}|[^{_HASH_ALNUM}&])[#＃]({_HASH_FIRST}[{_HASH_ALNUM}]*)"
)
_HASHTAG_END = r"^(?:[#＃]|://)"

_LATIN_ACCENTS = r"\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{100}-\x{24F}\x{253}\x{254}\x{256}\x{257}\x{259}\x{25B}\x{263}\x{268}\x{26F}\x{272}\x{289}\x{28B}\x{2BB}\x{300}-\x{36F}\x{1E00}-\x{1EFF}"
MENTION_PATTERN = (
    r"(?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"[@＠]([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
)
_MENTION_END = rf"^(?:[@＠]|[{_LATIN_ACCENTS}]|://)"
_LIST_SLUG = r"[@＠][a-zA-Z0-9_]{1,20}/"

_DIRECTIONAL = r"\x{202A}-\x{202E}\x{061C}\x{200E}\x{200F}\x{2066}-\x{2069}"
_INVALID = r"\x{FFFE}\x{FEFF}\x{FFFF}"
_PUNCT = r"!'#%&()*+,\\\-./:;<=>?@\[\]^_{|}~$"
_DOMAIN_CHAR = rf"[^{_PUNCT}{SPACE}{_INVALID}{_DIRECTIONAL}]"
_SUBDOMAIN = rf"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\.)"
_DOMAIN_NAME = rf"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\.)"
# A top-level label of 2+ letters or a punycode one; urls_sql keeps it only when it is in
# twitter-text's list (tlds.py), as twitter-text's own pattern does.
_DOMAIN = rf"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:xn--[\-0-9a-z]+|[\p{{L}}\p{{M}}]{{2,}}))"
_PATH_CHAR = rf"[a-z\x{{400}}-\x{{4FF}}0-9!*';:=+,.$/%#\[\]\-\x{{2013}}_~@|&{_LATIN_ACCENTS}]"
_PARENS = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH_END = rf"(?:[+\-a-z\x{{400}}-\x{{4FF}}0-9=_#/{_LATIN_ACCENTS}]|{_PARENS})"
_PATH = rf"(?:(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY = r"\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/]"
_URL_BEFORE = rf"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
URL_PATTERN = rf"(?i)({_URL_BEFORE})(https?://{_DOMAIN}(?::[0-9]+)?(?:/{_PATH}*)?(?:{_QUERY})?)"
_TCO = rf"(?i)^https?://t\.co/[a-z0-9]+(?:{_QUERY})?"
_TCO_LONG = r"(?i)^https?://t\.co/[a-z0-9]{41}"  # twitter-text drops a t.co slug over 40
_LAST_LABEL = r"(?i)^https?://[^/?#:]*?([^./?#:]+)(?:[:/?#]|$)"  # the host's top-level label
_TLD = "(?:xn--[-0-9a-z]+|" + "|".join(sorted(TLDS)) + ")"


_q = sql_string  # a pattern as a SQL string literal


def _checked(text: str, pattern: str, end: str, keep: Callable[[str, str], str]) -> str:
    """The group-1 values of `pattern`'s matches in `text` whose following text does not match
    `end` and whose (value v, full match m) pass `keep`, in order."""
    p = _q(pattern)
    return f"""[z[1] for z in list_zip(
            regexp_extract_all({text}, {p}, 1), regexp_extract_all({text}, {p}, 0),
            regexp_split_to_array({text}, {p})[2:],
            list_append(regexp_extract_all({text}, {p}, 0)[2:], ''))
        if NOT regexp_matches(z[3] || z[4], {_q(end)}) AND ({keep("z[1]", "z[2]")})]"""


def urls_sql(text: str) -> str:
    """SQL: the list of links in `text` (NULL when `text` is NULL)."""
    urls = f"regexp_extract_all({text}, {_q(URL_PATTERN)}, 2)"
    tco = f"regexp_matches(u, {_q('(?i)^https?://t[.]co/[a-z0-9]')})"
    label = f"lower(regexp_extract(u, {_q(_LAST_LABEL)}, 1))"
    return f"""[CASE WHEN {tco} THEN regexp_extract(u, {_q(_TCO)}, 0) ELSE u END
               for u in {urls} if NOT regexp_matches(u, {_q(_TCO_LONG)})
                                  AND regexp_full_match({label}, {_q(_TLD)})]"""


def without_urls_sql(text: str) -> str:
    """SQL: `text` with each link replaced by one letter, so nothing inside a link is taken for a
    hashtag or mention, and what follows a link sees a letter before it as it would the link's
    own last character (a link ends in a letter or digit wherever a # or @ can follow it)."""
    return f"regexp_replace({text}, {_q(URL_PATTERN)}, '\\1x', 'g')"


def hashtags_sql(text: str) -> str:
    """SQL: the hashtags of `text` (a link-free text, see without_urls_sql), as written, no #."""
    letter = _q(r"[\p{L}\p{M}]")  # at least one letter or mark: #2024 is no hashtag
    return _checked(
        text, HASHTAG_PATTERN, _HASHTAG_END, lambda v, m: f"regexp_matches({v}, {letter})"
    )


def mentions_sql(text: str) -> str:
    """SQL: the screen names `text` mentions (a link-free text), as written, no @."""
    slug = _q(_LIST_SLUG)
    return _checked(
        text, MENTION_PATTERN, _MENTION_END, lambda v, m: f"NOT regexp_matches({m}, {slug})"
    )


def source(coverage: Coverage, kind: str) -> Source | None:
    """'column' when the dataset holds the entity column, 'text' when it has tweet text only."""
    if coverage.has("tweets", COLUMNS[kind]):
        return "column"
    if coverage.has("tweets", "tweet_text"):
        return "text"
    return None


def missing(coverage: Coverage, kind: str) -> str | None:
    """Why `kind` cannot be measured (neither its column nor any tweet text), else None."""
    if source(coverage, kind):
        return None
    why = coverage.missing("tweets", COLUMNS[kind])
    if why == coverage.missing("tweets", "tweet_text"):  # no rows: one reason for both
        return why
    return f"{why}, and there is no tweet text to extract them from"


def lists_sql(coverage: Coverage, relation: str = "tweets") -> str:
    """SQL of (tweetid, userid, tweet_time, hashtags, urls, user_mentions): one row per tweet of
    `relation` (the tweets, or a few of them), each list from its column or extracted from the
    text (NULL where neither holds anything for the tweet). The time lets the example picker
    find a list's first tweet without joining every tweet back."""
    src = {k: source(coverage, k) for k in COLUMNS}
    text = "tweet_text"
    free = "free"
    pick = {
        k: f"CASE WHEN {text} IS NOT NULL THEN {sql} END"
        for k, sql in (("hashtag", hashtags_sql(free)), ("mention", mentions_sql(free)),
                       ("url", urls_sql(text)))
    }  # fmt: skip
    cols = [
        f"{COLUMNS[k] if src[k] == 'column' else pick[k] if src[k] else 'NULL::VARCHAR[]'}"
        f" AS {COLUMNS[k]}"
        for k in ("hashtag", "url", "mention")
    ]
    inner = f"SELECT * FROM {relation}"
    if "text" in src.values():
        inner = f"SELECT *, {without_urls_sql(text)} AS {free} FROM {relation}"
    return f"SELECT tweetid, userid, tweet_time, {', '.join(cols)} FROM ({inner})"


def create_view(con: duckdb.DuckDBPyConnection, coverage: Coverage | None = None) -> str:
    """Create (or replace) `tweet_entities` from lists_sql; returns its name.

    A view over the columns; a temp table when anything is extracted from the text, so the
    regexes run once per connection however many readers follow. Without `coverage` the
    tweets' text and entity columns are measured on the connection: a column counts as present
    when it holds any value."""
    coverage = coverage or _measure(con)
    text = any(source(coverage, k) == "text" for k in COLUMNS)
    for kind in ("VIEW", "TABLE"):  # whichever an earlier call made
        if _exists(con, kind):
            con.execute(f"DROP {kind} {VIEW}")
    kind = "TABLE" if text else "VIEW"
    con.execute(f"CREATE TEMP {kind} {VIEW} AS {lists_sql(coverage)}")
    return VIEW


def _measure(con: duckdb.DuckDBPyConnection) -> Coverage:
    """The coverage of the columns this module reads, from the `tweets` relation alone."""
    have = {r[0] for r in con.execute("DESCRIBE tweets").fetchall()}
    cols = [c for c in ("tweet_text", *COLUMNS.values()) if c in have]
    row = con.execute(
        "SELECT count(*)" + "".join(f", count({c})" for c in cols) + " FROM tweets"
    ).fetchall()[0]  # fetchall: fetchone leaves the result open for register()
    values = {c: {"present": v > 0, "values": v} for c, v in zip(cols, row[1:], strict=True)}
    return Coverage(rows={"tweets": row[0]}, columns={"tweets": values})


def ensure_view(con: duckdb.DuckDBPyConnection) -> str:
    """`tweet_entities`, created from the measured coverage if it does not exist yet."""
    return VIEW if _exists(con, "VIEW") or _exists(con, "TABLE") else create_view(con)


def _exists(con: duckdb.DuckDBPyConnection, kind: str) -> bool:
    """Whether the temp view or table `tweet_entities` exists (kind 'VIEW' or 'TABLE')."""
    catalog, name = (
        ("duckdb_views()", "view_name") if kind == "VIEW" else ("duckdb_tables()", "table_name")
    )
    sql = f"SELECT count(*) FROM {catalog} WHERE {name} = ? AND temporary"
    return bool(con.execute(sql, [VIEW]).fetchall()[0][0])


def entities_sql(coverage: Coverage) -> str:
    """SQL of (tweetid, userid, kind, value, source): one row per entity occurrence, in text order,
    kind 'hashtag' | 'mention' | 'url', source 'column' | 'text'. Empty values are left out."""
    parts = []
    for kind in COLUMNS:
        src = source(coverage, kind)
        if src:
            parts.append(
                f"SELECT tweetid, userid, '{kind}' AS kind, unnest({COLUMNS[kind]}) AS value, "
                f"'{src}' AS source FROM lists"
            )
    if not parts:
        return (
            "SELECT NULL::VARCHAR AS tweetid, NULL::VARCHAR AS userid, NULL::VARCHAR AS kind, "
            "NULL::VARCHAR AS value, NULL::VARCHAR AS source WHERE false"
        )
    union = " UNION ALL ".join(parts)
    return f"WITH lists AS ({lists_sql(coverage)}) SELECT * FROM ({union}) WHERE value <> ''"


def method(coverage: Coverage, kind: str) -> str:
    """How `kind` was read, for a finding's method."""
    if source(coverage, kind) == "text":
        shortened = ", shortened links counted as written" if kind == "url" else ""
        return (
            f"extracted from the text (tweet_text) by Twitter's twitter-text rules, as the "
            f"dataset has no {COLUMNS[kind]} column{shortened}"
        )
    return f"{COLUMNS[kind]} field"


NAMES = {"hashtag": "hashtags", "url": "links", "mention": "mentions"}
SINGULAR = {"hashtag": "hashtag", "url": "link", "mention": "mention"}


def describe(coverage: Coverage) -> str | None:
    """Where each kind comes from, as one phrase for the report (None when none can be read)."""
    by: dict[str, list[str]] = {"column": [], "text": []}
    for kind in ("hashtag", "url", "mention"):
        src = source(coverage, kind)
        if src:
            by[src].append(kind)
    if not by["column"] and not by["text"]:
        return None
    parts = []
    if by["text"]:
        cols = _join([COLUMNS[k] for k in by["text"]], "or")
        parts.append(
            f"{_names(by['text'])} are extracted from the tweet text by the entity rules of "
            f"Twitter itself (twitter-text), as this dataset has no {cols} column"
        )
    if by["column"]:
        cols = _join([COLUMNS[k] for k in by["column"]], "and")
        plural = "s" * (len(by["column"]) > 1)
        # No apostrophe: Quarto would curl it in a {{< var >}} and the built-in composer not.
        parts.append(
            f"{_names(by['column'])} are read from the {cols} column{plural} of the dataset"
        )
    if source(coverage, "url") == "text":
        parts.append("links are counted as written, so a shortened t.co link counts as t.co")
    said = "; ".join(parts)
    return said[0].upper() + said[1:]


def _names(kinds: list[str]) -> str:
    return _join([NAMES[k] for k in kinds], "and")


def _join(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
