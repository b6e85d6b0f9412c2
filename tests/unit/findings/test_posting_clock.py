"""Posting clock and the offset fit on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.db import measure_coverage
from takedown.findings import clock_offset as co
from takedown.findings import clock_verdict as cv
from takedown.findings import posting_clock as pc
from takedown.profile import Profile, WorkingHours

SHANGHAI = Profile(name="t", title="t", timezone="Asia/Shanghai",
                   working_hours=WorkingHours(start=9, end=17))  # fmt: skip


def con_of(times: list[str] | pd.Series):
    """tweets(tweetid, userid, tweet_time) from UTC 'YYYY-MM-DD HH:MM' strings."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("t_df", pd.DataFrame({"t": list(times) or ["2000-01-01 00:00"]}))
    con.execute(
        """CREATE TABLE tweets AS SELECT CAST(row_number() OVER () AS VARCHAR) AS tweetid,
                  'u' AS userid, CAST(t AS TIMESTAMP) AT TIME ZONE 'UTC' AS tweet_time FROM t_df"""
    )
    if not len(times):
        con.execute("DELETE FROM tweets")
    con.execute("CREATE TABLE users AS SELECT 'u' AS userid")
    return con, measure_coverage(
        con, {"users": ["userid"], "tweets": ["tweetid", "userid", "tweet_time"]}
    )


def office_times(
    offset: int, weeks: int = 8, seed: int = 1, start: str = "2020-01-06", day: tuple = (9, 17)
) -> list[str]:
    """Tweets on a Mon-Fri working day (default 09:00-16:59) at UTC+offset, Poisson counts per
    hour, a little noise at night and at weekends."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(start, periods=weeks * 168, freq="h")  # UTC
    local = hours + pd.Timedelta(hours=offset)
    office = (local.day_of_week < 5) & (local.hour >= day[0]) & (local.hour < day[1])
    n = rng.poisson(np.where(office, 12.0, 0.3))
    return [t.strftime("%Y-%m-%d %H:%M") for t, k in zip(hours, n, strict=True) for _ in range(k)]


def zone(tz: str) -> Profile:
    return Profile(name="t", title="t", timezone=tz, working_hours=WorkingHours(start=9, end=17))


def by_name(con, cov, profile=SHANGHAI):
    return {f.name: f for f in pc.summarize(con, profile, cov)}


# --- summarize --------------------------------------------------------------------------------


@pytest.mark.slow
def test_office_week_at_utc_plus_8_is_recovered_and_clear():
    f = by_name(*con_of(office_times(8)))
    assert f["best_utc_offset"].value == 8
    lo, hi = f["best_utc_offset"].interval
    assert lo <= 8 <= hi and (f["best_utc_offset_low"].value, f["best_utc_offset_high"].value) == (
        lo,
        hi,
    )
    assert f["offset_ambiguous"].value is False
    assert f["offset_reading"].value.startswith("clear")
    assert f["indistinguishable_offsets"].value == "UTC+8"
    assert f["profile_utc_offset"].value == "UTC+8" and f["profile_offset_agrees"].value is True
    assert (
        f["timestamp_clock"].value.startswith("UTC")
        and "read as UTC" in f["best_utc_offset"].method
    )
    assert f["best_utc_offset"].n == 56


@pytest.mark.slow
def test_flat_clock_is_ambiguous():
    rng = np.random.default_rng(7)
    hours = pd.date_range("2020-01-06", periods=8 * 168, freq="h")
    n = rng.poisson(5.0, len(hours))
    f = by_name(
        *con_of(
            [t.strftime("%Y-%m-%d %H:%M") for t, k in zip(hours, n, strict=True) for _ in range(k)]
        )
    )
    assert f["offset_ambiguous"].value is True
    assert f["offset_reading"].value.startswith("ambiguous: UTC")
    assert f["offset_reading"].value.endswith(
        "could not be told apart, so the data does not single out one clock"
    )
    lo, hi = f["best_utc_offset"].interval
    assert hi - lo >= co.AMBIGUOUS_HOURS
    assert (f["best_utc_offset_low"].value, f["best_utc_offset_high"].value) == (lo, hi)
    assert f["best_utc_offset"].available
    # No operator clock can be read: the counts are on UTC, and no share on an assumed window.
    assert f["clock_shown"].value == "UTC"
    assert f["operator_clock"].value.startswith("no operator clock can be read from this data")
    assert not f["working_hours_share"].available
    assert f["working_hours_share"].reason.startswith("the offset fit is ambiguous")
    assert "no operator clock can be read from this data" in f["working_hours_share"].reason
    assert f["peak_hour"].available and "on UTC" in f["peak_hour"].method
    # The declared zone is inside the wide set: not contradicted, not confirmed either.
    assert f["profile_offset_verdict"].value == "consistent"
    assert "nor, the fit being ambiguous, confirm it" in f["profile_offset_reading"].value


def test_offsets_within_two_points_of_the_best_cannot_be_told_apart():
    """A near-flat clock with a faint bump: the bootstrap alone separates the offsets on many
    days, but scores within AMBIGUOUS_POINTS of the best are in the interval all the same."""
    utc = np.full(168, 1000.0)
    for d in range(5):
        utc[d * 24 + 1 : d * 24 + 9] += 40  # a faint office day at UTC+8, 09:00-17:00
    weekday = np.repeat(np.arange(7), 1)[np.arange(700) % 7]
    counts = np.stack([utc[w * 24 : w * 24 + 24] for w in weekday])
    fit = co.fit(weekday, counts, WorkingHours(start=9, end=17))
    share = fit.scores.set_index("offset")["share_in_working_hours"]
    close = sorted(int(o) for o in share.index if share[fit.best] - share[o] <= co.AMBIGUOUS_POINTS)
    assert fit.best == 8 and len(close) > 1
    assert set(close) <= set(fit.indistinguishable)
    assert fit.ambiguous is any(abs(o - 8) >= co.AMBIGUOUS_HOURS for o in fit.indistinguishable)


@pytest.mark.slow
def test_no_timezone_shows_utc_and_computes_no_share():
    f = by_name(*con_of(office_times(8)), profile=Profile(name="t", title="t"))
    assert f["clock_shown"].value == "UTC"
    assert f["operator_clock"].value.startswith("the profile declares no timezone")
    best = f["best_utc_offset"].value  # a 09-17 day at +8 fills the assumed 08-17 day at +7 too
    assert best in (7, 8) and f"points to {co.utc_label(best)}" in f["operator_clock"].value
    assert f["working_hours_share"].reason == (
        "the profile declares no timezone, so no operator clock is assumed"
    )
    assert f["offset_ambiguous"].value is False
    assert "an assumed Mon-Fri 08:00-17:00 working day" in f["best_utc_offset"].method
    for k in ("profile_utc_offset", "profile_offset_agrees", "profile_offset_verdict"):
        assert f[k].reason == "the profile declares no timezone"


def test_drafted_hours_do_not_pin_the_offset_they_were_read_at():
    """The misleading case: an operation working 09-18 at UTC+8, drafted as UTC+7 with the
    08-17 day read off the data there. Scored against the same data, those hours return +7
    alone; the report must give the offsets a day starting 07:00-10:00 allows, with +8 in."""
    times = office_times(8, day=(9, 18))
    drafted = Profile(name="t", title="t", timezone="Asia/Bangkok",
                      working_hours=WorkingHours(start=8, end=17, from_data=True))  # fmt: skip
    f = by_name(*con_of(times), profile=drafted)
    assert f["best_utc_offset"].value == 7
    assert f["best_utc_offset"].interval == (6.0, 9.0)  # 7 + (7 - 8) to 7 + (10 - 8)
    assert (f["best_utc_offset_low"].value, f["best_utc_offset_high"].value) == (6, 9)
    assert f["local_start_known"].value is False
    assert f["working_day_utc"].value == "01:00–10:00 UTC"
    assert f["offset_reading"].value.startswith("clear about when the working day falls")
    assert "read off this same data" in f["offset_reading"].value
    assert "read off this data" in f["best_utc_offset"].method
    assert f["indistinguishable_offsets"].value == "UTC+7"  # the fit itself is unchanged
    assert f["profile_offset_verdict"].value == "consistent"
    assert f["profile_offset_reading"].value.endswith("confirm it among UTC+6 to UTC+9)")
    # The same hours declared from outside evidence: the fit then reads a local clock, and a
    # wrong declared start shows as a confident wrong offset. That is the profile's claim.
    declared = drafted.model_copy(update={"working_hours": WorkingHours(start=8, end=17)})
    g = by_name(*con_of(times), profile=declared)
    assert g["best_utc_offset"].interval == (7.0, 7.0)
    assert g["local_start_known"].value is True


def test_no_working_day_widens_the_offset_by_the_start_band():
    f = by_name(*con_of(office_times(8, day=(9, 18))), profile=Profile(name="t", title="t"))
    lo, hi = f["best_utc_offset"].interval
    assert lo <= 8 <= hi and hi - lo >= 3
    assert f["local_start_known"].value is False
    assert f["offset_ambiguous"].value is False  # the data's fit is clear; the start is not


@pytest.mark.slow
def test_declared_zone_without_working_hours_has_no_share():
    p = Profile(name="t", title="t", timezone="Asia/Shanghai")
    f = by_name(*con_of(office_times(8)), profile=p)
    assert f["clock_shown"].value == "Asia/Shanghai"
    assert f["working_hours_share"].reason == "the profile declares no working hours"
    assert f["profile_offset_verdict"].value == "consistent"


@pytest.mark.slow
def test_profile_offset_disagrees_and_follows_daylight_saving():
    summer = office_times(3, start="2020-06-01")
    f = by_name(*con_of(summer), profile=zone("America/New_York"))
    assert f["best_utc_offset"].value == 3
    assert f["profile_utc_offset"].value == "UTC−4"  # EDT at the median tweet, not EST
    assert f["profile_offset_agrees"].value is False
    assert f["profile_offset_verdict"].value == "contradicted"
    assert f["profile_offset_reading"].value.startswith("lies outside the offsets")
    assert f["profile_offset_reading"].value.endswith("the data contradicts the declared timezone")
    assert "which the data contradicts" in f["operator_clock"].value
    winter = office_times(-5, start="2020-01-06")
    f = by_name(*con_of(winter), profile=zone("America/New_York"))
    assert (f["best_utc_offset"].value, f["profile_utc_offset"].value) == (-5, "UTC−5")
    assert f["profile_offset_agrees"].value is True


@pytest.mark.slow
def test_half_hour_zone_agrees_within_half_an_hour():
    f = by_name(*con_of(office_times(5)), profile=zone("Asia/Kolkata"))
    assert f["profile_utc_offset"].value == "UTC+5:30"
    assert f["profile_offset_agrees"].value is True


def test_too_few_days_for_the_fit_or_the_ratio():
    f = by_name(*con_of(["2020-01-06 01:00", "2020-01-07 02:00", "2020-01-11 03:00"]))
    assert f["working_hours_share"].value == pytest.approx(2 / 3)
    assert f["best_utc_offset"].reason == "tweets fall on 3 days; the offset fit needs at least 14"
    assert f["profile_offset_agrees"].reason == f["best_utc_offset"].reason
    assert f["weekday_weekend_rate_ratio"].reason.startswith("the tweets span 6 days")


@pytest.mark.slow
def test_no_weekend_tweets_leave_the_ratio_unavailable():
    weekdays = [t for t in office_times(0) if pd.Timestamp(t).day_of_week < 5]
    f = by_name(*con_of(weekdays), profile=zone("UTC"))
    assert "no tweet falls on a weekend day" in f["weekday_weekend_rate_ratio"].reason
    assert f["best_utc_offset"].available


def test_empty_tweets_file_is_unavailable():
    con, cov = con_of([])
    f = pc.summarize(con, SHANGHAI, cov)
    assert {x.reason for x in f} == {"this dataset's tweets file has no rows"}


@pytest.mark.slow
def test_fit_is_deterministic_and_the_curve_matches():
    con, cov = con_of(office_times(8))
    a = pc.summarize(con, SHANGHAI, cov)
    assert a == pc.summarize(con, SHANGHAI, cov)
    curve = pc.offset_curve(con, SHANGHAI)
    assert curve.loc[curve["best"], "offset"].tolist() == [8]
    assert curve.loc[curve["indistinguishable"], "offset"].tolist() == [8]


# --- building blocks --------------------------------------------------------------------------

TINY = ["2020-01-06 01:00", "2020-01-06 08:59", "2020-01-06 09:00", "2020-01-04 02:00",
        "2020-01-05 23:30", "2020-02-01 03:00"]  # fmt: skip


def test_hour_weekday_on_local_clock():
    g = pc.hour_weekday(con_of(TINY)[0], "Asia/Shanghai")
    assert g.loc["Mon", 9] == 1 and g.loc["Mon", 16] == 1 and g.loc["Mon", 17] == 1
    assert g.loc["Mon", 7] == 1  # Sun 23:30 UTC
    assert g.loc["Sat", 10] == 1 and g.loc["Sat", 11] == 1
    assert int(g.to_numpy().sum()) == 6


def test_working_hours_share():
    s = pc.in_working_hours(con_of(TINY)[0], "Asia/Shanghai", WorkingHours(start=8, end=17))
    # local: Mon 09:00, Mon 16:59 inside; Mon 17:00 (end exclusive), Sat x2, Mon 07:30 outside
    assert (s.k, s.n) == (2, 6)


def test_daily_includes_zero_days():
    d = pc.daily(con_of(TINY)[0], "Asia/Shanghai")
    assert len(d) == (pd.Timestamp("2020-02-01") - pd.Timestamp("2020-01-04")).days + 1
    assert d["n"].sum() == 6
    assert d.loc[pd.to_datetime(d["day"]) == pd.Timestamp("2020-01-06"), "n"].item() == 4


@pytest.mark.slow
def test_day_hour_counts_and_week_matrix():
    weekday, counts = co.day_hour_counts(con_of(TINY)[0])
    # UTC days: Sat 01-04, Sun 01-05, Mon 01-06, Sat 02-01
    assert weekday.tolist() == [5, 6, 0, 5]
    assert counts.sum() == 6 and counts[2, 8] == 1 and counts[2, 9] == 1
    week = co.week_matrix(weekday, counts)
    assert week.shape == (4, 168) and week[2, 8] == 1 and week[1, 6 * 24 + 23] == 1


def test_weekday_weekend_ratio_equals_ratio_of_means():
    rng = np.random.default_rng(0)
    days = pd.DataFrame({"weekend": [i % 7 >= 5 for i in range(700)]})
    days["n"] = np.where(days["weekend"], rng.poisson(20, 700), rng.poisson(60, 700))
    r = pc.weekday_weekend_ratio(days)
    means = days.groupby("weekend")["n"].mean()
    assert r["ratio"] == pytest.approx(means[False] / means[True], rel=1e-6)
    assert r["low"] < r["ratio"] < r["high"]
    assert 2.8 < r["ratio"] < 3.2


def test_best_offset_recovers_a_shifted_office_week():
    # An office week 09:00-16:59 Mon-Fri at UTC+8 is 01:00-08:59 UTC.
    utc = np.zeros(168)
    for d in range(5):
        utc[d * 24 + 1 : d * 24 + 9] = 100
    utc[5 * 24 + 3] = 5  # a little weekend noise
    scores = co.offset_scores(utc, WorkingHours(start=9, end=17))
    assert co.best_offset(scores) == 8
    assert scores.loc[scores.offset == 8, "share_in_working_hours"].item() == pytest.approx(
        4000 / 4005
    )


def test_utc_label():
    assert [co.utc_label(h) for h in (8, 0, -5, 5.5, -3.5)] == [
        "UTC+8",
        "UTC+0",
        "UTC−5",
        "UTC+5:30",
        "UTC−3:30",
    ]


def test_reading_phrases():
    def fit(same, ambiguous):
        return co.OffsetFit(best=same[0], best_share=0.5, indistinguishable=same, ambiguous=ambiguous,
                            days=30, scores=pd.DataFrame())  # fmt: skip

    assert (
        cv.reading(fit((8,), False), SHANGHAI)
        == "clear: no other offset could be told apart from the best"
    )
    assert (
        cv.reading(fit((7, 8), False), SHANGHAI)
        == "clear to within UTC+7 to UTC+8, the offsets that could not be told apart"
    )
    assert cv.reading(fit((-5, -4, -3, -2), True), SHANGHAI).startswith(
        "ambiguous: UTC−5 to UTC−2 could not"
    )
    assert cv.reading(fit((-5, 2), True), SHANGHAI).startswith("ambiguous: UTC−5, UTC+2 could not")
    assert cv.reading(fit((-5, -4, -3, -2), True), Profile(name="t", title="t")).endswith(
        "single out one clock; with the working day's local start unknown, it allows UTC−6 to UTC+0"
    )
    assert cv.reading(fit((8,), False), Profile(name="t", title="t")) == (
        "clear about when the working day falls (00:00–09:00 UTC at the best fit), not about "
        "its local clock: the profile declares no working day, and a day starting between "
        "07:00 and 10:00 local allows UTC+7 to UTC+10"
    )
    many = (-12, -11, -10, -9, -8, 0, 1, 2, 3, 4, 5, 14)
    assert cv.reading(fit(many, True), SHANGHAI).startswith(
        "ambiguous: 12 of the 27 offsets, from UTC−12 to UTC+14, could not be told apart"
    )


def test_source_clock_says_how_the_timestamps_were_read():
    from takedown.findings.posting_clock import source_clock

    assert source_clock("twitter", "UTC")[0] == "UTC, as the archive writes them"
    assert "Europe/Moscow" in source_clock("mapped", "Europe/Moscow")[0]
    assert "assumption" in source_clock("ira538", "UTC")[0]


# --- the 15-minute buckets read the same local clock as the tweets themselves -----------------


def _direct(con, tz: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hour-by-weekday and daily counts read tweet by tweet, as the buckets must reproduce."""
    grid = con.execute(
        f"""SELECT isodow(timezone('{tz}', tweet_time)) - 1 AS weekday,
                   hour(timezone('{tz}', tweet_time)) AS hour, count(*) AS n
            FROM tweets GROUP BY ALL ORDER BY ALL"""
    ).df()
    days = con.execute(
        f"""SELECT CAST(timezone('{tz}', tweet_time) AS DATE) AS day, count(*) AS n
            FROM tweets GROUP BY 1 ORDER BY 1"""
    ).df()
    return grid, days


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tz", "times"),
    [
        # New York springs forward at 07:00 UTC and falls back at 06:00 UTC: minutes either side
        ("America/New_York", ["2020-03-08 06:44", "2020-03-08 06:59", "2020-03-08 07:00",
                              "2020-03-08 07:01", "2020-11-01 05:59", "2020-11-01 06:00",
                              "2020-11-01 06:14", "2020-11-01 06:15"]),
        ("Asia/Kathmandu", ["2020-05-01 18:14", "2020-05-01 18:15", "2020-05-01 18:29",
                            "2020-05-01 18:30", "2020-05-01 18:44"]),  # UTC+5:45
        # Monrovia kept UTC-0:44:30 until 1972: buckets would misplace tweets, so tweets are read
        ("Africa/Monrovia", ["1971-03-01 00:44:50", "1971-03-01 00:45", "1971-03-01 01:00",
                             "1971-03-01 23:50", "1972-06-01 12:00"]),
    ],
)  # fmt: skip
def test_local_clock_from_buckets_equals_tweet_by_tweet(tz, times):
    con, _ = con_of(times)
    grid, days = _direct(con, tz)
    g = pc.hour_weekday(con, tz)
    assert {(w, h): n for w, h, n in grid.itertuples(index=False)} == {
        (w, h): int(g.iloc[w, h]) for w in range(7) for h in range(24) if g.iloc[w, h]
    }
    d = pc.daily(con, tz)
    d = d[d["n"] > 0].reset_index(drop=True)
    assert d["day"].tolist() == days["day"].tolist() and d["n"].tolist() == days["n"].tolist()
    k, n = con.execute(
        f"""SELECT count(*) FILTER (WHERE isodow(timezone('{tz}', tweet_time)) <= 5
                   AND hour(timezone('{tz}', tweet_time)) BETWEEN 9 AND 16), count(*) FROM tweets"""
    ).fetchone()
    s = pc.in_working_hours(con, tz, WorkingHours(start=9, end=17))
    assert (s.k, s.n) == (k, n)


@pytest.mark.slow
def test_tweets_are_bucketed_once_per_connection():
    con, cov = con_of(office_times(8))
    first = pc.summarize(con, SHANGHAI, cov)
    con.execute("DELETE FROM tweets WHERE hour(tweet_time) = 3")  # the buckets are not re-read
    assert pc.summarize(con, SHANGHAI, cov)[0] == first[0]


def test_quarter_hours_floor_every_time_including_before_1970():
    con, _ = con_of(["1969-12-31 23:59:59", "1969-12-31 23:45", "2020-01-01 00:14:59.999999",
                     "2020-01-01 00:15", "2020-01-01 00:00"])  # fmt: skip
    rows = con.execute(
        f"SELECT strftime(t, '%Y-%m-%d %H:%M:%S'), n FROM {co.quarter_hours(con)} ORDER BY t"
    ).fetchall()
    assert rows == [
        ("1969-12-31 23:45:00", 2),
        ("2020-01-01 00:00:00", 2),
        ("2020-01-01 00:15:00", 1),
    ]
