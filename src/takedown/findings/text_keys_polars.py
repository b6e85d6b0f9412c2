"""The text keys of a large table with polars (Rust's regex): the same rows for less CPU.

DuckDB's RE2 pays for every match of the normalizing regex (each run of punctuation or spaces),
and at tens of millions of tweets that pass is a render's largest single cost: 168.6 s of CPU
at 45 million tweets, against 131.8 s here. Rust's regex has the same leftmost-first semantics,
so polars gives the same key once the pattern's classes read as RE2's do:
- RE2's `\\w` and `\\s` are ASCII, Rust's are Unicode: the pattern spells them out;
- the Unicode classes are spelled as the code points DuckDB's RE2 matches (rust_classes), as
  Rust's own tables know newer assignments.
Only DuckDB lowercases and hashes, so the file is the one text_keys.select_sql would write.
"""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path

import duckdb

from takedown.db import connect, sql_string
from takedown.findings import rust_classes
from takedown.findings.polars_batches import BATCH, mapped
from takedown.findings.text_keys import KEY_HASH, MIN_CHARS, NORMALIZE_PATTERN, SPACE, select_sql

MIN_ROWS = 2_000_000  # tweets; below this DuckDB's own pass costs about the same
LETTERS = r"\p{L}\p{N}"


def pattern(con: duckdb.DuckDBPyConnection, folder: Path) -> str:
    """NORMALIZE_PATTERN for Rust's regex, with every class spelled as RE2 reads it."""
    letters = rust_classes.spelled(con, f"[{LETTERS}]", folder)
    space = rust_classes.spelled(con, f"[{SPACE}]", folder)
    out = (
        NORMALIZE_PATTERN.replace(f"[^{SPACE}]", f"[^{space}]")
        .replace(f"[^{LETTERS}@]", f"[^{letters}@]")
        .replace(r"\s", f"[{rust_classes.ASCII_SPACE}]")
        .replace(r"\w", f"[{rust_classes.ASCII_WORD}]")
    )
    if r"\p{" in out:  # a class this did not spell would read by Rust's tables
        raise ValueError(f"the normalizing pattern has a class left to spell: {out[:200]}")
    return out


def _keyed(rust_pattern: str, batch):
    """(th, low, userid, tweet_time) -> (th, key, userid, tweet_time)."""
    import polars as pl
    import pyarrow as pa

    key = pl.Series(batch.column(1)).str.replace_all(rust_pattern, " ").str.strip_chars(" ")
    return pa.RecordBatch.from_arrays(
        [batch.column(0), key.to_arrow(), batch.column(2), batch.column(3)],
        names=["th", "key", "userid", "tweet_time"],
    )


def copy(con: duckdb.DuckDBPyConnection, retweet_sql: str, path: Path, folder: Path) -> None:
    """Write to `path` the rows of text_keys.select_sql(retweet_sql), with the regex in polars."""
    rust_pattern = pattern(con, folder)  # before the reader: the connection then streams it
    reader = con.sql(
        f"""SELECT hash(tweetid) AS th, lower(tweet_text) AS low, userid, tweet_time FROM tweets
            WHERE tweet_text IS NOT NULL AND NOT coalesce(({retweet_sql}), false)"""
    ).to_arrow_reader(BATCH)
    try:
        wrote = _write(reader, rust_pattern, path)
    finally:
        reader.close()  # the connection is free again, whatever happened
    if not wrote:  # no row: DuckDB writes the empty file with the right schema
        con.execute(
            f"COPY ({select_sql(retweet_sql)}) TO {sql_string(path.as_posix())} (FORMAT parquet)"
        )


def _write(reader, rust_pattern: str, path: Path) -> bool:
    """The keyed batches of `reader`, hashed, to `path`; False (nothing written) without one."""
    import pyarrow as pa

    batches = mapped(reader, partial(_keyed, rust_pattern))
    first = next(batches, None)
    if first is None:
        return False
    stream = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], batches))
    out = connect()  # a second database: the first is busy streaming the batches
    try:
        out.register("keyed", stream)
        out.execute(
            f"""COPY (SELECT th, CASE WHEN length(key) >= {MIN_CHARS} THEN {KEY_HASH} END AS h,
                             userid, tweet_time FROM keyed)
                TO {sql_string(path.as_posix())} (FORMAT parquet)"""
        )
    finally:
        out.close()
    return True
