"""takedown profile init: draft a profile from an ingested dataset, for a person to edit.

Every suggestion is written with a YAML comment saying what the field does and where the value
came from. Candidate topics are written commented out: a profile nobody reviewed renders with no
topic section rather than with machine-picked topics under placeholder names.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import TZPATH, ZoneInfo, available_timezones

import duckdb

from takedown.db import measure_coverage, open_dataset
from takedown.errors import TakedownError
from takedown.findings import candidates, clock_fit, clock_offset, entities, groups, traits
from takedown.findings.clock_fit import DEFAULT_START
from takedown.ingest.dataset import check_dataset_name, load_dataset
from takedown.pipeline.profile_text import draft_text
from takedown.profile import load_profile

# Zones suggested by a dominant tweet language, tried first when they sit at the fitted offset.
LANGUAGE_ZONES: dict[str, tuple[str, ...]] = {
    "zh": ("Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong"),
    "ru": ("Europe/Moscow",),
    "tr": ("Europe/Istanbul",),
    "ar": ("Asia/Riyadh", "Africa/Cairo", "Asia/Dubai"),
    "fa": ("Asia/Tehran",),
    "th": ("Asia/Bangkok",),
    "id": ("Asia/Jakarta",),
    "ko": ("Asia/Seoul",),
    "ja": ("Asia/Tokyo",),
    "es": ("Europe/Madrid", "America/Caracas", "America/Mexico_City"),
    "sr": ("Europe/Belgrade",),
}
# Then one canonical major zone per offset, in this order; the first at the offset wins.
PREFERRED_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Athens", "Europe/Moscow", "Asia/Dubai",
    "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo",
    "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo", "America/Caracas",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu",
)  # fmt: skip
REGIONS = (
    "Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
    "Pacific",
)  # fmt: skip


@cache
def canonical_zones() -> frozenset[str]:
    """Zones named in the tz database's zone1970.tab (no backward-compatible links such as
    Asia/Chungking); every available Region/City zone when no zone1970.tab can be found."""
    spec = importlib.util.find_spec("tzdata")  # the zone data wheel, where there is no system copy
    extra = [Path(spec.origin).parent / "zoneinfo"] if spec and spec.origin else []
    for base in (*(Path(p) for p in TZPATH), *extra):
        tab = base / "zone1970.tab"
        if tab.is_file():
            rows = tab.read_text(encoding="utf-8").splitlines()
            return frozenset(r.split("\t")[2] for r in rows if r and not r.startswith("#"))
    return frozenset(z for z in available_timezones() if z.split("/", 1)[0] in REGIONS)


def zones_at(offset: int, when: datetime) -> list[str]:
    """Canonical IANA zones whose UTC offset at `when` is `offset` whole hours, sorted."""
    naive = when.replace(tzinfo=None)
    return sorted(
        z
        for z in canonical_zones() & available_timezones()
        if ZoneInfo(z).utcoffset(naive).total_seconds() == offset * 3600
    )


def pick_zone(offset: int, when: datetime, langs: list[str]) -> tuple[str, list[str], str]:
    """(chosen zone, all matching zones, why): language hints, then PREFERRED_ZONES, then the
    fixed-offset Etc zone (whose sign is inverted by POSIX convention)."""
    matching = zones_at(offset, when)
    for lang in langs:
        for z in LANGUAGE_ZONES.get(lang, ()):
            if z in matching:
                return z, matching, f"the zone suggested by the dominant language {lang!r}"
    for z in PREFERRED_ZONES:
        if z == "UTC" and offset == 0 or z in matching:
            return z, matching, "the first match in the preference list of major zones"
    etc = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    return etc, matching, "no major zone matched: a fixed-offset zone"


def start_band(fit: clock_fit.OffsetFit) -> tuple[int, int]:
    """Offsets the clock allows once the local start of the working day is unknown.

    The fit assumes a day starting at DEFAULT_START; the data fixes only when the day falls in
    UTC. A day starting between EARLIEST_START and LATEST_START local time moves the offset by
    as many hours, on top of the bootstrap range (the report's `clock_verdict.allowed`)."""
    band = clock_offset.start_band(tuple(fit.plausible), DEFAULT_START)
    return band[0], band[-1]


def choose_offset(
    fit: clock_fit.OffsetFit, when: datetime, langs: list[str]
) -> tuple[int, tuple[str, list[str], str]]:
    """(offset, (zone, matching zones, why)): a zone suggested by a dominant language when its
    offset lies inside start_band (the clock cannot tell it from the fit), else the fit's."""
    low, high = start_band(fit)
    naive = when.replace(tzinfo=None)
    for lang in langs:
        for z in LANGUAGE_ZONES.get(lang, ()):
            off = ZoneInfo(z).utcoffset(naive).total_seconds() / 3600
            if off.is_integer() and low <= off <= high:
                off = int(off)
                start = DEFAULT_START + off - fit.best
                why = (
                    f"the zone suggested by the dominant language {lang!r}; at {_off(off)} the "
                    f"working day starts at {start:02d}:00 local, within the clock's range"
                )
                return off, (z, zones_at(off, when), why)
    return fit.best, pick_zone(fit.best, when, [])


def _off(o: int) -> str:
    return f"UTC{o:+d}" if o else "UTC"


# Tweets the draft reads its text facts (scripts, hashtags, terms) from: a larger operation's
# draft reads this many, the first in hash order of tweetid (the same data, the same sample),
# and says so. The clock, span and languages are always read from every tweet.
DRAFT_TEXT_SAMPLE = 400_000  # above the China demo (348,608): its draft reads every tweet


def gather(dataset_dir: Path, text_sample: int = DRAFT_TEXT_SAMPLE) -> dict:
    """Every fact the draft states, from SQL over the dataset's Parquet files."""
    ds = load_dataset(dataset_dir)
    con = open_dataset(dataset_dir)
    con.execute("SET enable_progress_bar = false")
    cov = ds.coverage or measure_coverage(con)
    facts: dict = {"dataset": ds, "coverage": cov, "missing": {}, "text_sample": None}
    facts["span"] = traits.span(con) if cov.has("tweets", "tweet_time") else None
    why = cov.missing("tweets", "tweet_language")
    facts["languages"] = traits.languages(con) if not why else None
    facts["missing"]["languages"] = why
    facts["group_columns"] = groups.group_like(con, cov)
    why = cov.missing("tweets", "tweet_time")
    facts["missing"]["clock"] = why
    fit = clock_fit.fit_offset(con) if not why else None
    facts["fit"] = fit
    if fit is not None:
        langs = list(facts["languages"]["language"]) if facts["languages"] is not None else []
        facts.update(_clock_facts(con, fit, facts["span"]["median"], langs))
    total = cov.rows.get("tweets", 0)
    if total > text_sample:  # from here on, `tweets` is the sample
        # The ids are chosen first: sorting whole rows (texts and all) took 3x as long.
        n = int(text_sample)
        con.execute(f"""CREATE TEMP TABLE _draft_sample AS SELECT * FROM tweets
                        WHERE tweetid IN (SELECT tweetid FROM tweets
                                          ORDER BY hash(tweetid), tweetid LIMIT {n})
                        QUALIFY row_number() OVER (ORDER BY hash(tweetid), tweetid) <= {n};
                        CREATE OR REPLACE TEMP VIEW tweets AS SELECT * FROM _draft_sample""")
        facts["text_sample"] = (int(text_sample), int(total))
    facts.update(_text_facts(con, cov, facts["missing"]))
    return facts


def _text_facts(con: duckdb.DuckDBPyConnection, cov: Any, missing: dict) -> dict:
    """Scripts, Han scripts, candidate terms and hashtags, from `tweets` (maybe a sample)."""
    facts: dict = {}
    why = cov.missing("tweets", "tweet_text")
    missing["text"] = why
    facts["scripts"] = traits.scripts(con) if not why else None
    facts["han"] = traits.han_scripts(con) if not why else {}
    facts["terms"] = candidates.terms_by_quarter(con) if not why else None
    why = entities.missing(cov, "hashtag")
    missing["hashtags"] = why
    if not why:
        entities.create_view(con, cov)  # the hashtags column, or the hashtags in the text
        top = candidates.top_hashtags(con, 30)
        facts["top_hashtags"] = top
        facts["groups"] = candidates.hashtag_groups(con, top)
        facts["hashtags_by_quarter"] = candidates.hashtags_by_quarter(con)
    return facts


def _clock_facts(
    con: duckdb.DuckDBPyConnection, fit: clock_fit.OffsetFit, when: datetime, langs: list[str]
) -> dict:
    """The drafted clock: a named zone and working hours only when the fit singles out one
    offset and the weekday hours show a working day; else the UTC histogram and why not."""
    utc_hours, utc_days = clock_fit.local_hours(con, 0)
    working_day = clock_fit.shows_working_day(utc_hours)
    facts = {"band": start_band(fit), "zone_date": when.date().isoformat(),
             "working_day": working_day, "night_share": clock_fit.night_share(utc_hours)}  # fmt: skip
    if fit.ambiguous or not working_day:
        facts["candidates"] = [(o, fit.shares.get(o, 0.0), pick_zone(o, when, [])[0])
                               for o in sorted(fit.plausible)]  # fmt: skip
        return {**facts, "offset": None, "zone": None, "working_hours": None,
                "hours": utc_hours, "weekdays": utc_days}  # fmt: skip
    offset, zone = choose_offset(fit, when, langs)
    hours, weekdays = clock_fit.local_hours(con, offset)
    return {**facts, "offset": offset, "zone": zone, "hours": hours, "weekdays": weekdays,
            "working_hours": clock_fit.working_hours(hours, weekdays)}  # fmt: skip


def _umask() -> int:
    """The process umask (read by setting it and putting it back: one thread runs here)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


DRAFTED_BY = "# Drafted by takedown library "


def drafted_by() -> str:
    """The draft's first line: the library that wrote it. A draft of an older library may hold
    what that library got wrong (before from_data, drafted hours read as declared), so
    `takedown archive` redrafts its own drafts when this line changes."""
    from takedown.pipeline.execute import library_version

    return f"{DRAFTED_BY}{library_version()}.\n"


def draft(
    dataset: str, *, data_dir: Path, out: Path | None = None, force: bool = False
) -> tuple[Path, dict]:
    """Write the draft profile for `dataset` to `out` (default profiles/<dataset>.yml).

    Refuses to overwrite without `force`; the file appears (by rename) only once it validates.
    """
    check_dataset_name(dataset, "dataset")
    out = out or Path("profiles") / f"{dataset}.yml"
    if out.exists() and not force:
        raise TakedownError(
            f"{out}: already exists; pass --force to overwrite or --out another file"
        )
    if out.exists() and not out.is_file():
        raise TakedownError(f"{out}: not a file; pass --out profiles/<name>.yml")
    facts = gather(data_dir / dataset)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", dataset)
    text = drafted_by() + draft_text(name, facts, created=datetime.now(UTC))
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # an ordinary file, not mkstemp's 0600
            os.fsync(f.fileno())
        load_profile(Path(tmp))  # the draft must be a valid profile as written
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise TakedownError(f"--out {out}: cannot write there ({exc.strerror})") from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        if not out.exists():  # nothing written: leave no folder behind
            for p in made:
                if p.is_dir() and not any(p.iterdir()):
                    p.rmdir()
    return out, facts
