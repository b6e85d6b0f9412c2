"""environment.yml (conda-forge, with Quarto) and pyproject.toml must name the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "brotli-python": "brotli", "python-igraph": "igraph"}
CONDA_ONLY = {"python", "pip", "quarto"}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip())
    assert m, spec
    return m[1].lower(), m[2].replace(" ", "")


def test_environment_and_pyproject_agree():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(s) for s in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    have: dict[str, str] = {}
    for dep in env["dependencies"]:
        specs = dep["pip"] if isinstance(dep, dict) else [dep]
        for spec in specs:
            name, bound = _split(spec)
            if name in CONDA_ONLY:
                continue
            have[CONDA_TO_PYPI.get(name, name)] = bound
    # The environment may also bring test tools from the dev extra, with the same bounds.
    dev = dict(_split(s) for s in pyproject["project"]["optional-dependencies"]["dev"])
    extra = {k: v for k, v in have.items() if k not in wanted}
    assert all(dev.get(k) == v for k, v in extra.items()), extra
    assert {k: v for k, v in have.items() if k in wanted} == wanted


def test_environment_brings_python_311_and_quarto():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in names
    assert any(n.startswith("quarto") for n in names)


def _lock_pins() -> dict[str, list[str]]:
    """Package -> pinned versions in requirements.lock (one per environment marker)."""
    pins: dict[str, list[str]] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line)
        if m:
            pins.setdefault(m[1].lower().replace("_", "-"), []).append(m[2])
    return pins


def test_lock_pins_every_dependency_within_pyproject_bounds():
    from packaging.specifiers import SpecifierSet

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = (
        pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    )
    pins = _lock_pins()
    for spec in deps:
        name, bound = _split(spec)
        name = name.replace("_", "-")
        assert name in pins, (
            f"{name} is in pyproject.toml but not in requirements.lock; run make lock"
        )
        for version in pins[name]:
            assert version in SpecifierSet(bound), (
                f"{name}=={version} outside {bound}; run make lock"
            )


def test_lock_is_hashed():
    text = (ROOT / "requirements.lock").read_text()
    pinned = sum(1 for line in text.splitlines() if re.match(r"^[A-Za-z0-9_.\-]+==", line))
    assert pinned and text.count("--hash=sha256:") >= pinned
