"""A notebook's cache entry holds its results, never DuckDB's spill files or the kernel's runtime."""

from __future__ import annotations

from takedown.pipeline.execute import _publish_entry


def test_spill_files_and_runtime_stay_out_of_the_cache(tmp_path):
    work = tmp_path / "work"
    (work / "findings").mkdir(parents=True)
    (work / "findings" / "11_networks.json").write_text("{}")
    (work / "11_networks.ipynb").write_text("{}")
    (work / ".tmp").mkdir()
    (work / ".tmp" / "duckdb_temp_3596_0_storage_DEFAULT-0.tmp").write_bytes(b"\0" * 4096)
    (work / "runtime").mkdir()
    (work / "kernel.log").write_text("log")
    (work / "done").write_text("{}")
    entry = tmp_path / "cache" / "notebooks" / "11_networks-0123"
    _publish_entry(work, entry, force=False)
    kept = sorted(str(p.relative_to(entry)) for p in entry.rglob("*"))
    assert kept == ["11_networks.ipynb", "done", "findings", "findings/11_networks.json"]
