"""What a profile draft says about a dataset besides its clock: date span, languages, scripts.

All SQL aggregates; each function returns None (or an empty frame) when the column it needs is
not in the data, and the caller says why.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.language import script_sql

# Unicode scripts whose presence in tweet text is worth telling a profile's author about.
SCRIPTS = (
    "Han", "Latin", "Cyrillic", "Arabic", "Hangul", "Hiragana", "Katakana", "Thai", "Devanagari",
    "Bengali", "Hebrew", "Greek", "Armenian", "Georgian", "Ethiopic", "Tamil",
)  # fmt: skip
MIN_SHARE = 0.05  # a language or script below this share of tweets is not "dominant"
UNLABELLED = ("", "und", "none", "qme", "qht", "zxx", "qam", "qct", "qst")


def span(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """First and last tweet (UTC dates), accounts, tweets, and median tweet time (for zones)."""
    first, last, median, tweets = con.execute(
        """SELECT CAST(min(tweet_time) AS DATE), CAST(max(tweet_time) AS DATE),
                  to_timestamp(median(epoch(tweet_time))), count(*) FROM tweets"""
    ).fetchone()
    (accounts,) = con.execute("SELECT count(*) FROM users").fetchone()
    return {"first": first, "last": last, "median": median, "tweets": tweets, "accounts": accounts}


def languages(con: duckdb.DuckDBPyConnection, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Tweet language labels holding at least `min_share` of the labelled tweets, biggest first.

    Language labels are the archive's; 'und' and the other no-language codes are left out of
    the shares."""
    codes = ", ".join(f"'{c}'" for c in UNLABELLED)
    return con.execute(
        f"""SELECT language, n, share FROM (
                SELECT lower(split_part(tweet_language, '-', 1)) AS language, count(*) AS n,
                       count(*) / sum(count(*)) OVER () AS share
                FROM tweets WHERE tweet_language IS NOT NULL
                     AND lower(tweet_language) NOT IN ({codes})
                GROUP BY 1)
            WHERE share >= ? ORDER BY n DESC, language""",
        [min_share],
    ).df()


def scripts(con: duckdb.DuckDBPyConnection, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Share of tweets whose text holds each Unicode script, for scripts at `min_share` or more."""
    cols = ", ".join(
        f"count(*) FILTER (WHERE regexp_matches(tweet_text, '\\p{{{s}}}')) AS \"{s}\""
        for s in SCRIPTS
    )
    row = con.execute(f"SELECT count(*) AS n, {cols} FROM tweets WHERE tweet_text IS NOT NULL").df()
    n = int(row["n"].iloc[0])
    out = pd.DataFrame(
        {"script": list(SCRIPTS), "n": [int(row[s].iloc[0]) for s in SCRIPTS]}
    ).assign(share=lambda d: d["n"] / n if n else 0.0)
    return (
        out[out["share"] >= min_share]
        .sort_values(["n", "script"], ascending=[False, True])
        .reset_index(drop=True)
    )


def han_scripts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Tweets whose Han characters are simplified-only, traditional-only, mixed or either."""
    rows = con.execute(
        f"""SELECT script, count(*) FROM (SELECT {script_sql()} AS script FROM tweets
                                          WHERE tweet_text IS NOT NULL)
            WHERE script <> 'none' GROUP BY 1"""
    ).fetchall()
    return {s: int(n) for s, n in rows}
