"""The kernel fork server: each notebook gets a fresh kernel forked with the stack imported.

Real processes throughout: a zygote, papermill in a worker process, forked kernels, signals.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from takedown.pipeline.kernel import ZYGOTE_SCRIPT, ensure_kernel, kernel_zygote, run_notebook
from takedown.pipeline.workers import descendants, worker_pool
from tests.unit.pipeline.test_workers import alive

PROBE = """import json, os, sys
seen = {"pandas_preloaded": "pandas" in sys.modules,
        "networks_preloaded": "takedown.findings.networks.pairs" in sys.modules, "pid": os.getpid(), "ppid": os.getppid(),
        "cwd": os.getcwd(), "left_over": "leftover" in globals(), "x": x,
        "backend": __import__("matplotlib").get_backend(), "env": os.environ.get("PROBE_ENV"),
        "rc": {k: str(v) for k, v in __import__("matplotlib").rcParams.items()},
        "random": [__import__("random").random(), float(__import__("numpy").random.random())]}
leftover = 1
import matplotlib.pyplot as plt
plt.plot([0, 1])
plt.show()
open("seen.json", "w").write(json.dumps(seen))
"""


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": "takedown", "language": "python", "display_name": "t"}
    nbformat.write(nb, path)
    return path


def run_in_worker(src: Path, work: Path, x: int, zygote: str | None, timeout_s: float = 120):
    work.mkdir()
    with worker_pool(1) as pool:
        fut = pool.submit(run_notebook, str(src), str(work / "out.ipynb"), {"x": x}, str(work),
                          ensure_kernel(), timeout_s, zygote)  # fmt: skip
        return fut.result(timeout=600)


def _kill_all(zygote, standin: int, kernel: int) -> None:
    """SIGKILL whatever of the three is left, and reap the zygote."""
    for pid in (standin, kernel, zygote.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    zygote.wait()


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


@pytest.mark.slow
def test_each_notebook_gets_a_fresh_forked_kernel_with_the_stack_imported(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_ENV", "from-the-worker")
    src = notebook(tmp_path / "probe.ipynb", 'print("first")', PROBE)
    with kernel_zygote() as zygote:
        assert zygote is not None
        first = run_in_worker(src, tmp_path / "a", 1, zygote)
        second = run_in_worker(src, tmp_path / "b", 2, zygote)
    assert first["ok"] and second["ok"], (first, second)
    a = json.loads((tmp_path / "a/seen.json").read_text())
    b = json.loads((tmp_path / "b/seen.json").read_text())
    assert a["pandas_preloaded"] and b["pandas_preloaded"]  # imported once, in the zygote
    assert a["networks_preloaded"]  # subpackages of takedown.findings too
    assert (a["x"], b["x"]) == (1, 2)  # each its own parameters
    assert not a["left_over"] and not b["left_over"]  # a clean namespace each
    assert a["pid"] != b["pid"] and a["ppid"] == b["ppid"]  # two forks of one zygote
    assert (a["cwd"], b["cwd"]) == (str(tmp_path / "a"), str(tmp_path / "b"))
    assert a["env"] == "from-the-worker"  # the environment jupyter_client gave its kernel
    assert a["backend"] == "module://matplotlib_inline.backend_inline"
    assert a["random"][0] != b["random"][0] and a["random"][1] != b["random"][1]  # reseeded
    out = nbformat.read(tmp_path / "a/out.ipynb", as_version=4)
    assert any("image/png" in o.get("data", {}) for o in out.cells[-1].outputs)
    # forked.ReadyClient starts the first cell without jupyter_client's idle wait on IOPub:
    # the first cell's output still reaches the notebook.
    assert [o.get("text") for o in out.cells[-2].outputs] == ["first\n"]


@pytest.mark.slow
def test_fork_and_scratch_kernels_give_the_same_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_ENV", "x")
    src = notebook(tmp_path / "probe.ipynb", PROBE)
    with kernel_zygote() as zygote:
        forked = run_in_worker(src, tmp_path / "f", 3, zygote)
    scratch = run_in_worker(src, tmp_path / "s", 3, None)
    assert forked["ok"] and scratch["ok"]
    f = json.loads((tmp_path / "f/seen.json").read_text())
    s = json.loads((tmp_path / "s/seen.json").read_text())
    assert not s["pandas_preloaded"] and f["pandas_preloaded"]
    keep = ("left_over", "x", "backend", "env", "rc")
    assert {k: f[k] for k in keep} == {k: s[k] for k in keep}

    def outputs(path: Path) -> list:
        cells = nbformat.read(path, as_version=4).cells
        return [[o.output_type for o in c.outputs] for c in cells if c.cell_type == "code"]

    assert outputs(tmp_path / "f/out.ipynb") == outputs(tmp_path / "s/out.ipynb")


@pytest.mark.slow
def test_a_failing_cell_and_a_timeout_are_reported_as_with_a_plain_kernel(tmp_path):
    fails = notebook(tmp_path / "fails.ipynb", "raise ValueError('boom')")
    hangs = notebook(tmp_path / "hangs.ipynb", "#| label: fig-hangs\nimport time\ntime.sleep(600)")
    with kernel_zygote() as zygote:
        failed = run_in_worker(fails, tmp_path / "a", 0, zygote)
        t0 = time.monotonic()
        hung = run_in_worker(hangs, tmp_path / "b", 0, zygote, timeout_s=10)
        took = time.monotonic() - t0
        kernels = descendants(os.getpid())
    assert not failed["ok"] and failed["error"]["ename"] == "ValueError"
    assert not hung["ok"] and hung["error"]["ename"] == "NotebookTimeout"
    assert hung["error"]["label"] == "fig-hangs" and took < 90
    assert gone_within(kernels, 10)  # the zygote and every kernel forked from it


def zygote_and_kernel(tmp_path: Path) -> tuple[subprocess.Popen, int, int]:
    """A zygote, a stand-in started as jupyter_client starts a kernel, and the forked kernel."""
    name = f"@takedown-test-{os.getpid()}-{time.monotonic_ns()}"
    zygote = subprocess.Popen([sys.executable, ZYGOTE_SCRIPT, "serve", name])
    cf = tmp_path / "kernel.json"
    standin = subprocess.Popen(
        [sys.executable, ZYGOTE_SCRIPT, "launch", name, "-f", str(cf)],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not descendants(zygote.pid):
        assert time.monotonic() < deadline, "the zygote never forked a kernel"
        time.sleep(0.05)
    (kernel,) = descendants(zygote.pid)
    return zygote, standin.pid, kernel


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["stand-in", "zygote"])
def test_a_forked_kernel_dies_with_its_stand_in_and_with_the_zygote(tmp_path, victim):
    zygote, standin, kernel = zygote_and_kernel(tmp_path)
    try:
        os.kill(standin if victim == "stand-in" else zygote.pid, signal.SIGKILL)
        assert gone_within([kernel], 10)
    finally:
        _kill_all(zygote, standin, kernel)


@pytest.mark.slow
def test_a_terminate_sent_to_the_stand_in_ends_the_kernel(tmp_path):
    zygote, standin, kernel = zygote_and_kernel(tmp_path)
    try:
        os.kill(standin, signal.SIGTERM)  # jupyter_client's terminate of a kernel that hangs
        assert gone_within([kernel, standin], 10)
    finally:
        _kill_all(zygote, standin, kernel)


@pytest.mark.slow
def test_the_zygote_dies_with_the_process_that_started_it(tmp_path):
    """kill -9 of a render takes its zygote along, and the zygote its kernels."""
    script = (
        "import sys, time\n"
        "from takedown.pipeline.kernel import kernel_zygote\n"
        "with kernel_zygote() as z:\n"
        "    print(z, flush=True)\n"
        "    time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        (zygote,) = descendants(proc.pid)
        proc.kill()
        proc.wait()
        assert gone_within([zygote], 10)
    finally:
        proc.kill()
