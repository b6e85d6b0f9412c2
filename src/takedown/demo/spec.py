"""Operation specs: the few numbers that make a synthetic operation look like one row of the
archive's release list (accounts, tweets, span, language and client mixes, clock), so a benchmark
can build operations that differ as the real ones do (issue 18 item 6).

A spec is a validated pydantic model; `operation` turns it into the generator's Operation, built
on a preset's texts, names and planted effects. The two presets are specs too (`SPECS`): a spec
equal to a preset's own gives that preset unchanged. Any other span gets a flat calendar (no
topic schedule, volume shape or creation waves: those are dated events of the preset's own span).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from takedown.demo.china import CHINA
from takedown.demo.params import Operation
from takedown.demo.russia import RUSSIA

BASES: dict[str, Operation] = {"china": CHINA, "russia": RUSSIA}
FIRST_SNOWFLAKE = dt.date(2010, 11, 4)  # tweet ids before this day were not time-ordered
MAX_TWEETS = 100_000_000
_Mix = dict[str, float]


def _mix(v: _Mix, what: str) -> _Mix:
    """Shares in (0, 1] that sum to at most 1, normalized to sum to 1 (a release's top
    languages or clients leave the rest out)."""
    if not v or len(v) > 12:
        raise ValueError(f"give 1 to 12 {what} with their shares")
    if any(not (0 < p <= 1) for p in v.values()):
        raise ValueError(f"every share must be in (0, 1]; got {sorted(v.values())}")
    total = sum(v.values())
    if total > 1 + 1e-6:
        raise ValueError(f"the shares sum to {total:.4f}; they must sum to at most 1")
    return {k: p / total for k, p in v.items()}


class OperationSpec(BaseModel):
    """One synthetic operation's shape. Dates are local calendar days (the clock's offset)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")  # also the archive's file prefix
    base: Literal["china", "russia"] = "china"  # whose texts, names and planted effects
    accounts: int = Field(ge=2)  # the archive holds operations of 4 and 6 accounts
    tweets: int = Field(ge=1, le=MAX_TWEETS)
    start: dt.date = Field(ge=FIRST_SNOWFLAKE)
    end: dt.date
    languages: _Mix  # tweet_language code -> share; "und" is emoji and transliteration
    clients: _Mix  # tweet_client_name -> share
    utc_offset_hours: int = Field(ge=-12, le=14)
    working_hours: tuple[int, int] = (9, 18)  # [start, end) local hours, Monday to Friday
    weekend_factor: float = Field(0.3, ge=0, le=1)  # weekend posting relative to a weekday

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: _Mix) -> _Mix:
        bad = [k for k in v if not (k == "und" or k.isascii() and 2 <= len(k) <= 7)]
        if bad:
            raise ValueError(f"language codes are like ru, en, zh-cn or und; got {bad}")
        if set(v) == {"und"}:
            raise ValueError("give at least one language besides und")
        return _mix(v, "languages")

    @field_validator("clients")
    @classmethod
    def _clients(cls, v: _Mix) -> _Mix:
        if any(not k.strip() or "," in k or "\n" in k for k in v):
            raise ValueError("client names are non-empty, without commas or line breaks")
        return _mix(v, "clients")

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not (0 <= v[0] < v[1] <= 24):
            raise ValueError(f"start and end hours with 0 <= start < end <= 24; got {list(v)}")
        return v

    @field_validator("tweets")
    @classmethod
    def _tweets(cls, v: int, info: ValidationInfo) -> int:
        accounts = info.data.get("accounts")
        if accounts is not None and v < accounts:
            raise ValueError(f"{v} tweets for {accounts} accounts: every account tweets")
        return v

    @field_validator("end")
    @classmethod
    def _end(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and v <= start:
            raise ValueError(f"the last day ({v}) must come after the first ({start})")
        return v


def load_spec(data: dict) -> OperationSpec:
    """A validated spec, or a ValueError naming the field and what is wrong with it."""
    try:
        return OperationSpec.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        field = ".".join(str(p) for p in e["loc"]) or "(spec)"
        msg = e["msg"].removeprefix("Value error, ")
        raise ValueError(f"operation spec: field {field}: {msg}") from None


def spec_of(op: Operation) -> OperationSpec:
    """The spec of a preset operation (its sizes, span, mixes and clock)."""
    return OperationSpec(
        name=op.name, base=op.name, accounts=op.default_accounts, tweets=op.default_tweets,
        start=dt.date.fromisoformat(op.start), end=dt.date.fromisoformat(op.end),
        languages=dict(zip(op.langs, op.lang_p, strict=True)),
        clients=dict(zip(op.clients, op.client_p, strict=True)),
        utc_offset_hours=op.utc_offset_min // 60, working_hours=op.working_hours,
        weekend_factor=op.weekend_factor,
    )  # fmt: skip


SPECS: dict[str, OperationSpec] = {name: spec_of(op) for name, op in BASES.items()}


def _hour_rates(h0: int, h1: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Weekday rates: busy inside working hours, a shoulder hour either side, quiet at night;
    weekend rates: a little all day."""
    wd = [1.0 if h0 <= h < h1 else 0.35 if h in (h0 - 1, h1) else 0.04 for h in range(24)]
    we = [0.4 if 9 <= h < 22 else 0.05 for h in range(24)]
    return tuple(wd), tuple(we)


def _flat_calendar(spec: OperationSpec) -> dict:
    """A calendar without dated events, for a span that is not the preset's."""
    span = (spec.end - spec.start).days
    return dict(
        volume_base=1.0, volume_set=(), volume_mul=(), topic_steps=(), topic_ramps=(), waves=(),
        creation_range=((spec.start - dt.timedelta(days=5 * 365)).isoformat(),
                        (spec.start - dt.timedelta(days=8)).isoformat()),
        first_window_days=max(1, span // 3),
        first_by=(spec.start + dt.timedelta(days=max(1, span // 2))).isoformat(),
        clusters_from=spec.start.isoformat(),
        dormant_first_tweet=(spec.start.isoformat(), spec.start.isoformat()),
    )  # fmt: skip


def operation(spec: OperationSpec) -> Operation:
    """The generator's Operation for a spec: the base preset itself when the spec is its own,
    else the base with the spec's sizes, span, mixes and clock."""
    base = BASES[spec.base]
    if spec == SPECS[spec.base]:
        return base
    if spec.name in BASES:
        raise ValueError(f"operation spec: field name: {spec.name!r} is a preset; choose another")
    off = spec.utc_offset_hours
    kind = tuple(0 if c == base.langs[0] else 2 if c == "und" else 1 for c in spec.languages)
    wd, we = _hour_rates(*spec.working_hours)
    scale = spec.tweets / base.default_tweets
    same_span = (spec.start.isoformat(), spec.end.isoformat()) == (base.start, base.end)
    return dataclasses.replace(
        base, name=spec.name, file_prefix=spec.name,
        timezone="UTC" if off == 0 else f"Etc/GMT{-off:+d}", utc_offset_min=60 * off,
        start=spec.start.isoformat(), end=spec.end.isoformat(),
        working_hours=spec.working_hours, weekend_factor=spec.weekend_factor,
        hours_weekday=wd, hours_weekend=we,
        langs=tuple(spec.languages), lang_p=tuple(spec.languages.values()), lang_kind=kind,
        clients=tuple(spec.clients), client_p=tuple(spec.clients.values()),
        default_accounts=spec.accounts, default_tweets=spec.tweets,
        clusters=max(5, round(base.clusters * scale)), rings=max(2, round(base.rings * scale)),
        plant_engagement=False, absent_columns=(), expected_unavailable=(),
        **({} if same_span else _flat_calendar(spec)),
    )  # fmt: skip
