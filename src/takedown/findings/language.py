"""Language: the archive's language labels, and which Chinese script the text is really in.

Script detection uses hanzidentifier's CC-CEDICT character sets, applied in SQL as two
character classes so the check runs inside DuckDB rather than a Python loop over tweets.
The script comparison applies only where Han text is a real share of the dataset (at least
`HAN_MIN_SHARE` of tweets or `HAN_MIN_TWEETS` tweets): one stray character is not a finding.
A missing or empty label is never reported as a language: such rows only count in denominators.
The profile's `languages` (the operation's languages as its author describes them) are checked
against the labels: the share of tweets labelled with one of them.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd
from hanzidentifier import helpers

from takedown.findings.contract import Coverage, Finding, Unit, ok, unavailable
from takedown.findings.proportion import missing_all, proportion
from takedown.profile import Profile

SCRIPTS = ("simplified", "traditional", "mixed", "either")
DEFINITE = ("simplified", "traditional", "mixed")
ZH = "zh"  # the archive's label for Chinese tweets
HAN_MIN_SHARE = 0.05
HAN_MIN_TWEETS = 1000

SCRIPT_RULE = (
    "script of the tweet text among zh-labelled tweets holding Han characters of a definite "
    "script: simplified-only or traditional-only characters (CC-CEDICT sets via hanzidentifier), "
    "both (mixed); texts whose Han characters are common to both scripts are left out; computed "
    f"only when at least {HAN_MIN_SHARE:.0%} of tweets or {HAN_MIN_TWEETS:,} tweets hold Han "
    "characters"
)

LABELS = {
    "language.top_tweet_language": (Unit.text, "Most common tweet language label in the archive"),
    "language.top_tweet_language_share": (Unit.share, "Share of tweets with that label"),
    "language.tweet_languages": (Unit.count, "Distinct tweet language labels"),
}
PROFILE_SHARE = "language.profile_languages_share"
PROFILE_SHARE_LABEL = "Tweets labelled with one of the profile's languages"
ACCOUNT_LABELS = {
    "language.top_account_language": (
        Unit.text,
        "Most common account language label in the archive",
    ),
    "language.top_account_language_share": (Unit.share, "Share of accounts with that label"),
}
SCRIPT_LABELS = {
    "language.han_share": (Unit.share, "Tweets whose text holds Han characters"),
    "language.zh_tweets": (Unit.count, "Tweets labelled zh (Chinese) by the archive"),
    "language.simplified_share": (Unit.share, "zh tweets in simplified script"),
    "language.traditional_share": (Unit.share, "zh tweets in traditional script"),
    "language.mixed_share": (Unit.share, "zh tweets mixing both scripts"),
    "language.label_text_agreement": (
        Unit.share,
        "zh-labelled tweets whose text holds Han characters",
    ),
    "language.han_outside_zh": (Unit.count, "Tweets with Han characters not labelled zh"),
}


@cache
def _classes() -> tuple[str, str]:
    """RE2 character classes of the simplified-only and traditional-only characters."""
    simp = sorted(helpers.SIMPLIFIED_CHARACTERS - helpers.SHARED_CHARACTERS)
    trad = sorted(helpers.TRADITIONAL_CHARACTERS - helpers.SHARED_CHARACTERS)
    return "[" + "".join(simp) + "]", "[" + "".join(trad) + "]"


def label_shares(con: duckdb.DuckDBPyConnection, column: str, table: str) -> pd.DataFrame:
    """Rows per archive language label, with their share of ALL rows of the table.

    Rows without a label (NULL or empty) are no language: they have no row here but count in the
    denominator, so the shares of a partly labelled file sum to less than 1.
    """
    if (table, column) not in (("tweets", "tweet_language"), ("users", "account_language")):
        raise ValueError(f"{table}.{column}")
    return con.execute(
        f"""SELECT language, n, n / total AS share FROM (
                SELECT NULLIF({column}, '') AS language, count(*) AS n, sum(count(*)) OVER () AS total
                FROM {table} GROUP BY 1)
            WHERE language IS NOT NULL ORDER BY n DESC, language"""
    ).df()


def script_sql() -> str:
    """SQL expression classifying tweet_text as simplified, traditional, mixed, either or none.

    The class regexes over every text are most of this notebook's time at scale, so each is
    evaluated once per text at most: a text with a simplified character is mixed or simplified
    by one traditional test; the others are tested for traditional, then for Han at all.
    (Testing Han first was slower on 10 million tweets: RE2's \\p{Han} is a large class.)
    """
    simp, trad = (c.replace("'", "''") for c in _classes())
    return f"""CASE
        WHEN regexp_matches(tweet_text, '{simp}') THEN
            CASE WHEN regexp_matches(tweet_text, '{trad}') THEN 'mixed' ELSE 'simplified' END
        WHEN regexp_matches(tweet_text, '{trad}') THEN 'traditional'
        WHEN regexp_matches(tweet_text, '\\p{{Han}}') THEN 'either'
        ELSE 'none' END"""


def script_by_label(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets per (archive label, detected script): agreement between label and text.

    `label` is None for tweets without a label: never a language called 'none'. The scan runs
    once per connection (kept in the temp table language_scripts), so the notebook's figures
    reuse what `summarize` measured.
    """
    con.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS language_scripts AS
            SELECT NULLIF(tweet_language, '') AS label, {script_sql()} AS script, count(*) AS n
            FROM tweets GROUP BY ALL"""
    )
    return con.execute("SELECT * FROM language_scripts ORDER BY label NULLS LAST, script").df()


def script_counts(by_label: pd.DataFrame, label: str = ZH) -> dict[str, int]:
    """Tweets labelled `label` per detected script (every script and 'none'), and their total."""
    sub = by_label[by_label["label"] == label]
    out = {s: int(sub.loc[sub.script == s, "n"].sum()) for s in (*SCRIPTS, "none")}
    out["total"] = int(sub["n"].sum())
    return out


def script_shares(by_label: pd.DataFrame, label: str = ZH) -> dict[str, float]:
    """Shares among tweets labelled `label` whose text holds Han characters of a definite script
    (simplified, traditional, or both: 'mixed'); texts whose Han characters are common to both
    scripts ('either') cannot be assigned and are left out. Zero when there are none."""
    c = script_counts(by_label, label)
    total = sum(c[s] for s in DEFINITE)
    return {s: c[s] / total if total else 0.0 for s in DEFINITE}


def han_is_substantial(han: int, tweets: int) -> bool:
    """Whether Han text is a real share of the dataset, so the script comparison means something."""
    return han >= HAN_MIN_TWEETS or (tweets > 0 and han / tweets >= HAN_MIN_SHARE)


def _labels(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, column: str, table: str, kind: str
) -> list[Finding]:
    """Most common label and its share of all rows; the number of distinct labels for tweets."""
    specs = LABELS if kind == "tweet" else ACCOUNT_LABELS
    top_id, share_id = f"language.top_{kind}_language", f"language.top_{kind}_language_share"
    reason = coverage.missing(table, column)
    df = None if reason else label_shares(con, column, table)
    if df is not None and df.empty:
        reason = f"{column} is empty in every row of this dataset's {table} file"
    if reason:
        return missing_all(specs, reason)
    n = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    top = df.iloc[0]
    out = [
        ok(top_id, str(top["language"]), unit=Unit.text, label=specs[top_id][1]),
        proportion(share_id, int(top["n"]), n, label=specs[share_id][1],
                   method=f"share of all {table} rows, rows without a label included"),
    ]  # fmt: skip
    if kind == "tweet":
        tid = "language.tweet_languages"
        out.append(ok(tid, len(df), unit=Unit.count, label=specs[tid][1]))
    return out


def _scripts(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[Finding]:
    """The Chinese-script subsection: only when Han text is a real share of the tweets."""
    reason = coverage.missing("tweets", "tweet_text") or coverage.missing(
        "tweets", "tweet_language"
    )
    if reason:
        return missing_all(SCRIPT_LABELS, reason)
    by = script_by_label(con)
    tweets = int(by["n"].sum())
    han = int(by.loc[by["script"] != "none", "n"].sum())
    if not han_is_substantial(han, tweets):
        return missing_all(
            SCRIPT_LABELS,
            f"only {han:,} of {tweets:,} tweets hold Han characters, fewer than the "
            f"{HAN_MIN_SHARE:.0%} or {HAN_MIN_TWEETS:,} tweets a script comparison needs",
        )
    c = script_counts(by, ZH)
    definite = sum(c[s] for s in DEFINITE)
    # a None label compares unequal to zh: unlabelled Han tweets count as outside zh
    outside = int(by.loc[(by["label"] != ZH) & (by["script"] != "none"), "n"].sum())

    def label(name: str) -> str:
        return SCRIPT_LABELS[f"language.{name}"][1]

    out = [
        proportion("language.han_share", han, tweets, label=label("han_share"),
                   method="tweet text holding at least one Han (Chinese-script) character"),
        ok("language.zh_tweets", c["total"], unit=Unit.count, label=label("zh_tweets")),
    ]  # fmt: skip
    for s in DEFINITE:
        out.append(
            proportion(f"language.{s}_share", c[s], definite, label=label(f"{s}_share"),
                       method=SCRIPT_RULE,
                       empty="no zh-labelled tweet holds Han characters of a definite script")
        )  # fmt: skip
    out.append(
        proportion("language.label_text_agreement", c["total"] - c["none"], c["total"],
                   label=label("label_text_agreement"), empty="no tweet is labelled zh")
    )  # fmt: skip
    out.append(
        ok("language.han_outside_zh", outside, unit=Unit.count, label=label("han_outside_zh"),
           method="tweets whose text holds Han characters, labelled other than zh or not at all")
    )  # fmt: skip
    return out


def _profile_languages(
    con: duckdb.DuckDBPyConnection, languages: list[str], coverage: Coverage
) -> Finding:
    """Share of ALL tweets whose tweet_language label is one of the profile's `languages`.

    A label matches only when it equals a listed code exactly (labels are ISO codes as the
    archive writes them). Unlabelled tweets count in the denominator, as in the label shares.
    """
    reason = coverage.missing("tweets", "tweet_language")
    if not reason and not languages:
        reason = "the profile lists no languages (its languages: field is empty)"
    if reason:
        return unavailable(PROFILE_SHARE, unit=Unit.share, label=PROFILE_SHARE_LABEL, reason=reason)
    k, labelled, n = con.execute(
        """SELECT count(*) FILTER (WHERE list_contains(?, tweet_language)),
                  count(*) FILTER (WHERE NULLIF(tweet_language, '') IS NOT NULL), count(*)
           FROM tweets""",
        [list(languages)],
    ).fetchone()
    if n and not labelled:
        reason = "tweet_language is empty in every row of this dataset's tweets file"
        return unavailable(PROFILE_SHARE, unit=Unit.share, label=PROFILE_SHARE_LABEL, reason=reason)
    return proportion(
        PROFILE_SHARE, int(k), int(n), label=PROFILE_SHARE_LABEL,
        method=f"tweets labelled {', '.join(languages)} (the profile's languages) among all "
        "tweets, tweets without a label included",
        empty="this dataset's tweets file has no rows",
    )  # fmt: skip


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Every language finding, measured or unavailable with the reason."""
    return [
        *_labels(con, coverage, "tweet_language", "tweets", "tweet"),
        *_labels(con, coverage, "account_language", "users", "account"),
        *_scripts(con, coverage),
        _profile_languages(con, profile.languages, coverage),
    ]
