"""--engine auto, the composer's name and versions, and Quarto without notebook previews."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from takedown.errors import RenderError
from takedown.pipeline.composer import (
    NOTEBOOK_LINKS,
    TYPST_BREAKS,
    engine_label,
    engine_versions,
    resolve_engine,
    tight_shortcodes,
    without_previews,
)
from tests.conftest import ROOT


def _path_without_quarto() -> str:
    return os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if not (Path(d) / "quarto").exists()
    )


def test_auto_is_the_builtin_composer_without_a_quarto_on_path(monkeypatch):
    monkeypatch.setenv("PATH", _path_without_quarto())
    assert resolve_engine("auto") == "builtin"
    assert resolve_engine("builtin") == "builtin"
    with pytest.raises(RenderError, match="--engine quarto: no quarto binary on PATH"):
        resolve_engine("quarto")


def test_auto_is_quarto_when_one_is_on_path(quarto_bin):
    assert resolve_engine("auto") == "quarto"
    assert resolve_engine("quarto") == "quarto"
    versions = engine_versions("quarto")
    assert list(versions) == ["quarto"] and re.fullmatch(r"\d+\.\d+\.\d+", versions["quarto"])
    assert engine_label("quarto", versions) == f"Quarto {versions['quarto']}"


def test_an_unknown_engine_is_refused():
    with pytest.raises(RenderError, match=r"--engine 'pandoc': use auto, builtin or quarto"):
        resolve_engine("pandoc")


def test_builtin_versions_are_pandoc_and_typst():
    import importlib.metadata

    import pypandoc

    versions = engine_versions("builtin")
    assert versions == {
        "pandoc": pypandoc.get_pandoc_version(),
        "typst": importlib.metadata.version("typst"),
    }
    assert engine_label("builtin", {"pandoc": "3.9", "typst": "0.15.2"}) == (
        "the built-in composer (pandoc 3.9, Typst 0.15.2)"
    )


def test_quarto_renders_no_previews_and_links_each_notebook_itself(tmp_path):
    main = tmp_path / "report.qmd"
    shutil.copy2(ROOT / "report" / "report.qmd", main)
    views = yaml.safe_load(main.read_text(encoding="utf-8").split("---\n")[1])["notebook-view"]
    without_previews(main)
    text = main.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["notebook-view"] is False
    assert front["takedown-notebooks"] == views
    assert front["filters"] == [str(NOTEBOOK_LINKS), str(TYPST_BREAKS)]
    assert NOTEBOOK_LINKS.is_file() and TYPST_BREAKS.is_file()
    assert (
        text.split("---\n", 2)[2]
        == (ROOT / "report" / "report.qmd").read_text(encoding="utf-8").split("---\n", 2)[2]
    )
    without_previews(main)  # a second call finds previews off and leaves the document as it is
    assert main.read_text(encoding="utf-8") == text


def test_a_document_without_a_notebook_list_gets_no_previews_and_no_filter(tmp_path):
    main = tmp_path / "compare.qmd"
    main.write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    without_previews(main)
    front = yaml.safe_load(main.read_text(encoding="utf-8").split("---\n")[1])
    assert front == {"title": "T", "notebook-view": False, "filters": [str(TYPST_BREAKS)]}


def test_var_shortcodes_are_written_tight_and_nothing_else_changes(tmp_path):
    """Quarto reads `{{<var a.b>}}` as `{{< var a.b >}}`; escaped shortcodes, other shortcodes
    and a `<` in text stay as they are."""
    (tmp_path / "report" / "_generated").mkdir(parents=True)
    body = (
        "A {{< var overview.accounts >}} and {{<  var b_c.d-e   >}}.\n"
        "Literal {{{< var x >}}} and {{</* var y */>}}; {{< include _generated/a.qmd >}}\n"
        "{{< embed ../notebooks/n.ipynb#fig-a >}} and 3 < 4 > 2.\n"
    )
    main, gen = tmp_path / "report" / "report.qmd", tmp_path / "report" / "_generated" / "a.qmd"
    main.write_text(body, encoding="utf-8")
    gen.write_text("Only {{< var a.b >}} here.\n", encoding="utf-8")
    other = tmp_path / "notes.md"
    other.write_text(body, encoding="utf-8")
    tight_shortcodes(tmp_path)
    assert main.read_text(encoding="utf-8") == (
        "A {{<var overview.accounts>}} and {{<var b_c.d-e>}}.\n"
        "Literal {{{< var x >}}} and {{</* var y */>}}; {{< include _generated/a.qmd >}}\n"
        "{{< embed ../notebooks/n.ipynb#fig-a >}} and 3 < 4 > 2.\n"
    )
    assert gen.read_text(encoding="utf-8") == "Only {{<var a.b>}} here.\n"
    assert other.read_text(encoding="utf-8") == body  # not a Quarto document
