"""takedown render: execute the findings, compose the report, land it in a new version folder.

Composition happens in a scratch copy of the report sources; the finished folder is renamed
into reports/<dataset>/<version>/ only when complete, so a crash never leaves a report that
looks whole.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from takedown import __version__
from takedown.compose.escape import md_escape, md_table
from takedown.errors import RenderError, TakedownError
from takedown.hashing import sha256_file, sha256_json
from takedown.ingest.dataset import Dataset, check_dataset_name, data_id, load_dataset, pinned
from takedown.pipeline.availability import (
    availability_summary,
    unavailable_markdown,
    write_metadata,
)
from takedown.pipeline.context import write_context
from takedown.pipeline.execute import (
    NOTEBOOK_TIMEOUT_S,
    Outcome,
    Run,
    execute_all,
    library_version,
)
from takedown.pipeline.published import published_markdown
from takedown.pipeline.variables import (
    display_value,
    finding_variables,
    format_interval,
    is_available,
)
from takedown.profile import Profile, load_profile
from takedown.scratch import owned_dir, sweep

PACKAGES = (
    "duckdb", "pandas", "numpy", "pyarrow", "papermill", "ipykernel", "matplotlib", "seaborn",
    "statsmodels", "pypandoc-binary", "typst", "pydantic", "typer", "rich",
)  # fmt: skip


RUN_PREFIX = "run-"
# Less free space than this after a failure: the failure is reported as a full disk.
DISK_FULL_BYTES = 1 << 20


@dataclass
class RenderResult:
    version: str
    folder: Path
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "skipped")]


def project_root() -> Path:
    """The folder holding _quarto.yml, report/ and notebooks/: TAKEDOWN_PROJECT, cwd or the repo."""
    env = os.environ.get("TAKEDOWN_PROJECT")
    candidates = [Path(env)] if env else []
    candidates += [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[3]]
    for c in candidates:
        if (c / "_quarto.yml").exists() and (c / "notebooks").is_dir() and (c / "report").is_dir():
            return c
    raise RenderError(
        "no project folder (with _quarto.yml, report/ and notebooks/) found; run from the "
        "takedown-report checkout or set TAKEDOWN_PROJECT"
    )


def code_version(root: Path) -> str:
    """git describe when the project is a checkout, else the package version and library hash."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return f"{__version__} ({out.stdout.strip()})"
    except (OSError, subprocess.SubprocessError):
        return library_version()


def package_versions() -> dict[str, str]:
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def findings_document(ds: Dataset, profile: Profile, outcomes: list[Outcome]) -> str:
    """findings.json: sorted, stable floats, no times: the same inputs give the same bytes."""
    findings = sorted((f for o in outcomes for f in o.findings), key=lambda f: f["id"])
    doc = {
        "dataset": ds.name,
        "fingerprint": ds.fingerprint,
        "profile": profile.name,
        "failed_notebooks": sorted(o.name for o in outcomes if o.status in ("failed", "skipped")),
        "findings": findings,
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _new_version(digest: str) -> str:
    """A version id unique per run, sortable by time: UTC second, findings hash, random tag.

    Two renders in the same second get different ids (the random tag), so neither can land on
    the other's folder.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{digest[:8]}-{secrets.token_hex(4)}"


def _section_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"\s*\{.*\}\s*$", "", line[2:]).strip()
    return path.stem.lstrip("_")


def _failed_section(o: Outcome, title: str) -> str:
    err = o.error or {}
    where = f"cell {err['cell']}" if err.get("cell") is not None else "start-up"
    if err.get("label"):
        where += f" ({err['label']})"
    what = (
        f"{err.get('ename', 'Error')}: {err.get('evalue', '')}"
        if o.status == "failed"
        else "not run (--fail-fast)"
    )
    return (
        f'# {md_escape(title)} (failed)\n\n::: {{.callout-important title="This section failed"}}\n'
        f"Notebook {md_escape(o.name + '.ipynb')} stopped at "
        f"{md_escape(where)}: {md_escape(what)}. The other sections are unaffected; the executed "
        f"notebook is in this version's notebooks/ folder.\n:::\n"
    )


def _source_notes(ds: Dataset) -> str:
    """How ingest read the files (the adapter, derived accounts, the clock), as a list."""
    notes = [f"Files read as {md_escape(ds.source_format)}; timestamps on the "
             f"{md_escape(ds.source_timezone)} clock, stored in UTC."]  # fmt: skip
    notes += [md_escape(n) for n in ds.source_notes]
    return "".join(f"- {n}\n" for n in notes)


def _appendix(
    ds: Dataset, profile_path: Path, outcomes: list[Outcome], manifest: dict[str, Any]
) -> str:
    files = md_table(
        [
            {"file": f.name, "sha256": f.sha256[:16] + "…", "bytes": f.bytes, "read": f.rows_read,
             "kept": f.rows_kept, "rejected": f.rows_rejected}
            for f in ds.files
        ]
    )  # fmt: skip
    findings = sorted((f for o in outcomes for f in o.findings), key=lambda f: f["id"])
    ftable = md_table(
        [
            {"id": f["id"], "finding": f["label"], "value": display_value(f),
             "95% interval": format_interval(f.get("interval"), f["unit"]) if is_available(f) else "",
             "n": f"{f['n']:,}" if f.get("n") is not None else "", "method": f.get("method") or ""}
            for f in findings
        ]
    ) if findings else "No findings were recorded.\n"  # fmt: skip
    runs = md_table(
        [{"notebook": o.name, "status": o.status, "seconds": round(o.seconds, 1)} for o in outcomes]
    )
    pkgs = md_table([{"package": k, "version": v} for k, v in manifest["packages"].items()])
    c = ds.counts
    return f"""# Methods and data {{.appendix}}

## Data

Dataset {md_escape(ds.name)} (operation {md_escape(ds.operation)}, {md_escape(ds.variant)} files),
ingested with schema version {ds.schema_version}. Dataset fingerprint
{md_escape(ds.fingerprint)}. Rows rejected at ingest: {c.rejected:,} (reasons in rejects.csv);
duplicate tweet ids: {c.duplicate_tweetids:,}; tweets by accounts missing from the users file:
{c.tweets_without_user:,}.

{_source_notes(ds)}
{files}
: Input files, the first 16 hex digits of their SHA-256 checksums (in full in manifest.json) and row counts. {{#tbl-files}}

## Every finding

Each number in this report is recorded by a notebook cell into findings.json, with its method.
Intervals are 95% intervals.

{ftable}
: All recorded findings. {{#tbl-all-findings}}

## Findings not available here

A finding this dataset cannot support is reported as not available here, with the reason,
never as a zero.

{unavailable_markdown(findings)}
## Provenance

Report version {md_escape(manifest["version"])}, code version
{md_escape(manifest["code_version"])}, profile {md_escape(profile_path.name)} (sha256
{md_escape(manifest["profile"]["sha256"][:16])}), engine {md_escape(manifest["engine"])}.

{runs}
: Notebook runs (cached runs show the time of the original execution). {{#tbl-runs}}

{pkgs}
: Package versions. {{#tbl-packages}}
"""


def _summary(ds: Dataset, profile: Profile, version: str, failed: list[Outcome]) -> str:
    lines = []
    if ds.synthetic:
        lines.append(
            '::: {.callout-warning title="Synthetic demo data"}\nThis report was rendered on a '
            "synthetic archive generated by `takedown demo` in the exact format of Twitter's "
            "information-operations archive, with planted effects. No number here describes a real "
            "network.\n:::\n"
        )
    if failed:
        names = ", ".join(md_escape(o.name) for o in failed)
        lines.append(
            f'::: {{.callout-important title="Incomplete report"}}\nFailed sections: {names}.\n:::\n'
        )
    lines.append(
        f"Dataset **{md_escape(ds.name)}**, profile **{md_escape(profile.name)}**, report version "
        f"**{md_escape(version)}**.\n"
    )
    return "\n".join(lines)


def _front_matter(qmd: Path, updates: dict[str, str]) -> None:
    text = qmd.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    meta = yaml.safe_load(m[1]) if m else {}
    body = text[m.end() :] if m else text
    meta.update(updates)
    qmd.write_text(
        "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body,
        encoding="utf-8",
    )


def render(
    dataset: str,
    *,
    data_dir: Path,
    profile_path: Path,
    out_root: Path,
    engine: str = "builtin",
    jobs: int | None = None,
    force: bool = False,
    fail_fast: bool = False,
    cache_dir: Path | None = None,
    timeout_s: float = NOTEBOOK_TIMEOUT_S,
    on_notebook: Any = lambda o: None,
    on_stage: Any = lambda s: None,
) -> RenderResult:
    """Render dataset into out_root/dataset/<version>/; returns the outcome of every notebook.

    The dataset version is resolved once and pinned for the whole run; every notebook reads
    exactly that folder, whatever an ingest does meanwhile.
    """
    check_dataset_name(dataset, "dataset")
    root = project_root()
    with pinned(data_dir / dataset) as dataset_dir:
        ds = load_dataset(dataset_dir)
        profile = load_profile(profile_path)
        if engine == "quarto" and shutil.which("quarto") is None:
            raise RenderError(
                "--engine quarto: no quarto binary on PATH (conda-forge's quarto, see "
                "environment.yml); use --engine builtin"
            )
        if engine not in ("builtin", "quarto"):
            raise RenderError(f"--engine {engine!r}: use builtin or quarto")
        base = out_root / dataset
        cache_dir = cache_dir or Path(
            os.environ.get("TAKEDOWN_CACHE_DIR") or root / ".takedown-cache"
        )
        try:
            job = _Job(root, ds, dataset_dir, profile, profile_path, base, cache_dir, engine)
            opts = dict(jobs=jobs or os.cpu_count() or 2, force=force, fail_fast=fail_fast,
                        timeout_s=timeout_s)  # fmt: skip
            return _render_pinned(job, opts, on_notebook, on_stage)
        except (OSError, TakedownError) as exc:
            # pandoc, typst or a copy may each word it differently: ask the disk itself.
            full = next((d for d in (base, cache_dir) if _disk_full(d, exc)), None)
            if full is not None:
                raise RenderError(
                    f"{full}: the disk is full; free some space and render again"
                ) from None
            raise


def _disk_full(folder: Path, exc: BaseException) -> bool:
    """True when `folder`'s file system has (almost) no room left, or exc says so."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC and exc.filename:
        return Path(exc.filename).is_relative_to(folder)
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < DISK_FULL_BYTES


def _writable_out(base: Path, out_root: Path) -> None:
    """--out must take a new folder: checked before any notebook runs."""
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(
            f"--out {out_root}: cannot create {base} ({exc.strerror}); pass a folder"
        ) from None
    try:
        probe = Path(tempfile.mkdtemp(prefix=".write-check-", dir=base))
        probe.rmdir()
    except OSError as exc:
        raise RenderError(
            f"--out {out_root}: cannot write into {base} ({exc.strerror}); pass a writable folder"
        ) from None


@dataclass(frozen=True)
class _Job:
    """What one render has settled before it runs anything: sources, pinned data, places."""

    root: Path
    ds: Dataset
    dataset_dir: Path  # the pinned version folder
    profile: Profile
    profile_path: Path
    base: Path  # out_root/dataset
    cache_dir: Path
    engine: str


def _render_pinned(
    job: _Job, opts: dict[str, Any], on_notebook: Any, on_stage: Any
) -> RenderResult:
    """Run the notebooks and compose, each in scratch this run owns; land the version."""
    root, ds, dataset_dir, profile, profile_path, base, cache_dir, engine = (
        job.root, job.ds, job.dataset_dir, job.profile, job.profile_path, job.base,
        job.cache_dir, job.engine,
    )  # fmt: skip
    t_start = time.perf_counter()
    _writable_out(base, base.parent)
    notebooks = sorted(
        p for p in (root / "notebooks").glob("*.ipynb") if not p.name.startswith(".")
    )
    if not notebooks:
        raise RenderError(f"{root / 'notebooks'}: no notebooks to run")
    # Scratch of renders that were killed: their owners are dead, nobody else will remove it.
    sweep(cache_dir / "tmp", "*")
    sweep(base, ".*.tmp-*")
    for pattern in (".*.tmp-*", ".*.old-*"):  # a cache entry's copy, cut short
        sweep(cache_dir / "notebooks", pattern)
    with owned_dir(cache_dir / "tmp", f"{RUN_PREFIX}{os.getpid()}-") as work_dir:
        run = Run(dataset_dir=dataset_dir, data_id=data_id(dataset_dir), profile_path=profile_path,
                  cache_dir=cache_dir, work_dir=work_dir, **opts)  # fmt: skip
        on_stage("running notebooks")
        outcomes = execute_all(notebooks, run, on_done=on_notebook)
        t_exec = time.perf_counter() - t_start
        findings_text = findings_document(ds, profile, outcomes)
        version = _new_version(sha256_json(findings_text))
        with owned_dir(base, f".{version}.tmp-") as scratch:
            folder = _compose(
                root, scratch, ds, profile, profile_path, outcomes, findings_text, version,
                engine, dataset_dir, t_exec, t_start, on_stage,
            )  # fmt: skip
            final = base / version
            if final.exists():
                raise RenderError(f"{final}: already exists; render again")
            folder.rename(final)
    return RenderResult(version=version, folder=final, outcomes=outcomes)


def _compose(
    root: Path, scratch: Path, ds: Dataset, profile: Profile, profile_path: Path,
    outcomes: list[Outcome], findings_text: str, version: str, engine: str, dataset_dir: Path,
    t_exec: float, t_start: float, on_stage: Any,
) -> Path:  # fmt: skip
    project = scratch / "project"
    project.mkdir()
    shutil.copy2(root / "_quarto.yml", project / "_quarto.yml")
    shutil.copytree(root / "report", project / "report")
    (project / "notebooks").mkdir()
    for o in outcomes:
        src = (
            o.executed
            if o.executed and o.executed.exists()
            else root / "notebooks" / f"{o.name}.ipynb"
        )
        shutil.copy2(src, project / "notebooks" / f"{o.name}.ipynb")
    findings = json.loads(findings_text)["findings"]
    failed = [o for o in outcomes if o.status in ("failed", "skipped")]
    for o in failed:
        section = project / "report" / f"_{o.name}.qmd"
        if section.exists():
            section.write_text(_failed_section(o, _section_title(section)), encoding="utf-8")
    created = datetime.now(UTC)
    manifest: dict[str, Any] = {
        "version": version,
        "created_at": created.isoformat(timespec="seconds"),
        "dataset": {
            "name": ds.name, "fingerprint": ds.fingerprint, "synthetic": ds.synthetic,
            "counts": ds.counts.model_dump(),
            "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows_kept": f.rows_kept,
                       "rows_rejected": f.rows_rejected} for f in ds.files],
        },
        "profile": {"path": str(profile_path), "name": profile.name, "sha256": sha256_file(profile_path),
                    "content": profile.model_dump(mode="json")},
        "parameters": {"dataset_dir": str(dataset_dir.resolve()), "profile": str(profile_path.resolve())},
        "code_version": code_version(root),
        "library_version": library_version(),
        "engine": engine,
        "packages": package_versions(),
        "notebooks": [
            {"name": o.name, "status": o.status, "seconds": round(o.seconds, 3), "cache_key": o.cache_key,
             "error": o.error, "findings": len(o.findings)} for o in outcomes
        ],
        "findings_sha256": sha256_json(findings_text),
    }  # fmt: skip
    variables = finding_variables(findings)
    variables["report"] = {"version": version, "date": created.date().isoformat(), "engine": engine}
    variables["dataset"] = {
        "name": ds.name, "accounts": f"{ds.counts.users:,}", "tweets": f"{ds.counts.tweets:,}",
        "rejected": f"{ds.counts.rejected:,}",
    }  # fmt: skip
    variables["profile"] = {"name": profile.name, "timezone": profile.timezone}
    (project / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    gen = project / "report" / "_generated"
    gen.mkdir(exist_ok=True)
    write_metadata(project / "report", findings)  # available.<topic>.<name> for conditions
    write_context(gen, profile)  # _generated/context_<topic>.qmd, from the profile
    (gen / "published.qmd").write_text(
        published_markdown(profile, findings, {o.name for o in failed}), encoding="utf-8"
    )
    (gen / "summary.qmd").write_text(
        _summary(ds, profile, version, failed) + availability_summary(findings), encoding="utf-8"
    )
    (gen / "appendix.qmd").write_text(
        _appendix(ds, profile_path, outcomes, manifest), encoding="utf-8"
    )
    main = _main_document(project)
    subtitle = profile.title + (" — synthetic demo data" if ds.synthetic else "")
    # Title block fields as Quarto reads them: `date` a real date (an ISO string, shown as is
    # with date-format: iso), the version in its own `version` field; dataset and profile in
    # `author`, which both engines show.
    _front_matter(main, {
        "subtitle": md_escape(subtitle),
        "author": md_escape(f"Dataset {ds.name} · profile {profile.name}"),
        "date": created.date().isoformat(),
        "version": version,
    })  # fmt: skip

    on_stage("composing report")
    t0 = time.perf_counter()
    out = scratch / "out"
    out.mkdir()
    _run_engine(engine, project, out)
    manifest["timings"] = {
        "notebooks_s": round(t_exec, 3),
        "compose_s": round(time.perf_counter() - t0, 3),
        "total_s": round(time.perf_counter() - t_start, 3),
    }
    (out / "findings.json").write_text(findings_text, encoding="utf-8")
    (out / "notebooks").mkdir()
    for nb in (project / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, out / "notebooks" / nb.name)
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    return out


def _main_document(project: Path) -> Path:
    conf = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8")) or {}
    render_list = (conf.get("project") or {}).get("render") or ["report/report.qmd"]
    return project / render_list[0]


def _run_engine(engine: str, project: Path, out: Path) -> None:
    if engine == "builtin":
        from takedown.compose.builtin import render as compose

        res = compose(project, out)
        for key, name in (("html", "report.html"), ("pdf", "report.pdf")):
            if Path(res[key]) != out / name:
                shutil.move(res[key], out / name)
        return
    main = _main_document(project)
    from takedown.compose.fonts import cjk_font_path

    # Quarto's typst finds the CJK font the built-in composer uses through TYPST_FONT_PATHS.
    fonts = os.pathsep.join(
        filter(None, [str(cjk_font_path().parent), os.environ.get("TYPST_FONT_PATHS")])
    )
    for fmt, name in (("html", "report.html"), ("typst", "report.pdf")):
        proc = subprocess.run(
            ["quarto", "render", str(main), "--to", fmt, "--output-dir", str(project / "_site")],
            cwd=project, capture_output=True, text=True, env={**os.environ, "TYPST_FONT_PATHS": fonts},
        )  # fmt: skip
        if proc.returncode != 0:
            raise RenderError(f"quarto render --to {fmt} failed: {_quarto_error(proc.stderr)}")
        ext = "html" if fmt == "html" else "pdf"
        produced = next((project / "_site").rglob(f"*.{ext}"), None)
        if produced is None:
            raise RenderError(f"quarto render --to {fmt} produced no .{ext} file")
        shutil.move(produced, out / name)


def _quarto_error(stderr: str) -> str:
    """Quarto's first ERROR line without colour codes (its last line is a stack frame)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln).strip() for ln in stderr.splitlines()]
    errors = [ln.removeprefix("ERROR:").strip() for ln in lines if ln.startswith("ERROR:")]
    return (errors or [ln for ln in lines if ln] or ["quarto failed"])[0]


def list_versions(out_root: Path, dataset: str) -> list[dict[str, Any]]:
    """Complete versions of a dataset's report, oldest first (scratch folders are skipped)."""
    check_dataset_name(dataset, "dataset")
    base = out_root / dataset
    rows = []
    for d in sorted(base.iterdir()) if base.exists() else []:
        m = d / "manifest.json"
        if d.name.startswith(".") or not m.exists():
            continue
        try:
            doc = json.loads(m.read_text(encoding="utf-8"))
        except ValueError:
            continue  # an unreadable manifest is not a version anyone can trace
        rows.append(
            {
                "version": doc["version"],
                "created_at": doc["created_at"],
                "findings_sha256": doc["findings_sha256"][:12],
                "failed": [
                    n["name"]
                    for n in doc["notebooks"]
                    if n["status"] != "ok" and n["status"] != "cached"
                ],
                "code_version": doc["code_version"],
                "path": str(d),
            }
        )
    return rows
