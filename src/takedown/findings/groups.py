"""Groups: the core findings broken down by an account attribute the data carries.

The attribute is a users column: those a profile names under `group_by`, else the ones the
archive's adapters keep (IRA's account_category, account_type, region) when the data has them.
Per group: accounts, tweets, the zero-follower and retweet shares, the top languages and the
hour-of-day clock (see `group_table`). The findings quote numbers only, never a group's name:
group names are data. The clock is read on the posting-clock section's clock (UTC unless the
profile declares a timezone the data does not call into doubt), so no operator clock is claimed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from takedown.db import open_dataset
from takedown.errors import ProfileError
from takedown.findings import clock_offset as co
from takedown.findings import clock_verdict as cv
from takedown.findings import group_table as gt
from takedown.findings.contract import Coverage, Finding, Unit, ok, unavailable
from takedown.findings.proportion import proportion
from takedown.profile import GROUP_COLUMN, Profile

DEFAULT_COLUMNS = ("account_category", "account_type", "region")
# Users columns that name or describe one account, never a group of them (for `group_like`).
NOT_GROUPS = ("userid", "user_display_name", "user_screen_name", "user_profile_description",
              "user_profile_url", "user_reported_location")  # fmt: skip
MAX_DRAFT_VALUES = 30  # a users text column with 2 to this many distinct values looks like groups
MIN_CLOCK_TWEETS = 240  # 10 a hour on average: fewer draw noise, not a clock

SPEC: dict[str, tuple[Unit, str]] = {
    "attribute": (Unit.text, "Account attribute the figure and findings break down by"),
    "attributes": (Unit.text, "Account attributes the table breaks down by"),
    "groups": (Unit.count, "Distinct values of the attribute"),
    "shown": (Unit.count, "Groups shown one by one (the largest by accounts)"),
    "other_groups": (Unit.count, "Smaller groups pooled as other"),
    "accounts_without_group": (Unit.count, "Accounts with no value for the attribute"),
    "largest_group_share": (Unit.share, "Share of accounts with a value in the largest group"),
    "zero_follower_share_low": (Unit.share, "Lowest zero-follower share of a group shown"),
    "zero_follower_share_high": (Unit.share, "Highest zero-follower share of a group shown"),
    "retweet_share_low": (Unit.share, "Lowest retweet share of a group shown"),
    "retweet_share_high": (Unit.share, "Highest retweet share of a group shown"),
    "top_languages": (Unit.count, "Distinct languages that top a group shown"),
    "clock_shown": (Unit.text, "Clock the per-group hours are read on"),
    "clock_reading": (Unit.text, "Which clock the per-group hours show, and why"),
    "clock_groups": (Unit.count, "Groups with enough tweets to draw their clock"),
    "clock_too_few": (Unit.count, "Groups with too few tweets to draw a clock"),
    "clock_min_tweets": (Unit.count, "Tweets a group needs for its clock to be drawn"),
}


def _f(name: str, value: object, **kw: object) -> Finding:
    unit, label = SPEC[name]
    return ok(f"groups.{name}", value, unit=unit, label=label, **kw)  # type: ignore[arg-type]


def _na(names: list[str], reason: str) -> list[Finding]:
    return [unavailable(f"groups.{k}", unit=SPEC[k][0], label=SPEC[k][1], reason=reason)
            for k in names]  # fmt: skip


def unknown_column(profile: Profile, users_columns: list[str]) -> str | None:
    """The first `group_by` column the users table does not have, or None."""
    return next((c for c in profile.group_by or [] if c not in users_columns), None)


def check_group_by(profile: Profile, profile_path: Path, dataset_dir: Path) -> None:
    """Before any notebook runs: every `group_by` column is a column of the users file, else
    one error naming the profile and the column (and the users columns one may name)."""
    if not profile.group_by:
        return
    con = open_dataset(dataset_dir)
    try:
        have = [r[0] for r in con.execute("DESCRIBE users").fetchall()]
    finally:
        con.close()
    unknown = unknown_column(profile, have)
    if unknown:
        names = [c for c in have if re.match(GROUP_COLUMN, c)]  # never quote odd header text
        raise ProfileError(
            f"{profile_path}: field group_by: column {unknown!r} is not in this dataset's users "
            f"file; name one of its columns ({', '.join(names)}) or remove it"
        )


def group_like(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> list[str]:
    """Users text columns with between 2 and MAX_DRAFT_VALUES distinct values: candidates a
    draft profile lists for `group_by` (one aggregate scan)."""
    text = [r[0] for r in con.execute("DESCRIBE users").fetchall()
            if r[1] == "VARCHAR" and r[0] not in NOT_GROUPS and re.match(GROUP_COLUMN, r[0])
            and coverage.has("users", r[0])]  # fmt: skip
    if not text:
        return []
    counts = con.execute(
        "SELECT " + ", ".join(f'count(DISTINCT "{c}")' for c in text) + " FROM users"
    ).fetchone()
    return [c for c, n in zip(text, counts, strict=True) if 2 <= n <= MAX_DRAFT_VALUES]


def columns(profile: Profile, coverage: Coverage) -> tuple[list[str], str | None]:
    """(the users columns to break down by, why there are none). A column named by the
    profile that the users table lacks altogether is the caller's error (`unknown_column`)."""
    named = profile.group_by
    wanted = list(named) if named is not None else list(DEFAULT_COLUMNS)
    unknown = unknown_column(profile, list(coverage.columns.get("users", {})))
    if unknown:
        raise ValueError(f"group_by: column {unknown!r} is not in this dataset's users file")
    usable = [c for c in wanted if coverage.has("users", c)]
    if usable:
        return usable, None
    if not coverage.rows.get("users"):
        return [], "the users file of this dataset has no rows"  # no apostrophe: see below
    if named is not None and not named:
        return [], "group_by in the profile names no column"
    if named:
        return [], "; ".join(str(coverage.missing("users", c)) for c in named)
    # Reasons are quoted through {{< var >}}: no apostrophe, which Quarto would curl and the
    # built-in composer not.
    return [], (
        "the users file of this dataset carries none of the account attributes "
        f"{', '.join(DEFAULT_COLUMNS)}, and the profile names no group_by column"
    )


def shown_clock(con: duckdb.DuckDBPyConnection, profile: Profile) -> cv.Clock:
    """The posting-clock section's clock: the profile's timezone only when the offset fit does
    not call it into doubt, else UTC (an undeclared or ambiguous clock is never assumed)."""
    if profile.timezone is None:
        return cv.choose_clock(con, profile, None)
    weekday, counts = co.day_hour_counts(con)
    fit = co.fit(weekday, counts, cv.fit_hours(profile)) if len(weekday) >= co.MIN_DAYS else None
    return cv.choose_clock(con, profile, fit)


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """The breakdown's findings for the first attribute, or every one unavailable with why."""
    cols, reason = columns(profile, coverage)
    if reason:
        return _na(list(SPEC), reason)
    col = cols[0]
    table = gt.breakdown(con, col, coverage)
    groups = table[table["kind"] == "group"]
    with_value = int(table.loc[table["kind"] != "none", "accounts"].sum())
    n_groups = int(table.loc[table["kind"] != "none", "groups"].sum())
    method = f"accounts by their value of the users column {col}; the {gt.MAX_GROUPS} largest by accounts shown one by one"  # noqa: E501
    out = [
        _f("attribute", col, n=with_value, method=method),
        _f("attributes", ", ".join(cols), method="users columns named by the profile's group_by, "
           f"else those of {', '.join(DEFAULT_COLUMNS)} the data holds"),
        _f("groups", n_groups, n=with_value, method=method),
        _f("shown", len(groups), method=method),
        _f("other_groups", n_groups - len(groups), method=method),
        _f("accounts_without_group", int(table.loc[table["kind"] == "none", "accounts"].sum()),
           method=f"accounts whose {col} is empty"),
        proportion("groups.largest_group_share", int(groups["accounts"].max()), with_value,
                   label=SPEC["largest_group_share"][1], method=method),
    ]  # fmt: skip
    out += _range(groups, coverage, "zero_follower_share", "zero_followers", "follower_n",
                  ("users", "follower_count"), "accounts whose follower_count is 0")  # fmt: skip
    out += _range(groups, coverage, "retweet_share", "retweets", "retweet_n",
                  ("tweets", "is_retweet"), "tweets marked as retweets")  # fmt: skip
    out += _languages(groups, coverage)
    return out + _clock(con, profile, coverage, table)


def _range(
    groups: pd.DataFrame, coverage: Coverage, name: str, k: str, n: str,
    need: tuple[str, str], what: str,
) -> list[Finding]:  # fmt: skip
    """The lowest and highest share among the groups shown, each with its Wilson interval."""
    names = [f"{name}_low", f"{name}_high"]
    reason = coverage.missing(*need)
    if reason:
        return _na(names, reason)
    rows = groups[groups[n] > 0]
    if rows.empty:
        return _na(names, f"no group shown has a value of {need[1]}")
    share = rows[k] / rows[n]
    out = []
    for fid, pick in zip(names, (share.idxmin(), share.idxmax()), strict=True):
        out.append(proportion(f"groups.{fid}", int(rows.loc[pick, k]), int(rows.loc[pick, n]),
                              label=SPEC[fid][1], method=f"{what}, per group shown (the "
                              "group's n is its own count)"))  # fmt: skip
    return out


def _languages(groups: pd.DataFrame, coverage: Coverage) -> list[Finding]:
    reason = coverage.missing("tweets", "tweet_language")
    if reason:
        return _na(["top_languages"], reason)
    tops = groups["top_language"].dropna()
    if tops.empty:
        return _na(["top_languages"], "no tweet of a group shown carries a language label")
    return [_f("top_languages", int(tops.nunique()), n=len(tops),
               method="the most common tweet language label of each group shown; tweets "
                      "without a label count in the group's total only")]  # fmt: skip


def _clock(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage, table: pd.DataFrame
) -> list[Finding]:
    names = ["clock_shown", "clock_reading", "clock_groups", "clock_too_few", "clock_min_tweets"]
    reason = coverage.missing("tweets", "tweet_time")
    if reason:
        return _na(names, reason)
    clk = shown_clock(con, profile)
    drawn = table[table["kind"] != "none"]
    enough = int((drawn["tweets"] >= MIN_CLOCK_TWEETS).sum())
    method = (f"hour of day on {clk.shown}; a group (or the pooled other groups) is drawn when "
              f"it has at least {MIN_CLOCK_TWEETS} tweets")  # fmt: skip
    f: Callable[..., Finding] = _f
    return [
        f("clock_shown", clk.shown, method="the posting-clock section's clock"),
        f("clock_reading", clk.reading),
        f("clock_groups", enough, n=len(drawn), method=method),
        f("clock_too_few", len(drawn) - enough, n=len(drawn), method=method),
        f("clock_min_tweets", MIN_CLOCK_TWEETS, method=method),
    ]


def hours(con: duckdb.DuckDBPyConnection, column: str, coverage: Coverage, tz: str) -> pd.DataFrame:
    """The figure's frame: per bucket and hour, tweets and the share of the bucket's tweets."""
    df = gt.clock(con, column, coverage, tz)
    df["share"] = df["tweets"] / df.groupby(["kind", "group"], dropna=False)["tweets"].transform(
        "sum"
    )
    return df
