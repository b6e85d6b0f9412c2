"""takedown diff: two findings files compared finding by finding."""

from __future__ import annotations

import json
import os

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


@pytest.mark.slow
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


# Issue 20 items 17 and 20: files that are no findings.json, or hold values takedown never writes.


def cli(*args, timeout: float = 60):
    """The CLI with a short timeout: a hang is a failure, not a stuck test run."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "takedown.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def one_line_error(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


@pytest.mark.slow
def test_a_fifo_is_refused_at_once(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(doc(accounts=1)))
    os.mkfifo(tmp_path / "f.json")
    line = one_line_error(cli("diff", tmp_path / "a.json", tmp_path / "f.json", timeout=30))
    assert "f.json: not a regular file" in line


@pytest.mark.slow
def test_dev_zero_is_refused_without_reading_it(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(doc(accounts=1)))
    line = one_line_error(cli("diff", tmp_path / "a.json", "/dev/zero", timeout=30))
    assert "/dev/zero: not a regular file" in line


def test_an_oversized_findings_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(40 << 20)  # sparse: 40 MB that cost nothing to make
    with pytest.raises(TakedownError, match=r"big.json: 40.0 MB, over the 32 MB limit"):
        load_findings(big)


@pytest.mark.slow
@pytest.mark.parametrize(
    "finding",
    [
        {"id": "x.a", "value": {"k": 1}, "unit": "count"},
        {"id": "x.a", "value": "abc", "unit": "count"},
        {"id": "x.a", "value": 10**400, "unit": "count"},
        {"id": "x.a", "value": float("nan"), "unit": "count"},
        {"id": "x.a", "value": 1, "unit": ["count"]},
        {"id": ["x.a"], "value": 1, "unit": "count"},
        {"id": "x.\x1b[2J", "value": 1, "unit": "count"},
        {"id": "x.a", "value": [1, 2], "unit": "hours"},
    ],
)
def test_odd_values_are_one_line_naming_the_file_never_the_value(tmp_path, finding):
    (tmp_path / "a.json").write_text(json.dumps(doc(accounts=1)))
    (tmp_path / "odd.json").write_text(json.dumps({"findings": [finding]}))
    line = one_line_error(cli("diff", tmp_path / "a.json", tmp_path / "odd.json"))
    assert "odd.json: " in line and ("fix the file" in line or "pass a report version" in line)
    assert "abc" not in line and "\x1b" not in line


def test_huge_numbers_differ_without_overflow():
    a = {"x.a": {"id": "x.a", "value": -(10**300), "unit": "count"}}
    b = {"x.a": {"id": "x.a", "value": 10**300, "unit": "count"}}
    assert diff(a, b)[0]["change"] == "+2e+300 (+200.0%)"


@pytest.mark.slow
def test_escape_sequences_in_values_reach_the_terminal_escaped(tmp_path):
    evil = {"findings": [{"id": "x.a", "value": "\x1b]0;owned\x07\x1b[31mred", "unit": "text"}]}
    (tmp_path / "a.json").write_text(json.dumps(doc(accounts=1)))
    (tmp_path / "b.json").write_text(json.dumps(evil))
    r = cli("diff", tmp_path / "a.json", tmp_path / "b.json")
    assert r.returncode == 0 and "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "\\x1b]0;owned\\x07\\x1b[31mred" in r.stdout
