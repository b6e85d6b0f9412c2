"""takedown compare of two rendered synthetic operations: both clocks, both versions named.

The second operation is the Moscow-clock one (`takedown demo --operation russia`) when that
option exists, else a second, smaller China demo with another seed. Its profile is drafted by
`takedown profile init`, so this also walks ingest -> profile init -> render -> compare.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def compared(rendered) -> dict:
    base = rendered["base"] / "second"
    raw, data, out = base / "raw", rendered["data"], rendered["out"]
    env = {"TAKEDOWN_CACHE_DIR": str(rendered["cache"])}
    russia = "--operation" in run_cli("demo", "--help").stdout
    extra = ["--operation", "russia"] if russia else ["--seed", "1"]
    r = run_cli("demo", raw, *extra, "--accounts", "3000", "--tweets", "40000")
    assert r.returncode == 0, r.stderr
    truth = json.loads((raw / "truth.json").read_text())
    assert run_cli("ingest", raw, "--dataset", "second", "--data-dir", data).returncode == 0
    profile = base / "second.yml"
    r = run_cli("profile", "init", "second", "--data-dir", data, "--out", profile)
    assert r.returncode == 0, r.stderr
    r = run_cli("render", "second", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", profile,
                cwd=ROOT, env=env)  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run_cli("compare", "demo", "second", "--engine", "builtin", "--data-dir", data,
                "--out", out, cwd=ROOT, env=env)  # fmt: skip
    assert r.returncode == 0, r.stderr + r.stdout
    folders = [p for p in (out / "compare").iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1
    second_version = [p.name for p in (out / "second").iterdir() if not p.name.startswith(".")]
    # compare takes each dataset's newest version: other tests may have re-rendered the demo.
    demo_version = max(p.name for p in (out / "demo").iterdir() if not p.name.startswith("."))
    return {**rendered, "second_truth": truth, "folder": folders[0], "stdout": r.stdout,
            "stderr": r.stderr, "versions": {"demo": demo_version,
                                             "second": second_version[0]}}  # fmt: skip


def test_version_folder_is_complete(compared):
    folder = compared["folder"]
    assert {p.name for p in folder.iterdir()} >= {
        "report.html", "report.pdf", "findings.json", "manifest.json", "notebooks",
    }  # fmt: skip
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert str(folder / "report.html") in compared["stdout"]


def test_manifest_names_each_input_version(compared):
    m = json.loads((compared["folder"] / "manifest.json").read_text())
    got = {i["dataset"]: i["report_version"] for i in m["inputs"]}
    assert got == compared["versions"]
    for name, v in compared["versions"].items():
        assert f"{name}: report version {v}" in compared["stderr"]
    assert m["version"] == compared["folder"].name and m["kind"] == "compare"
    html = (compared["folder"] / "report.html").read_text(encoding="utf-8")
    for v in compared["versions"].values():
        assert v in html


def test_both_offsets(compared):
    doc = json.loads((compared["folder"] / "findings.json").read_text())
    rows = {r["id"]: r["values"] for r in doc["findings"]}
    want = {"demo": compared["truth"]["utc_offset_hours"],
            "second": compared["second_truth"]["utc_offset_hours"]}  # fmt: skip
    assert {d: v["value"] for d, v in rows["posting_clock.best_utc_offset"].items()} == want
    assert {d: v["value"] for d, v in rows["compare.offset_range"].items()} == want
    for d, off in want.items():
        lo, hi = rows["compare.offset_range"][d]["interval"]
        assert lo <= off <= hi
    page = (compared["folder"] / "report.html").read_text(encoding="utf-8")
    assert re.search(rf"UTC\+{want['demo']}\b", page)  # its profile declares the working day
    # The second's draft read its hours off the data: the range they allow, never +3 alone.
    lo, hi = (int(x) for x in rows["posting_clock.best_utc_offset"]["second"]["interval"])
    assert hi - lo >= 3
    shown = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))  # the text read
    assert f"UTC+{lo} to UTC+{hi}: the working day's local start is not declared" in shown


def test_core_rows_match_the_input_reports(compared):
    doc = json.loads((compared["folder"] / "findings.json").read_text())
    rows = {r["id"]: r["values"] for r in doc["findings"]}
    assert rows["followers.zero_share"]["demo"]["value"] == compared["findings"][
        "followers.zero_share"]["value"]  # fmt: skip
    assert rows["overview.tweets"]["second"]["value"] == compared["second_truth"]["tweets"]
    html = (compared["folder"] / "report.html").read_text(encoding="utf-8")
    assert "n/a" not in html and ">None<" not in html
    for label in ("fig-hour-of-week", "fig-creation", "fig-followers"):
        assert f'id="{label}"' in html


def test_unrendered_dataset_is_one_line(compared, tmp_path):
    r = run_cli("compare", "demo", "nothere", "--data-dir", compared["data"], "--out",
                compared["out"], cwd=ROOT)  # fmt: skip
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "no rendered report; run takedown render nothere" in r.stderr
    r = run_cli("compare", "demo", "--data-dir", compared["data"], "--out", compared["out"],
                cwd=ROOT)  # fmt: skip
    assert r.returncode == 2 and "at least two datasets" in r.stderr
