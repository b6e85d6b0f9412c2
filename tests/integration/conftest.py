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


@pytest.fixture(scope="session")
def quarto_rendered_russia(rendered_russia, quarto_bin) -> dict:
    """The second demo composed by Quarto, from the built-in render's notebook cache (only the
    compose runs again)."""
    out = rendered_russia["base"] / "reports-quarto"
    r = run_cli(
        "render", "russia", "--engine", "quarto", "--data-dir", rendered_russia["data"],
        "--out", out, "--profile", ROOT / "profiles/demo_russia.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(rendered_russia["cache"])},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    (folder,) = [p for p in (out / "russia").iterdir() if not p.name.startswith(".")]
    return {"folder": folder, "stderr": r.stderr}


@pytest.fixture(scope="session")
def ira_drafted(shared_data, tmp_path_factory) -> dict:
    """The real IRA sample (ira538) ingested once, with the profile `profile init` drafts."""
    base = tmp_path_factory.mktemp("ira")
    data, profile = base / "data", base / "ira.yml"
    r = run_cli("ingest", shared_data / "ira_538_by_author", "--dataset", "ira", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    r = run_cli("profile", "init", "ira", "--data-dir", data, "--out", profile)
    assert r.returncode == 0, r.stderr
    text = profile.read_text(encoding="utf-8")
    # The sample as the data's README describes it, written into the drafted block as a user would.
    sampled = base / "ira_sampled.yml"
    assert "\ncollection: {}\n" in text
    sampled.write_text(text.replace("\ncollection: {}\n", "\n" + IRA_COLLECTION), encoding="utf-8")
    return {"base": base, "data": data, "profile": profile, "sampled": sampled, "stdout": r.stdout,
            "text": text, "cache": base / "cache"}  # fmt: skip


IRA_COLLECTION = (
    "collection:\n"
    '  description: "The first tweet and every 12th tweet per author; 17 author files missing."\n'
    "  sample: {every: 12, per: account}\n"
)


def _render_ira(ira: dict, engine: str) -> dict:
    """`takedown render ira` with the drafted profile, its sample declared, into
    reports-<engine>/; one version."""
    out = ira["base"] / f"reports-{engine}"
    r = run_cli(
        "render", "ira", "--engine", engine, "--data-dir", ira["data"], "--out", out,
        "--profile", ira["sampled"], cwd=ROOT, env={"TAKEDOWN_CACHE_DIR": str(ira["cache"])},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:] + r.stdout
    (folder,) = (p for p in (out / "ira").iterdir() if not p.name.startswith("."))
    findings = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    html = (folder / "report.html").read_text(encoding="utf-8")
    return {"folder": folder, "findings": findings, "stderr": r.stderr, "html": html}


@pytest.fixture(scope="session")
def rendered_ira(ira_drafted) -> dict:
    """The IRA sample rendered by the built-in composer with its drafted profile."""
    return _render_ira(ira_drafted, "builtin")


@pytest.fixture(scope="session")
def quarto_rendered_ira(rendered_ira, ira_drafted, quarto_bin) -> dict:
    """The IRA sample composed by Quarto, from the built-in render's notebook cache."""
    return _render_ira(ira_drafted, "quarto")
