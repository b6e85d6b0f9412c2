"""Pipeline behaviour: a failing notebook is isolated, and the cache re-runs only what changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from takedown.pipeline.execute import longest_first
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def project_copy(tmp_path: Path) -> Path:
    """The report project (sources and notebooks) in a scratch folder, for TAKEDOWN_PROJECT."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy2(ROOT / "_quarto.yml", dst / "_quarto.yml")
    shutil.copytree(ROOT / "report", dst / "report")
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    return dst


def add_cell(notebook: Path, source: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"fixture-{len(nb.cells)}"
    nb.cells.append(cell)
    nbformat.write(nb, notebook)


def render(rendered, project: Path, *extra: str, path: str | None = None, fork_kernels: str = "1"):
    """The demo rendered from a copy of the project; the built-in composer unless extra names
    an engine (the default, auto, would be Quarto under CI)."""
    env = {"TAKEDOWN_CACHE_DIR": str(rendered["cache"]), "TAKEDOWN_PROJECT": str(project),
           "TAKEDOWN_FORK_KERNELS": fork_kernels}  # fmt: skip
    engine = () if "--engine" in extra else ("--engine", "builtin")
    return run_cli(
        "render", "demo", "--data-dir", rendered["data"], "--out", project.parent / "reports",
        "--profile", ROOT / "profiles/china_052020.yml", *engine, *extra, cwd=ROOT,
        env=env | ({"PATH": path} if path is not None else {}),
    )  # fmt: skip


def only_version(project: Path) -> Path:
    folders = [p for p in (project.parent / "reports/demo").iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1, folders
    return folders[0]


def test_failing_notebook_is_isolated_and_reported(rendered, tmp_path):
    project = project_copy(tmp_path)
    add_cell(
        project / "notebooks/02_followers.ipynb",
        "#| label: fig-broken\nraise ValueError('planted failure <script>window.__pwned=1</script>')",
    )
    r = render(rendered, project)
    assert r.returncode == 1
    assert "02_followers" in r.stderr and "ValueError" in r.stderr and "planted failure" in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "failed sections (02_followers)" in errors[0]
    folder = only_version(project)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "This section failed" in html and "02_followers.ipynb" in html
    assert "<script>window" not in html  # the error text is escaped like any data
    assert "Figure 1" in html  # the other sections rendered
    assert (folder / "report.pdf").stat().st_size > 10_000
    m = json.loads((folder / "manifest.json").read_text())
    status = {n["name"]: n for n in m["notebooks"]}
    assert status["02_followers"]["status"] == "failed"
    assert status["02_followers"]["error"]["ename"] == "ValueError"
    assert status["02_followers"]["error"]["cell"] is not None
    assert status["01_overview"]["status"] in ("ok", "cached")
    findings = json.loads((folder / "findings.json").read_text())
    assert findings["failed_notebooks"] == ["02_followers"]
    assert not any(f["id"].startswith("followers.") for f in findings["findings"])


def test_fail_fast_stops_and_marks_the_rest(rendered, tmp_path):
    project = project_copy(tmp_path)
    for nb in (project / "notebooks").glob("*.ipynb"):
        add_cell(nb, f"# fixture {nb.stem}\nprint('changed')")
    # The one the executor starts first (slowest first, by the cache's history): with
    # kernels forked in a fraction of a second, 01_overview is among the last.
    pending = [(nb, "", Path()) for nb in sorted((project / "notebooks").glob("*.ipynb"))]
    first = longest_first(pending, rendered["cache"] / "notebooks")[0][0]
    add_cell(first, "raise RuntimeError('first one fails')")
    r = render(rendered, project, "--fail-fast", "--jobs", "1")
    assert r.returncode == 1
    m = json.loads((only_version(project) / "manifest.json").read_text())
    status = {n["name"]: n["status"] for n in m["notebooks"]}
    assert status[first.stem] == "failed"
    assert set(status.values()) <= {"failed", "skipped", "ok"}
    assert "skipped" in status.values()


def test_editing_one_notebook_reruns_only_that_one(rendered, tmp_path):
    project = project_copy(tmp_path)
    add_cell(project / "notebooks/03_posting_clock.ipynb", "# an analyst's extra look\nlen(days)")
    r = render(rendered, project)
    assert r.returncode == 0, r.stderr
    m = json.loads((only_version(project) / "manifest.json").read_text())
    status = {n["name"]: n["status"] for n in m["notebooks"]}
    assert status.pop("03_posting_clock") == "ok"
    assert set(status.values()) == {"cached"}
    same = (only_version(project) / "findings.json").read_bytes()
    assert same == (rendered["folder"] / "findings.json").read_bytes()


def test_engine_quarto_without_binary_says_so(rendered, tmp_path):
    # CI puts Quarto on PATH: the command runs with every folder holding a `quarto` left out.
    path = os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if not (Path(d) / "quarto").exists()
    )
    r = render(rendered, project_copy(tmp_path), "--engine", "quarto", path=path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: --engine quarto: no quarto binary on PATH (conda-forge's quarto, see "
        "environment.yml); use --engine builtin"
    ]


def test_render_of_unknown_dataset_is_one_line(tmp_path):
    r = run_cli("render", "nope", "--data-dir", tmp_path, "--out", tmp_path / "r")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "takedown ingest" in lines[0]
    assert not (tmp_path / "r").exists()


def test_force_reexecutes_everything_and_findings_are_byte_identical(rendered, tmp_path):
    """Also with every kernel started from scratch: the session's render forked its kernels
    from the zygote (issue 18 item 4), and must not differ by one byte."""
    project = project_copy(tmp_path)
    r = render(rendered, project, "--force", fork_kernels="0")
    assert r.returncode == 0, r.stderr
    folder = only_version(project)
    m = json.loads((folder / "manifest.json").read_text())
    assert {n["status"] for n in m["notebooks"]} == {"ok"}
    assert (folder / "findings.json").read_bytes() == (
        rendered["folder"] / "findings.json"
    ).read_bytes()


def test_out_that_is_a_file_fails_before_any_notebook_runs(rendered, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    r = run_cli(
        "render", "demo", "--engine", "builtin", "--data-dir", rendered["data"], "--out", target,
        "--profile", ROOT / "profiles/china_052020.yml",
    )  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: --out {target}: cannot create {target}/demo (Not a directory); pass a folder"
    ]


def test_demo_into_a_file_is_one_line(tmp_path):
    target = tmp_path / "f"
    target.write_text("x")
    r = run_cli("demo", target)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: {target}: cannot write the archive there (File exists); pass a folder"
    ]


def test_a_tiny_archive_renders_every_section_with_the_generic_profile(tmp_path):
    from tests.conftest import make_archive

    raw = make_archive(tmp_path / "raw", users=10, tweets=200)
    assert (
        run_cli("ingest", raw, "--dataset", "tiny", "--data-dir", tmp_path / "data").returncode == 0
    )
    r = run_cli(
        "render", "tiny", "--engine", "builtin", "--data-dir", tmp_path / "data", "--out", tmp_path / "reports",
        "--profile", ROOT / "profiles/generic.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    (folder,) = (tmp_path / "reports/tiny").iterdir()
    m = json.loads((folder / "manifest.json").read_text())
    assert {n["status"] for n in m["notebooks"]} == {"ok"}


def _tiny(tmp_path: Path) -> tuple[Path, Path]:
    from tests.conftest import make_archive

    raw = make_archive(tmp_path / "raw", users=10, tweets=200)
    assert run_cli("ingest", raw, "--dataset", "t", "--data-dir", tmp_path / "data").returncode == 0
    return tmp_path / "data", tmp_path / "cache"


def _in_mount_namespace(mount: str, *args: str | Path, cache: Path, after: str = "true"):
    """Run the CLI in a private mount namespace after `mount` (a shell line) has run there."""
    import os
    import subprocess
    import sys

    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("needs `unshare -m` (root or CAP_SYS_ADMIN) to make a read-only or full disk")
    cmd = " ".join(f"'{a}'" for a in [sys.executable, "-m", "takedown.cli", *map(str, args)])
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"{mount} && {{ {cmd}; rc=$?; {after}; exit $rc; }}"], capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, "TAKEDOWN_CACHE_DIR": str(cache)}, timeout=900,
    )  # fmt: skip


def test_read_only_out_fails_before_any_notebook_runs(tmp_path):
    data, cache = _tiny(tmp_path)
    out = tmp_path / "ro"
    (out / "t").mkdir(parents=True)
    r = _in_mount_namespace(
        f"mount --bind {out} {out} && mount -o remount,bind,ro {out}",
        "render", "t", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", ROOT / "profiles/generic.yml",
        cache=cache,
    )  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: --out {out}: cannot write into {out}/t (Read-only file system); "
        "pass a writable folder"
    ]
    assert not (cache / "notebooks").exists()


def test_a_full_disk_says_the_disk_is_full_and_leaves_nothing(tmp_path):
    data, cache = _tiny(tmp_path)
    out = tmp_path / "small"
    out.mkdir()
    listing = tmp_path / "left-in-out.txt"
    r = _in_mount_namespace(
        f"mount -t tmpfs -o size=400k tmpfs {out}",
        "render", "t", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", ROOT / "profiles/generic.yml",
        cache=cache, after=f"ls -A {out}/t > {listing}",
    )  # fmt: skip
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2, r.stderr
    assert lines[-1].startswith("error: ") and "the disk is full" in lines[-1], r.stderr
    assert "corrupt" not in r.stderr and "internal error" not in r.stderr
    assert listing.read_text() == ""  # no version, no scratch on the full disk


def test_a_hanging_notebook_is_stopped_at_its_timeout_named_and_not_retried(tmp_path):
    data, cache = _tiny(tmp_path)
    args = ("render", "t", "--engine", "builtin", "--data-dir", data, "--out", tmp_path / "reports",
            "--profile", ROOT / "profiles/generic.yml")  # fmt: skip
    assert run_cli(*args, cwd=ROOT, env={"TAKEDOWN_CACHE_DIR": str(cache)}).returncode == 0
    project = project_copy(tmp_path)
    add_cell(
        project / "notebooks/01_overview.ipynb",
        "#| label: tbl-hangs\nimport time\ntime.sleep(3600)",
    )
    env = {"TAKEDOWN_CACHE_DIR": str(cache), "TAKEDOWN_PROJECT": str(project)}
    out = tmp_path / "reports2"
    r = run_cli(*args[:6], "--out", out, *args[8:], "--timeout", "45", cwd=ROOT, env=env)
    assert r.returncode == 1
    assert "01_overview" in r.stderr and "NotebookTimeout" in r.stderr and "tbl-hangs" in r.stderr
    assert "Traceback" not in r.stderr
    (folder,) = (out / "t").iterdir()
    m = {n["name"]: n for n in json.loads((folder / "manifest.json").read_text())["notebooks"]}
    err = m["01_overview"]["error"]
    assert m["01_overview"]["status"] == "failed" and err["label"] == "tbl-hangs"
    assert "timeout of 45 s" in err["evalue"] and err["cell"] is not None
    assert 45 <= m["01_overview"]["seconds"] < 85  # stopped once, never tried a second time
    assert {n["status"] for k, n in m.items() if k != "01_overview"} == {"cached"}
    assert "This section failed" in (folder / "report.html").read_text(encoding="utf-8")


def test_an_edited_dataset_json_is_refused_even_when_every_notebook_is_cached(tmp_path):
    """Issue 20 item 11: the edit was rendered from the cache; now it is one line, exit 2."""
    data, cache = _tiny(tmp_path)
    args = ("render", "t", "--engine", "builtin", "--data-dir", data, "--out", tmp_path / "reports",
            "--profile", ROOT / "profiles/generic.yml")  # fmt: skip
    env = {"TAKEDOWN_CACHE_DIR": str(cache)}
    assert run_cli(*args, env=env).returncode == 0
    ds = (data / "t" / "current").resolve() / "dataset.json"
    doc = json.loads(ds.read_text())
    doc["counts"]["tweets"] = 1
    ds.chmod(0o644)
    ds.write_text(json.dumps(doc))
    r = run_cli(*args, env=env)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: {ds}: changed since ingest wrote it; re-run `takedown ingest PATH --dataset t "
        "--force`"
    ]


def test_tweets_and_accounts_in_year_1_and_9999_render_every_section(tmp_path):
    """Issue 20 item 20: such dates failed four sections in matplotlib; now every section
    renders, and the findings still name the real first and last dates."""
    from tests.conftest import tweet_row, user_row, write_csv

    raw = tmp_path / "raw"
    raw.mkdir()
    users = [user_row(i) for i in range(10)]
    users[0]["account_creation_date"], users[1]["account_creation_date"] = (
        "0001-01-01",
        "9999-12-31",
    )
    tweets = [tweet_row(i, i % 10) for i in range(200)]
    tweets[0]["tweet_time"], tweets[1]["tweet_time"] = "0001-01-01 00:00", "9999-12-31 23:59"
    write_csv(raw / "test_012020_users_csv_hashed.csv", users)
    write_csv(raw / "test_012020_tweets_csv_hashed.csv", tweets)
    data, out = tmp_path / "data", tmp_path / "reports"
    r = run_cli("ingest", raw, "--dataset", "y", "--data-dir", data)
    assert r.returncode == 0 and "0 rows rejected" in r.stdout, r.stderr
    r = run_cli("render", "y", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile",
                ROOT / "profiles/generic.yml", cwd=ROOT,
                env={"TAKEDOWN_CACHE_DIR": str(tmp_path / "cache")})  # fmt: skip
    assert r.returncode == 0 and "FAILED" not in r.stderr, r.stderr
    (folder,) = (p for p in out.joinpath("y").iterdir() if not p.name.startswith("."))
    found = {
        f["id"]: f["value"] for f in json.loads((folder / "findings.json").read_text())["findings"]
    }
    assert (found["overview.first_tweet"], found["overview.last_tweet"]) == (
        "0001-01-01",
        "9999-12-31",
    )
    assert found["account_creation.first_created"] == "0001-01-01"
    assert found["account_creation.last_created"] == "9999-12-31"


# What a render that composes nothing must not load (issue 18 item 4: a warm render under 2 s).
# pypandoc is loaded: it names the pandoc version the manifest compares.
HEAVY = ("pandas", "numpy", "statsmodels", "scipy", "matplotlib", "seaborn", "polars", "pyarrow",
         "nbformat", "papermill", "jupyter_client", "typst", "fontTools")  # fmt: skip


def _render_loading(rendered, project: Path, probe: Path) -> subprocess.CompletedProcess[str]:
    """`takedown render` of the demo from `project`, writing at exit which modules it loaded."""
    code = (
        "import atexit, json, runpy, sys\n"
        f"atexit.register(lambda: open({str(probe)!r}, 'w').write(json.dumps(sorted(sys.modules))))\n"
        "sys.argv = ['takedown', *sys.argv[1:]]\n"
        "runpy.run_module('takedown.cli', run_name='__main__')\n"
    )
    args = ["render", "demo", "--data-dir", rendered["data"], "--out", project.parent / "reports",
            "--profile", ROOT / "profiles/china_052020.yml", "--engine", "builtin"]  # fmt: skip
    env = {**os.environ, "TAKEDOWN_CACHE_DIR": str(rendered["cache"]),
           "TAKEDOWN_PROJECT": str(project)}  # fmt: skip
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=900)  # fmt: skip


def test_a_warm_render_names_the_current_version_and_an_edited_source_composes_anew(
    rendered, tmp_path
):
    """From the notebook cache, a render composes a new version with the same findings; run
    again on the same inputs it names that version, lands nothing and loads none of the stack;
    one edited report source composes a new version again, still from the cache."""
    project = project_copy(tmp_path)
    r = render(rendered, project)
    assert r.returncode == 0, r.stderr
    first = only_version(project)
    m = json.loads((first / "manifest.json").read_text())
    assert {n["status"] for n in m["notebooks"]} == {"cached"}
    assert (first / "findings.json").read_bytes() == (
        rendered["folder"] / "findings.json"
    ).read_bytes()

    t0 = time.perf_counter()
    warm = _render_loading(rendered, project, tmp_path / "modules.json")
    took = time.perf_counter() - t0
    assert warm.returncode == 0, warm.stderr
    assert f"unchanged: version {first.name} is current" in warm.stdout
    assert str(first / "report.html") in warm.stdout
    assert only_version(project) == first  # nothing landed, nothing left behind
    assert list((project.parent / "reports/demo").glob(".*")) == []
    loaded = set(json.loads((tmp_path / "modules.json").read_text()))
    assert [m for m in HEAVY if m in loaded] == []
    assert took < 30  # the load of a shared runner; about 1 s on a quiet machine

    section = project / "report" / "_01_overview.qmd"
    section.write_text(section.read_text() + "\nA sentence added for the cache test.\n")
    r = render(rendered, project)
    assert r.returncode == 0, r.stderr
    folders = sorted(p for p in (project.parent / "reports/demo").iterdir())
    assert len(folders) == 2 and folders[0] == first
    m = json.loads((folders[1] / "manifest.json").read_text())
    assert {n["status"] for n in m["notebooks"]} == {"cached"}
    assert "A sentence added for the cache test." in (folders[1] / "report.html").read_text()
    assert "A sentence added" not in (first / "report.html").read_text()


def test_a_bad_profile_context_or_group_by_is_one_line_before_any_notebook_runs(tmp_path):
    """render checks the context (pandoc) and group_by after looking for a current version,
    still before anything is written: one line naming the profile, exit 2, no version."""
    data, cache = _tiny(tmp_path)
    generic = (ROOT / "profiles/generic.yml").read_text(encoding="utf-8")
    bad_context = tmp_path / "context.yml"
    bad_context.write_text(
        generic + "context:\n  overview:\n    - text: 'A claim\n\n        ::: a fence'\n"
        "      source: 'A source'\n",
        encoding="utf-8",
    )
    bad_group = tmp_path / "group.yml"
    bad_group.write_text(generic + "group_by: [no_such_column]\n", encoding="utf-8")
    for profile, says in ((bad_context, "':::' line would close the callout"),
                          (bad_group, "column 'no_such_column' is not in this dataset's users")):  # fmt: skip
        r = run_cli("render", "t", "--engine", "builtin", "--data-dir", data, "--out",
                    tmp_path / "reports", "--profile", profile, cwd=ROOT,
                    env={"TAKEDOWN_CACHE_DIR": str(cache)})  # fmt: skip
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and str(profile) in lines[0] and says in lines[0], lines
        assert not cache.exists() and not (tmp_path / "reports").exists()  # nothing written
