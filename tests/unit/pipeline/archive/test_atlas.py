"""The atlas keys on what the reports say, not on what one run did with them."""

from __future__ import annotations

from pathlib import Path

from takedown.pipeline.archive.atlas import findings_document, operation_entry


def test_rendered_and_unchanged_are_the_same_to_the_atlas():
    a = operation_entry({"name": "x", "status": "rendered", "stage": "done", "reason": ""}, Path())
    b = operation_entry({"name": "x", "status": "unchanged", "stage": "done", "reason": ""}, Path())
    assert a == b and a["status"] == "reported"
    assert findings_document([a]) == findings_document([b])


def test_a_failed_operation_stays_failed_with_its_stage_and_reason():
    row = {"name": "x", "status": "failed", "stage": "ingest", "reason": "bad gzip"}
    op = operation_entry(row, Path())
    assert (op["status"], op["stage"], op["reason"]) == ("failed", "ingest", "bad gzip")
