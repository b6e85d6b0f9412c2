"""DuckDB's RE2 character classes spelled out as code-point ranges, for polars' Rust regex.

The text keys' scan of every tweet runs its regex in polars (text_keys_polars), whose Rust
regex costs less CPU than DuckDB's RE2 on the same pattern. The two engines agree on the syntax and the leftmost-first
semantics these patterns use, but not on every Unicode table: Rust's regex knows newer
assignments (5,004 code points of \\p{L} or \\p{N} differ between DuckDB 2.0.1 and polars 2.1.0).
A class written as the very code points DuckDB's RE2 matches reads the same in both engines, so
a polars scan gives the row DuckDB's expression would. Each class is asked of DuckDB once per
DuckDB version and kept in a small JSON file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from takedown.hashing import sha256_json

CODE_POINTS = 0x110000
ASCII_SPACE = r"\t\n\f\r "  # RE2's \s; Rust's is Unicode
ASCII_WORD = "0-9A-Za-z_"  # RE2's \w; Rust's is Unicode


def ranges(con: duckdb.DuckDBPyConnection, re2_class: str) -> list[tuple[int, int]]:
    """The code points DuckDB's RE2 matches with `re2_class` (a bracketed class), as ranges."""
    quoted = re2_class.replace("'", "''")
    rows = con.execute(
        f"""SELECT min(c), max(c) FROM (
                SELECT c, c - row_number() OVER (ORDER BY c) AS run FROM range({CODE_POINTS}) t(c)
                WHERE (c < 55296 OR c > 57343)
                  AND regexp_matches(chr(CAST(c AS INTEGER)), '^{quoted}$'))
            GROUP BY run ORDER BY 1"""
    ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def spelled(con: duckdb.DuckDBPyConnection, re2_class: str, folder: Path) -> str:
    """The inside of a Rust class (no brackets) of the code points DuckDB's RE2 matches with
    `re2_class`; cached in `folder` per DuckDB version and class."""
    key = sha256_json({"duckdb": duckdb.__version__, "class": re2_class})[:24]
    path = folder / f"re2-class-{key}.json"
    if path.exists():
        found = json.loads(path.read_text())
    else:
        found = ranges(con, re2_class)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(found))
        os.replace(tmp, path)
    return "".join(_range(a, b) for a, b in found)


def _range(a: int, b: int) -> str:
    return rf"\x{{{a:X}}}" if a == b else rf"\x{{{a:X}}}-\x{{{b:X}}}"
