"""Topics: the profile's keyword lexicons applied to every tweet, and their shares over time.

A tweet's topic is the first of the profile's topics whose keywords it contains (case-folded
substring match, keywords in every script the data uses); a tweet matching none is `other`.
Keywords are literal (regex metacharacters escaped). The unmatched share is reported, so a thin
lexicon shows. Rises are 7-day sums far above the topic's own earlier level, dated to their
onset. A profile's topic groups ("about A, B or both") are flagged in the same single scan that
assigns topics.
Without a lexicon, or without tweet text, every topic finding is unavailable: never "0 topics".
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, Unit, ok, unavailable
from takedown.findings.keywords import OTHER, topic_days_sql
from takedown.findings.proportion import missing_all, proportion
from takedown.profile import Profile

RULE = (
    "each tweet takes the first of the profile's topics (in profile order) with a keyword in its "
    "text (case-insensitive literal substring); tweets matching none, or without text, are unmatched"
)
RISE_FACTOR = 3.0  # a week at this many times the topic's own level takes off
RISE_LEVEL_DAYS = 28  # the topic's own level: its weekly mean over the 28 days before the week
RISE_FLOOR = 5  # tweets a week: a lower level reads as this, so noise on a quiet topic is no rise
RISE_RULE = (
    f"7-day sum reaching {RISE_FACTOR:g}x the topic's own level (its weekly mean over the "
    f"{RISE_LEVEL_DAYS} days before, at least {RISE_FLOOR:g} tweets), whatever its busiest week; "
    "dated to the first day of that week above the earlier level (daily mean + 3 sqrt(mean))"
)
MAX_RISES = 3  # rise dates recorded per topic


def assign(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Count tweets per UTC day, assigned topic and group flags, in one scan of tweets.

    Leaves topic_days(day, topic, g_<group>..., n): a few thousand rows however many tweets,
    from which the overall, monthly and daily counts are read. Each topic group's boolean
    column says the tweets hold a keyword of any of its topics, whatever topic they took.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE topic_days AS {topic_days_sql(profile)}")


def overall(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets and share of all tweets per assigned topic (after `assign`)."""
    return con.execute(
        """SELECT topic, CAST(sum(n) AS BIGINT) AS tweets, sum(n) / sum(sum(n)) OVER () AS share
           FROM topic_days GROUP BY topic ORDER BY tweets DESC"""
    ).df()


def monthly_shares(con: duckdb.DuckDBPyConnection, topics: list[str]) -> pd.DataFrame:
    """Months x topics, each row summing to 1 (the normalized distribution ASPI published)."""
    df = con.execute(
        """SELECT strftime(day, '%Y-%m') AS month, topic, CAST(sum(n) AS BIGINT) AS n
           FROM topic_days GROUP BY ALL"""
    ).df()
    wide = df.pivot(index="month", columns="topic", values="n").fillna(0)
    for t in [*topics, OTHER]:
        if t not in wide:
            wide[t] = 0.0
    wide = wide[[*topics, OTHER]].sort_index()
    totals = wide.sum(axis=1)
    shares = wide.div(totals, axis=0)
    shares["n"] = totals.astype(int)
    return shares


def daily(con: duckdb.DuckDBPyConnection, topics: list[str]) -> pd.DataFrame:
    """Days x topics tweet counts over the whole span, zero days included."""
    df = con.execute(
        """WITH r AS (SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE) AS day
                      FROM topic_days)
           SELECT r.day, t.topic, CAST(coalesce(sum(t.n), 0) AS BIGINT) AS n
           FROM r LEFT JOIN topic_days t USING (day) GROUP BY ALL"""
    ).df()
    days = sorted(df["day"].unique())
    wide = df.dropna(subset=["topic"]).pivot_table(
        index="day", columns="topic", values="n", aggfunc="sum", fill_value=0
    )
    # days without tweets have no topic: put them back as zeros, so positions are days
    wide = wide.reindex(days, fill_value=0)
    wide.index.name = "day"
    for t in [*topics, OTHER]:
        if t not in wide:
            wide[t] = 0
    return wide[[*topics, OTHER]].astype("int64")


def rolling(per_day: pd.DataFrame, days: int = 7) -> pd.DataFrame:
    """Tweets per UTC day by topic (and none) from `daily`, as a `days`-day rolling mean."""
    per = per_day.copy()
    per.index = pd.to_datetime(per.index)
    return per.rolling(days, min_periods=1).mean()


def rises(series: pd.Series, factor: float = RISE_FACTOR) -> list[str]:
    """Days a topic takes off against its own past, dated to the rise's onset.

    A day is flagged when the topic's 7-day sum ending there reaches `factor` x its level before
    that week: the weekly mean over the RISE_LEVEL_DAYS days before (at least a week of them),
    floored at RISE_FLOOR. No gate relative to the busiest week: an early rise from 55 to 345
    tweets a week counts however large a later peak. Runs of flagged days count once. The date
    is the onset: the first day of that week above the earlier level (daily mean + 3 x its
    square root, the Poisson noise), so a rise is not dated up to six days late.
    """
    x = series.astype(float).to_numpy()
    days = [pd.Timestamp(d) for d in series.index]
    # full weeks only: a partial first week would make any topic "rise" off the series' edge
    week = pd.Series(x).rolling(7, min_periods=7).sum().to_numpy()
    daily_level = pd.Series(x).rolling(RISE_LEVEL_DAYS, min_periods=7).mean().shift(7).to_numpy()
    level = np.maximum(7 * daily_level, RISE_FLOOR)
    with np.errstate(invalid="ignore"):
        flag = week >= factor * level  # NaN (no full week, or no week before it) is False
    out: list[str] = []
    last: int | None = None
    for i in np.flatnonzero(flag):
        if last is None or (days[i] - days[last]).days > 7:
            out.append(days[_onset(x, int(i), level[i] / 7)].date().isoformat())
        last = int(i)
    return out


def _onset(x: np.ndarray, i: int, daily: float) -> int:
    """First day of the week ending at `i` above `daily` + 3 sqrt(`daily`) (else day `i`)."""
    lo = max(0, i - 6)
    above = np.flatnonzero(x[lo : i + 1] > daily + 3 * np.sqrt(daily))
    return lo + int(above[0]) if above.size else i


def peak_week(series: pd.Series) -> str | None:
    """First day of the topic's busiest 7-day window (None if it never occurs)."""
    s = series.astype(float).rolling(7, min_periods=1).sum().to_numpy()
    if not len(s) or s.max() <= 0:
        return None
    end = int(np.argmax(s))
    return pd.Timestamp(series.index[max(0, end - 6)]).date().isoformat()


def _specs(profile: Profile) -> dict[str, tuple[Unit, str]]:
    """Every finding id this profile's lexicon yields, with unit and label (rise dates aside)."""
    names = {t: profile.topics[t].label for t in profile.topics}
    specs = {
        "topics.topics_defined": (Unit.count, "Topics in the profile's lexicon"),
        "topics.matched_share": (Unit.share, "Tweets matching a topic keyword"),
        "topics.unmatched_share": (Unit.share, "Tweets matching no topic keyword"),
        "topics.top_topic": (Unit.text, "Topic with the most tweets"),
        "topics.top_topic_share": (Unit.share, "Share of tweets on the topic with the most tweets"),
        "topics.rule_rise_factor": (Unit.number, "Rise rule: times the topic's own level"),
        "topics.rule_rise_level_days": (
            Unit.days,
            "Rise rule: days before the week that set its level",
        ),
        "topics.rule_rise_floor": (Unit.count, "Rise rule: least level (tweets a week)"),
    }
    for t, name in names.items():
        specs[f"topics.{t}_share"] = (Unit.share, f"Tweets on {name}")
        specs[f"topics.{t}_rises"] = (Unit.count, f"Rises of {name}")
        specs[f"topics.{t}_peak_week"] = (
            Unit.date,
            f"{name}: first day of its busiest 7 days (UTC)",
        )
    for g, group in profile.topic_groups.items():
        specs[f"topics.{g}_share"] = (Unit.share, f"Tweets about {group.label}")
    return specs


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Topic shares, the largest topic, group shares, and each topic's rises and busiest week."""
    specs = _specs(profile)
    reason = (
        "the profile defines no topic lexicon"
        if not profile.topics
        else coverage.missing("tweets", "tweet_text")
    )
    if reason:
        return missing_all(specs, reason)
    ids = list(profile.topics)
    assign(con, profile)
    groups = "".join(f", coalesce(sum(n) FILTER (WHERE g_{g}), 0)" for g in profile.topic_groups)
    row = con.execute(f"SELECT coalesce(sum(n), 0){groups} FROM topic_days").fetchone()
    n, group_counts = int(row[0]), dict(zip(profile.topic_groups, row[1:], strict=True))
    o = overall(con).set_index("topic")["tweets"]
    counts = {t: int(o.get(t, 0)) for t in [*ids, OTHER]}

    def label(fid: str) -> str:
        return specs[fid][1]

    def part(fid: str, k: int, method: str = RULE) -> Finding:
        return proportion(fid, k, n, label=label(fid), method=method)

    out = [
        ok(
            "topics.topics_defined", len(ids), unit=Unit.count, label=label("topics.topics_defined")
        ),
        part("topics.matched_share", n - counts[OTHER]),
        part("topics.unmatched_share", counts[OTHER]),
        *[ok(fid, v, unit=specs[fid][0], label=label(fid), method=RISE_RULE)
          for fid, v in (("topics.rule_rise_factor", RISE_FACTOR),
                         ("topics.rule_rise_level_days", RISE_LEVEL_DAYS),
                         ("topics.rule_rise_floor", RISE_FLOOR))],
    ]  # fmt: skip
    top = max(ids, key=lambda t: (counts[t], -ids.index(t)))
    if counts[top]:
        out += [
            ok("topics.top_topic", profile.topics[top].label, unit=Unit.text,
               label=label("topics.top_topic"), method=RULE),
            part("topics.top_topic_share", counts[top]),
        ]  # fmt: skip
    else:
        none = "no tweet holds a keyword of any of the profile's topics"
        out += missing_all(
            {k: specs[k] for k in ("topics.top_topic", "topics.top_topic_share")}, none
        )
    per_day = daily(con, ids)
    for t in ids:
        name = profile.topics[t].label
        out.append(part(f"topics.{t}_share", counts[t]))
        rises_ = rises(per_day[t])
        out.append(
            ok(f"topics.{t}_rises", len(rises_), unit=Unit.count, label=label(f"topics.{t}_rises"),
               method=RISE_RULE)
        )  # fmt: skip
        for i, d in enumerate(rises_[:MAX_RISES], start=1):
            out.append(
                ok(f"topics.{t}_rise_{i}", d, unit=Unit.date, label=f"{name}: rise {i} (UTC day)",
                   method=RISE_RULE)
            )  # fmt: skip
        peak = peak_week(per_day[t])
        pid = f"topics.{t}_peak_week"
        out.append(
            ok(pid, peak, unit=Unit.date, label=label(pid))
            if peak
            else unavailable(pid, unit=Unit.date, label=label(pid),
                             reason=f"no tweet holds a keyword of the topic {name}")
        )  # fmt: skip
    for g in profile.topic_groups:
        out.append(
            part(f"topics.{g}_share", int(group_counts[g]),
                 method="tweets holding a keyword of any of the group's topics, whatever topic "
                 "they were assigned")
        )  # fmt: skip
    return out
