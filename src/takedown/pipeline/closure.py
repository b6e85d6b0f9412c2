"""Which library files a notebook can run: the import closure that keys the notebook cache.

Computed from the code, not kept by hand, so a finding module that starts importing another
module re-runs its notebook without anyone editing a list. Every `import` counts, including
lazy ones inside functions, and importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

# Fallback for cells that are not plain Python (IPython magics): the import lines only.
_IMPORT_LINE = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+(.+)|import\s+(.+))$", re.M)


def module_path(package_dir: Path, module: str) -> Path | None:
    """The file of `module` (e.g. takedown.findings.followers) under package_dir, if any."""
    parts = module.split(".")
    if parts[0] != package_dir.name:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Absolute module names an AST imports (relative imports resolved against `module`)."""
    names: set[str] = set()
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join([*pkg, base] if base else pkg)
            names.add(base)
            # `from pkg import mod` imports the submodule pkg.mod when there is one.
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


# The fields that hold statement lists (bodies of modules, functions, classes, branches, loops,
# with, try and its handlers, match cases): an import is a statement, found only in these.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(tree: ast.AST) -> list[ast.AST]:
    """Every statement of tree, at any depth, without walking into expressions: the nodes
    ast.walk would give that can be imports, in a fraction of its time (a warm render keys
    every notebook by this)."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        for name in _BODIES:
            children = getattr(node, name, None)
            if isinstance(children, list):
                todo.extend(children)
    return out


def _imported_from_text(source: str) -> set[str]:
    names: set[str] = set()
    for m in _IMPORT_LINE.finditer(source):
        if m[1]:
            names.add(m[1])
            names.update(f"{m[1]}.{n.split(' as ')[0].strip(' ()')}" for n in m[2].split(","))
        else:
            names.update(n.split(" as ")[0].strip() for n in m[3].split(","))
    return names


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


# module name -> (its file, the file's bytes, what it imports), or (None, b"", ()) when it is
# no file of the package. One render shares one: each file is read and parsed once for all
# its notebooks, and all their keys see the same bytes.
Modules = dict[str, tuple[Path | None, bytes, tuple[str, ...]]]


def _module(
    mod: str, package_dir: Path, memo: Modules
) -> tuple[Path | None, bytes, tuple[str, ...]]:
    if mod not in memo:
        path = module_path(package_dir, mod)
        if path is None:
            memo[mod] = (None, b"", ())
        else:
            data = path.read_bytes()
            memo[mod] = (
                path,
                data,
                _file_imports(data, str(path), mod, path.name == "__init__.py"),
            )
    return memo[mod]


def closure(sources: Iterable[str], package_dir: Path, memo: Modules | None = None) -> list[Path]:
    """Files of package_dir that code in `sources` imports, directly or through each other."""
    return sorted(_closure(sources, package_dir, {} if memo is None else memo))


def _closure(sources: Iterable[str], package_dir: Path, memo: Modules) -> dict[Path, bytes]:
    todo: list[str] = []
    for src in sources:
        try:
            todo += _imported(ast.parse(src), "__main__", False)
        except SyntaxError:
            todo += _imported_from_text(src)
    seen: set[str] = set()  # every module looked at once
    files: dict[Path, bytes] = {}
    while todo:
        name = todo.pop()
        for mod in _with_parents(name):
            if mod in seen:
                continue
            seen.add(mod)
            path, data, imports = _module(mod, package_dir, memo)
            if path is not None:
                files[path] = data
                todo += imports
    return files


@lru_cache(maxsize=4096)
def _file_imports(source: bytes, filename: str, module: str, package: bool) -> tuple[str, ...]:
    """What one library file imports, parsed once per process for the same bytes.

    Every notebook's closure walks mostly the same files: without this a warm render parsed
    each of them once per notebook, most of its time (issue 18 item 4).
    """
    return tuple(sorted(_imported(ast.parse(source, filename=filename), module, package)))


def notebook_cells(path: Path) -> list[tuple[str, str]]:
    """(cell type, source) of every cell, as nbformat.read(path, as_version=4) gives them.

    A version 4 notebook is read as plain JSON (its multi-line sources joined, as nbformat
    does): a warm render then never imports nbformat. Other versions go through nbformat.
    """
    doc = json.loads(path.read_bytes())
    if not isinstance(doc, dict) or doc.get("nbformat") != 4 or not _plain_cells(doc):
        import nbformat

        nb = nbformat.read(path, as_version=4)
        return [(c.cell_type, c.source) for c in nb.cells]
    return [(c["cell_type"], _joined(c["source"])) for c in doc["cells"]]


def _plain_cells(doc: dict) -> bool:
    """Every cell has a string type and a string (or list of strings) source."""
    cells = doc.get("cells")
    return isinstance(cells, list) and all(
        isinstance(c, dict)
        and isinstance(c.get("cell_type"), str)
        and (isinstance(c.get("source"), str) or _strings(c.get("source")))
        for c in cells
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _joined(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def notebook_sources(path: Path) -> list[str]:
    return [source for kind, source in notebook_cells(path) if kind == "code"]


def closure_hash(notebook: Path, package_dir: Path, memo: Modules | None = None) -> str:
    """sha256 over the path and bytes of every library file the notebook can import. `memo`:
    the files read for other notebooks of the same render (see Modules)."""
    files = _closure(notebook_sources(notebook), package_dir, {} if memo is None else memo)
    h = hashlib.sha256()
    for p in sorted(files):
        h.update(p.relative_to(package_dir.parent).as_posix().encode())
        h.update(b"\0")
        h.update(files[p])
        h.update(b"\0")
    return h.hexdigest()
