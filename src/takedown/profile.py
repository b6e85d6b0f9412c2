"""Dataset profiles: what differs between takedowns, written as YAML rather than code.

Validated when read; an invalid profile is one error line naming the file and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from takedown.errors import ProfileError
from takedown.profile_context import context_fragments
from takedown.profile_source import Source, Strict, check_zone
from takedown.userfiles import MB, read_regular

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The report's sections: one notebook and one findings module each, named by its finding topic.
TOPICS: tuple[str, ...] = (
    "overview", "followers", "posting_clock", "account_creation", "volume", "language", "topics",
    "engagement", "content", "coordination", "networks", "groups",
)  # fmt: skip


class WorkingHours(Strict):
    """Local working day: hours in [start, end), on the listed days.

    `from_data`: the hours were read off this dataset's own clock (a draft), not known from
    outside it. Scored against the same data they would only return the offset they were read
    at, so the report then treats the day's local start as unknown (`clock_verdict`).
    """

    start: int = Field(8, ge=0, le=23)
    end: int = Field(17, ge=1, le=24)
    days: list[Weekday] = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    from_data: bool = False

    @model_validator(mode="after")
    def _order(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


# Bounds on the keyword lexicons: each keyword becomes a pattern the topics query matches.
KEYWORD_MAX_CHARS = 200
KEYWORDS_PER_TOPIC = 2_000
KEYWORDS_TOTAL = 20_000
# Bounds on the published context: every entry is read by pandoc when the profile loads, and
# pandoc's Markdown reader is quadratic in runs of `<`, `>` or backticks (3,000: about 4 s).
CONTEXT_MAX_CHARS = 3_000
CONTEXT_PER_SECTION = 50
CONTEXT_TOTAL_CHARS = 100_000


class Topic(Strict):
    label: str
    keywords: list[Annotated[str, Field(max_length=KEYWORD_MAX_CHARS)]] = Field(
        min_length=1, max_length=KEYWORDS_PER_TOPIC
    )


class TopicGroup(Strict):
    """Tweets holding a keyword of any of several topics, whichever topic they were assigned to
    (e.g. a published "about COVID-19, Hong Kong or both"): finding `topics.<group id>_share`."""

    label: str
    topics: list[str] = Field(min_length=2)


# Topic and group ids become finding ids (`topics.<id>_share`): lower-case words, and none that
# would collide with the topic-wide findings.
TOPIC_ID = r"^[a-z0-9_]+$"
RESERVED_TOPIC_IDS = ("matched", "unmatched", "top_topic", "topics_defined", "other")


# Users columns a profile may break the findings down by (`group_by`): plain column names, a few.
GROUP_COLUMN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
GROUP_BY_MAX = 4


class Coordination(Strict):
    window_minutes: int = Field(10, ge=1)
    min_accounts: int = Field(5, ge=2)


class Sample(Strict):
    """A uniform sample: every `every`-th tweet, counted per account or over the whole file."""

    every: int = Field(ge=2)
    per: Literal["account", "dataset"] = "account"


class Collection(Strict):
    """How the data was collected: free text, and the rate when it is a uniform sample. Counts
    are then counts in the sample; they are never multiplied up."""

    description: str = ""
    sample: Sample | None = None


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

    text: str = Field(min_length=1, max_length=CONTEXT_MAX_CHARS)
    source: str = Field(min_length=1)
    via_press: bool = False


class Profile(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    description: str = ""
    collection: Collection = Collection()
    source: Source = Source()
    # The operator's clock and working day. None: not declared, so the report reads no operator
    # clock into the data (the clock is shown in UTC and no working-hours share is computed).
    timezone: str | None = None
    working_hours: WorkingHours | None = None
    languages: list[str] = []
    topics: dict[str, Topic] = {}
    topic_groups: dict[str, TopicGroup] = {}
    coordination: Coordination = Coordination()
    # Users columns to break the core findings down by (e.g. account_category). None: the
    # account attributes the data carries (findings.groups.DEFAULT_COLUMNS); []: no breakdown.
    group_by: list[str] | None = Field(None, max_length=GROUP_BY_MAX)
    published: list[Published] = []
    # Per report section (the finding topic, e.g. followers): published context, with sources.
    context: dict[str, Annotated[list[Context], Field(max_length=CONTEXT_PER_SECTION)]] = {}

    @field_validator("context")
    @classmethod
    def _context_topics(cls, v: dict[str, list[Context]]) -> dict[str, list[Context]]:
        unknown = sorted(set(v) - set(TOPICS))
        if unknown:
            raise ValueError(
                f"unknown section {unknown[0]!r}; context keys are report sections: "
                + ", ".join(TOPICS)
            )
        total = sum(len(e.text) for entries in v.values() for e in entries)
        if total > CONTEXT_TOTAL_CHARS:
            raise ValueError(
                f"{total:,} characters of text in all; at most {CONTEXT_TOTAL_CHARS:,}"
            )
        return v

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, v: list[str] | None) -> list[str] | None:
        for name in v or []:
            if not re.match(GROUP_COLUMN, name):
                raise ValueError(
                    f"{name!r} is not a column name (letters, digits and _, not starting with a "
                    "digit)"
                )
        if v is not None and len(set(v)) != len(v):
            raise ValueError("a column is named twice; name each column once")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return None if v is None else check_zone(v)

    @field_validator("topics")
    @classmethod
    def _keyword_total(cls, v: dict[str, Topic]) -> dict[str, Topic]:
        total = sum(len(t.keywords) for t in v.values())
        if total > KEYWORDS_TOTAL:
            raise ValueError(
                f"{total:,} keywords in all; at most {KEYWORDS_TOTAL:,} (merge or prune topics)"
            )
        return v

    @model_validator(mode="after")
    def _topic_ids(self) -> Profile:
        for tid in [*self.topics, *self.topic_groups]:
            if not re.match(TOPIC_ID, tid) or tid in RESERVED_TOPIC_IDS:
                raise ValueError(
                    f"topic id {tid!r}: use lower-case letters, digits and _ "
                    f"(not {', '.join(RESERVED_TOPIC_IDS)})"
                )
        for gid, group in self.topic_groups.items():
            if gid in self.topics:
                raise ValueError(f"topic group {gid!r} has the id of a topic")
            unknown = [t for t in group.topics if t not in self.topics]
            if unknown:
                raise ValueError(f"topic group {gid!r} names unknown topics {unknown}")
        return self


# libyaml's parser where PyYAML has it: the pure-Python one took 0.14 s of CPU for the China
# profile, in every notebook of every render.
_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64  # mappings and lists inside each other; a real profile nests five deep
DEEP = "nested too deeply; a profile is a shallow YAML mapping"


class _UniqueKeyLoader(_SAFE_LOADER):
    """YAML's safe loader, refusing a key given twice in one mapping (plain YAML keeps the last,
    so a second `context:` block would silently drop the first). `_check_events` has refused
    anchors, aliases and deep nesting before it runs."""


def _check_events(text: str) -> None:
    """Refuse anchors and aliases (a few KB of aliases expand to millions of keywords) and
    nesting deeper than MAX_DEPTH (libyaml's composer recurses in C), from the event stream,
    which neither expands nor recurses."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ProfileError(
                    f"line {event.start_mark.line + 1}: YAML anchors and aliases (&name, *name) "
                    "are not allowed in a profile; write the values out"
                )
            depth += isinstance(event, yaml.CollectionStartEvent)
            depth -= isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:
                raise ProfileError(DEEP)
    except yaml.YAMLError as exc:  # libyaml's own limit (1,000 levels), met first in [[[...
        if "nesting depth" in str(getattr(exc, "problem", "")):
            raise ProfileError(DEEP) from None
        raise


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ProfileError(
                f"line {key_node.start_mark.line + 1}: key {key!r} appears twice in one mapping; "
                "merge the two entries"
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


MAX_PROFILE_BYTES = MB  # a profile is a few KB; 30 MB took minutes to parse (issue 20 item 17)
PROFILE_HOW = "a profile is a short YAML file; pass --profile profiles/<name>.yml"


def load_profile(path: Path, *, check_context: bool = True) -> Profile:
    """Read and validate a profile; errors name the file and the first bad field.

    `check_context=False` skips reading the context with pandoc, for the notebooks, which run
    only after render has loaded the same profile with it."""
    if not path.exists():
        raise ProfileError(f"{path}: profile not found; pass --profile profiles/<name>.yml")
    if not path.is_file():
        raise ProfileError(f"{path}: not a file; pass --profile profiles/<name>.yml")
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping (name:, title:, timezone: ...)")
    profile = _validated(raw, path)
    return _context_checked(profile, path) if check_context else profile


def _read_yaml(path: Path) -> Any:
    """The profile's YAML as Python values; each way it can fail is one line naming the file."""
    data = read_regular(path, MAX_PROFILE_BYTES, PROFILE_HOW, ProfileError)  # FIFO, size
    try:
        text = data.decode("utf-8")
        _check_events(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from None
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


def _validated(raw: dict, path: Path) -> Profile:
    """The model of a profile mapping; an error names the first bad field, with a hint when YAML
    read a text value as a number or a boolean."""
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        e = exc.errors()[0]
        field = ".".join(str(p) for p in e["loc"]) or "(top level)"
        hint = ""
        if e["type"] == "string_type" and isinstance(e.get("input"), (int, float, bool)):
            hint = "; YAML read it as a number or true/false: put the value in quotes"
        raise ProfileError(f"{path}: field {field}: {e['msg']}{hint}") from None


def _context_checked(profile: Profile, path: Path) -> Profile:
    """The profile, once its context reads as prose that stays in its callouts (before any
    notebook runs; errors name the file and the line of the entry's text)."""
    context_fragments(profile, path)
    return profile
