"""Turn a labelled cell of an executed notebook into Markdown, as Quarto's `embed` would."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from takedown.compose.errors import ComposeError
from takedown.compose.escape import code_fence, md_escape

LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
_MAX_EVALUE = 400


def cell_options(source: str) -> dict[str, Any]:
    """Parse the leading `#| key: value` lines of a cell as YAML (Quarto cell options)."""
    lines: list[str] = []
    for line in source.splitlines():
        m = _OPTION_LINE.match(line)
        if not m:
            break
        lines.append(m.group(1))
    if not lines:
        return {}
    opts = yaml.safe_load("\n".join(lines))
    if not isinstance(opts, dict):
        raise ValueError("cell options are not a `key: value` mapping")
    return opts


@dataclass(frozen=True)
class _Cell:
    """A located code cell: its 1-based position in the notebook, options and outputs."""

    number: int
    options: dict[str, Any]
    outputs: list[Any]


class NotebookEmbedder:
    """Resolves `embed` shortcodes; writes figures (SVG or PNG) into `media_dir` (`media`)."""

    def __init__(self, media_dir: Path, media_prefix: str = "media") -> None:
        self.media_dir = media_dir
        self.media_prefix = media_prefix
        self._notebooks: dict[Path, Any] = {}
        self._labels: dict[Path, dict[str, _Cell]] = {}
        self._written: set[str] = set()

    def embed(self, nb_path: Path, label: str, where: str) -> str:
        """Markdown for the outputs of the cell labelled `label` in `nb_path`."""
        if not LABEL_RE.match(label):
            raise ComposeError(
                f"{where}: embed label '{label}' is not a valid label (letters, digits, - and _)"
            )
        cells = self._index(nb_path, where)
        cell = cells.get(label)
        if cell is None:
            known = ", ".join(sorted(cells)) or "none"
            raise ComposeError(
                f"{where}: no code cell in {nb_path.name} has `#| label: {label}` "
                f"(labels found: {known}); add the label to the cell's options"
            )
        failure = self._failure(nb_path, cell)
        if failure is not None:
            return self._failed(label, cell, failure, nb_path)
        kind = label.split("-", 1)[0]
        if kind == "fig":
            return self._figure(nb_path, label, cell, where)
        if kind == "tbl":
            return self._table(nb_path, label, cell, where)
        return self._other(nb_path, label, cell, where)

    # -- notebook access -------------------------------------------------------------------

    def _index(self, nb_path: Path, where: str) -> dict[str, _Cell]:
        """Map label -> cell for one notebook, read once."""
        if nb_path in self._labels:
            return self._labels[nb_path]
        try:
            nb = nbformat.read(str(nb_path), as_version=4)
        except FileNotFoundError:
            raise ComposeError(
                f"{where}: notebook {nb_path} does not exist; run the pipeline's execute step "
                "or fix the embed path"
            ) from None
        except Exception as exc:  # nbformat raises several unrelated types
            raise ComposeError(f"{where}: cannot read notebook {nb_path}: {exc}") from None
        cells: dict[str, _Cell] = {}
        for number, c in enumerate(nb.cells, start=1):
            if c.cell_type != "code":
                continue
            try:
                opts = cell_options(c.source)
            except (yaml.YAMLError, ValueError) as exc:
                raise ComposeError(
                    f"{nb_path.name} cell {number}: invalid `#|` cell options: {exc}"
                ) from None
            label = opts.get("label")
            if label is None:
                continue
            label = str(label)
            if label in cells:
                raise ComposeError(
                    f"{nb_path.name}: label '{label}' is used by cells {cells[label].number} "
                    f"and {number}; labels must be unique"
                )
            cells[label] = _Cell(number, opts, list(c.get("outputs", [])))
        self._notebooks[nb_path] = nb
        self._labels[nb_path] = cells
        return cells

    def _failure(self, nb_path: Path, cell: _Cell) -> str | None:
        """Why the cell has no usable output: its own error, or an earlier cell's, else None."""
        for out in cell.outputs:
            if out.get("output_type") == "error":
                return f"cell {cell.number} raised {_error_text(out)}"
        if cell.outputs:
            return None
        nb = self._notebooks[nb_path]
        for number, c in enumerate(nb.cells, start=1):
            for out in c.get("outputs", []) if c.cell_type == "code" else []:
                if out.get("output_type") == "error":
                    return f"the notebook stopped at cell {number}, which raised {_error_text(out)}"
        return None

    # -- output kinds ----------------------------------------------------------------------

    def _figure(self, nb_path: Path, label: str, cell: _Cell, where: str) -> str:
        """A div figure with the cell's single image (SVG, else PNG) written to the media folder.

        SVG comes first, as Quarto picks it: both engines then show the same vector file.
        """
        images = _images(cell, f"{nb_path.name} cell {cell.number}")
        if not images:
            raise ComposeError(
                f"{where}: cell {cell.number} of {nb_path.name} (label {label}) has no image/svg+xml "
                "or image/png output; display the figure in that cell and re-execute the notebook"
            )
        if len(images) > 1:
            raise ComposeError(
                f"{where}: cell {cell.number} of {nb_path.name} (label {label}) shows "
                f"{len(images)} different figures; put each figure in its own labelled cell"
            )
        caption = _caption(cell, "fig-cap", label, nb_path, where)
        ext, payload = images[0]
        name = f"{label}.{ext}"
        if name in self._written:
            raise ComposeError(f"{where}: figure {label} is embedded twice; labels must be unique")
        self.media_dir.mkdir(parents=True, exist_ok=True)
        (self.media_dir / name).write_bytes(payload)
        self._written.add(name)
        alt = md_escape(cell.options["fig-alt"]) if cell.options.get("fig-alt") else ""
        return f"::: {{#{label}}}\n![{alt}]({self.media_prefix}/{name})\n\n{caption}\n:::\n"

    def _table(self, nb_path: Path, label: str, cell: _Cell, where: str) -> str:
        """A div table from the cell's text/markdown output (a pipe table made by md_table)."""
        parts = _markdown_outputs(cell)
        if not parts:
            raise ComposeError(
                f"{where}: cell {cell.number} of {nb_path.name} (label {label}) has no "
                "text/markdown output; display it with IPython.display.Markdown(md_table(...))"
            )
        caption = _caption(cell, "tbl-cap", label, nb_path, where)
        body = "\n\n".join(p.strip("\n") for p in parts)
        return f"::: {{#{label}}}\n{body}\n\n{caption}\n:::\n"

    def _other(self, nb_path: Path, label: str, cell: _Cell, where: str) -> str:
        """Markdown outputs as Markdown; otherwise plain text/stdout as a fenced code block."""
        parts = _markdown_outputs(cell)
        if parts:
            return "\n\n".join(p.strip("\n") for p in parts) + "\n"
        text = "".join(_text_outputs(cell))
        if not text:
            raise ComposeError(
                f"{where}: cell {cell.number} of {nb_path.name} (label {label}) has no "
                "markdown, text or stdout output to embed"
            )
        text = text.rstrip("\n")
        fence = code_fence(text)
        return f"{fence} {{.cell-output}}\n{text}\n{fence}\n"

    def _failed(self, label: str, cell: _Cell, reason: str, nb_path: Path) -> str:
        """A marked 'failed' callout in place of the output; keeps the label so refs resolve."""
        note = (
            f'::: {{.callout-important title="Not rendered"}}\n{md_escape(nb_path.name)}: '
            f"{md_escape(reason)}\n:::\n"
        )
        kind = label.split("-", 1)[0]
        if kind in ("fig", "tbl"):
            cap_key = f"{kind}-cap"
            caption = _flatten(str(cell.options.get(cap_key) or md_escape(label)))
            return f"::: {{#{label}}}\n{note}\n{caption}\n:::\n"
        return note


_DISPLAY = ("display_data", "execute_result")


def _error_text(out: Any) -> str:
    """`ename: evalue`, cut to a readable length."""
    evalue = str(out.get("evalue", ""))
    if len(evalue) > _MAX_EVALUE:
        evalue = evalue[:_MAX_EVALUE] + "…"
    return f"{out.get('ename', 'Error')}: {evalue}"


def _images(cell: _Cell, where: str) -> list[tuple[str, bytes]]:
    """The distinct figures a cell shows, as (extension, bytes): each output's SVG, else PNG."""
    images: list[tuple[str, bytes]] = []
    for out in cell.outputs:
        data = out.get("data", {}) if out.get("output_type") in _DISPLAY else {}
        if "image/svg+xml" in data:
            image = ("svg", _decode_svg(data["image/svg+xml"], where))
        elif "image/png" in data:
            image = ("png", _decode_png(data["image/png"], where))
        else:
            continue
        if image not in images:
            images.append(image)
    return images


def _decode_svg(payload: Any, where: str) -> bytes:
    """An SVG output (a string or list of lines) as UTF-8 bytes; it must be an SVG document."""
    text = "".join(payload) if isinstance(payload, list) else str(payload)
    if not re.match(
        r"\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*<svg[\s>]", text, re.S
    ):
        raise ComposeError(f"{where}: image/svg+xml output is not an SVG document")
    return text.encode("utf-8")


def _decode_png(payload: Any, where: str) -> bytes:
    """Base64 PNG payload from a notebook output (string or list of lines)."""
    text = "".join(payload) if isinstance(payload, list) else str(payload)
    try:
        png = base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ComposeError(f"{where}: image/png output is not valid base64: {exc}") from None
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ComposeError(f"{where}: image/png output is not a PNG file")
    return png


def _markdown_outputs(cell: _Cell) -> list[str]:
    """All text/markdown payloads of the cell, in order."""
    parts = []
    for out in cell.outputs:
        if out.get("output_type") in _DISPLAY and "text/markdown" in out.get("data", {}):
            md = out["data"]["text/markdown"]
            parts.append("".join(md) if isinstance(md, list) else str(md))
    return parts


def _text_outputs(cell: _Cell) -> list[str]:
    """stdout streams and text/plain results of the cell, in order (stderr is left out)."""
    parts = []
    for out in cell.outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            t = out.get("text", "")
            parts.append("".join(t) if isinstance(t, list) else str(t))
        elif kind in _DISPLAY and "text/plain" in out.get("data", {}):
            t = out["data"]["text/plain"]
            t = "".join(t) if isinstance(t, list) else str(t)
            parts.append(t if t.endswith("\n") else t + "\n")
    return parts


def _flatten(caption: str) -> str:
    """One paragraph: blank lines inside a caption would split it off its figure."""
    return re.sub(r"\n\s*\n", "\n", caption.strip())


def _caption(cell: _Cell, key: str, label: str, nb_path: Path, where: str) -> str:
    """The cell's caption option, required for a numbered figure/table."""
    cap = cell.options.get(key)
    if cap is None or not str(cap).strip():
        raise ComposeError(
            f"{where}: cell {cell.number} of {nb_path.name} (label {label}) has no caption; "
            f"add `#| {key}: ...` to the cell"
        )
    if not isinstance(cap, str | int | float):
        raise ComposeError(
            f"{where}: `#| {key}` of cell {cell.number} in {nb_path.name} must be one string"
        )
    return _flatten(str(cap))
