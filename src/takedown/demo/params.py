"""The planted parameters of one synthetic operation, as one frozen dataclass.

Everything that differs between the demo operations (dates, clock, languages, texts, planted
shares, which optional columns the archive lacks) is a field here, so the generator code stays
one code path. Derived tables (calendar weights, topic schedule) are computed once per operation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import SimpleNamespace as NS

import numpy as np

Span = tuple[str, str, float]  # (first day, day after the last, value)


@dataclass(frozen=True)
class Operation:
    """One synthetic operation's planted parameters (all synthetic: no real account or tweet)."""

    name: str  # the --operation name
    file_prefix: str  # archive files are <file_prefix>_<users|tweets>_csv_hashed.csv
    timezone: str
    utc_offset_min: int  # the planted clock: local = UTC + this, no DST
    start: str  # first and last local calendar day of tweets
    end: str
    working_hours: tuple[int, int]  # [start, end) local hours, Mon-Fri
    weekend_factor: float  # weekend per-day posting rate relative to a weekday
    hours_weekday: tuple[float, ...]  # 24 relative hourly rates, local time
    hours_weekend: tuple[float, ...]
    # daily volume: base, then spans that set a value, then spans that multiply it
    volume_base: float
    volume_set: tuple[Span, ...]
    volume_mul: tuple[Span, ...]
    # topics: the last is "other"; keywords are the lexicon the labels are planted against
    topics: tuple[str, ...]
    topic_labels: tuple[str, ...]
    topic_keywords: tuple[tuple[str, ...], ...]  # one per topic but "other"
    topic_base: tuple[float, ...]  # per-day probability of each topic but "other"
    topic_steps: tuple[tuple[int, str, float], ...]  # (topic, from UTC day, probability)
    topic_ramps: tuple[tuple[int, str, str, float, float], ...]  # linear (topic, a, b, p_a, p_b)
    # text: 4 families (two of language 0, then language 1, then "und"), templates per
    # (topic, family) with hashtag sets, and a code phrase per block that makes texts unique
    families: tuple[str, ...]
    family_sep: tuple[str, ...]  # between template and code phrase, per family
    langs: tuple[str, ...]  # tweet_language codes
    lang_p: tuple[float, ...]  # their shares of the tweets
    family_split: float  # share of language-0 tweets in family 0
    text: str  # "topic family #tag ..." headers, then the group's sentences
    combo_src: tuple[tuple[str, str], ...]  # (block or block+slot, "|"-joined phrases)
    blocks: tuple[str, str, str]  # code-phrase block names: families 0/1, family 2, family 3
    tag_p: tuple[float, float]  # P(hashtags) for topic tweets, for "other" tweets
    url_p: float
    # accounts
    account_langs: tuple[str, ...]
    account_lang_p: tuple[float, ...]
    creation_range: tuple[str, str]
    first_window_days: int  # accounts without a wave start tweeting within this many days
    first_by: str  # ... and by this day
    waves: tuple[tuple[str, str, bool], ...]  # creation waves (start, end, dormant)
    dormant_first_tweet: tuple[str, str]
    zero_follower_share: float
    surnames: str
    given: str
    first_latin: tuple[str, ...]
    last_latin: tuple[str, ...]
    locations: tuple[str, ...]
    bios: tuple[str, ...]
    clients: tuple[str, ...]
    client_p: tuple[float, ...]
    outside: tuple[str, ...]  # handles outside the network that it retweets and mentions
    domains: tuple[tuple[str, str, str, float], ...]  # (domain, url prefix, url suffix, weight)
    emoji: tuple[str, ...]
    trails: tuple[str, ...]
    clusters_from: str  # coordinated clusters are planted from this local day on
    plant_engagement: bool  # the zero-follower tweets with many likes/retweets (ASPI's 156, 26)
    # columns the archive lacks (absent from the header, not empty), and the finding ids (or
    # id prefixes, ending in ".") that must come out unavailable because of it
    absent_columns: tuple[str, ...] = ()
    expected_unavailable: tuple[str, ...] = ()
    # the preset's size, and the planted shares and counts that scale with it
    default_accounts: int = 23_750
    default_tweets: int = 348_608
    retweet_share: float = 0.15  # of all tweets (retweets are drawn from the plain tweets)
    retweet_inside: float = 0.5  # of retweets, the share retweeting an account of the network
    clusters: int = 40  # coordinated co-tweet clusters at default_tweets (scaled with the size)
    cluster_k: tuple[int, int] = (5, 30)  # accounts per cluster, [lo, hi]
    # the most active accounts' profiles (display name, description, location): ordinary text
    # with the characters real profiles carry (quotes, pipes, #tags, @handles, $, <3, \, emoji)
    top_profiles: tuple[tuple[str, str, str], ...] = ()
    # coordination rings (rings.py): per trace at default_tweets (scaled), accounts and events
    # per ring, the window, and the words of the ring hashtags (no topic keyword among them)
    rings: int = 6
    ring_k: tuple[int, int] = (6, 12)
    ring_events: tuple[int, int] = (10, 14)
    ring_window: int = 10
    ring_tags: tuple[str, ...] = ()
    # per language, its text: 0 = language 0's two families, 1 = family 2 (e.g. English),
    # 2 = "und" (family 3: emoji and transliteration, topic "other")
    lang_kind: tuple[int, ...] = (0, 1, 2)
    # script samples substituted into the hostile strings ({lines}, {mixed}, {flag}, ...)
    hostile_fill: tuple[tuple[str, str], ...] = ()

    @property
    def users_file(self) -> str:
        return f"{self.file_prefix}_users_csv_hashed.csv"

    @property
    def tweets_file(self) -> str:
        return f"{self.file_prefix}_tweets_csv_hashed.csv"

    @property
    def keywords(self) -> dict[str, list[str]]:
        return {t: list(k) for t, k in zip(self.topics, self.topic_keywords, strict=False)}


@functools.cache
def lang_table(op: Operation) -> NS:
    """Per text kind, the first language written in it (-1: none), and the families coordinated
    copies are drawn from (only those of languages the operation has)."""
    kind = np.array(op.lang_kind, np.int8)
    first = np.array([int(np.flatnonzero(kind == k)[0]) if (kind == k).any() else -1
                      for k in range(3)])  # fmt: skip
    fam_p = np.array([0.6, 0.2, 0.2]) * np.array([first[0] >= 0, first[0] >= 0, first[1] >= 0])
    return NS(kind=kind, first=first, fam_p=fam_p / fam_p.sum(), cum=np.cumsum(op.lang_p))


def day(s: str) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(s, "D").astype(np.int64))


@functools.cache
def calendar(op: Operation) -> NS:
    """Day range, weekday weights, daily volume weights and cumulative topic probabilities."""
    start, end = day(op.start), day(op.end)
    ndays = end - start + 1
    weekday = (np.arange(start, end + 1) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    w_week = np.where(weekday >= 5, op.weekend_factor, 1.0)
    vol = np.full(ndays, op.volume_base)
    for a, b, v in op.volume_set:
        vol[day(a) - start : day(b) - start] = v
    for a, b, m in op.volume_mul:
        vol[day(a) - start : day(b) - start] *= m
    k = len(op.topics) - 1
    p = np.zeros((ndays, k))
    p[:] = op.topic_base
    for topic, s, v in op.topic_steps:
        p[day(s) - start :, topic] = v
    for topic, a, b, v0, v1 in op.topic_ramps:
        p[day(a) - start : day(b) - start, topic] = np.linspace(v0, v1, day(b) - day(a))
    return NS(
        start=start, end=end, ndays=ndays, weekday=weekday, w_week=w_week,
        w_vol=vol * w_week, topic_cum=np.cumsum(p, axis=1),
        hours_wd=np.array(op.hours_weekday), hours_we=np.array(op.hours_weekend),
    )  # fmt: skip
