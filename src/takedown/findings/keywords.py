"""Keyword lexicons matched on the raw tweet text in SQL: which topic each tweet takes.

The rule (topics.py) is "the first topic, in profile order, with a keyword that is a substring of
the lower-cased text". Two costs are avoided at 45 million tweets while keeping that rule exact:

- lower() is never applied to the texts. DuckDB's lower() maps one code point to one code point
  whatever its neighbours, so a keyword matches the lower-cased text exactly where the raw text
  matches the keyword with each character widened to the class of characters lowering to it
  (`[Iiİ]` for "i"). RE2's own `(?i)` folds differently (long s, Kelvin sign, final sigma).
- The topics are not tried one regex at a time. One regex over all keywords, one capture group
  per topic, finds the leftmost keyword and so a topic the text surely holds; only a tweet whose
  leftmost keyword belongs to a later topic is then checked for the earlier topics' keywords.
"""

from __future__ import annotations

import functools
import re

import duckdb

from takedown.db import sql_string
from takedown.profile import Profile

OTHER = "other"

# Case mappings live below U+20000 (the planes above hold no cased letters); a unit test checks
# this bound against the whole code space for the DuckDB version in use.
CASED_BELOW = 0x20000


@functools.lru_cache(maxsize=1)
def _lower_preimages() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """For DuckDB's lower(): each character that other characters lower to, with all of them;
    and the characters lower() changes. Refuses a lower() that maps to several code points."""
    con = duckdb.connect()
    bad, rows = con.execute(
        f"""WITH c AS (SELECT i, chr(CAST(i AS INTEGER)) AS c, lower(chr(CAST(i AS INTEGER))) AS l
                       FROM range(1, {CASED_BELOW}) t(i) WHERE i < 55296 OR i > 57343)
            SELECT (SELECT count(*) FROM c WHERE length(l) <> 1),
                   (SELECT list((l, cs)) FROM (SELECT l, list(c ORDER BY i) AS cs FROM c GROUP BY l
                                               HAVING count(*) > 1 OR any_value(c) <> l))"""
    ).fetchone()
    con.close()
    if bad:
        raise RuntimeError(
            f"this DuckDB's lower() maps {bad} characters to more than one: topic keywords "
            "cannot be matched on the raw text; report this DuckDB version as unsupported"
        )
    pre = {lo: tuple(cs) for lo, cs in rows or []}
    # every character lower() changes sits in the group of what it lowers to
    return pre, frozenset(c for lo, cs in pre.items() for c in cs if c != lo)


@functools.lru_cache(maxsize=65536)
def char_class(ch: str) -> str:
    """RE2 for the characters DuckDB's lower() turns into `ch`."""
    pre, moved = _lower_preimages()
    if ch in pre:
        return "[" + "".join(re.escape(c) for c in pre[ch]) + "]"
    if ch in moved:  # lower() changes ch and nothing lowers to it: no text can match
        return r"[^\x00-\x{10FFFF}]"
    return re.escape(ch)


def pattern(keywords: list[str]) -> str | None:
    """RE2 alternation of literal keywords, matching the raw text exactly where the keyword
    (lower-cased) is a substring of the lower-cased text; quoted for a SQL string literal."""
    words = ["".join(char_class(c) for c in k.lower()) for k in keywords if k.strip()]
    return "|".join(words).replace("'", "''") if words else None


quote = sql_string  # a label as a SQL string literal


def _matches(text: str, p: str) -> str:
    return f"coalesce(regexp_matches({text}, '{p}'), false)"


def _topic_index(pats: list[str], text: str, lead: str) -> str:
    """Index of the first topic with a keyword, knowing the leftmost keyword's topic `lead`.

    Each topic's own regex appears once: a tweet led by topic k is checked against topics
    0..k-1 in order (CASE hands each WHEN only the rows still undecided, and its AND tries the
    regex only where the lead comes later), so the SQL grows linearly with the keywords.
    """
    whens = [f"WHEN {lead} > {k} AND {_matches(text, p)} THEN {k}" for k, p in enumerate(pats[:-1])]
    return f"CASE {' '.join(whens)} ELSE {lead} END" if whens else lead


def _group_flag(members: list[int], pats: list[str], text: str) -> str:
    """Whether a tweet holds a keyword of any of the group's topics (indices `members`).

    True when its topic or its leading keyword's topic is in the group; otherwise only a member
    after its own topic in profile order can still be there (the earlier ones did not match),
    so each member's regex runs once, on those tweets alone.
    """
    if not members:
        return "false"
    listed = ", ".join(str(i) for i in members)
    whens = [f"WHEN topic_idx IN ({listed}) OR lead IN ({listed}) THEN true"]
    whens += [f"WHEN topic_idx < {u} AND {_matches(text, pats[u])} THEN true" for u in members]
    return "CASE " + " ".join(whens) + " ELSE false END"


def topic_days_sql(profile: Profile) -> str:
    """SELECT of (day, topic, g_<group>..., n): tweets per UTC day, topic and group flags.

    Each topic's keyword regex is written at most once per use (the leading-keyword scan, the
    earlier-topic check, each group holding it): linear in the keywords, never quadratic.
    """
    kws = {t: [k for k in v.keywords if k.strip()] for t, v in profile.topics.items()}
    ids = [t for t in profile.topics if kws[t]]
    day = "CAST(tweet_time AT TIME ZONE 'UTC' AS DATE)"
    if not ids:
        groups = "".join(f", false AS g_{g}" for g in profile.topic_groups)
        return f"SELECT {day} AS day, '{OTHER}' AS topic{groups}, count(*) AS n FROM tweets GROUP BY ALL"
    pats = [pattern(kws[t]) or "" for t in ids]
    lead_re = "|".join(f"({p})" for p in pats)
    names = ", ".join(f"'t{i}'" for i in range(len(ids)))
    lead = "CASE " + " ".join(f"WHEN m.t{i} <> '' THEN {i}" for i in range(len(ids))) + " END"
    index = {t: i for i, t in enumerate(ids)}
    groups = "".join(
        f", {_group_flag(sorted(index[t] for t in set(g.topics) if t in index), pats, 'tweet_text')}"
        f" AS g_{gid}"
        for gid, g in profile.topic_groups.items()
    )
    labels = ", ".join(quote(t) for t in ids)
    return f"""SELECT day, coalesce([{labels}][topic_idx + 1], '{OTHER}') AS topic{groups},
                      count(*) AS n
               FROM (SELECT day, tweet_text, lead,
                            {_topic_index(pats, "tweet_text", "lead")} AS topic_idx
                     FROM (SELECT day, tweet_text, {lead} AS lead
                           FROM (SELECT {day} AS day, tweet_text,
                                        regexp_extract(tweet_text, '{lead_re}', [{names}]) AS m
                                 FROM tweets)))
               GROUP BY ALL"""
