"""The real IRA sample, ingested once per session for the rules' regression tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from takedown.db import open_dataset
from takedown.ingest import ingest


@pytest.fixture(scope="session")
def ira_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """shared/data/ira_538_by_author ingested as `ira` (a few seconds); its current version."""
    data = tmp_path_factory.mktemp("ira") / "data"
    ingest([shared_data / "ira_538_by_author"], "ira", data)
    return data / "ira" / "current"


@pytest.fixture
def ira(ira_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh connection with `users` and `tweets` views over the ingested IRA sample."""
    con = open_dataset(ira_dir)
    yield con
    con.close()
