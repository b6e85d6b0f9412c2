"""How the data was collected, as the report states it: meta for conditional content, variables
for the numbers, and the profile's own words (escaped) for the summary.

A uniform sample scales every count by its rate and leaves every share as it is; the report says
which counts are counts in the sample and never multiplies one up.
"""

from __future__ import annotations

from pathlib import Path

from takedown.compose.escape import md_escape
from takedown.pipeline.availability import set_metadata
from takedown.profile import Collection

_PER = {"account": "per account", "dataset": "over the whole file"}


def ordinal(n: int) -> str:
    """12 -> 12th, 2 -> 2nd, 21 -> 21st, 11 -> 11th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def collection_meta(c: Collection) -> dict[str, bool]:
    """`collection.sampled` and `collection.described`, the conditions the report's text keys on."""
    return {"sampled": c.sample is not None, "described": bool(c.description.strip())}


def collection_variables(c: Collection) -> dict[str, str]:
    """`{{< var collection.sample >}}` ("every 12th tweet per account") and `collection.every`."""
    if c.sample is None:
        return {"sample": "not a declared sample", "every": "1"}
    return {
        "sample": f"every {ordinal(c.sample.every)} tweet {_PER[c.sample.per]}",
        "every": f"{c.sample.every:,}",
    }


def collection_markdown(c: Collection) -> str:
    """The profile author's description of the collection, escaped so it reads as text."""
    return md_escape(c.description.strip()) + "\n" if c.description.strip() else ""


def write_collection(report_dir: Path, c: Collection) -> None:
    """Add `collection:` to report_dir/_metadata.yml and write _generated/collection.qmd."""
    set_metadata(report_dir, "collection", collection_meta(c))
    gen = report_dir / "_generated"
    gen.mkdir(exist_ok=True)
    (gen / "collection.qmd").write_text(collection_markdown(c), encoding="utf-8")
