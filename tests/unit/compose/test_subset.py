"""Every report source and every notebook's cell options stay inside the documented subset."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from takedown.compose import subset
from takedown.compose.notebooks import cell_options
from tests.conftest import ROOT

QMDS = sorted((ROOT / "report").glob("*.qmd"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DOC = ROOT / "docs" / "composer.md"


@pytest.mark.parametrize("qmd", QMDS, ids=lambda p: p.name)
def test_report_source_is_inside_the_subset(qmd):
    assert subset.check_qmd(qmd.read_text(encoding="utf-8"), f"report/{qmd.name}") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cell_options_are_inside_the_subset(notebook):
    nb = nbformat.read(notebook, as_version=4)
    problems, labels = [], []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            opts = cell_options(cell.source)
            problems += subset.check_cell_options(opts, f"{notebook.name} cell {number}")
            labels += [str(opts["label"])] if "label" in opts else []
    assert problems == []
    assert len(labels) == len(set(labels))


def test_every_embed_names_a_labelled_cell():
    labels = {
        nb.name: {
            str(cell_options(c.source).get("label"))
            for c in nbformat.read(nb, as_version=4).cells
            if c.cell_type == "code"
        }
        for nb in NOTEBOOKS
    }
    embeds = [
        (qmd.name, m[1], m[2])
        for qmd in QMDS
        for m in re.finditer(
            r"\{\{< embed \.\./notebooks/([\w.-]+)#([\w-]+) >\}\}", qmd.read_text()
        )
    ]
    assert embeds
    assert [e for e in embeds if e[2] not in labels.get(e[1], set())] == []


def test_every_notebook_has_a_notebook_view_link_into_the_version_folder():
    text = (ROOT / "report" / "report.qmd").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    views = {v["notebook"]: v for v in front["notebook-view"]}
    assert set(views) == {f"../notebooks/{p.name}" for p in NOTEBOOKS}
    for nb in NOTEBOOKS:
        view = views[f"../notebooks/{nb.name}"]
        assert view["url"] == f"notebooks/{nb.name}" and view["title"]


def test_the_doc_names_the_whole_subset():
    doc = DOC.read_text(encoding="utf-8")
    names = (
        subset.SHORTCODES + subset.CELL_OPTIONS + subset.CALLOUTS + subset.CONDITIONS
        + subset.CONDITIONAL_CLASSES + subset.HEADING_CLASSES
    )  # fmt: skip
    spans = [m[1] for m in re.findall(r"(`+)(.+?)\1", doc)]
    words = {w for s in spans for w in re.findall(r"[\w-]+", s.replace("callout-", "callout- "))}
    assert [n for n in names if n not in words] == []
    assert all(f"`@{k}-" in doc for k in subset.XREF_KINDS)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("Written by @mention.", "reads as a citation"),
        ("See @sec-intro.", "reads as a citation"),
        ("{{< video x.mp4 >}}", "shortcode 'video'"),
        ("A <b>bold</b> word.", "raw HTML"),
        ("Costs $5.", "starts math"),
        ("::: {.callout-danger}", "callout type 'danger'"),
        ("::: {.column-margin}", "is not a callout"),
        ('::: {.content-visible when-profile="x"}', "conditional content takes"),
        ("# Intro {.smaller}", "heading attributes"),
        ("[x]{.mark}", "span must be conditional"),
    ],
)
def test_the_check_names_file_line_and_what(line, what):
    problems = subset.check_qmd(f"---\ntitle: T\n---\n\n{line}\n", "report/x.qmd")
    assert len(problems) == 1 and problems[0].startswith("report/x.qmd:5: ")
    assert what in problems[0]


def test_the_check_accepts_the_subset():
    text = (
        "# Methods {.appendix}\n\nSee @fig-a and [-@tbl-b]; mail a@b.org; \\@handle; \\$5.\n\n"
        '::: {.callout-warning title="Synthetic"}\nx\n:::\n\n::: {#fig-a}\nx\n:::\n\n'
        '::: {.content-hidden when-meta="available.x.any"}\nx\n:::\n\n'
        '[shown]{.content-visible when-format="html"} `<code> $x @y`\n\n'
        "```python\n<b> $ @x\n```\n\n{{{< var x >}}} {{< var a.b >}} <!-- note -->\n"
    )
    assert subset.check_qmd(text, "report/x.qmd") == []


def test_cell_options_outside_the_subset_are_named():
    assert subset.check_cell_options({"label": "fig-a", "fig-cap": "A"}, "nb cell 2") == []
    assert subset.check_cell_options({"label": "fig-a", "echo": False}, "nb cell 2") == [
        "nb cell 2: cell option 'echo' is not one of label, fig-cap, tbl-cap, fig-alt",
        "nb cell 2: label fig-a needs `#| fig-cap: ...`",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("profile", sorted((ROOT / "profiles").glob("*.yml")), ids=lambda p: p.name)
def test_profile_context_paragraphs_are_inside_the_subset(profile):
    # Published context is included under each section heading, so it is report source too.
    from takedown.profile import load_profile

    problems = [
        problem
        for topic, items in load_profile(profile).context.items()
        for i, item in enumerate(items)
        for problem in subset.check_qmd(item.text, f"{profile.name} context.{topic}[{i}]")
    ]
    assert problems == []
