"""`takedown archive` end to end: nested release folders, incremental runs, a failing
operation, and the same archive on a real Dask cluster (scheduler and two workers)."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from takedown.demo import generate
from takedown.pipeline.workers import descendants
from tests.conftest import run_cli
from tests.unit.pipeline.test_zygote import gone_within

pytestmark = pytest.mark.slow

OPS = ("2020_06/alpha", "2020_06/beta", "2021_02/nested/gamma", "2021_12/delta")


def _operation(root: Path, where: str, seed: int) -> Path:
    """A small synthetic operation in the archive's layout, under root/where/."""
    name = Path(where).name
    folder = root / where
    gen = folder.parent / f".gen-{name}"
    generate(gen, seed=seed, accounts=60, tweets=900)
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("users", "tweets"):
        (gen / f"demo_{kind}_csv_hashed.csv").rename(folder / f"{name}_{kind}_csv_hashed.csv")
    for p in gen.iterdir():
        p.unlink()
    gen.rmdir()
    return folder


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory):
    """One archive of four operations, run once locally; the tests below build on it."""
    base = tmp_path_factory.mktemp("archive")
    root = base / "root"
    for seed, where in enumerate(OPS, start=1):
        _operation(root, where, seed)
    env = {"TAKEDOWN_CACHE_DIR": str(base / "cache")}
    args = ["--data-dir", base / "data", "--profiles", base / "profiles", "--workers", "2",
            "--engine", "builtin"]  # fmt: skip
    first = run_cli("archive", root, "--out", base / "reports", *args, env=env)
    return base, root, args, env, first


def _findings(reports: Path) -> dict[str, bytes]:
    return {
        p.parent.parent.name: p.read_bytes()
        for p in sorted(reports.glob("*/*/findings.json"))
        if p.parent.parent.name != "atlas"
    }


def test_four_reports_and_an_atlas(archive_run):
    base, _, _, _, first = archive_run
    assert first.returncode == 0, first.stderr
    assert "4 operations" in first.stdout and "4 rendered" in first.stdout
    assert set(_findings(base / "reports")) == {"alpha", "beta", "gamma", "delta"}
    for name in ("alpha", "beta", "gamma", "delta"):
        assert (base / "profiles" / "drafts" / f"{name}.yml").is_file()
    (atlas,) = (base / "reports" / "atlas").iterdir()
    for f in ("report.html", "report.pdf", "atlas.csv", "findings.json", "manifest.json"):
        assert (atlas / f).is_file(), f
    csv_rows = (atlas / "atlas.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in csv_rows[1:]] == ["alpha", "beta", "gamma", "delta"]
    html = (atlas / "report.html").read_text(encoding="utf-8")
    assert "../../alpha/" in html
    # The title block's date is a date (Quarto reads "<date> · version <v>" as "Invalid Date");
    # the atlas's version is on the author line.
    flat = " ".join(html.split())
    date = f"{atlas.name[:4]}-{atlas.name[4:6]}-{atlas.name[6:8]}"
    assert f'<p class="date">{date}</p>' in flat
    assert f"takedown archive · version {atlas.name}" in flat


def test_second_run_renders_nothing_then_a_new_operation_renders_alone(archive_run):
    base, root, args, env, _ = archive_run
    again = run_cli("archive", root, "--out", base / "reports", *args, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 rendered, 4 unchanged" in again.stdout
    assert "nothing to render" in again.stdout
    atlases = sorted((base / "reports" / "atlas").iterdir())
    assert len(atlases) == 1  # the atlas too is unchanged
    _operation(root, "2022_03/epsilon", 9)
    more = run_cli("archive", root, "--out", base / "reports", *args, env=env)
    assert more.returncode == 0, more.stderr
    assert "1 rendered, 4 unchanged" in more.stdout
    assert len(sorted((base / "reports" / "atlas").iterdir())) == 2
    assert len(list((base / "reports" / "alpha").iterdir())) == 1


def test_a_corrupt_gzip_fails_alone_and_the_atlas_says_why(archive_run, tmp_path):
    base, _, _, env, _ = archive_run
    root = tmp_path / "root"
    _operation(root, "ok/alpha", 1)
    bad = _operation(root, "bad/broken", 2)
    tweets = bad / "broken_tweets_csv_hashed.csv"
    data = gzip.compress(tweets.read_bytes())
    (bad / "broken_tweets_csv_hashed.csv.gz").write_bytes(data[: len(data) // 2])
    tweets.unlink()
    res = run_cli("archive", root, "--out", tmp_path / "reports", "--data-dir",
                  tmp_path / "data", "--profiles", tmp_path / "profiles", "--workers", "1",
                  "--engine", "builtin",
                  env=env)  # fmt: skip
    assert res.returncode == 1
    assert "1 rendered, 0 unchanged, 1 failed" in res.stderr
    assert "error: broken: failed at ingest" in res.stderr
    (atlas,) = (tmp_path / "reports" / "atlas").iterdir()
    row = next(r for r in (atlas / "atlas.csv").read_text().splitlines() if r.startswith("broken"))
    assert ",failed," in row and "gzip" in row.lower()
    assert (tmp_path / "reports" / "alpha").is_dir()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children_running_an_operation(pid: int) -> bool:
    """True while a process under `pid` runs takedown.pipeline.archive.worker."""
    for child in descendants(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"takedown.pipeline.archive.worker" in cmd:
            return True
    return False


def test_a_real_dask_cluster_gives_byte_identical_findings_and_survives_a_killed_worker(
    archive_run,
):
    base, root, args, env, first = archive_run
    assert first.returncode == 0
    port = _free_port()
    full_env = {**os.environ, **env}
    dask = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=full_env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]  # fmt: skip
    try:
        time.sleep(3)
        for _ in range(2):
            procs.append(subprocess.Popen(
                [*dask, "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                 "--no-dashboard"], env=full_env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        time.sleep(4)
        out = base / "reports-cluster"
        run = subprocess.Popen(
            [sys.executable, "-m", "takedown.cli", "archive", str(root), "--out", str(out),
             *map(str, args), "--scheduler", f"tcp://127.0.0.1:{port}"],
            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        victim = procs[2]
        deadline = time.monotonic() + 300
        while not _children_running_an_operation(victim.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        killed = _children_running_an_operation(victim.pid)
        tree = descendants(victim.pid)  # its operation process, zygote, kernels, notebook workers
        os.killpg(victim.pid, signal.SIGKILL)  # the worker and the operation it runs
        assert gone_within(tree, 20), "a process of the killed worker outlived it"
        stdout, stderr = run.communicate(timeout=900)
        assert killed, "no worker ran an operation to kill"
        assert run.returncode == 0, stderr
        assert _findings(out) == {
            k: v for k, v in _findings(base / "reports").items() if k in _findings(out)
        }
        assert set(_findings(out)) >= {"alpha", "beta", "gamma", "delta"}
        for version in out.glob("*/*"):
            assert (version / "report.html").is_file() and (version / "manifest.json").is_file()
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
