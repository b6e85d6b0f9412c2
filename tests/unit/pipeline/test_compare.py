"""The comparison table from input reports' findings: values, intervals and honest gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from takedown.errors import RenderError
from takedown.ingest import ingest
from takedown.pipeline import compare_table as ct
from takedown.pipeline.compare import compare
from tests.conftest import make_archive


def _inp(name: str, findings: list[dict], failed: list[str] | None = None) -> dict:
    return {"name": name, "version": f"v-{name}", "failed": failed or [],
            "findings": {f["id"]: f for f in findings}}  # fmt: skip


A = _inp("a", [
    {"id": "overview.accounts", "label": "Accounts", "value": 23750, "unit": "count"},
    {"id": "followers.zero_share", "label": "Zero followers", "value": 0.785, "unit": "share",
     "interval": [0.7797, 0.7902], "status": "ok"},
    {"id": "posting_clock.best_utc_offset", "label": "Offset", "value": 8, "unit": "offset"},
    {"id": "engagement.zero_engagement_share", "label": "No engagement", "value": None,
     "unit": "share", "status": "unavailable",
     "reason": "like_count is not in this dataset's tweets file"},
])  # fmt: skip
B = _inp("b", [
    {"id": "overview.accounts", "label": "Accounts", "value": 500, "unit": "count"},
    {"id": "posting_clock.best_utc_offset", "label": "Offset", "value": -5, "unit": "offset"},
], failed=["02_followers"])  # fmt: skip


def _row(rows, fid):
    return next(r for r in rows if r["id"] == fid)


def test_values_and_intervals_side_by_side():
    rows = ct.core_rows([A, B])
    assert [c["text"] for c in _row(rows, "overview.accounts")["cells"]] == ["23,750", "500"]
    assert _row(rows, "followers.zero_share")["cells"][0]["text"] == "78.5% (95%: 78.0–79.0%)"
    assert [c["text"] for c in _row(rows, "posting_clock.best_utc_offset")["cells"]] == [
        "UTC+8", "UTC−5",
    ]  # fmt: skip
    # The neutral label: a report's own may name its profile's clock ("08:00-17:00 Asia/...").
    assert _row(rows, "followers.zero_share")["label"] == "Accounts with zero followers"


def test_gaps_say_why():
    rows = ct.core_rows([A, B])
    eng = _row(rows, "engagement.zero_engagement_share")["cells"]
    assert eng[0] == {"status": "unavailable", "row": A["findings"][eng[0]["row"]["id"]],
                      "text": "not available here: like_count is not in this dataset's tweets file"}  # fmt: skip
    assert eng[1]["text"] == "not available here: report version v-b does not record it"
    fol = _row(rows, "followers.zero_share")["cells"][1]
    assert fol["text"] == "not available here: its notebook failed in report version v-b"
    text = ct.table_markdown(rows, ["a", "b"])
    assert "n/a" not in text and "None" not in text and "nan" not in text


def test_offset_range_row():
    fits = [
        {"dataset": "a", "best": 8, "low": 8, "high": 8, "plausible": [8]},
        {"dataset": "b", "best": 3, "low": 2, "high": 3, "plausible": [3, 2]},
    ]
    declared = {"start": 8, "end": 17}
    a, b = {**A, "working_hours": declared}, {**B, "working_hours": declared}
    row = ct.offset_range_row([a, b], fits)
    assert [c["text"] for c in row["cells"]] == [
        "UTC+8 (no other offset fits as well)",
        "UTC+3 (cannot be told apart: UTC+2 to UTC+3)",
    ]
    ira = [{"dataset": "a", "best": -3, "low": -5, "high": 0, "plausible": [-3, -4, -2, -5, -1, 0]}]
    assert ct.offset_range_row([a], ira)["cells"][0]["text"] == (
        "ambiguous: UTC−5 to UTC+0 fit a working day about as well (best UTC−3)"
    )
    assert ct.offset_range_row([a], [])["cells"][0]["status"] == "unavailable"
    # No working day declared, or one a draft read off the data: the start band, not +8 alone.
    drafted = {**A, "working_hours": {**declared, "from_data": True}}
    for inp in (A, {**A, "working_hours": {}}, drafted):
        assert ct.offset_range_row([inp], fits[:1])["cells"][0]["text"] == (
            "UTC+7 to UTC+10: the working day's local start is not declared"
        )


def test_a_report_whose_start_is_not_declared_shows_the_range():
    inp = _inp("a", [
        {"id": "posting_clock.best_utc_offset", "label": "Offset", "value": 7, "unit": "offset",
         "interval": [6.0, 9.0], "status": "ok"},
        {"id": "posting_clock.offset_ambiguous", "value": False, "status": "ok"},
        {"id": "posting_clock.local_start_known", "value": False, "status": "ok"},
    ])  # fmt: skip
    cells = _row(ct.core_rows([inp]), "posting_clock.best_utc_offset")["cells"]
    assert cells[0]["text"] == "UTC+6 to UTC+9: the working day's local start is not declared"


def _clock(best: int, interval: list[int], ambiguous: bool) -> dict:
    return _inp("x", [
        {"id": "posting_clock.best_utc_offset", "label": "Offset", "value": best,
         "unit": "offset", "interval": interval},
        {"id": "posting_clock.offset_ambiguous", "label": "Ambiguous", "value": ambiguous,
         "unit": "text"},
    ])  # fmt: skip


def test_offset_cell_says_ambiguous_with_the_range():
    # issue 16: the IRA sample showed "UTC-3 (95%: UTC-3-UTC-3)" for an ambiguous fit.
    rows = ct.core_rows([_clock(-3, [-5, 0], True), _clock(8, [8, 8], False),
                         _clock(3, [2, 3], False)])  # fmt: skip
    texts = [c["text"] for c in _row(rows, "posting_clock.best_utc_offset")["cells"]]
    assert texts == [
        "ambiguous: UTC−5 to UTC+0 fit a working day about as well (best UTC−3)",
        "UTC+8 (no other offset fits as well)",
        "UTC+3 (cannot be told apart: UTC+2 to UTC+3)",
    ]
    assert not any("95%" in t for t in texts)


def test_findings_rows_keep_raw_values():
    rows = ct.core_rows([A, B])
    out = {r["id"]: r for r in ct.findings_rows(rows, ["a", "b"])}
    assert out["followers.zero_share"]["values"]["a"] == {
        "status": "ok", "text": "78.5% (95%: 78.0–79.0%)", "value": 0.785,
        "interval": [0.7797, 0.7902],
    }  # fmt: skip
    assert out["followers.zero_share"]["values"]["b"]["value"] is None


def test_hostile_dataset_text_is_escaped():
    evil = _inp("x", [{"id": "topics.top_topic", "label": "Top", "value": "<script>{{< var a >}}",
                       "unit": "text"}])  # fmt: skip
    text = ct.table_markdown(ct.core_rows([evil]), ["*x*"])
    assert "<script>" not in text and "{{<" not in text and "\\*x\\*" in text


def _fake_version(root, dataset: str, version: str, profile_sha: str) -> None:
    import json

    d = root / dataset / version
    d.mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({
        "version": version, "created_at": "2020-01-01T00:00:00+00:00", "findings_sha256": "0" * 64,
        "notebooks": [], "code_version": "x", "profile": {"sha256": profile_sha},
    }))  # fmt: skip


def test_pick_version_latest_or_by_profile(tmp_path):
    import pytest

    from takedown.errors import RenderError
    from takedown.hashing import sha256_file
    from takedown.pipeline.compare import pick_version

    profile = tmp_path / "p.yml"
    profile.write_text("name: p\ntitle: P\n", encoding="utf-8")
    reports = tmp_path / "reports"
    _fake_version(reports, "ds", "20200101T000000Z-aaaa", sha256_file(profile))
    _fake_version(reports, "ds", "20200102T000000Z-bbbb", "other")
    (reports / "ds" / ".20200103T000000Z-cccc.tmp-x").mkdir()  # a scratch folder is no version
    assert pick_version(reports, "ds", None).name == "20200102T000000Z-bbbb"
    assert pick_version(reports, "ds", profile).name == "20200101T000000Z-aaaa"
    with pytest.raises(RenderError, match=r"no rendered report; run takedown render nope"):
        pick_version(reports, "nope", None)
    other = tmp_path / "q.yml"
    other.write_text("name: q\ntitle: Q\n", encoding="utf-8")
    with pytest.raises(RenderError, match=r"no rendered report with that profile; run takedown "
                       r"render ds --profile .*q\.yml"):  # fmt: skip
        pick_version(reports, "ds", other)


def test_compare_argument_errors(tmp_path):
    import pytest

    from takedown.errors import RenderError
    from takedown.pipeline.compare import compare

    kw = {"data_dir": tmp_path, "out_root": tmp_path}
    with pytest.raises(RenderError, match="at least two datasets"):
        compare(["a"], **kw)
    with pytest.raises(RenderError, match="named twice"):
        compare(["a", "a"], **kw)
    with pytest.raises(RenderError, match="--profile given 1 times for 2 datasets"):
        compare(["a", "b"], profiles=[tmp_path / "p.yml"], **kw)
    assert not (tmp_path / "compare").exists()  # nothing created on a bad call


def test_generated_sections_note_left_out_inputs():
    inputs = [
        {**A, "synthetic": True, "profile": {"name": "p"}, "timezone": "Asia/Shanghai"},
        {**B, "synthetic": False, "profile": {"name": "q"}, "timezone": "UTC"},
    ]
    rows = ct.core_rows([A, B])
    left_out = {
        "creation": [{"dataset": "b", "reason": "account_creation_date is not in it"}],
        "followers": [{"dataset": "a", "reason": "x"}, {"dataset": "b", "reason": "y"}],
    }
    gen = ct.generated_sections(inputs, rows, ["a", "b"], left_out)
    assert "Synthetic demo data" in gen["inputs.qmd"] and "In a:" in gen["inputs.qmd"]
    assert "`v-b`" in gen["inputs.qmd"]  # a version id as a code span, hyphen as written
    assert gen["figure_notes.qmd"] == (
        "- The account creation figure leaves out b: account\\_creation\\_date is not in it.\n"
    )  # the followers figure, drawn by no input, says so in its own place
    assert "{#tbl-core}" in gen["table.qmd"] and "b: 14 of 16 findings" in gen["table.qmd"]


def test_a_manifest_missing_keys_is_one_line_naming_it(tmp_path):
    """Issue 20 item 20: `compare` on manifests with missing keys was a KeyError."""
    import pytest

    from takedown.errors import RenderError
    from takedown.pipeline.compare import load_input, pick_version

    reports = tmp_path / "reports"
    _fake_version(reports, "ds", "20200101T000000Z-aaaa", "sha")  # no dataset, no profile content
    folder = reports / "ds" / "20200101T000000Z-aaaa"
    (folder / "findings.json").write_text('{"findings": []}')
    with pytest.raises(RenderError, match=r"manifest.json: not a takedown manifest.json "
                       r"\(profile.content: Field required\); re-render"):  # fmt: skip
        load_input(folder, "ds", tmp_path / "data")
    (folder / "manifest.json").write_text('{"version": "x", "profile": {}}')
    profile = tmp_path / "p.yml"
    profile.write_text("name: p\ntitle: P\n", encoding="utf-8")
    with pytest.raises(RenderError, match="no rendered report with that profile"):
        pick_version(reports, "ds", profile)  # the broken one is skipped, never a KeyError


def test_a_findings_fifo_is_refused_not_waited_on(tmp_path):
    import json
    import os

    import pytest

    from takedown.errors import RenderError
    from takedown.pipeline.compare import load_input

    folder = tmp_path / "reports" / "ds" / "v1"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "version": "v1", "created_at": "x", "findings_sha256": "0", "notebooks": [],
        "code_version": "x", "profile": {"sha256": "s", "content": {}},
        "dataset": {"fingerprint": "f"},
    }))  # fmt: skip
    os.mkfifo(folder / "findings.json")
    with pytest.raises(RenderError, match="findings.json: missing or unreadable; re-render"):
        load_input(folder, "ds", tmp_path / "data")


def _report(out: Path, dataset: str, manifest: dict) -> None:
    folder = out / dataset / "20260101T000000Z-00000000-00000000"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "findings.json").write_text('{"findings": []}', encoding="utf-8")


@pytest.mark.slow
def test_every_compare_error_names_its_dataset(tmp_path):
    """Issue 20 item 20: whatever compare cannot read is one line naming the dataset."""
    out, data = tmp_path / "reports", tmp_path / "data"
    ingest([make_archive(tmp_path / "raw")], "a", data)
    # What `versions` reads is there; what compare reads of the dataset is not.
    _report(out, "a", {"version": "v", "created_at": "t", "findings_sha256": "0" * 64,
                       "notebooks": [], "code_version": "c"})  # fmt: skip
    for datasets, named in ((["a", "b"], "a"), (["b", "a"], "b"), (["a", "a2"], "a")):
        with pytest.raises(RenderError) as exc:
            compare(datasets, data_dir=data, out_root=out)
        message = str(exc.value)
        assert message.startswith(f"compare input {named}: ") and "\n" not in message, message
    with pytest.raises(RenderError) as exc:
        compare(["a", "b"], data_dir=data, out_root=out)
    assert "KeyError" in str(exc.value) or "manifest" in str(exc.value)


@pytest.mark.slow
def test_a_profile_without_a_clock_is_compared_on_utc_and_says_so(tmp_path):
    """A profile that declares no timezone (generic.yml) drew None into the overlay's zone."""
    from takedown.ingest.dataset import load_dataset
    from takedown.pipeline.compare import load_input

    ingest([make_archive(tmp_path / "raw")], "ds", tmp_path / "data")
    folder = tmp_path / "reports" / "ds" / "v1"
    folder.mkdir(parents=True)
    fingerprint = load_dataset(tmp_path / "data" / "ds").fingerprint
    (folder / "manifest.json").write_text(json.dumps({
        "version": "v1", "created_at": "x", "findings_sha256": "0", "notebooks": [],
        "code_version": "x", "dataset": {"fingerprint": fingerprint},
        "profile": {"sha256": "s", "content": {"name": "generic", "timezone": None,
                                              "working_hours": None}},
    }))  # fmt: skip
    (folder / "findings.json").write_text('{"findings": []}')
    inp = load_input(folder, "ds", tmp_path / "data")
    assert (inp["timezone"], inp["clock_declared"], inp["working_hours"]) == ("UTC", False, {})
    gen = ct.generated_sections([{**inp, "synthetic": False}], [], ["ds"], {})
    assert "UTC \\(none declared\\)" in gen["inputs.qmd"]  # Markdown-escaped
