"""The finding contract's invariant, for every findings module with `summarize`:

- with each optional column absent (NULL in every row, and Coverage saying the file lacked it),
  every finding is either unavailable with a reason, or has exactly the value it has with all
  columns: a missing column never turns into a measured number;
- on empty users and tweets tables, every finding is unavailable or a true zero count.

The data is a small synthetic archive (`takedown demo`, all columns filled) ingested for real, so
the tables have exactly the normalized types the notebooks see. Optional means: every normalized
column not in REQUIRED_USER_COLUMNS / REQUIRED_TWEET_COLUMNS of takedown.schema, so a column made
optional there is tested here without a change.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pytest

from takedown.db import measure_coverage
from takedown.findings.contract import Finding
from takedown.profile import TOPICS, Profile, load_profile
from takedown.schema import REQUIRED_TWEET_COLUMNS, REQUIRED_USER_COLUMNS
from tests.conftest import ROOT, run_cli

TABLES = ("users", "tweets")
REQUIRED = {"users": REQUIRED_USER_COLUMNS, "tweets": REQUIRED_TWEET_COLUMNS}
ENTITY_COLUMNS = ("hashtags", "urls", "user_mentions")
PROFILE = "profiles/china_052020.yml"  # topics and languages: every code path runs


def summarizers() -> list[Any]:
    """One pytest param per report section: its module, or a skip naming why."""
    params = []
    for topic in TOPICS:
        module = importlib.import_module(f"takedown.findings.{topic}")
        marks = (
            []
            if hasattr(module, "summarize")
            else [pytest.mark.skip(reason=f"findings/{topic}.py has no summarize() yet")]
        )
        params.append(pytest.param(module, id=topic, marks=marks))
    return params


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """A small demo archive with every column filled, ingested: the folder with the Parquet."""
    base = tmp_path_factory.mktemp("invariant")
    r = run_cli("demo", base / "raw", "--accounts", "300", "--tweets", "4000")
    assert r.returncode == 0, r.stderr
    r = run_cli("ingest", base / "raw", "--dataset", "inv", "--data-dir", base / "data")
    assert r.returncode == 0, r.stderr
    return base / "data" / "inv"


def columns(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """(name, DuckDB type) per column of each ingested table."""
    con = duckdb.connect()
    return {
        t: [
            (name, typ)
            for name, typ, *_ in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{folder / t}.parquet')"
            ).fetchall()
        ]
        for t in TABLES
    }


def optional_columns() -> list[tuple[str, str]]:
    """(table, column) for every optional column of the normalized schema."""
    from takedown.schema import OPTIONAL_TWEET_COLUMNS, TWEET_COLUMNS, USER_COLUMNS

    every = {"users": USER_COLUMNS, "tweets": TWEET_COLUMNS + OPTIONAL_TWEET_COLUMNS}
    return [(t, c) for t in TABLES for c in every[t] if c not in REQUIRED[t]]


def connect(folder: Path, *, drop: tuple[str, str] | None = None, empty: bool = False):
    """In-memory `users` and `tweets` tables from the Parquet, one column NULLed out (`drop`)
    or no rows (`empty`); with the Coverage ingest would record for such files."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    present: dict[str, list[str]] = {}
    for table, cols in columns(folder).items():
        select = ", ".join(
            f'CAST(NULL AS {typ}) AS "{name}"' if drop == (table, name) else f'"{name}"'
            for name, typ in cols
        )
        limit = " LIMIT 0" if empty else ""
        con.execute(
            f"CREATE TABLE {table} AS SELECT {select} "
            f"FROM read_parquet('{folder / table}.parquet'){limit}"
        )
        present[table] = [name for name, _ in cols if drop != (table, name)]
    return con, measure_coverage(con, present)


@cache
def profile() -> Profile:
    return load_profile(ROOT / PROFILE)


def profile_for(module: Any) -> Profile:
    """The profile, with a group column for the groups section: the demo's users carry no
    account attribute, so it is broken down by account_language."""
    if module.__name__.endswith(".groups"):
        return profile().model_copy(update={"group_by": ["account_language"]})
    return profile()


_FULL: dict[str, dict[str, Finding]] = {}


def full(module: Any, folder: Path) -> dict[str, Finding]:
    """The module's findings with every column present (computed once per module)."""
    if module.__name__ not in _FULL:
        con, coverage = connect(folder)
        _FULL[module.__name__] = by_id(module.summarize(con, profile_for(module), coverage))
    return _FULL[module.__name__]


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids)), f"a finding is returned twice: {sorted(ids)}"
    assert all(isinstance(f, Finding) for f in findings)
    return {f.id: f for f in findings}


@pytest.mark.slow
@pytest.mark.parametrize("module", summarizers())
def test_full_data_gives_findings(module, dataset):
    found = full(module, dataset)
    assert found, f"{module.__name__}.summarize returned no findings"
    assert any(f.available for f in found.values()), "nothing measured with every column present"


def fused_over_fewer_traces(found: Finding, reference: Finding | None) -> bool:
    """The networks' declared second definitions: without its column a trace falls back to
    another (co-retweet by retweeted account, not tweet) and the fused network combines fewer
    traces. The method says which, so it differs from the method with every column."""
    return bool(
        reference
        and found.id.startswith("networks.")
        and found.method
        and reference.method
        and found.method != reference.method
    )


@pytest.mark.slow
@pytest.mark.parametrize("drop", optional_columns(), ids=lambda tc: f"{tc[0]}.{tc[1]}")
@pytest.mark.parametrize("module", summarizers())
def test_an_absent_column_never_becomes_a_number(module, drop, dataset):
    reference = full(module, dataset)
    con, coverage = connect(dataset, drop=drop)
    assert coverage.missing(*drop), "the coverage must say the column is absent"
    found = by_id(module.summarize(con, profile_for(module), coverage))
    # A data-dependent finding (e.g. one per detected wave) may be absent; one that is measured
    # must have been measured, with the same value, on the full data. The one exception is a
    # declared second source: without an entity column, hashtags, mentions and links are
    # extracted from the tweet text, and the method says so.
    wrong = {
        fid: (f.value, reference[fid].value if fid in reference else "not recorded")
        for fid, f in found.items()
        if f.available
        and not (drop[1] in ENTITY_COLUMNS and "extracted from the text" in (f.method or ""))
        and not fused_over_fewer_traces(f, reference.get(fid))
        and (
            fid not in reference or f.value != reference[fid].value or f.unit != reference[fid].unit
        )
    }
    assert not wrong, f"without {drop[0]}.{drop[1]}: (value, value with all columns) {wrong}"
    assert all(f.reason for f in found.values() if not f.available)


@pytest.mark.slow
@pytest.mark.parametrize("module", summarizers())
def test_empty_tables_give_unavailable_or_true_zero_counts(module, dataset):
    con, coverage = connect(dataset, empty=True)
    found = by_id(module.summarize(con, profile_for(module), coverage))
    wrong = {
        fid: (f.value, str(f.unit))
        for fid, f in found.items()
        if f.available and not (f.unit == "count" and f.value == 0)
    }
    assert not wrong, f"measured on empty tables: {wrong}"
    assert all(f.reason for f in found.values() if not f.available)
