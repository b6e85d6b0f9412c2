"""Compare two findings.json files finding by finding: two versions, or two datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.pipeline.variables import display_value, is_available


def load_findings(path: Path) -> dict[str, Any]:
    """A findings.json, given itself or the version folder that holds it."""
    file = path / "findings.json" if path.is_dir() else path
    if not file.exists():
        raise TakedownError(
            f"{path}: no findings.json; pass a report version folder or its findings.json"
        )
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        found = {f["id"]: f for f in doc["findings"]}
        if not all({"value", "unit"} <= set(f) for f in found.values()):
            raise KeyError("value/unit")
        return found
    except (ValueError, KeyError, TypeError):
        raise TakedownError(f"{file}: not a takedown findings.json") from None


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, str]]:
    """One row per finding in either file: both values, and what changed."""
    rows = []
    for fid in sorted(set(a) | set(b)):
        fa, fb = a.get(fid), b.get(fid)
        unit = (fb or fa)["unit"]
        va, vb = (fa or {}).get("value"), (fb or {}).get("value")
        if fa is None:
            change = "added"
        elif fb is None:
            change = "removed"
        elif is_available(fa) != is_available(fb):
            change = "now available" if is_available(fb) else "now unavailable"
        elif va == vb:
            change = ""
        elif (
            isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool)
        ):
            delta = vb - va
            change = f"{delta:+.1%}".replace("%", " pts") if unit == "share" else f"{delta:+,.4g}"
            if va and unit != "share":
                change += f" ({delta / abs(va):+.1%})"
        else:
            change = "changed"
        rows.append(
            {
                "id": fid,
                "a": display_value(fa) if fa else "",
                "b": display_value(fb) if fb else "",
                "change": change,
            }
        )
    return rows
