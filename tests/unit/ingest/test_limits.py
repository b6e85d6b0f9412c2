"""The longest row a reader accepts, found by line without reading the file row by row."""

from __future__ import annotations

import gzip

import pytest

from takedown.ingest.limits import long_row, long_row_error


@pytest.mark.slow
@pytest.mark.parametrize("gz", [False, True])
def test_long_row_finds_the_first_line_over_the_limit(tmp_path, gz):
    body = b"h\n" + b"short\n" * 3000 + b"y" * 3_000_000 + b"\n" + b"z" * 5_000_000 + b"\n"
    p = tmp_path / ("f.csv.gz" if gz else "f.csv")
    p.write_bytes(gzip.compress(body) if gz else body)
    assert long_row(p, limit=2_000_000) == 3002
    assert long_row(p, limit=4_000_000) == 3003
    assert long_row(p, limit=6_000_000) is None


def test_last_line_without_newline_and_error_text(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"h\n" + b"x" * 2_500_000)
    assert long_row(p, limit=2_000_000) == 2
    msg = str(long_row_error(tmp_path / "none.csv", "none.csv"))
    assert msg == (
        "none.csv: a row is longer than 20 MB, the most a row may be; shorten or remove that row"
    )
