"""Kept kernels (pipeline/kept.py): one zygote and one notebook pool serve every render of a
process, each notebook still gets a fresh kernel, and all of it dies with the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from takedown.pipeline.workers import descendants
from tests.unit.pipeline.test_zygote import PROBE, gone_within, notebook

SCRIPT = """
import json, os, sys, time
from takedown.pipeline import kept
from takedown.pipeline.kernel import ensure_kernel, run_notebook

src, base = sys.argv[1], sys.argv[2]
kept.keep(1)
for i in (1, 2):  # two renders, one after the other
    work = os.path.join(base, str(i))
    os.mkdir(work)
    with kept.zygote() as z, kept.notebook_pool(1) as pool:
        res = pool.submit(run_notebook, src, os.path.join(work, "out.ipynb"), {"x": i}, work,
                          ensure_kernel(), 120, z).result()
        print(json.dumps({"zygote": z, "ok": res["ok"], "workers": sorted(pool._processes)}),
              flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_two_renders_share_the_zygote_and_workers_and_die_with_their_process(tmp_path: Path):
    src = notebook(tmp_path / "probe.ipynb", PROBE)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(src), str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        first, second = (json.loads(proc.stdout.readline()) for _ in range(2))
        tree = descendants(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    assert first["ok"] and second["ok"]
    assert first["zygote"] == second["zygote"] and first["workers"] == second["workers"]
    a, b = (json.loads((tmp_path / i / "seen.json").read_text()) for i in ("1", "2"))
    assert (a["x"], b["x"]) == (1, 2) and not a["left_over"] and not b["left_over"]
    assert a["pid"] != b["pid"] and a["ppid"] == b["ppid"]  # fresh forks of the one zygote
    assert a["pandas_preloaded"] and b["pandas_preloaded"]
    assert tree and gone_within(tree, 10)  # the zygote and the workers went with the process


def _zygotes() -> list[int]:
    """This process's zygotes (kernel.kernel_zygote runs zygote.py)."""
    out = []
    for pid in descendants(os.getpid()):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"zygote.py") for part in cmd):
            out.append(pid)
    return out


@pytest.mark.slow
def test_a_zygote_started_before_its_render_is_adopted_and_dies_with_the_render_block():
    from takedown.pipeline import kept

    with kept.started_zygote():
        early = _zygotes()
        assert len(early) == 1  # running while the render imports and checks
        with kept.early_zygote():
            with kept.zygote() as name:
                assert name is not None and name.startswith("@takedown-zygote-")
            assert _zygotes() == early  # adopted: no second zygote
        assert gone_within(early, 10)  # the render's block killed it, before the outer one ends
    assert not kept._EARLY and "zygote" not in kept._KEPT


@pytest.mark.slow
def test_a_zygote_no_render_adopted_is_killed_when_the_command_ends():
    """A warm render (nothing to run) or an error before the notebooks."""
    from takedown.pipeline import kept

    with pytest.raises(RuntimeError), kept.started_zygote():
        early = _zygotes()
        assert len(early) == 1
        raise RuntimeError("the dataset was not found")
    assert gone_within(early, 10)
    assert not kept._EARLY
