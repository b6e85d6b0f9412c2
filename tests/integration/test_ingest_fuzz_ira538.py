"""Fuzzed FiveThirtyEight IRA exports (issue 20): 100 generated releases of one to three files,
original or per-author layout, plain or gzipped, LF or CRLF, with damaged rows. Ingest never
crashes; a failure is one line naming a file; otherwise rows = kept + rejected for every file,
exactly the damaged rows are rejected, and every kept tweet has its account (item 9)."""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.errors import IngestError
from takedown.ingest import ingest

BY_AUTHOR = ["author_id", "content", "region", "language", "publish_date", "following",
             "followers", "updates", "post_type", "retweet"]  # fmt: skip
ORIGINAL = ["external_author_id", "author", "content", "region", "language", "publish_date",
            "following", "followers", "updates", "post_type", "account_type", "retweet",
            "account_category"]  # fmt: skip
REJECTING = ["bad_date", "fraction", "bad_count", "negative", "empty_author"]
KEPT = ["ok", "ok", "quotes", "newline", "unicode", "whole_float", "no_language", "formula"]
FAILING = ["short"]  # a row with too few fields: the IRA reader refuses the file, in one line
TEXTS = ['say "hi"', "a,b,c", "=1+1", "香港 😀", "\u202eRTL", "line\nbreak", "'", "\\"]


def _row(layout: str, author: str, day: int, damage: str, text: str) -> dict[str, str]:
    by_author = layout == "by_author"
    when = f"2016-02-{1 + day % 28:02d} 10:{day % 60:02d}:00" if by_author else f"2/{1 + day % 28}/2016 10:{day % 60:02d}"  # fmt: skip
    row = {c: "" for c in (BY_AUTHOR if by_author else ORIGINAL)}
    row.update(content=f"tweet {day}", region="Unknown", language="English", publish_date=when,
               following="3", followers=str(day), updates="1", retweet="0")  # fmt: skip
    row["author_id" if by_author else "external_author_id"] = author
    if not by_author:
        row.update(author=f"name_{author}", account_type="Right", account_category="RightTroll")
    author_col = "author_id" if by_author else "external_author_id"
    row.update(
        {
            "bad_date": {"publish_date": "sometime"},
            "fraction": {"followers": "1.5"},
            "bad_count": {"following": "n/a"},
            "negative": {"followers": "-4"},
            "empty_author": {author_col: ""},
            "whole_float": {"followers": "12.0"},
            "no_language": {"language": ""},
            "quotes": {"content": text},
            "unicode": {"content": text},
            "formula": {"content": text},
            "newline": {"content": f"one\r\ntwo {text}"},
        }.get(damage, {})
    )
    return row


@st.composite
def releases(draw):
    """One release: its layout and one to three files, each a list of (author, damage)."""
    layout = draw(st.sampled_from(["by_author", "original"]))
    files = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 12))
        damages = [draw(st.sampled_from(REJECTING + KEPT + FAILING * (n // 8))) for _ in range(n)]
        authors = [draw(st.sampled_from(["a1", "a2", "b_3"])) for _ in range(n)]
        crlf, gz = draw(st.booleans()), draw(st.booleans())
        files.append((list(zip(authors, damages, strict=True)), crlf, gz))
    return layout, files, draw(st.sampled_from(TEXTS))


def _write(folder: Path, k: int, layout: str, rows, crlf: bool, gz: bool, text: str) -> Path:
    cols = BY_AUTHOR if layout == "by_author" else ORIGINAL
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(cols)
    for day, (author, damage) in enumerate(rows):
        values = [_row(layout, author, day, damage, text)[c] for c in cols]
        w.writerow(values[:3] if damage == "short" else values)
    name = f"tweets_{2015 + k}.csv" if layout == "by_author" else f"IRAhandle_tweets_{k + 1}.csv"
    data = buf.getvalue().encode()
    path = folder / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(release=releases())
def test_fuzzed_ira538_releases_keep_the_row_accounting(release):
    layout, files, text = release
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        expect = {}
        for k, (rows, crlf, gz) in enumerate(files):
            path = _write(raw, k, layout, rows, crlf, gz, text)
            bad = {i + 1 for i, (_, d) in enumerate(rows) if d in REJECTING}
            expect[path.name] = (len(rows), bad, any(d in FAILING for _, d in rows))
        data = Path(tmp) / "data"
        try:
            ds, _ = ingest([raw], "ira", data, fmt="ira538")
        except IngestError as exc:
            msg = str(exc)
            assert "\n" not in msg and "Traceback" not in msg and "internal error" not in msg
            failing = [name for name, (_, _, fails) in expect.items() if fails]
            assert any(name in msg for name in failing), msg
            return
        assert not any(fails for _, _, fails in expect.values())
        assert ds.source_format == "ira538"
        tweets = [f for f in ds.files if f.kind == "tweets"]
        assert len(tweets) == len(files)
        for rec in tweets:
            n, bad, _ = expect[rec.name.split(":")[0]]
            assert rec.rows_read == rec.rows_kept + rec.rows_rejected == n
            assert rec.rows_rejected == len(bad), (rec, bad)
        kept = sum(n - len(bad) for n, bad, _ in expect.values())
        assert ds.counts.tweets == kept
        assert ds.counts.duplicate_tweetids == 0
        # Every account with a row exists, so no kept tweet is orphaned (item 9).
        assert ds.counts.tweets_without_user == 0
        authors = {a for rows, _, _ in files for a, d in rows if d != "empty_author"}
        assert ds.counts.users == len(authors)
