"""One default-size demo archive, ingested and rendered once per test session."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> dict:
    """The demo archive at the published size, ingested: paths and truth.json."""
    base = tmp_path_factory.mktemp("demo")
    raw, data = base / "raw", base / "data"
    r = run_cli("demo", raw)
    assert r.returncode == 0, r.stderr
    r = run_cli("ingest", raw, "--dataset", "demo", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    truth = json.loads((raw / "truth.json").read_text())
    return {"base": base, "raw": raw, "data": data, "truth": truth}


@pytest.fixture(scope="session")
def rendered(demo) -> dict:
    """`takedown render` of the demo with the china_052020 profile: the first version folder."""
    out = demo["base"] / "reports"
    cache = demo["base"] / "cache"
    r = run_cli(
        "render", "demo", "--engine", "builtin", "--data-dir", demo["data"], "--out", out,
        "--profile", ROOT / "profiles/china_052020.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(cache)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr + r.stdout
    folders = sorted(p for p in (out / "demo").iterdir() if not p.name.startswith("."))
    assert len(folders) == 1
    folder = folders[0]
    findings = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    return {
        **demo,
        "out": out,
        "cache": cache,
        "folder": folder,
        "findings": findings,
        "stderr": r.stderr,
    }


@pytest.fixture(scope="session")
def rendered_russia(tmp_path_factory) -> dict:
    """The second synthetic operation (Russian and English, Moscow clock, engagement counts and
    entity columns absent) at the default size, rendered with profiles/demo_russia.yml."""
    base = tmp_path_factory.mktemp("russia")
    raw, data, out = base / "raw", base / "data", base / "reports"
    r = run_cli("demo", raw, "--operation", "russia")
    assert r.returncode == 0, r.stderr
    r = run_cli("ingest", raw, "--dataset", "russia", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    r = run_cli(
        "render", "russia", "--engine", "builtin", "--data-dir", data, "--out", out,
        "--profile", ROOT / "profiles/demo_russia.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(base / "cache")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr + r.stdout
    (folder,) = (p for p in (out / "russia").iterdir() if not p.name.startswith("."))
    findings = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    truth = json.loads((raw / "truth.json").read_text())
    return {"base": base, "folder": folder, "findings": findings, "truth": truth, "out": out,
            "data": data, "cache": base / "cache"}  # fmt: skip


@pytest.fixture(scope="session")
def quarto_rendered(rendered, quarto_bin) -> dict:
    """`takedown render` of the demo with the default engine, auto, which is Quarto when one is
    on PATH (quarto_bin), beside the built-in render."""
    out = rendered["base"] / "reports-quarto"
    r = run_cli(
        "render", "demo", "--data-dir", rendered["data"], "--out", out,
        "--profile", ROOT / "profiles/china_052020.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(rendered["cache"])},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    (folder,) = [p for p in (out / "demo").iterdir() if not p.name.startswith(".")]
    return {"folder": folder, "stderr": r.stderr}
