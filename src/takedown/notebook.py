"""What a finding notebook needs in one call: data, profile, a recorder and safe tables.

Notebooks stay thin: `nb = setup(dataset_dir, profile, output_dir, "02_followers")`, then calls
into `takedown.findings`, figures, and `nb.record(...)` for every number the report quotes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from takedown.db import measure_coverage, open_dataset
from takedown.findings.contract import Finding
from takedown.ingest.dataset import Dataset, load_dataset
from takedown.profile import Profile, load_profile
from takedown.schema import Coverage

EXPORTS_DIR = "exports"  # beside findings/ in a notebook's work folder (and its cache entry)
UNITS = ("count", "share", "ratio", "offset", "hours", "days", "date", "text", "number")


def stable(value: Any) -> Any:
    """Floats rounded to 10 significant digits so findings.json is identical across runs."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if hasattr(value, "item"):
        return stable(value.item())
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return float(f"{value:.10g}")
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    return str(value)


def share_text_keys(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, fingerprint: str, derived_dir: Path
) -> None:
    """The render's shared text keys (findings.text_keys.share) under the retweet rule this
    dataset's columns allow; nothing where it has no tweet text. The render calls it too, while
    its kernels start (pipeline/prefetch.py), so both must name the same file."""
    if not coverage.has("tweets", "tweet_text"):
        return
    from takedown.findings import coordination, text_keys

    text_keys.share(con, coordination.retweet_rule(coverage), fingerprint, derived_dir)


@dataclass
class Session:
    """One notebook's run: its data connection, its profile, and the findings it has recorded."""

    notebook: str
    dataset_dir: Path
    output_dir: Path
    profile: Profile
    dataset: Dataset
    con: duckdb.DuckDBPyConnection
    findings: list[dict[str, Any]] = field(default_factory=list)
    derived_dir: Path | None = None  # the render's folder for data its notebooks share

    @property
    def topic(self) -> str:
        return self.notebook.split("_", 1)[1] if "_" in self.notebook else self.notebook

    @property
    def coverage(self) -> Coverage:
        """What the data holds, per column: recorded at ingest, measured here for older ingests."""
        if self.dataset.coverage is None:
            self.dataset = self.dataset.model_copy(update={"coverage": measure_coverage(self.con)})
        return self.dataset.coverage

    @property
    def path(self) -> Path:
        return self.output_dir / f"{self.notebook}.json"

    def share_text_keys(self) -> None:
        """Hash each tweet's normalized text once per render, for the coordination and network
        notebooks (findings.text_keys); run on its own, a notebook computes them itself."""
        if self.derived_dir is not None:
            share_text_keys(self.con, self.coverage, self.dataset.fingerprint, self.derived_dir)

    @property
    def exports(self) -> Path:
        """Files this notebook adds to the version folder: render copies them beside report.html."""
        return self.output_dir.parent / EXPORTS_DIR

    def record(
        self,
        id: str,
        value: Any,
        *,
        unit: str,
        label: str,
        interval: tuple[float, float] | None = None,
        n: int | None = None,
        method: str | None = None,
    ) -> Any:
        """Append a scalar finding `<topic>.<id>` and rewrite this notebook's findings file."""
        if unit not in UNITS:
            raise ValueError(f"unit {unit!r} is not one of {UNITS}")
        fid = f"{self.topic}.{id}"
        if any(f["id"] == fid for f in self.findings):
            raise ValueError(f"finding {fid} recorded twice")
        self.findings.append(
            {
                "id": fid,
                "label": label,
                "value": stable(value),
                "unit": unit,
                "interval": stable(list(interval)) if interval is not None else None,
                "n": int(n) if n is not None else None,
                "method": method,
                "notebook": self.notebook,
            }
        )
        self._write()
        return value

    def publish(self, findings: list[Finding]) -> dict[str, Finding]:
        """Record the library's findings (measured or unavailable); returns them by name."""
        for f in findings:
            if f.topic != self.topic:
                raise ValueError(f"finding {f.id} published by notebook {self.notebook}")
            if any(r["id"] == f.id for r in self.findings):
                raise ValueError(f"finding {f.id} recorded twice")
            row = f.model_dump(mode="json")
            row["value"] = stable(f.value)
            row["interval"] = stable(list(f.interval)) if f.interval is not None else None
            row["notebook"] = self.notebook
            self.findings.append(row)
        self._write()
        return {f.name: f for f in findings}

    def _write(self) -> None:
        self.path.write_text(
            json.dumps(
                {"notebook": self.notebook, "findings": self.findings},
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )

    def table(
        self,
        data: Any,
        columns: Any = None,
        *,
        csv: Any = None,
        label: str | None = None,
        **kw: Any,
    ) -> Any:
        """Show a table as an escaped Markdown pipe table: data text can never become markup.

        Its data (the shown columns unformatted, or `csv` when given) is saved as
        tables/<label>.csv, the label being the running cell's Quarto label unless given.
        """
        from IPython.display import Markdown, display

        from takedown.tables_csv import as_frame
        from takedown.text import md_table

        display(Markdown(md_table(data, columns, **kw)))
        label = label or CELL["label"]
        if label:
            self.save(label, as_frame(data, columns) if csv is None else csv)

    def save(self, label: str, data: Any) -> Path:
        """The data behind figure or table `label` as output_dir/tables/<label>.csv."""
        from takedown.tables_csv import as_frame, table_path, write_csv

        return write_csv(as_frame(data), table_path(self.output_dir, label), self.con)


def setup(
    dataset_dir: str | Path, profile: str | Path, output_dir: str | Path, notebook: str,
    derived_dir: str | Path | None = None,
) -> Session:  # fmt: skip
    """Open the dataset, read the profile, reset this notebook's findings, style the figures.

    `derived_dir` (the render's papermill parameter) is where notebooks of one render share
    data they would each compute (see Session.share_text_keys)."""
    dataset_dir, output_dir = Path(dataset_dir), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    session = Session(
        notebook=notebook,
        dataset_dir=dataset_dir,
        output_dir=output_dir,
        profile=load_profile(Path(profile), check_context=False),  # render checked it
        dataset=load_dataset(dataset_dir),
        con=open_dataset(dataset_dir),
        derived_dir=Path(derived_dir) if derived_dir else None,
    )
    session.path.write_text(json.dumps({"notebook": notebook, "findings": []}) + "\n")
    _style()
    _mark_empty_labelled_cells()
    return session


EMPTY_CELL_TEXT = "Not available for this dataset."
_LABELLED = re.compile(r"^#\|\s*label:\s*(fig|tbl)-", re.M)
_LABEL = re.compile(r"^#\|\s*label:\s*((?:fig|tbl)-[A-Za-z0-9_-]+)\s*$", re.M)
# The Quarto label of the cell running now (None outside a labelled cell or outside IPython).
CELL: dict[str, str | None] = {"label": None}


def cell_label(source: str) -> str | None:
    """The fig-/tbl- label a cell's `#| label:` option gives, if any."""
    m = _LABEL.search(source or "")
    return m.group(1) if m else None


def _mark_empty_labelled_cells() -> None:
    """A labelled figure or table cell that drew nothing still gets one line of output.

    Real Quarto resolves `{{< embed >}}` even inside hidden conditional content and fails on a
    cell without output; the report hides the line wherever the finding is unavailable.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None or getattr(ip, "_takedown_marks_empty", False):
        return
    ip._takedown_marks_empty = True
    shown = {"any": False}
    publish = ip.display_pub.publish

    def counting(*args: Any, **kw: Any) -> Any:
        shown["any"] = True
        return publish(*args, **kw)

    def before(info: Any) -> None:
        shown["any"] = False
        CELL["label"] = cell_label(info.raw_cell)

    def after(result: Any) -> None:
        if not shown["any"] and _LABELLED.search(result.info.raw_cell or ""):
            from IPython.display import Markdown, display

            display(Markdown(EMPTY_CELL_TEXT))

    ip.display_pub.publish = counting
    ip.events.register("pre_run_cell", before)
    ip.events.register("post_run_cell", after)


def _style() -> None:
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({"figure.dpi": 110, "savefig.dpi": 110, "figure.figsize": (8, 3.6)})
    from takedown.figures import use_svg_figures
    from takedown.fonts import register_matplotlib_cjk_font

    register_matplotlib_cjk_font()
    use_svg_figures()


def date_axis(ax: Any, axis: str = "x") -> None:
    """Readable date ticks on a time axis: matplotlib's concise formatter, never overlapping.

    Call it after plotting. Dates in year 1 or 9999 are drawn where they are, but the margin
    matplotlib adds around the data is cut at the years it can draw (1 to 9999), which it
    otherwise refuses with a ValueError (issue 20 item 20).
    """
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))
    get_lim, set_lim = (ax.get_xlim, ax.set_xlim) if axis == "x" else (ax.get_ylim, ax.set_ylim)
    lo, hi = get_lim()
    first, last = mdates.date2num(DRAWABLE[0]), mdates.date2num(DRAWABLE[1])
    if lo < first or hi > last:
        set_lim(max(lo, first), min(hi, last))


# The dates matplotlib can draw (its date ordinals cover years 1 to 9999 only).
DRAWABLE = (datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59))


def log_axis(ax: Any, axis: str = "y") -> None:
    """A log scale whose ticks read 1, 10, 1,000: plain text, since notebooks turn math off.

    Matplotlib's default log labels are mathtext (`$\\mathdefault{10^{5}}$`), which leaks as
    literal text once `text.parse_math` is off for data labels.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    target.set_major_locator(LogLocator(base=10))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    target.set_minor_formatter(NullFormatter())
