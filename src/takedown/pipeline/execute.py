"""Run every finding notebook with papermill, in parallel, cached by content.

A notebook is re-run only when its source, its parameters, the dataset fingerprint or the
library changed. A failing notebook is reported by name and cell and never stops the others.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from takedown import __version__
from takedown.hashing import sha256_json, sha256_tree

KERNEL = "takedown"
CELL_TIMEOUT_S = 1800
LIBRARY_DIR = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    """What happened to one notebook: its executed copy, findings, timing, and any failure."""

    name: str
    status: str  # "ok", "cached", "failed" or "skipped"
    executed: Path | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    cache_key: str = ""
    error: dict[str, Any] | None = None


# What an executed notebook depends on besides its own source: a change here re-runs notebooks.
NOTEBOOK_DEPENDENCIES = (
    "findings/*.py",
    "notebook.py",
    "engine.py",
    "profile.py",
    "schema.py",
    "ingest/dataset.py",
    "compose/escape.py",
    "compose/fonts.py",
)


def library_version() -> str:
    """Package version plus a hash of the library code notebooks call into."""
    digest = sha256_json([sha256_tree(LIBRARY_DIR, pattern) for pattern in NOTEBOOK_DEPENDENCIES])
    return f"{__version__}+{digest[:12]}"


def source_hash(path: Path) -> str:
    """Hash of a notebook's cell sources and types only: outputs and cell ids do not count."""
    nb = nbformat.read(path, as_version=4)
    return sha256_json([(c.cell_type, c.source) for c in nb.cells])


def ensure_kernel() -> str:
    """Register a kernelspec for this interpreter inside its own prefix (the venv), once."""
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(KERNEL)
        if spec.argv and Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL
    except Exception:  # noqa: BLE001 - not registered yet
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="takedown (venv)", prefix=sys.prefix)
    return KERNEL


def _run_one(src: str, out: str, params: dict[str, Any], cwd: str, kernel: str) -> dict[str, Any]:
    """Worker process: execute one notebook; return timing and failure details, never raise."""
    import papermill as pm

    # The kernel inherits this worker's stderr: send its chatter to a log beside the notebook.
    log = os.open(str(Path(cwd) / "kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                src,
                out,
                parameters=params,
                kernel_name=kernel,
                cwd=cwd,
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT_S,
            )
            return {"ok": True, "seconds": time.perf_counter() - t0}
        except pm.PapermillExecutionError as exc:
            return {
                "ok": False,
                "seconds": time.perf_counter() - t0,
                "error": {
                    "cell": exc.cell_index,
                    "label": _cell_label(out, exc.cell_index),
                    "ename": exc.ename,
                    "evalue": str(exc.evalue)[:500],
                },
            }
        except Exception as exc:  # noqa: BLE001 - a kernel that dies is a failed notebook too
            # A kernel that fails to start (a port race, a slow start) gets one more try;
            # the first failure is kept in kernel.log.
            os.write(2, f"attempt {attempt}: {type(exc).__name__}: {exc}\n".encode())
            if attempt == 2:
                return {
                    "ok": False,
                    "seconds": time.perf_counter() - t0,
                    "error": {
                        "cell": None,
                        "label": None,
                        "ename": type(exc).__name__,
                        "evalue": str(exc)[:500],
                    },
                }
    raise AssertionError("unreachable")


def _cell_label(path: str, index: int | None) -> str | None:
    if index is None or not Path(path).exists():
        return None
    try:
        cell = nbformat.read(path, as_version=4).cells[index]
    except (IndexError, OSError, ValueError):
        return None
    for line in cell.source.splitlines():
        if line.startswith("#| label:"):
            return line.split(":", 1)[1].strip()
    return None


def _read_findings(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["findings"]


def execute_all(
    notebooks: list[Path],
    *,
    dataset_dir: Path,
    profile_path: Path,
    fingerprint: str,
    cache_dir: Path,
    jobs: int,
    force: bool = False,
    fail_fast: bool = False,
    on_done: Callable[[Outcome], None] = lambda o: None,
) -> list[Outcome]:
    """Execute (or reuse) every notebook; outcomes come back in notebook order."""
    kernel = ensure_kernel()
    lib = library_version()
    profile_hash = sha256_json(profile_path.read_text(encoding="utf-8"))
    outcomes: dict[str, Outcome] = {}
    pending: list[tuple[Path, str, Path]] = []
    for nb in notebooks:
        name = nb.stem
        key = sha256_json(
            {
                "notebook": source_hash(nb),
                "fingerprint": fingerprint,
                "profile": profile_hash,
                "library": lib,
                "python": sys.version_info[:2],
            }
        )
        entry = cache_dir / "notebooks" / f"{name}-{key[:20]}"
        if not force and (entry / "done").exists():
            o = Outcome(
                name=name,
                status="cached",
                executed=entry / f"{name}.ipynb",
                findings=_read_findings(entry / "findings" / f"{name}.json"),
                seconds=json.loads((entry / "done").read_text())["seconds"],
                cache_key=key,
            )
            outcomes[name] = o
            on_done(o)
        else:
            pending.append((nb, key, entry))

    if pending:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(pending)))) as pool:
            futures: dict[Future[dict[str, Any]], tuple[Path, str, Path, Path]] = {}
            for nb, key, entry in pending:
                work = cache_dir / "tmp" / f"{nb.stem}-{key[:20]}-{os.getpid()}"
                shutil.rmtree(work, ignore_errors=True)
                (work / "findings").mkdir(parents=True)
                params = {
                    "dataset_dir": str(dataset_dir.resolve()),
                    "profile": str(profile_path.resolve()),
                    "output_dir": str((work / "findings").resolve()),
                }
                fut = pool.submit(_run_one, str(nb), str(work / nb.name), params, str(work), kernel)
                futures[fut] = (nb, key, entry, work)
            remaining = set(futures)
            while remaining:
                done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for fut in done:
                    nb, key, entry, work = futures[fut]
                    res = fut.result()
                    o = _finish(nb.stem, key, entry, work, res)
                    outcomes[nb.stem] = o
                    on_done(o)
                    if o.status == "failed" and fail_fast:
                        for f in remaining:
                            f.cancel()
                        for f in remaining:
                            n2 = futures[f][0].stem
                            outcomes.setdefault(
                                n2, Outcome(name=n2, status="skipped", executed=None)
                            )
                        remaining = set()
                        break
    return [outcomes[nb.stem] for nb in notebooks if nb.stem in outcomes]


def _finish(name: str, key: str, entry: Path, work: Path, res: dict[str, Any]) -> Outcome:
    executed = work / f"{name}.ipynb"
    if res["ok"]:
        (work / "done").write_text(json.dumps({"seconds": round(res["seconds"], 3)}))
        shutil.rmtree(entry, ignore_errors=True)
        entry.parent.mkdir(parents=True, exist_ok=True)
        work.rename(entry)
        return Outcome(
            name=name,
            status="ok",
            executed=entry / f"{name}.ipynb",
            findings=_read_findings(entry / "findings" / f"{name}.json"),
            seconds=res["seconds"],
            cache_key=key,
        )
    return Outcome(
        name=name,
        status="failed",
        executed=executed if executed.exists() else None,
        findings=[],
        seconds=res["seconds"],
        cache_key=key,
        error=res["error"],
    )
