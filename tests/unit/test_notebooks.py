"""Notebooks follow the contract: stripped outputs, one parameters cell, labelled figures."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_numbered_once_each():
    numbers = [p.stem.split("_", 1)[0] for p in NOTEBOOKS]
    assert numbers == sorted(set(numbers))
    assert {f"{i:02d}" for i in range(1, 13)} <= set(numbers)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_contract(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs not stripped"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    names = {
        t.id
        for n in ast.walk(ast.parse(params[0].source))
        if isinstance(n, ast.Assign)
        for t in n.targets
    }
    # derived_dir (the render's folder for data notebooks share) is optional, and passed on.
    base = {"dataset_dir", "profile", "output_dir"}
    assert names in (base, base | {"derived_dir"}), names
    call = f'setup(dataset_dir, profile, output_dir, "{path.stem}"'
    call += ", derived_dir)" if "derived_dir" in names else ")"
    assert call in "".join(c.source for c in code)
    for c in code:
        label = re.search(r"^#\| label: (\S+)", c.source, re.M)
        if label and label[1].startswith("fig-"):
            assert re.search(r"^#\| fig-cap: ", c.source, re.M), label[1]
        if label and label[1].startswith("tbl-"):
            assert re.search(r"^#\| tbl-cap: ", c.source, re.M), label[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_a_report_section(path):
    section = ROOT / "report" / f"_{path.stem}.qmd"
    assert section.exists()
    assert f"{{{{< include _{path.stem}.qmd >}}}}" in (ROOT / "report/report.qmd").read_text()
    prose = re.sub(r"\{\{<.*?>\}\}", "", section.read_text(), flags=re.S)
    prose = re.sub(r"\]\([^)\s]*\)", "]", prose)  # a link's target (a notebook path) is no prose
    # Allowed: interval levels, years, and parameters of a method ("fewer than 8", "29-day").
    prose = re.sub(
        r"95%|\b(19|20)\d\d\b|\bthan \d[\d,]*|\b\d+-day\b|\b\d+(st|nd|rd|th)\b", "", prose
    )
    typed = re.findall(r"(?<![\w-])\d[\d,.]*%?", prose)
    assert not [t for t in typed if len(t.strip(".,")) > 1], (
        f"typed numbers {typed}: quote them with var"
    )
