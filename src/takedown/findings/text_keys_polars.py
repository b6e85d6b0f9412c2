"""The text keys of a large table with polars (Rust's regex): the same rows, in two thirds of the CPU.

DuckDB's RE2 pays for every match of the normalizing regex (each run of punctuation or spaces),
and at tens of millions of tweets that pass is a render's largest single cost. Rust's regex has
the same leftmost-first semantics and classes, so polars gives the same key, with two exceptions
handled here:
- RE2's `\\w` and `\\s` are ASCII, Rust's are Unicode: the pattern spells them out;
- the two engines' Unicode tables differ on some code points (newer assignments). Both engines
  are asked about every code point once per pair of versions (`differing`, cached), and a text
  holding any code point they disagree on is keyed by DuckDB's own expression.
Only DuckDB lowercases and hashes, so the file is the one text_keys.select_sql would write.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import duckdb

from takedown.findings.text_keys import KEY_HASH, MIN_CHARS, NORMALIZE_PATTERN, SPACE

MIN_ROWS = 2_000_000  # tweets; below this DuckDB's own pass costs less than the guard's first run
BATCH = 500_000  # rows per polars call: large enough that its per-call cost vanishes

_ASCII_SPACE = r"\t\n\f\r "  # RE2's \s
_RUST_SPACE = SPACE.replace(r"\s", _ASCII_SPACE)
PATTERN = (
    NORMALIZE_PATTERN.replace(f"[^{SPACE}]", f"[^{_RUST_SPACE}]")
    .replace(r"\s", f"[{_ASCII_SPACE}]")
    .replace(r"\w", "[0-9A-Za-z_]")
)
# Every class the pattern holds, to compare the two engines on (\w and \s are ASCII either way).
CLASSES = (r"[\p{L}\p{N}]", rf"[{SPACE}]")


def differing(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Ranges of code points that some class of the pattern reads differently in DuckDB's RE2
    and in polars' Rust regex."""
    import polars as pl

    tests = ", ".join(f"regexp_matches(s, '^{cls}$') AS m{i}" for i, cls in enumerate(CLASSES))
    frame = pl.from_arrow(
        con.sql(
            f"""SELECT c, {tests} FROM (SELECT c, chr(CAST(c AS INTEGER)) AS s FROM range(1114112) t(c)
                                     WHERE c < 55296 OR c > 57343) ORDER BY c"""
        ).to_arrow_table()
    )
    off = pl.Series([False] * len(frame))
    text = pl.from_arrow(
        con.sql("SELECT chr(CAST(c AS INTEGER)) AS s FROM range(1114112) t(c) "
                "WHERE c < 55296 OR c > 57343 ORDER BY c").to_arrow_table()
    )["s"]  # fmt: skip
    for i, cls in enumerate(CLASSES):
        rust = text.str.contains("^" + cls.replace(r"\s", _ASCII_SPACE) + "$")
        off = off | (frame[f"m{i}"] != rust)
    ranges: list[tuple[int, int]] = []
    for c in frame["c"].filter(off).to_list():
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return ranges


def guard(con: duckdb.DuckDBPyConnection, folder: Path) -> str | None:
    """A Rust character class of the code points the engines disagree on (None: no such code
    point), kept in `folder` for this pair of versions."""
    import polars as pl

    path = folder / f"regex-guard-duckdb-{duckdb.__version__}-polars-{pl.__version__}.json"
    if path.exists():
        ranges = json.loads(path.read_text())
    else:
        ranges = differing(con)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(ranges))
        os.replace(tmp, path)
    if not ranges:
        return None
    return "[" + "".join(rf"\x{{{a:X}}}-\x{{{b:X}}}" for a, b in ranges) + "]"


def _keyed(batch, guard_class: str | None):
    """A batch of (th, low, userid, tweet_time) as (th, pkey, redo, userid, tweet_time): `redo`
    holds the lowercased text where DuckDB must key it, else NULL."""
    import polars as pl
    import pyarrow as pa

    low = pl.Series(batch.column(1))
    key = low.str.replace_all(PATTERN, " ").str.strip_chars(" ")
    nothing = pl.Series([None] * len(low), dtype=pl.String)
    redo = nothing
    if guard_class is not None:
        redo = low.zip_with(low.str.contains(guard_class).fill_null(False), nothing)
    return pa.RecordBatch.from_arrays(
        [batch.column(0), key.to_arrow(), redo.to_arrow(), batch.column(2), batch.column(3)],
        names=["th", "pkey", "redo", "userid", "tweet_time"],
    )


def _batches(reader, guard_class: str | None) -> Iterator:
    """The keyed batches in order, a few at a time on a thread pool: polars releases the GIL,
    so the cores share the regex while DuckDB reads the next batch."""
    from concurrent.futures import ThreadPoolExecutor

    workers = os.cpu_count() or 2
    with ThreadPoolExecutor(workers) as pool:
        pending: deque = deque()
        for batch in reader:
            pending.append(pool.submit(_keyed, batch, guard_class))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def copy(con: duckdb.DuckDBPyConnection, retweet_sql: str, path: Path, folder: Path) -> None:
    """Write to `path` the rows of text_keys.select_sql(retweet_sql), with the regex in polars."""
    import itertools

    import pyarrow as pa

    guard_class = guard(con, folder)  # before the reader: the connection then streams it
    reader = con.sql(
        f"""SELECT hash(tweetid) AS th, lower(tweet_text) AS low, userid, tweet_time FROM tweets
            WHERE tweet_text IS NOT NULL AND NOT coalesce(({retweet_sql}), false)"""
    ).to_arrow_reader(BATCH)
    batches = _batches(reader, guard_class)
    first = next(batches, None)
    if first is None:  # no row: DuckDB writes the empty file with the right schema
        from takedown.findings.text_keys import select_sql

        reader.close()
        quoted = path.as_posix().replace("'", "''")
        con.execute(f"COPY ({select_sql(retweet_sql)}) TO '{quoted}' (FORMAT parquet)")
        return
    stream = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], batches))
    out = duckdb.connect(config={"threads": os.cpu_count() or 2})
    try:
        out.register("keyed", stream)
        redo = f"trim(regexp_replace(redo, '{NORMALIZE_PATTERN}', ' ', 'g'))"
        quoted = path.as_posix().replace("'", "''")
        out.execute(
            f"""COPY (SELECT th, CASE WHEN length(key) >= {MIN_CHARS} THEN {KEY_HASH} END AS h,
                             userid, tweet_time
                      FROM (SELECT th, CASE WHEN redo IS NULL THEN pkey ELSE {redo} END AS key,
                                   userid, tweet_time FROM keyed))
                TO '{quoted}' (FORMAT parquet)"""
        )
    finally:
        out.close()
