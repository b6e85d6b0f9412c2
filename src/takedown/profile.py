"""Dataset profiles: what differs between takedowns, written as YAML rather than code.

Validated when read; an invalid profile is one error line naming the file and the field.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from takedown.errors import ProfileError

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkingHours(Strict):
    """Local working day: hours in [start, end), on the listed days."""

    start: int = Field(8, ge=0, le=23)
    end: int = Field(17, ge=1, le=24)
    days: list[Weekday] = ["Mon", "Tue", "Wed", "Thu", "Fri"]

    @model_validator(mode="after")
    def _order(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Topic(Strict):
    label: str
    keywords: list[str] = Field(min_length=1)


class Window(Strict):
    name: str
    start: date
    end: date | None = None


class Coordination(Strict):
    window_minutes: int = Field(10, ge=1)
    min_accounts: int = Field(5, ge=2)


class Published(Strict):
    """A figure from a published analysis, set beside the reproduced one in the report."""

    finding: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    label: str
    value: float
    unit: Literal["count", "share", "ratio", "hours", "offset"] = "count"
    source: str
    via_press: bool = False
    tolerance: float = Field(0.0, ge=0)


class Context(Strict):
    """What a published analysis said about this operation, for one report section.

    `text` is Markdown written by the profile's author; `source` names the analysis.
    """

    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    via_press: bool = False


class Profile(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    description: str = ""
    adapter: Literal["twitter_io"] = "twitter_io"
    timezone: str = "UTC"
    working_hours: WorkingHours = WorkingHours()
    languages: list[str] = []
    topics: dict[str, Topic] = {}
    windows: list[Window] = []
    coordination: Coordination = Coordination()
    published: list[Published] = []
    # Per report section (the finding topic, e.g. followers): published context, with sources.
    context: dict[str, list[Context]] = {}

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {v!r} (e.g. Asia/Shanghai)") from None
        return v


def load_profile(path: Path) -> Profile:
    """Read and validate a profile; errors name the file and the first bad field."""
    if not path.exists():
        raise ProfileError(f"{path}: profile not found; pass --profile profiles/<name>.yml")
    if not path.is_file():
        raise ProfileError(f"{path}: not a file; pass --profile profiles/<name>.yml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text; save the profile as UTF-8") from None
    except RecursionError:
        raise ProfileError(
            f"{path}: nested too deeply; a profile is a shallow YAML mapping"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ProfileError(f"{path}:{where} not valid YAML; fix the syntax") from None
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping (name:, title:, timezone: ...)")
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        e = exc.errors()[0]
        field = ".".join(str(p) for p in e["loc"]) or "(top level)"
        raise ProfileError(f"{path}: field {field}: {e['msg']}") from None
