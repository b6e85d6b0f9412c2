"""takedown diff: two findings files compared finding by finding."""

from __future__ import annotations

import json

import pytest

from takedown.errors import TakedownError
from takedown.pipeline.diff import diff, load_findings
from tests.conftest import run_cli


def doc(**values):
    units = {"accounts": "count", "zero_share": "share", "first": "date"}
    return {
        "findings": [
            {"id": f"x.{k}", "value": v, "unit": units[k], "label": k, "interval": None, "n": None}
            for k, v in values.items()
        ]
    }


def test_diff_rows():
    a = {f["id"]: f for f in doc(accounts=100, zero_share=0.5, first="2020-01-01")["findings"]}
    b = {f["id"]: f for f in doc(accounts=150, zero_share=0.525)["findings"]}
    rows = {r["id"]: r for r in diff(a, b)}
    assert rows["x.accounts"] == {
        "id": "x.accounts",
        "a": "100",
        "b": "150",
        "change": "+50 (+50.0%)",
    }
    assert rows["x.zero_share"]["change"] == "+2.5 pts"
    assert rows["x.first"]["change"] == "removed" and rows["x.first"]["b"] == ""
    assert diff(a, a)[0]["change"] == ""


def test_cli_diff_and_bad_input(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/findings.json").write_text(json.dumps(doc(accounts=100, zero_share=0.5)))
    (tmp_path / "b.json").write_text(json.dumps(doc(accounts=100, zero_share=0.4)))
    r = run_cli("diff", tmp_path / "a", tmp_path / "b.json")
    assert r.returncode == 0
    assert r.stdout.splitlines() == ["x.zero_share\t50.0%\t40.0%\t-10.0 pts"]
    assert "1 of 2 findings differ" in r.stderr
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(TakedownError, match="not a takedown findings.json"):
        load_findings(tmp_path / "bad.json")
    r = run_cli("diff", tmp_path / "a", tmp_path / "nope")
    assert (
        r.returncode == 2
        and r.stderr.startswith("error: ")
        and len(r.stderr.strip().splitlines()) == 1
    )
