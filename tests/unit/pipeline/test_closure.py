"""The notebook cache key covers every library file a notebook can import, with no list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import takedown
from takedown.pipeline.closure import closure, closure_hash, notebook_sources
from takedown.pipeline.execute import LIBRARY_DIR
from tests.conftest import ROOT

PKG = Path(takedown.__file__).resolve().parent


def _rel(paths: list[Path], pkg: Path) -> set[str]:
    return {p.relative_to(pkg).as_posix() for p in paths}


def test_the_executor_hashes_the_package_the_kernels_import():
    assert LIBRARY_DIR == PKG


@pytest.mark.slow
def test_followers_closure_holds_its_modules_and_not_the_composer():
    files = _rel(closure(notebook_sources(ROOT / "notebooks/02_followers.ipynb"), PKG), PKG)
    assert {"notebook.py", "findings/followers.py", "findings/stats.py", "text.py"} <= files
    assert "findings/topics.py" not in files


@pytest.mark.slow
def test_no_notebook_loads_the_composer_or_the_pipeline():
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files = _rel(closure(notebook_sources(nb), PKG), PKG)
        assert not [f for f in files if f.startswith(("compose/", "pipeline/", "cli"))], nb.name


@pytest.mark.slow
def test_a_new_import_in_a_finding_module_changes_only_that_notebooks_key(tmp_path):
    pkg = tmp_path / "takedown"
    shutil.copytree(PKG, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    followers = ROOT / "notebooks/02_followers.ipynb"
    topics = ROOT / "notebooks/07_topics.ipynb"
    before = closure_hash(followers, pkg), closure_hash(topics, pkg)

    # A brand-new module that no list names, imported lazily inside a function.
    (pkg / "findings" / "helper_new.py").write_text("FACTOR = 1\n")
    src = (pkg / "findings" / "followers.py").read_text()
    (pkg / "findings" / "followers.py").write_text(
        src + "\n\ndef _uses_helper():\n    from takedown.findings import helper_new\n"
        "    return helper_new.FACTOR\n"
    )
    after = closure_hash(followers, pkg), closure_hash(topics, pkg)
    assert after[0] != before[0]
    assert after[1] == before[1]

    # Editing only the new module re-runs the notebook again.
    (pkg / "findings" / "helper_new.py").write_text("FACTOR = 2\n")
    assert closure_hash(followers, pkg) != after[0]


def test_relative_imports_and_magics_are_followed(tmp_path):
    pkg = tmp_path / "takedown"
    (pkg / "findings").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "findings" / "__init__.py").write_text("")
    (pkg / "findings" / "a.py").write_text("from . import b\nfrom .c import f\n")
    (pkg / "findings" / "b.py").write_text("")
    (pkg / "findings" / "c.py").write_text("def f(): ...\n")
    (pkg / "unused.py").write_text("")
    cell = "%matplotlib inline\nfrom takedown.findings import a"
    files = _rel(closure([cell], pkg), pkg)
    assert files == {"__init__.py", "findings/__init__.py", "findings/a.py", "findings/b.py",
                     "findings/c.py"}  # fmt: skip


def test_a_module_edited_within_one_process_is_read_again(tmp_path):
    """Parsed imports are reused across notebooks only for the very same file bytes."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "b.py").write_text("y = 2\n")
    assert [p.name for p in closure(["import pkg.a"], pkg)] == ["__init__.py", "a.py"]
    (pkg / "a.py").write_text("from pkg import b\n")
    assert [p.name for p in closure(["import pkg.a"], pkg)] == ["__init__.py", "a.py", "b.py"]


def test_notebooks_are_read_without_nbformat_exactly_as_nbformat_reads_them(tmp_path):
    """The cache key reads version 4 notebooks as JSON (a warm render never imports nbformat):
    the same cells, types and joined sources as nbformat.read, so no cache key moved."""
    import nbformat

    from takedown.pipeline.closure import notebook_cells

    multi = nbformat.v4.new_notebook()
    multi.cells = [nbformat.v4.new_markdown_cell("# a\n"), nbformat.v4.new_code_cell("x = 1\ny")]
    nbformat.write(multi, tmp_path / "multi.ipynb")  # sources stored as lists of lines
    paths = [*sorted((ROOT / "notebooks").glob("*.ipynb")), tmp_path / "multi.ipynb"]
    for path in paths:
        want = [(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]
        assert notebook_cells(path) == want, path
    assert notebook_cells(tmp_path / "multi.ipynb")[1] == ("code", "x = 1\ny")


@pytest.mark.slow
def test_imports_are_found_in_every_kind_of_block_as_a_full_walk_finds_them():
    """closure reads statements only (fast); it must find every import ast.walk finds."""
    import ast

    from takedown.pipeline.closure import _imported, _statements

    code = (
        "import a\n"
        "def f():\n    import b\n    def g():\n        from c import d\n"
        "class K:\n    import e\n"
        "async def h():\n    async with x:\n        import f1\n    async for y in z:\n        pass\n"
        "    else:\n        import f2\n"
        "if p:\n    import g1\nelif q:\n    import g2\nelse:\n    import g3\n"
        "for i in j:\n    pass\nelse:\n    import h1\n"
        "while w:\n    import h2\n"
        "try:\n    import i1\nexcept E:\n    import i2\nelse:\n    import i3\nfinally:\n"
        "    import i4\n"
        "with m:\n    import j1\n"
        "match v:\n    case 1:\n        import k1\n    case _:\n        from . import k2\n"
        "try:\n    pass\nexcept* E:\n    import l1\n"
    )
    tree = ast.parse(code)
    kinds = (ast.Import, ast.ImportFrom)
    walked = {id(n) for n in ast.walk(tree) if isinstance(n, kinds)}
    assert {id(n) for n in _statements(tree) if isinstance(n, kinds)} == walked
    assert len(walked) == 19
    assert {"a", "b", "c.d", "f1", "f2", "i4", "k1", "l1", "pkg.k2"} <= _imported(
        tree, "pkg.mod", False
    )
    for path in PKG.rglob("*.py"):  # and the same on the whole library
        tree = ast.parse(path.read_bytes())
        walked = {id(n) for n in ast.walk(tree) if isinstance(n, kinds)}
        assert {id(n) for n in _statements(tree) if isinstance(n, kinds)} == walked, path


@pytest.mark.slow
def test_keys_read_with_one_shared_memo_are_the_keys_read_alone():
    """A render reads the library once for all its notebooks' keys: the same keys."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    memo: dict = {}
    shared = [closure_hash(nb, PKG, memo) for nb in notebooks]
    assert shared == [closure_hash(nb, PKG) for nb in notebooks]
    assert len(set(shared)) > 1 and any(path is not None for path, _, _ in memo.values())
