"""The atlas table: what a reader sees of each operation, and of one that failed."""

from __future__ import annotations

import csv

from takedown.pipeline.archive.atlas_table import CORE, cell, core_of, markdown_tables, write_csv

FINDINGS = {
    "overview.accounts": {"status": "ok", "value": 1152, "n": None},
    "followers.zero_share": {"status": "ok", "value": 0.785, "interval": [0.72, 0.84], "n": 200},
    "overview.retweet_share": {"status": "ok", "value": 0.25, "n": 4000},
    "posting_clock.best_utc_offset": {"status": "ok", "value": -3, "interval": [-5, 0], "n": 9},
    "posting_clock.offset_ambiguous": {"status": "ok", "value": True},
    "coordination.clusters": {"status": "unavailable", "reason": "no text"},
}


def test_cells_show_intervals_and_never_a_zero_for_unavailable():
    core = core_of(FINDINGS, {})
    assert cell("followers.zero_share", core["followers.zero_share"]) == "78.5% [72.0–84.0] (n=200)"
    assert cell("overview.retweet_share", core["overview.retweet_share"]) == "25.0% (n=4,000)"
    assert cell("coordination.clusters", core["coordination.clusters"]) == "n/a"
    assert cell("overview.accounts", core["overview.accounts"]) == "1,152"
    assert core["overview.tweets"]["status"] == "unavailable"


def test_an_ambiguous_clock_is_shown_as_its_range():
    core = core_of(FINDINGS, {})
    assert cell("posting_clock.best_utc_offset", core["posting_clock.best_utc_offset"]) == (
        "ambiguous: UTC-5\u00a0to\u00a0UTC+0"
    )


def test_an_offset_is_single_only_when_the_data_and_a_declared_start_single_it_out():
    """A drafted profile's hours pin the offset they were read at: the atlas must show the range
    a day starting 07:00-10:00 allows, not that offset alone (27 of 39 operations of the
    synthetic archive showed a single offset an hour off the planted one)."""
    fid = "posting_clock.best_utc_offset"

    def shown(offset: dict, start_known: bool | None) -> str:
        found = {fid: {"status": "ok", "n": 30, **offset},
                 "posting_clock.offset_ambiguous": {"status": "ok", "value": False}}  # fmt: skip
        if start_known is not None:
            found["posting_clock.local_start_known"] = {"status": "ok", "value": start_known}
        return cell(fid, core_of(found, {})[fid])

    assert shown({"value": 7, "interval": [6, 9]}, False) == "UTC+6\u00a0to\u00a0UTC+9"
    assert shown({"value": 8, "interval": [8, 8]}, True) == "UTC+8"
    assert shown({"value": 8, "interval": [7, 8]}, True) == "UTC+8 (UTC+7\u00a0to\u00a0UTC+8)"
    assert shown({"value": 8, "interval": [8, 8]}, None) == "UTC+8"  # a report from before


def test_the_findings_caption_says_when_an_offset_is_a_range():
    caption = markdown_tables([]).split("{#tbl-atlas-findings}")[0].rsplit("\n: ", 1)[1]
    assert "no local start of its working day" in caption and "ambiguous" in caption


def test_a_failed_operation_says_where_and_why_and_names_are_escaped():
    ops = [{"name": "<b>x</b>", "status": "failed", "stage": "ingest", "reason": "bad gzip"}]
    md = markdown_tables(ops)
    assert "failed at ingest" in md and "bad gzip" in md
    assert "<b>" not in md
    assert "{#tbl-atlas-size}\n\n\n|" in md and md.endswith("{#tbl-atlas-findings}\n\n")


def test_csv_neutralizes_formula_cells(tmp_path):
    ops = [{"name": "=cmd()", "status": "rendered", "reason": "", "core": core_of(FINDINGS, {})}]
    write_csv(ops, tmp_path / "a.csv")
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    assert rows[0]["operation"] == "'=cmd()"
    assert rows[0]["followers.zero_share.low"] == "0.72"
    assert rows[0]["coordination.clusters.reason"] == "no text"
    assert len(CORE) * 5 + 5 == len(rows[0])


def test_csv_writes_negative_numbers_as_numbers(tmp_path):
    """A UTC offset west of Greenwich was written '-3, a text to every CSV reader."""
    ops = [{"name": "op", "status": "rendered", "reason": "-x", "core": core_of(FINDINGS, {})}]
    write_csv(ops, tmp_path / "a.csv")
    row = next(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    fid = "posting_clock.best_utc_offset"
    assert (row[fid], row[f"{fid}.low"], row[f"{fid}.high"]) == ("-3", "-5", "0")
    assert float(row[fid]) == -3
    assert row["reason"] == "'-x"  # text that starts like a formula is still neutralized


def test_each_column_is_sized_for_what_it_shows():
    """Equal dashes gave each of 7 columns a seventh of the line, and an operation's name ran
    into the Report column in the PDF: the Operation column now holds its longest name."""
    from takedown.table_widths import PAD, text_width

    names = ["ira", "venezuela_201901_1", "saudi_arabia_082019"]
    ops = [{"name": n, "status": "rendered", "link": f"{n}/v/report.html",
            "core": core_of(FINDINGS, {})} for n in names]  # fmt: skip
    size_table = markdown_tables(ops).split("\n\n")[0].splitlines()
    head, dashes = size_table[0], size_table[1].strip("|").split("|")
    assert head.startswith("| Operation | Report |") and len(dashes) == 7
    assert len(dashes[0]) >= text_width("saudi_arabia_082019") + PAD
    assert len(dashes[1]) >= text_width("report") + PAD  # the link's word, not its Markdown
    assert len(dashes[1]) < len(dashes[0])
