"""The archive's fan-out: one operation process kept per worker thread (fanout.run_in_process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from takedown.pipeline.archive import fanout


@pytest.mark.slow
def test_an_operation_process_that_ends_mid_operation_is_that_rows_reason(tmp_path: Path):
    """fanout keeps one operation process per worker thread; one that dies is that operation's
    failed row, and the next operation gets a new process."""
    spec = {"name": "broken", "folder": str(tmp_path), "env": {}}  # no files: the process dies
    row = fanout.run_in_process(spec)
    assert row["status"] == "failed" and row["stage"] == "process"
    assert "KeyError" in row["reason"]
    (proc, _), *_ = [v for k, v in fanout._SERVERS.items() if k[1] == "{}"]
    assert proc.poll() is not None
    again = fanout.run_in_process(spec)
    (proc2, _), *_ = [v for k, v in fanout._SERVERS.items() if k[1] == "{}"]
    assert again["status"] == "failed" and proc2.pid != proc.pid
