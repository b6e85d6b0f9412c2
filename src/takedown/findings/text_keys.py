"""Each own tweet's normalized-text key as two 64-bit hashes: the one full pass of the regex.

Both the near-duplicate clusters (coordination) and the co-tweet trace (networks) start from the
same thing: for every tweet that is no retweet and has text, a hash of its id (th) and a hash of
its normalized text (h, NULL under MIN_CHARS characters), with its account and time. The regex is
the cost at tens of millions of tweets, so a render computes that table once per dataset and
rule, as a Parquet file in its cache (`share`), and both notebooks read it. A notebook run on its
own, with no cache folder, computes it in memory (`ensure`): the same rows either way.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from takedown.db import sql_string
from takedown.hashing import sha256_json
from takedown.scratch import exclusive

# One RE2 pass over lower(tweet_text), identical in result to the four passes it replaced
# (RT prefix, then URLs, then @mentions, then each run of non-letters/digits to one space).
# A run of removable pieces becomes one space, tried leftmost-first in that order. Two details
# keep it exact: a mention whose name runs into a URL ("@abchttp://x") loses the URL as well
# (the sequential version removed the URL first), and '@' is kept out of the punctuation class
# so that "!@name" still removes the whole mention. test_coordination_normalize.py proves it
# against the sequential version on traps and random strings; over every text of the demo
# and IRA archives the two gave no differing key.
# A URL runs to the first space of any kind: RE2's \S would let it swallow a no-break or an
# ideographic space (U+00A0, U+3000) and the word after it.
SPACE = r"\s\x{0B}\x{85}\p{Z}"  # every Unicode space, for a character class (entities.py too)
_NOT_SPACE = rf"[^{SPACE}]"
_URL = rf"(?:https?://|www\.){_NOT_SPACE}+"
NORMALIZE_PATTERN = rf"(?:^rt @\w+:\s*|{_URL}|@\w*?{_URL}|@\w+|@|[^\p{{L}}\p{{N}}@]+)+"
NORMALIZE_SQL = f"trim(regexp_replace(lower(tweet_text), '{NORMALIZE_PATTERN}', ' ', 'g'))"

MIN_CHARS = 12  # normalized texts shorter than this ("ok", "good morning") are too common to mean coordination
KEY_HASH = "hash(key)"  # 64 bits; a collision only adds candidates (tests force some)
RELATION = "text_keys"  # (th, h, userid, tweet_time); h NULL where the key is too short


def select_sql(retweet_sql: str) -> str:
    """The rows: tweets with text that `retweet_sql` does not mark as retweets, hashed."""
    # One subquery, and no filter on h: DuckDB would push a filter on the key into the scan and
    # run the regex twice.
    return f"""SELECT th, CASE WHEN length(key) >= {MIN_CHARS} THEN {KEY_HASH} END AS h, userid,
                      tweet_time
               FROM (SELECT hash(tweetid) AS th, {NORMALIZE_SQL} AS key, userid, tweet_time
                     FROM tweets WHERE tweet_text IS NOT NULL AND NOT coalesce(({retweet_sql}), false))"""


def _rule(con: duckdb.DuckDBPyConnection) -> str | None:
    """The SQL text_keys was made with on this connection (its retweet rule and hash), or None
    without one."""
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary"
    if not con.execute(sql, [f"{RELATION}_rule"]).fetchall()[0][0]:
        return None
    row = con.execute(f"SELECT rule FROM {RELATION}_rule").fetchone()
    return row[0] if row else None


def _set_rule(con: duckdb.DuckDBPyConnection, retweet_sql: str) -> None:
    sql = select_sql(retweet_sql)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RELATION}_rule AS SELECT ? AS rule", [sql])


def ensure(con: duckdb.DuckDBPyConnection, retweet_sql: str) -> str:
    """The relation text_keys on this connection: the shared file's view if `share` made one
    with this rule, else a temp table computed here (with polars' regex where _large)."""
    if _rule(con) == select_sql(retweet_sql):
        return RELATION
    _drop(con)
    if _large(con):  # the same rows through polars' regex, by way of a file
        from takedown.findings import text_keys_polars

        with tempfile.TemporaryDirectory(prefix="text-keys-") as folder:
            path = Path(folder) / "keys.parquet"
            text_keys_polars.copy(con, retweet_sql, path, Path(folder))
            con.execute(
                f"CREATE TEMP TABLE {RELATION} AS SELECT * FROM read_parquet({sql_string(path.as_posix())})"
            )
    else:
        con.execute(f"CREATE TEMP TABLE {RELATION} AS {select_sql(retweet_sql)}")
    _set_rule(con, retweet_sql)
    return RELATION


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    kinds = con.execute(
        """SELECT 'VIEW' FROM duckdb_views() WHERE view_name = $n AND temporary
           UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $n AND temporary""",
        {"n": RELATION},
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"DROP {kind} {RELATION}")


def _large(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the tweets are many enough for polars' regex (text_keys_polars.MIN_ROWS)."""
    from takedown.findings import text_keys_polars

    [(tweets,)] = con.execute("SELECT count(*) FROM tweets").fetchall()
    return tweets >= text_keys_polars.MIN_ROWS


def _write(con: duckdb.DuckDBPyConnection, retweet_sql: str, path: Path, folder: Path) -> None:
    """The rows of select_sql to `path`: with the regex in polars above text_keys_polars.MIN_ROWS
    tweets, where it saves a third of the pass's CPU, else in DuckDB."""
    if _large(con):
        from takedown.findings import text_keys_polars

        text_keys_polars.copy(con, retweet_sql, path, folder)
        return
    con.execute(
        f"COPY ({select_sql(retweet_sql)}) TO {sql_string(path.as_posix())} (FORMAT parquet)"
    )


def share(con: duckdb.DuckDBPyConnection, retweet_sql: str, fingerprint: str, folder: Path) -> Path:
    """Write (once per dataset fingerprint and rule) the Parquet file of text_keys under
    `folder`, and make text_keys a view of it. Another notebook of the same render that needs it
    at the same time waits on the lock and reads the file the first one wrote."""
    key = sha256_json({"fingerprint": fingerprint, "sql": select_sql(retweet_sql)})[:24]
    path = folder / f"text-keys-{key}.parquet"
    if not path.exists():
        with exclusive(folder / f"text-keys-{key}.lock"):
            if not path.exists():
                tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
                _write(con, retweet_sql, tmp, folder)
                os.replace(tmp, path)
    _drop(con)
    con.execute(
        f"CREATE TEMP VIEW {RELATION} AS SELECT * FROM read_parquet({sql_string(path.as_posix())})"
    )
    _set_rule(con, retweet_sql)
    return path
