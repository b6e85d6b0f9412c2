"""takedown compare: one report setting several rendered reports side by side.

It reads the latest rendered version of each dataset's report (its findings.json and
manifest.json: what is compared is exactly what those versions recorded), runs one comparison
notebook over the datasets' Parquet files for the overlaid figures, and composes
report/compare/compare.qmd through the same composer and version folders as `render`, into
reports/compare/<version>/.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from takedown.compose.escape import md_escape
from takedown.errors import RenderError, TakedownError
from takedown.hashing import sha256_file, sha256_json
from takedown.ingest.dataset import check_dataset_name, load_dataset
from takedown.pipeline import compare_table as ct
from takedown.pipeline.composer import (
    engine_versions,
    resolve_engine,
    run_engine,
    scratch_project,
    set_front_matter,
)
from takedown.pipeline.diff import MAX_FINDINGS_BYTES
from takedown.pipeline.execute import NOTEBOOK_TIMEOUT_S, library_version
from takedown.pipeline.kernel import ensure_kernel, run_notebook
from takedown.pipeline.manifest import code_version, package_versions, write_json
from takedown.pipeline.render import project_root
from takedown.pipeline.versions import (
    InputManifest,
    PickedManifest,
    land,
    list_versions,
    new_version,
    read_manifest,
)
from takedown.pipeline.workers import worker_pool
from takedown.profile import load_profile
from takedown.scratch import owned_dir, sweep
from takedown.userfiles import read_regular

COMPARE_DIR = "compare"  # reports/compare/<version>/
MAIN = "report/compare/compare.qmd"
NOTEBOOK = "notebooks/compare/compare.ipynb"


@dataclass
class CompareResult:
    version: str
    folder: Path
    inputs: list[dict[str, Any]]


def pick_version(out_root: Path, dataset: str, profile: Path | None) -> Path:
    """The latest complete version of `dataset`'s report (rendered with `profile`, if given)."""
    rows = list_versions(out_root, dataset)
    if profile is not None:
        load_profile(profile)  # a bad --profile is its own clear error
        digest = sha256_file(profile)
        rows = [
            r for r in rows
            if read_manifest(Path(r["path"]) / "manifest.json", PickedManifest)["profile"]["sha256"]
            == digest
        ]  # fmt: skip
    if not rows:
        with_profile = f" --profile {profile}" if profile else ""
        raise RenderError(
            f"{out_root / dataset}: no rendered report{' with that profile' if profile else ''}; "
            f"run takedown render {dataset}{with_profile} --out {out_root} first"
        )
    return Path(rows[-1]["path"])


def load_input(folder: Path, dataset: str, data_dir: Path) -> dict[str, Any]:
    """One input report version and its dataset, checked to still be the data it was built on."""
    manifest = read_manifest(folder / "manifest.json", InputManifest)
    try:
        doc = json.loads(
            read_regular(folder / "findings.json", MAX_FINDINGS_BYTES, "", RenderError)
        )
        findings = {f["id"]: f for f in doc["findings"]}
    except (OSError, RenderError, ValueError, KeyError, TypeError):  # also a FIFO, a huge file
        raise RenderError(f"{folder / 'findings.json'}: missing or unreadable; re-render") from None
    ds = load_dataset(data_dir / dataset)
    if ds.fingerprint != manifest["dataset"]["fingerprint"]:
        raise RenderError(
            f"{data_dir / dataset}: the data changed since report version {manifest['version']}; "
            f"run takedown render {dataset} again first"
        )
    prof = manifest["profile"]["content"]
    return {
        "name": dataset,
        "version": manifest["version"],
        "folder": folder,
        "manifest": manifest,
        "findings": findings,
        "failed": doc.get("failed_notebooks", []),
        "findings_sha256": sha256_file(folder / "findings.json"),
        "dataset_dir": (data_dir / dataset).resolve(),
        # No declared operator clock: the hour-of-week overlay is drawn on UTC, and said so.
        "timezone": prof.get("timezone") or "UTC",
        "clock_declared": bool(prof.get("timezone")),
        "working_hours": prof.get("working_hours") or {},
        "profile": {
            "name": prof.get("name"),
            "title": prof.get("title", ""),
            "sha256": manifest["profile"]["sha256"],
        },  # fmt: skip
        "synthetic": bool(manifest["dataset"].get("synthetic")),
    }


def compare(
    datasets: list[str],
    *,
    data_dir: Path,
    out_root: Path,
    profiles: list[Path] | None = None,
    engine: str = "auto",
    on_stage: Any = lambda s: None,
) -> CompareResult:
    """Compose the comparison of `datasets` into out_root/compare/<version>/."""
    t_start = time.perf_counter()
    engine = resolve_engine(engine)  # auto: Quarto when on PATH
    if len(datasets) < 2:
        raise RenderError("compare needs at least two datasets")
    if len(set(datasets)) != len(datasets):
        raise RenderError(f"compare: a dataset is named twice ({', '.join(datasets)})")
    if profiles and len(profiles) != len(datasets):
        raise RenderError(
            f"--profile given {len(profiles)} times for {len(datasets)} datasets: give one per "
            "dataset, in the same order, or none"
        )
    for d in datasets:
        check_dataset_name(d, "dataset")
        if d == COMPARE_DIR:
            raise RenderError(
                f"dataset {d!r}: its reports would share {COMPARE_DIR}/ with the "
                "comparisons; re-ingest it under another name"
            )
    root = project_root()
    inputs = [
        _named(d, lambda d=d, p=p: load_input(pick_version(out_root, d, p), d, data_dir))
        for d, p in zip(datasets, profiles or [None] * len(datasets), strict=True)
    ]
    base = out_root / COMPARE_DIR
    made = not base.exists()
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"--out {out_root}: cannot create {base} ({exc.strerror})") from None
    sweep(base, ".compare.tmp-*")  # scratch of comparisons that were killed
    final = None
    try:
        with owned_dir(base, ".compare.tmp-") as scratch:
            on_stage("running the comparison notebook")
            fits, left_out, nb_run = _run_notebook(root, scratch, inputs)
            rows = ct.core_rows(inputs)
            rows.insert(7, ct.offset_range_row(inputs, fits))
            names = [i["name"] for i in inputs]
            findings_text = _findings_document(inputs, rows, names)
            version = new_version(sha256_json(findings_text))
            on_stage("composing report")
            comparison = _Comparison(inputs, rows, names, left_out, findings_text, version, nb_run)
            out = _compose(root, scratch, comparison, engine, t_start)
            final = land(out, base, version)
    finally:
        if final is None and made and not any(base.iterdir()):
            base.rmdir()  # a failed first comparison leaves no empty folder behind
    return CompareResult(version=version, folder=final, inputs=inputs)


def _named(dataset: str, read: Any) -> dict[str, Any]:
    """read() of one input; any error it raises comes back as one line naming the dataset."""
    try:
        return read()
    except TakedownError as exc:
        raise RenderError(f"compare input {dataset}: {exc}") from None
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RenderError(
            f"compare input {dataset}: its latest report cannot be read ({type(exc).__name__}); "
            f"run takedown render {dataset} again"
        ) from None


def _run_notebook(root: Path, scratch: Path, inputs: list[dict[str, Any]]) -> tuple:
    """Execute the comparison notebook once; a failure is one error line naming the cell."""
    work, names = scratch / "nb", [i["name"] for i in inputs]
    (work / "findings").mkdir(parents=True)
    params = {
        "inputs": [
            {"name": i["name"], "dataset_dir": str(i["dataset_dir"]), "timezone": i["timezone"],
             "working_hours": i["working_hours"]}
            for i in inputs
        ],
        "output_dir": str((work / "findings").resolve()),
    }  # fmt: skip
    # In a worker process, as render's notebooks: run_notebook points its stderr at a kernel log;
    # the worker and its kernel die with this process (issue 20 item 18).
    with worker_pool(1) as pool:
        res = pool.submit(
            run_notebook, str(root / NOTEBOOK), str(work / "compare.ipynb"), params, str(work),
            ensure_kernel(), NOTEBOOK_TIMEOUT_S,
        ).result()  # fmt: skip
    if not res["ok"]:
        e = res["error"]
        first = (str(e["evalue"]).strip().splitlines() or [""])[0]
        # A cell over one input says which (see the notebook); one over all of them, all.
        about = "" if first.startswith("dataset ") else f" (datasets {', '.join(names)})"
        raise RenderError(f"{NOTEBOOK} failed at cell {e['cell']}{about}: {e['ename']}: {first}")
    doc = json.loads((work / "findings" / "compare.json").read_text(encoding="utf-8"))
    run = {"name": "compare", "status": "ok", "seconds": round(res["seconds"], 3)}
    return doc["clock_fits"], doc["left_out"], run


def _findings_document(inputs: list[dict[str, Any]], rows: list[dict], names: list[str]) -> str:
    """findings.json of the comparison: inputs and rows, sorted and stable (no times)."""
    doc = {
        "inputs": [
            {"dataset": i["name"], "report_version": i["version"],
             "findings_sha256": i["findings_sha256"], "profile": i["profile"]["name"]}
            for i in inputs
        ],
        "findings": ct.findings_rows(rows, names),
    }  # fmt: skip
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class _Comparison:
    """What the comparison settled before composing: its inputs, rows and version."""

    inputs: list[dict[str, Any]]
    rows: list[dict]
    names: list[str]
    left_out: dict[str, list]
    findings_text: str  # findings.json, byte for byte
    version: str
    nb_run: dict[str, Any]  # the comparison notebook's run, for the manifest


def _compose(root: Path, scratch: Path, c: _Comparison, engine: str, t_start: float) -> Path:
    """Build the scratch project of compare.qmd, compose it, and return the out folder."""
    inputs, rows, names, left_out = c.inputs, c.rows, c.names, c.left_out
    findings_text, version, nb_run = c.findings_text, c.version, c.nb_run
    project = scratch_project(root, scratch, MAIN, "compare")
    (project / "notebooks" / "compare").mkdir(parents=True)
    shutil.copy2(scratch / "nb" / "compare.ipynb", project / NOTEBOOK)
    gen = project / "report" / "compare" / "_generated"
    gen.mkdir(exist_ok=True)
    for name, text in ct.generated_sections(inputs, rows, names, left_out).items():
        (gen / name).write_text(text, encoding="utf-8")
    # A figure no input can draw: its include (beside compare.qmd, so that relative embed paths
    # read the same to both engines) becomes one sentence instead of an embed of nothing.
    for key, what in (("creation", "account creation"), ("followers", "follower")):
        if len(left_out.get(key, [])) == len(inputs):
            reasons = "; ".join(f"{lo['dataset']}: {lo['reason']}" for lo in left_out[key])
            (project / "report" / "compare" / f"_fig_{key}.qmd").write_text(
                f"The {what} figure is not available here ({md_escape(reasons)}).\n",
                encoding="utf-8",
            )
    created = datetime.now(UTC)
    variables = {
        "report": {"version": version, "date": created.date().isoformat(), "engine": engine},
        "compare": {"datasets": ", ".join(names), "count": str(len(names))},
    }
    (project / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    # `date` a real date, as Quarto reads it (a date and a version together is "Invalid Date"
    # in Quarto's title block); the comparison's version on the author line, which both show.
    set_front_matter(project / MAIN, {
        "subtitle": md_escape(" · ".join(names)),
        "author": md_escape(f"takedown compare · version {version}"),
        "date": created.date().isoformat(),
    })  # fmt: skip
    t0 = time.perf_counter()
    out = scratch / "out"
    out.mkdir()
    run_engine(engine, project, out)
    manifest = {
        "version": version,
        "created_at": created.isoformat(timespec="seconds"),
        "kind": "compare",
        "inputs": [
            {"dataset": i["name"], "report_version": i["version"], "report_folder": str(i["folder"]),
             "findings_sha256": i["findings_sha256"],
             "dataset_fingerprint": i["manifest"]["dataset"]["fingerprint"],
             "dataset_dir": str(i["dataset_dir"]), "profile": i["profile"],
             "timezone": i["timezone"]}
            for i in inputs
        ],
        "code_version": code_version(root),
        "library_version": library_version(),
        "engine": engine,
        "engine_versions": engine_versions(engine),
        "packages": package_versions(),
        "notebooks": [nb_run],
        "findings_sha256": sha256_json(findings_text),
        "timings": {"compose_s": round(time.perf_counter() - t0, 3),
                    "total_s": round(time.perf_counter() - t_start, 3)},
    }  # fmt: skip
    (out / "findings.json").write_text(findings_text, encoding="utf-8")
    (out / "notebooks").mkdir()
    shutil.copy2(project / NOTEBOOK, out / "notebooks" / "compare.ipynb")
    write_json(out / "manifest.json", manifest)
    return out
