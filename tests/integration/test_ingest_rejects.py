"""rejects.csv is safe to open in a spreadsheet; rejects.jsonl keeps the raw text (issue 10
item 16)."""

from __future__ import annotations

import csv
import json

from tests.conftest import run_cli, tweet_row, user_row, write_csv

OP = "test_012020"
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_formula_cells_are_neutralized_and_raw_kept_in_jsonl(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    rows = [tweet_row(i, 0) for i in range(8)]
    for i, f in enumerate(FORMULAS):
        rows[i]["tweetid"] = f  # a hostile id on a row with a bad value: it lands in rejects
        rows[i]["like_count"] = "many"
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", rows)
    with open(raw / f"{OP}_tweets_csv_hashed.csv", "a", encoding="utf-8", newline="") as f:
        f.write("=cmd|' /C calc'!A0,short\n")  # a CSV-level reject: its raw line starts with =
    r = run_cli("ingest", raw, "--dataset", "d", "--data-dir", tmp_path / "data")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "data/d"
    with open(out / "rejects.csv", encoding="utf-8", newline="") as f:
        sheet = list(csv.DictReader(f))
    assert len(sheet) == len(FORMULAS) + 1
    for row in sheet:
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r", row
    assert sorted(r["id"] for r in sheet if r["id"]) == sorted("'" + f for f in FORMULAS)
    assert any(r["raw"].startswith("'=cmd|") for r in sheet)
    lines = (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines]
    assert sorted(x["id"] for x in records if x["id"]) == sorted(FORMULAS)
    assert any((x["raw"] or "").startswith("=cmd|' /C calc'!A0,short") for x in records)
    assert {x["record"] for x in records} == set(range(1, len(FORMULAS) + 1)) | {9}
