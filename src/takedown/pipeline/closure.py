"""Which library files a notebook can run: the import closure that keys the notebook cache.

Computed from the code, not kept by hand, so a finding module that starts importing another
module re-runs its notebook without anyone editing a list. Every `import` counts, including
lazy ones inside functions, and importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import nbformat

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
    for node in ast.walk(tree):
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


def closure(sources: Iterable[str], package_dir: Path) -> list[Path]:
    """Files of package_dir that code in `sources` imports, directly or through each other."""
    todo: list[str] = []
    for src in sources:
        try:
            todo += _imported(ast.parse(src), "__main__", False)
        except SyntaxError:
            todo += _imported_from_text(src)
    seen: dict[str, Path | None] = {}  # every module looked at once: its file, or None
    while todo:
        name = todo.pop()
        for mod in _with_parents(name):
            if mod in seen:
                continue
            seen[mod] = path = module_path(package_dir, mod)
            if path is None:
                continue
            todo += _file_imports(path.read_bytes(), str(path), mod, path.name == "__init__.py")
    return sorted({p for p in seen.values() if p is not None})


@lru_cache(maxsize=4096)
def _file_imports(source: bytes, filename: str, module: str, package: bool) -> tuple[str, ...]:
    """What one library file imports, parsed once per process for the same bytes.

    Every notebook's closure walks mostly the same files: without this a warm render parsed
    each of them once per notebook, most of its time (issue 18 item 4).
    """
    return tuple(sorted(_imported(ast.parse(source, filename=filename), module, package)))


def notebook_sources(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def closure_hash(notebook: Path, package_dir: Path) -> str:
    """sha256 over the path and bytes of every library file the notebook can import."""
    h = hashlib.sha256()
    for p in closure(notebook_sources(notebook), package_dir):
        h.update(p.relative_to(package_dir.parent).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
