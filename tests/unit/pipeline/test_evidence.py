"""Links from the report to its CSVs: under each embed or caption that has one, nowhere else."""

from __future__ import annotations

from pathlib import Path

from takedown.pipeline.evidence import data_link, data_note, link_tables

SOURCE = """# Section

{{< embed ../notebooks/05_volume.ipynb#fig-volume-daily >}}

{{< embed ../notebooks/05_volume.ipynb#tbl-volume-spikes >}}

| a |
|---|
| 1 |

: Input files. {#tbl-files}

Text naming fig-volume-daily is left alone.
"""


def _project(tmp_path: Path, labels: list[str]) -> tuple[Path, Path]:
    report, out = tmp_path / "report", tmp_path / "out"
    (report / "_generated").mkdir(parents=True)
    (report / "compare").mkdir()
    (out / "tables").mkdir(parents=True)
    (report / "_05.qmd").write_text(SOURCE)
    (report / "_generated" / "appendix.qmd").write_text(SOURCE)
    (report / "compare" / "x.qmd").write_text(SOURCE)
    for label in labels:
        (out / "tables" / f"{label}.csv").write_text("a\n1\n")
    return report, out


def test_a_link_under_each_embed_or_caption_with_a_csv(tmp_path: Path) -> None:
    report, out = _project(tmp_path, ["fig-volume-daily", "tbl-files"])
    link_tables(report, out)
    text = (report / "_05.qmd").read_text()
    assert text.count("Data behind this") == 2
    assert "#fig-volume-daily >}}\n\n" + data_link("fig-volume-daily") + "\n" in text
    assert "{#tbl-files}\n\n" + data_link("tbl-files") + "\n" in text
    assert "tables/tbl-volume-spikes.csv" not in text  # no CSV, no link
    assert (report / "_generated" / "appendix.qmd").read_text() == text
    assert (report / "compare" / "x.qmd").read_text() == SOURCE  # compare reports untouched


def test_link_text_is_relative_to_the_report() -> None:
    assert data_link("fig-a") == "Data behind this figure: [tables/fig-a.csv](tables/fig-a.csv)."
    assert data_link("tbl-a").startswith("Data behind this table:")


def test_data_note_lists_every_csv_and_accounts(tmp_path: Path) -> None:
    _, out = _project(tmp_path, ["tbl-b", "fig-a"])
    note = data_note(out)
    assert "## Data behind this report" in note
    assert note.index("(tables/fig-a.csv)") < note.index("(tables/tbl-b.csv)")
    assert "No accounts.csv" in note
    (out / "accounts.csv").write_text("userid\n")
    assert "[accounts.csv](accounts.csv)" in data_note(out)
