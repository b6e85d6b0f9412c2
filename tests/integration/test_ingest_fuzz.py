"""Fuzzed malformed CSVs (issue 10): over 300 generated archives, ingest never crashes, every
failure is one clear line naming the file, and rows in the file = kept + rejected, with each
reject at the record number of the row that was damaged. The same for 120 mapped JSONL exports
(issue 20)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.errors import IngestError
from takedown.ingest import ingest
from takedown.profile_source import FileMapping, Source
from takedown.schema import COUNT_COLUMNS, TWEET_COLUMNS
from tests.conftest import tweet_row, user_row, write_csv

OP = "fuzz_012020"
BAD_UTF8 = "\x00BADUTF8\x00"  # replaced by invalid bytes after encoding

# Damage that must reject exactly its row, and damage that must keep it (hostile but valid).
REJECTING = ["count", "time", "empty_id", "empty_time", "utf8", "short", "long", "count+utf8",
             "dup"]  # fmt: skip
KEPT = ["ok", "formula", "quotes", "newline", "unicode", "stray_quote", "empty_optional",
        "spaces", "float_count"]  # fmt: skip
BAD_COUNTS = ["inf", "-inf", "NaN", "1e30", "99999999999999999999", "-1", "abc", "0x10", "1e"]
HOSTILE = ["=1+1", "+SUM(A1)", "-2", "@x", "\tx", '"quoted" "twice"', "a,b,c", "'", "\\",
           "<script>alert(1)</script>", "{{< var x >}}", "\u202eRTL", "😀", "香港", "\u0000"[:0]]  # fmt: skip


def _row(i: int, damage: str, count_col: str, bad: str, text: str) -> list[str] | dict:
    row = tweet_row(i, i % 2)
    changes = {
        "count": {count_col: bad},
        "time": {"tweet_time": "2020-13-45 99:99"},
        "empty_id": {"tweetid": ""},
        "empty_time": {"tweet_time": " "},
        "utf8": {"tweet_text": f"x{BAD_UTF8}y"},
        "count+utf8": {count_col: bad, "user_display_name": BAD_UTF8},
        "dup": {"tweetid": "1000"},  # row 0's id, which is never damaged
        "formula": {"tweet_text": text},
        "quotes": {"tweet_text": text},
        "unicode": {"tweet_text": text},
        "newline": {"tweet_text": f"line one\nline two\r\n{text}"},
        # quoted by csv.writer: a literal quote inside
        "stray_quote": {"tweet_text": 'say "hi'},
        "empty_optional": dict(like_count="", account_creation_date="", hashtags="", latitude=""),
        "spaces": dict(like_count=" 3 ", tweetid=f" {1000 + i} "),
        "float_count": {"retweet_count": "4.0"},
    }
    row.update(changes.get(damage, {}))
    return row


@st.composite
def tweet_files(draw):
    """One malformed tweets CSV: rows with damage, line endings, dropped columns, header."""
    n = draw(st.integers(1, 20))
    damages = ["ok"] + [draw(st.sampled_from(REJECTING + KEPT)) for _ in range(n - 1)]
    count_col = draw(st.sampled_from(COUNT_COLUMNS))
    bad = draw(st.sampled_from(BAD_COUNTS))
    text = draw(st.sampled_from(HOSTILE))
    crlf = [draw(st.booleans()) for _ in range(n)]
    optional = [c for c in TWEET_COLUMNS if c not in KEEP_COLUMNS + (count_col,)]
    drop = draw(st.sets(st.sampled_from(optional)))
    header = draw(st.sampled_from(HEADERS))
    gz = draw(st.booleans())
    return n, damages, count_col, bad, text, crlf, sorted(drop), header, gz


KEEP_COLUMNS = ("tweetid", "userid", "tweet_time", "tweet_text", "user_display_name")
# Header damage that must fail the ingest is rarer, so most examples test the row accounting.
HEADERS = ["plain"] * 6 + ["bom", "extra", "trailing_comma", "no_tweetid"]
SHARDS = 3


def _write(path: Path, shard: int, spec) -> tuple[int, set[int], bool]:
    """One tweets file; returns (data rows, expected rejected records, header must fail)."""
    n, damages, count_col, bad, text, crlf, drop, header, gz = spec
    cols = [c for c in TWEET_COLUMNS if c not in drop] + (["campaign"] if header == "extra" else [])
    out = io.BytesIO()
    head = ",".join(cols) + ("," if header == "trailing_comma" else "")
    if header == "no_tweetid":
        head = head.replace("tweetid,", "tweet_identifier,", 1)
    out.write(("\ufeff" if header == "bom" else "").encode() + head.encode() + b"\r\n")
    for i, damage in enumerate(damages):
        row = _row(i, damage, count_col, bad, text)
        if row["tweetid"].strip():  # unique across shards; "dup" repeats its shard's first id
            row["tweetid"] = row["tweetid"].replace("10", f"{shard + 1}0", 1)
        values = [row.get(c, "x") for c in cols]
        if damage == "short":
            values = values[:3]
        elif damage == "long":
            values = values + ["surplus"]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n" if crlf[i] else "\n").writerow(values)
        out.write(buf.getvalue().encode().replace(BAD_UTF8.encode(), b"\xff\xfe\xc3("))
    data = out.getvalue()
    if gz:
        Path(f"{path}.gz").write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    rejected = {i + 1 for i, d in enumerate(damages) if d in REJECTING}
    return n, rejected, header in ("trailing_comma", "no_tweetid")


@settings(
    max_examples=100,  # x 3 files each: 300 malformed CSVs
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs=st.lists(tweet_files(), min_size=SHARDS, max_size=SHARDS))
def test_fuzzed_tweets_files_keep_the_row_accounting(specs):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0), user_row(1)])
        expect = {}
        for k, spec in enumerate(specs):
            name = f"{OP}_tweets_csv_hashed_{k + 1}.csv"
            expect[name + (".gz" if spec[-1] else "")] = _write(raw / name, k, spec)
        data = Path(tmp) / "data"
        try:
            ds, _ = ingest([raw], "f", data)
        except IngestError as exc:
            msg = str(exc)
            failing = [name for name, (_, _, fails) in expect.items() if fails]
            assert failing, msg
            assert "\n" not in msg and "Traceback" not in msg and "internal error" not in msg
            assert any(msg.startswith(name + ":") for name in failing), msg
            assert (list(data.iterdir()) if data.exists() else []) == []  # nothing left behind
            return
        assert not any(fails for _, _, fails in expect.values())
        lines = (data / "f/rejects.jsonl").read_text(encoding="utf-8").splitlines()
        rejects = [json.loads(x) for x in lines]
        for rec in (f for f in ds.files if f.kind == "tweets"):
            n, bad, _ = expect[rec.name]
            assert (rec.rows_read, rec.rows_kept, rec.rows_rejected) == (n, n - len(bad), len(bad))
            assert sorted(r["record"] for r in rejects if r["file"] == rec.name) == sorted(bad)
        kept = sum(n - len(bad) for n, bad, _ in expect.values())
        assert ds.counts.tweets == kept
        assert ds.coverage is not None and ds.coverage.rows["tweets"] == kept


# The mapped JSONL path (issue 20): values of every JSON type where scalars are mapped, times
# in and out of the declared format, ids that floats would round. Damage that must reject
# exactly its row, and values that must be kept as written.
J_REJECTING = ["time_off_format", "time_object", "userid_object", "userid_array", "text_object",
               "id_empty", "id_null", "id_missing", "count_text"]  # fmt: skip
J_KEPT = ["ok", "id_19_digits", "id_over_2_64", "id_float", "id_exponent", "count_string",
          "name_number", "name_bool", "hostile_text", "tags_array", "tags_string", "extra_key"]  # fmt: skip
J_FORMATS = {
    "%d.%m.%Y %H:%M": ("01.03.2021 10:{i:02d}", "2021-03-01 10:00"),
    "epoch": ("{epoch}", '"2021-03-01 10:00"'),
    None: ('"2021-03-01 10:{i:02d}:00"', '"yesterday"'),
}
J_COLUMNS = {"tweetid": "id", "userid": "user.id", "user_screen_name": "user.name",
             "tweet_time": "at", "tweet_text": "text", "like_count": "likes", "hashtags": "tags"}  # fmt: skip


def _json_row(i: int, damage: str, fmt: str | None, text: str) -> str:
    """One JSONL line, written by hand so numbers appear exactly as the damage needs."""
    good, off = J_FORMATS[fmt]
    at = good.format(i=i % 60, epoch=1614582000 + i)
    at = f'"{at}"' if fmt == "%d.%m.%Y %H:%M" else at
    f = {"id": f'"{1000 + i}"', "user": f'{{"id": "u{i % 3}", "name": "n{i % 3}"}}',
         "at": at, "text": json.dumps(text), "likes": str(i), "tags": '["a", "b"]'}  # fmt: skip
    f.update(_json_damage(i, damage, fmt, off))
    f = {k: v for k, v in f.items() if v is not None}  # None: the key is left out
    return "{" + ", ".join(f'"{k}": {v}' for k, v in f.items()) + "}"


def _json_damage(i: int, damage: str, fmt: str | None, off: str) -> dict[str, str | None]:
    """The fields one damage rewrites, as JSON text (None drops the key)."""
    return {
        "time_off_format": {"at": off if fmt != "%d.%m.%Y %H:%M" else f'"{off}"'},
        "time_object": {"at": '{"t": 1}'},
        "userid_object": {"user": '{"id": {"x": 1}, "name": "n"}'},
        "userid_array": {"user": '{"id": [1, 2], "name": "n"}'},
        "text_object": {"text": '{"full": "x"}'},
        "id_empty": {"id": '" "'},
        "id_null": {"id": "null"},
        "id_missing": {"id": None},
        "count_text": {"likes": '"many"'},
        "id_19_digits": {"id": str(1234567890123456000 + i)},
        "id_over_2_64": {"id": str(18446744073709551616 + i)},
        "id_float": {"id": f"{i}.5"},
        "id_exponent": {"id": f"{i + 1}e3"},
        "count_string": {"likes": f'"{i}"'},
        "name_number": {"user": f'{{"id": {i % 3}, "name": {i}}}'},
        "name_bool": {"user": '{"id": "u0", "name": true}'},
        "tags_string": {"tags": '"x,y"'},
        "extra_key": {"more": '{"deep": [1, {"a": null}]}'},
    }.get(damage, {})


# 120 ingests: 70-140 s on a shared 2-core machine.
@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    damages=st.lists(st.sampled_from(J_REJECTING + J_KEPT), min_size=1, max_size=15),
    fmt=st.sampled_from(list(J_FORMATS)),
    text=st.sampled_from(HOSTILE),
    gz=st.booleans(),
    broken=st.integers(0, 11),
)
def test_fuzzed_mapped_jsonl_keeps_the_row_accounting(damages, fmt, text, gz, broken):
    lines = [_json_row(i, d, fmt, text) for i, d in enumerate(damages)]
    bad = {i + 1 for i, d in enumerate(damages) if d in J_REJECTING}
    if broken == 0:  # one line that is not JSON: the file is refused, naming it
        lines.insert(len(lines) // 2, '{"id": 1, "text": "unterminated}')
    body = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        name = "scrape.jsonl" + (".gz" if gz else "")
        export = Path(tmp) / name
        export.write_bytes(gzip.compress(body.encode()) if gz else body.encode())
        src = Source(format="mapped", time_format=fmt, source_timezone="Europe/Moscow",
                     tweets=FileMapping(columns=J_COLUMNS))  # fmt: skip
        data = Path(tmp) / "data"
        try:
            ds, _ = ingest([export], "j", data, source=src)
        except IngestError as exc:
            msg = str(exc)
            assert "\n" not in msg and "Traceback" not in msg and "internal error" not in msg
            assert msg.startswith((str(export) + ":", name + ":")), msg
            # A broken line refuses the file; so does a mapped key that no row has, and no row
            # kept (no account to derive).
            no_id = all(d == "id_missing" for d in damages)
            assert broken == 0 or no_id or bad == set(range(1, len(damages) + 1)), msg
            return
        assert broken != 0
        (rec,) = [f for f in ds.files if f.kind == "tweets"]
        n = len(damages)
        assert (rec.rows_read, rec.rows_kept, rec.rows_rejected) == (n, n - len(bad), len(bad))
        lines = (data / "j/rejects.jsonl").read_text(encoding="utf-8").splitlines()
        got = sorted(json.loads(x)["record"] for x in lines if json.loads(x)["kind"] == "tweets")
        assert got == sorted(bad)
        assert ds.counts.tweets == n - len(bad)
