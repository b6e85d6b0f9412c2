"""Shortcode resolution and notebook embedding, checked on the Markdown before pandoc runs."""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

from takedown.compose import ComposeError
from takedown.compose.builtin import compose_markdown
from takedown.compose.escape import md_table
from takedown.compose.notebooks import cell_options

V4 = nbformat.v4


@cache
def tiny_png() -> str:
    """A small real PNG drawn by matplotlib, base64 as a notebook stores it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@cache
def tiny_svg() -> str:
    """A small SVG figure as the notebooks show it (takedown.figures), titled in Chinese."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from takedown.figures import figure_svg
    from takedown.fonts import register_matplotlib_cjk_font

    register_matplotlib_cjk_font()
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    ax.set_title("中文")
    svg = figure_svg(fig)
    plt.close(fig)
    return svg


def svg_out(svg: str) -> dict:
    return V4.new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<Figure>"})


def code_cell(options: str, *outputs: dict) -> nbformat.NotebookNode:
    """A code cell with `#|` option lines and the given outputs."""
    cell = V4.new_code_cell(options + "\nx = 1", execution_count=1)
    cell.outputs = list(outputs)
    return cell


def png_out(png: str) -> dict:
    return V4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})


def md_out(md: str) -> dict:
    return V4.new_output("display_data", data={"text/markdown": md, "text/html": "<style></style>"})


def write_notebook(path: Path, *cells: nbformat.NotebookNode) -> Path:
    nb = V4.new_notebook()
    nb.cells = list(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def write_project(
    root: Path, body: str, variables: dict | None = None, front: str = "title: T\n"
) -> Path:
    """A scratch project: _quarto.yml, _variables.yml and report/report.qmd."""
    (root / "report").mkdir(parents=True, exist_ok=True)
    (root / "_quarto.yml").write_text("project:\n  render: [report/report.qmd]\n")
    (root / "_variables.yml").write_text(yaml.safe_dump(variables or {}, allow_unicode=True))
    (root / "report" / "report.qmd").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return root


def compose(root: Path) -> str:
    """Resolved Markdown of the project's main document (media under root/_build)."""
    variables = yaml.safe_load((root / "_variables.yml").read_text()) or {}
    _, md, _ = compose_markdown(root, root / "report" / "report.qmd", variables, root / "_build")
    return md


@pytest.fixture
def project(tmp_path):
    return tmp_path / "proj"


def test_var_meta_include_and_escaped_shortcodes(project):
    root = write_project(
        project,
        "A {{< var a.b >}} B {{< meta subtitle >}} C {{< meta nested.k >}} "
        "D {{{< var a.b >}}} E {{</* meta x */>}}\n\n{{< include _part.qmd >}}\n",
        {"a": {"b": 23750}},
        front="title: T\nsubtitle: 'Sub *x*'\nnested: {k: 7}\n",
    )
    (root / "report" / "_part.qmd").write_text("Part {{< var a.b >}} {{< include sub/_deep.qmd >}}")
    (root / "report" / "sub").mkdir()
    (root / "report" / "sub" / "_deep.qmd").write_text("deep {{< meta title >}}")
    md = compose(root)
    assert "A 23750 B Sub \\*x\\* C 7 D {{< var a.b >}} E {{< meta x >}}" in md
    assert "Part 23750 deep T" in md


def test_var_values_are_escaped_and_never_rescanned(project):
    root = write_project(
        project,
        "X {{< var evil >}} Y\n",
        {"evil": "{{< var missing >}} <script>x</script> @fig-a", "missing": "NO"},
    )
    md = compose(root)
    assert "\\{\\{\\< var missing \\>\\}\\}" in md
    assert "\\<script\\>x\\<\\/script\\> \\@fig\\-a" in md
    assert "NO" not in md


def test_front_matter_shortcodes_are_resolved(project):
    root = write_project(
        project, "Body {{< meta title >}}\n", {"n": 5}, front='title: "Report on {{< var n >}}"\n'
    )
    md = compose(root)
    assert "title: Report on 5" in md
    assert "Body Report on 5" in md


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ok\n{{< nope x >}}\n", "report/report.qmd:6: unknown shortcode 'nope'"),
        ("ok\n\nthe {{< var a.zz >}}\n", "report/report.qmd:7: var 'a.zz' is not defined"),
        ("{{< var a >}}\n", "var 'a' in _variables.yml is a dict"),
        ("{{< meta nope >}}\n", "report/report.qmd:5: meta 'nope' is not defined"),
        ("{{< include _missing.qmd >}}\n", "included file report/_missing.qmd does not exist"),
        ("{{< include /etc/passwd >}}\n", "outside the project directory"),
        ("{{< embed ../../x.ipynb#fig-a >}}\n", "outside the project directory"),
        ("{{< var a.b\n", "report/report.qmd:5: unterminated shortcode"),
        ("{{< var >}}\n", "takes exactly one argument"),
        ("{{< embed ../notebooks/none.ipynb#fig-a >}}\n", "none.ipynb does not exist"),
        ("x {{< embed ../notebooks/none.ipynb#fig-a >}}\n", "must be alone on its line"),
    ],
)
def test_errors_name_file_and_line(project, body, expected):
    root = write_project(project, body, {"a": {"b": 1}})
    with pytest.raises(ComposeError) as err:
        compose(root)
    assert expected in str(err.value)


def test_include_cycle_is_an_error(project):
    root = write_project(project, "{{< include _a.qmd >}}\n")
    (root / "report" / "_a.qmd").write_text("a {{< include _b.qmd >}}")
    (root / "report" / "_b.qmd").write_text("b\n{{< include _a.qmd >}}")
    with pytest.raises(ComposeError, match=r"report/_b.qmd:2: include cycle .*_a.qmd -> .*_b.qmd"):
        compose(root)


def test_cell_options_parse_quoted_captions():
    opts = cell_options('#| label: fig-a\n#|fig-cap: "Share: *x*, 中文"\n#| echo: false\nprint(1)')
    assert opts == {"label": "fig-a", "fig-cap": "Share: *x*, 中文", "echo": False}
    assert cell_options("# not an option\n#| label: x") == {}


def test_embed_figure_table_text_and_failure(project):
    root = write_project(
        project,
        "{{< embed ../notebooks/nb.ipynb#fig-a >}}\n\n{{< embed ../notebooks/nb.ipynb#tbl-b >}}\n\n"
        "{{< embed ../notebooks/nb.ipynb#out-c >}}\n\n{{< embed ../notebooks/nb.ipynb#fig-d >}}\n",
    )
    table = md_table([("{{< include /etc/passwd >}}", 1)], ["who", "n"])
    write_notebook(
        root / "notebooks" / "nb.ipynb",
        code_cell("#| label: fig-a\n#| fig-cap: 'Zero followers: *share*'", png_out(tiny_png())),
        code_cell("#| label: tbl-b\n#| tbl-cap: Top accounts", md_out(table)),
        code_cell(
            "#| label: out-c",
            V4.new_output("stream", name="stdout", text="```` {{< var nope >}}\n@fig-a\n"),
            V4.new_output("stream", name="stderr", text="a warning\n"),
        ),
        code_cell(
            "#| label: fig-d\n#| fig-cap: Broken",
            V4.new_output(
                "error", ename="ValueError", evalue="<b>bad</b> {{< var x >}}", traceback=[]
            ),
        ),  # fmt: skip
    )
    md = compose(root)
    assert "::: {#fig-a}\n![](media/fig-a.png)\n\nZero followers: *share*\n:::" in md
    assert (root / "_build" / "media" / "fig-a.png").read_bytes().startswith(b"\x89PNG")
    assert "::: {#tbl-b}\n| who | n |" in md and "\n\nTop accounts\n:::" in md
    assert "\\{\\{\\< include \\/etc\\/passwd \\>\\}\\}" in md  # table text, not an include
    assert "`````" in md and "```` {{< var nope >}}\n@fig-a\n`````" in md  # verbatim, not resolved
    assert "a warning" not in md
    assert '::: {#fig-d}\n::: {.callout-important title="Not rendered"}' in md
    assert "ValueError\\: \\<b\\>bad\\<\\/b\\> \\{\\{\\< var x \\>\\}\\}" in md


def test_embed_prefers_the_svg_of_a_figure_as_quarto_does(project):
    root = write_project(project, "{{< embed ../notebooks/nb.ipynb#fig-a >}}\n")
    both = V4.new_output(
        "display_data",
        data={"image/png": tiny_png(), "image/svg+xml": tiny_svg(), "text/plain": "x"},
    )
    write_notebook(
        root / "notebooks" / "nb.ipynb", code_cell("#| label: fig-a\n#| fig-cap: C", both)
    )
    md = compose(root)
    assert "![](media/fig-a.svg)" in md
    assert (root / "_build" / "media" / "fig-a.svg").read_text(encoding="utf-8") == tiny_svg()
    assert not (root / "_build" / "media" / "fig-a.png").exists()


def test_embed_refuses_an_svg_output_that_is_no_svg(project):
    root = write_project(project, "{{< embed ../notebooks/nb.ipynb#fig-a >}}\n")
    write_notebook(
        root / "notebooks" / "nb.ipynb",
        code_cell("#| label: fig-a\n#| fig-cap: C", svg_out("<html><script>x</script></html>")),
    )
    with pytest.raises(ComposeError, match="image/svg\\+xml output is not an SVG document"):
        compose(root)


def test_cells_after_a_failure_are_marked_failed_not_missing(project):
    root = write_project(project, "{{< embed ../notebooks/nb.ipynb#fig-late >}}\n")
    write_notebook(
        root / "notebooks" / "nb.ipynb",
        code_cell("", V4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])),
        code_cell("#| label: fig-late\n#| fig-cap: Late"),
    )
    md = compose(root)
    assert "callout-important" in md and "stopped at cell 1" in md and "KeyError" in md


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            code_cell("#| label: fig-a\n#| fig-cap: C", md_out("x")),
            "has no image/svg+xml or image/png output",
        ),
        (code_cell("#| label: fig-a", png_out(tiny_png())), "add `#| fig-cap: ...`"),
        (code_cell("#| label: tbl-x\n#| tbl-cap: C"), "has no text/markdown output"),
        (code_cell("#| label: other"), "no code cell in nb.ipynb has `#| label: fig-a`"),
    ],
)
def test_embed_errors(project, cell, expected):
    body = "{{< embed ../notebooks/nb.ipynb#" + ("tbl-x" if "tbl-x" in cell.source else "fig-a")
    root = write_project(project, body + " >}}\n")
    write_notebook(root / "notebooks" / "nb.ipynb", cell)
    with pytest.raises(ComposeError) as err:
        compose(root)
    assert expected in str(err.value)
    assert "report/report.qmd:5" in str(err.value)


def test_embed_finds_label_by_option_not_by_cell_id(project):
    root = write_project(project, "{{< embed ../notebooks/nb.ipynb#fig-a >}}\n")
    decoy = code_cell("#| label: fig-other\n#| fig-cap: Decoy", png_out(tiny_png()))
    decoy.id = "fig-a"
    write_notebook(root / "notebooks" / "nb.ipynb", decoy)
    with pytest.raises(ComposeError, match="no code cell"):
        compose(root)
