"""rust_classes: an RE2 class spelled as the code points DuckDB matches, read the same by Rust."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from takedown.findings import rust_classes


@pytest.mark.slow
def test_ranges_of_a_small_class():
    con = duckdb.connect()
    assert rust_classes.ranges(con, "[a-cx]") == [(97, 99), (120, 120)]
    assert rust_classes.ranges(con, "[']") == [(39, 39)]  # quoted for SQL


@pytest.mark.slow
def test_a_spelled_class_matches_what_re2_matches_on_every_code_point(tmp_path: Path):
    con = duckdb.connect()
    cls = r"[\p{L}\p{N}]"
    inside = rust_classes.spelled(con, cls, tmp_path)
    codes = [c for c in range(rust_classes.CODE_POINTS) if not 0xD800 <= c <= 0xDFFF]
    chars = pl.Series([chr(c) for c in codes])
    rust = chars.str.contains(f"^[{inside}]$").to_list()
    duck = [r[0] for r in con.execute(
        f"SELECT regexp_matches(chr(CAST(c AS INTEGER)), '^{cls}$') FROM unnest($1) t(c)",
        [codes]).fetchall()]  # fmt: skip
    assert rust == duck
    assert chars.str.contains(f"^{cls}$").to_list() != duck  # Rust's own tables differ


@pytest.mark.slow
def test_spelled_once_per_duckdb_version(tmp_path: Path, monkeypatch):
    con = duckdb.connect()
    first = rust_classes.spelled(con, "[a-c]", tmp_path)
    assert first == r"\x{61}-\x{63}"

    def again(*_a):
        raise AssertionError("asked DuckDB again")

    monkeypatch.setattr(rust_classes, "ranges", again)
    assert rust_classes.spelled(con, "[a-c]", tmp_path) == first
    assert [p.name[:10] for p in tmp_path.iterdir()] == ["re2-class-"]
