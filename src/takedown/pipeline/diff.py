"""Compare two findings.json files finding by finding: two versions, or two datasets."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.pipeline.variables import display_value, is_available
from takedown.userfiles import MB, read_regular

MAX_FINDINGS_BYTES = 32 * MB  # a real findings.json is well under 1 MB
FINDING_ID = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+")


def load_findings(path: Path) -> dict[str, Any]:
    """A findings.json, given itself or the version folder that holds it."""
    file = path / "findings.json" if path.is_dir() else path
    if not file.exists():
        raise TakedownError(
            f"{path}: no findings.json; pass a report version folder or its findings.json"
        )
    how = "pass a report version folder or its findings.json"
    try:
        doc = json.loads(read_regular(file, MAX_FINDINGS_BYTES, how))
        found = {f["id"]: f for f in doc["findings"]}
        if not all({"value", "unit"} <= set(f) for f in found.values()):
            raise KeyError("value/unit")
    except (ValueError, KeyError, TypeError, RecursionError):
        raise TakedownError(f"{file}: not a takedown findings.json; {how}") from None
    for i, f in enumerate(doc["findings"], 1):
        if not _showable(f):
            raise TakedownError(
                f"{file}: finding #{i} has an id, unit or value takedown never writes; "
                "re-render the report or fix the file"
            )
    return found


def _showable(f: dict[str, Any]) -> bool:
    """An id and unit as the finding contract writes them, a value that can be shown."""
    if not isinstance(f["id"], str) or not FINDING_ID.fullmatch(f["id"]):
        return False
    v = f["value"]
    if not isinstance(f["unit"], str) or not isinstance(v, bool | int | float | str | list | None):
        return False
    try:
        if isinstance(v, int | float) and not math.isfinite(float(v)):
            return False
        display_value(f)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _change(va: Any, vb: Any, unit: str) -> str:
    """How a value changed: a signed difference for numbers, else just "changed"."""
    if va == vb:
        return ""
    numbers = (int, float)
    if not (isinstance(va, numbers) and isinstance(vb, numbers)) or isinstance(va, bool):
        return "changed"
    if isinstance(vb, bool):
        return "changed"
    delta = float(vb) - float(va)
    change = f"{delta:+.1%}".replace("%", " pts") if unit == "share" else f"{delta:+,.4g}"
    if va and unit != "share":
        change += f" ({delta / abs(float(va)):+.1%})"
    return change


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, str]]:
    """One row per finding in either file: both values, and what changed."""
    rows = []
    for fid in sorted(set(a) | set(b)):
        fa, fb = a.get(fid), b.get(fid)
        unit = (fb or fa)["unit"]
        if fa is None:
            change = "added"
        elif fb is None:
            change = "removed"
        elif is_available(fa) != is_available(fb):
            change = "now available" if is_available(fb) else "now unavailable"
        else:
            change = _change(fa.get("value"), fb.get("value"), unit)
        rows.append(
            {
                "id": fid,
                "a": display_value(fa) if fa else "",
                "b": display_value(fb) if fb else "",
                "change": change,
            }
        )
    return rows
