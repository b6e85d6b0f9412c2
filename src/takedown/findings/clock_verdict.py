"""Which clock the posting-clock section may read the data on, and what the offset fit says
about the profile's declared timezone: consistent with the data, or contradicted by it.

The report shows an operator's clock only when the profile declares one and the fit does not
call it into doubt: with no timezone, or an ambiguous fit, it shows UTC and computes no share
inside working hours (that would measure an assumed window, not the data).

The data fixes when a working day falls in UTC, not the hour it starts. Only working hours
declared from outside evidence turn that into one offset; with none, or with hours a draft read
off this same data (`from_data`), the offsets allowed are those a day starting 07:00-10:00 local
would give (`allowed`), and the report never names one of them alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb

from takedown.findings import clock_offset as co
from takedown.findings.contract import Finding
from takedown.profile import Profile, WorkingHours

NO_CLOCK = "no operator clock can be read from this data"


@dataclass(frozen=True)
class Clock:
    shown: str  # the zone the hour-by-weekday counts are read on: the profile's, or UTC
    reading: str  # a sentence (no final stop) saying which clock is shown and why
    no_share: str | None  # why no working-hours share is computed, or None


def fit_hours(profile: Profile) -> WorkingHours:
    """The working day the offset fit scores: the profile's, else Mon-Fri 08:00-17:00."""
    return profile.working_hours or WorkingHours()


def start_known(profile: Profile) -> bool:
    """The profile declares its working day from outside evidence. Only then does the offset fit
    read a local clock: the data fixes when a working day falls in UTC, not the hour it starts."""
    return hours_known(profile.working_hours)


def hours_known(wh: WorkingHours | None) -> bool:
    """Working hours declared, and not read off the data by a draft (`from_data`)."""
    return wh is not None and not wh.from_data


def allowed(fit: co.OffsetFit, profile: Profile) -> tuple[int, ...]:
    """The offsets the data allows (see `allowed_offsets`)."""
    return allowed_offsets(fit.indistinguishable, profile.working_hours)


def allowed_offsets(offsets: tuple[int, ...], wh: WorkingHours | None) -> tuple[int, ...]:
    """The offsets a fit could not tell apart from the best, scored on `wh` (or the assumed day);
    where the day's local start is unknown, each moved as a start between 07:00 and 10:00
    would move it."""
    if hours_known(wh):
        return offsets
    return co.start_band(offsets, (wh or WorkingHours()).start)


def day_window(wh: WorkingHours) -> str:
    """A working day as the report names it: "Mon-Fri 09:00-18:00"."""
    days = f"{wh.days[0]}-{wh.days[-1]}" if len(wh.days) > 1 else wh.days[0]
    return f"{days} {wh.start:02d}:00-{wh.end:02d}:00"


def unknown_start(profile: Profile) -> str:
    """Why the working day's local start is not known, as a clause."""
    if profile.working_hours is None:
        return "the profile declares no working day"
    return "the profile's working hours were read off this same data (a draft), not known from outside it"


def fit_window(profile: Profile) -> str:
    window = day_window(fit_hours(profile))
    if profile.working_hours is None:
        return f"an assumed {window} working day (the profile declares none)"
    if profile.working_hours.from_data:
        return f"the profile's working hours, {window}, read off this data"
    return f"the profile's working hours, {window}"


def zone_offset(con: duckdb.DuckDBPyConnection, tz: str) -> tuple[object, float]:
    """(median tweet time, the zone's UTC offset in hours then), daylight saving as it stood."""
    median = con.execute("SELECT quantile_disc(tweet_time, 0.5) FROM tweets").fetchone()[0]
    return median, median.astimezone(ZoneInfo(tz)).utcoffset().total_seconds() / 3600


def agrees(fit: co.OffsetFit, hours: float, profile: Profile) -> bool:
    """The declared offset lies within half an hour of an offset the data allows."""
    return any(abs(o - hours) <= 0.5 for o in allowed(fit, profile))


def choose_clock(
    con: duckdb.DuckDBPyConnection, profile: Profile, fit: co.OffsetFit | None
) -> Clock:
    """The clock the section reads the data on, and why no share is computed when it is none."""
    tz = profile.timezone
    if fit is not None and fit.ambiguous:
        why = f"the offset fit is ambiguous ({span(allowed(fit, profile))} fit a working day about as well)"
        also = f", not the profile timezone {tz}" if tz else ""
        return Clock("UTC", f"{NO_CLOCK}: {why}, so the clock shown is UTC{also}",
                     f"{why}, so {NO_CLOCK}, and a share inside working hours would measure "
                     "an assumed window, not the data")  # fmt: skip
    if tz is None:
        hint = f"; the offset fit below points to {co.utc_label(fit.best)}" if fit else ""
        return Clock("UTC", f"the profile declares no timezone, so the clock shown is UTC{hint}",
                     "the profile declares no timezone, so no operator clock is assumed")  # fmt: skip
    no_share = None if profile.working_hours else "the profile declares no working hours"
    if fit is None:
        return Clock(tz, f"the clock shown is the profile timezone, {tz}, which too few days can check",
                     no_share)  # fmt: skip
    if agrees(fit, zone_offset(con, tz)[1], profile):
        return Clock(
            tz, f"the clock shown is the profile timezone, {tz}, consistent with the data", no_share
        )
    return Clock(tz, f"the clock shown is the profile timezone, {tz}, which the data contradicts "
                 f"(its offset lies outside {span(allowed(fit, profile))})", no_share)  # fmt: skip


def span(fit: co.OffsetFit | tuple[int, ...]) -> str:
    """Offsets as a phrase: a fit's that cannot be told apart from the best, or those given."""
    same = fit.indistinguishable if isinstance(fit, co.OffsetFit) else fit
    if len(same) == 1:
        return co.utc_label(same[0])
    if same[-1] - same[0] == len(same) - 1:
        return f"{co.utc_label(same[0])} to {co.utc_label(same[-1])}"
    if len(same) <= 4:
        return ", ".join(co.utc_label(o) for o in same)
    return (f"{len(same)} of the {len(co.OFFSETS)} offsets, from {co.utc_label(same[0])} "
            f"to {co.utc_label(same[-1])}")  # fmt: skip


def reading(fit: co.OffsetFit, profile: Profile) -> str:
    """How clearly the data singles out one offset, as a clause the report quotes."""
    sp = span(fit) + ("," if " offsets, from " in span(fit) else "")
    if fit.ambiguous:
        text = f"ambiguous: {sp} could not be told apart, so the data does not single out one clock"
        if start_known(profile):
            return text
        return f"{text}; with the working day's local start unknown, it allows {span(allowed(fit, profile))}"
    if not start_known(profile):
        window = co.utc_window(fit.best, fit_hours(profile))
        return (
            f"clear about when the working day falls ({window} at the best fit), not about "
            f"its local clock: {unknown_start(profile)}, and a day starting between "
            f"{co.EARLIEST_START:02d}:00 and {co.LATEST_START:02d}:00 local allows "
            f"{span(allowed(fit, profile))}"
        )
    if len(fit.indistinguishable) == 1:
        return "clear: no other offset could be told apart from the best"
    return f"clear to within {span(fit)}, the offsets that could not be told apart"


def offset_findings(
    con: duckdb.DuckDBPyConnection, profile: Profile, fit: co.OffsetFit,
    f: Callable[..., Finding], na: Callable[[list[str], str], list[Finding]],
) -> list[Finding]:  # fmt: skip
    """The fit's findings, and how the profile's own offset (at the median tweet) compares."""
    allow = allowed(fit, profile)
    lo, hi = allow[0], allow[-1]
    method = f"{co.METHOD}; working day scored: {fit_window(profile)}"
    if not start_known(profile):
        method += (
            f"; {unknown_start(profile)}, so the interval spans the offsets a day starting "
            f"between {co.EARLIEST_START:02d}:00 and {co.LATEST_START:02d}:00 local allows"
        )
    out = [
        f("best_utc_offset", fit.best, interval=(float(lo), float(hi)), n=fit.days, method=method),
        f("best_utc_offset_low", lo, n=fit.days, method=method),
        f("best_utc_offset_high", hi, n=fit.days, method=method),
        f("indistinguishable_offsets", ", ".join(co.utc_label(o) for o in fit.indistinguishable),
          n=fit.days, method=method),
        f("best_offset_share", fit.best_share, method=method),
        f("offset_ambiguous", fit.ambiguous, n=fit.days, method=method),
        f("offset_reading", reading(fit, profile), method=method),
        f("local_start_known", start_known(profile),
          method="true when the profile declares working hours not read off this data; only "
                 "then does the fit read a local clock rather than when the day falls in UTC"),
        f("working_day_utc", co.utc_window(fit.best, fit_hours(profile)), n=fit.days,
          method=f"the working day scored ({fit_window(profile)}) at the best offset, in UTC"),
    ]  # fmt: skip
    median, hours = zone_offset(con, profile.timezone or "UTC")
    out.append(
        f("median_tweet_date", median.date().isoformat(), method="lower median of tweet_time")
    )
    if profile.timezone is None:
        names = ["profile_utc_offset", "profile_offset_agrees", "profile_offset_verdict",
                 "profile_offset_reading"]  # fmt: skip
        return out + na(names, "the profile declares no timezone")
    ok_ = agrees(fit, hours, profile)
    verdict = "consistent" if ok_ else "contradicted"
    text = _profile_reading(ok_, fit, profile, allow)
    return out + [
        f("profile_utc_offset", co.utc_label(hours),
          method=f"the UTC offset of {profile.timezone} at the median tweet time, so daylight saving "
                 "time is taken as it stood at that instant"),
        f("profile_offset_agrees", ok_,
          method="the profile's offset lies within half an hour of an offset the data allows "
                 "(best_utc_offset's interval)"),
        f("profile_offset_verdict", verdict,
          method="contradicted when the profile's offset lies outside the offsets the data "
                 "allows; consistent otherwise"),
        f("profile_offset_reading", text),
    ]  # fmt: skip


def _profile_reading(ok_: bool, fit: co.OffsetFit, profile: Profile, allow: tuple[int, ...]) -> str:
    """How the profile's offset compares with the offsets the data allows, as a clause."""
    if not ok_:
        return (
            f"lies outside the offsets the data allows ({span(allow)}): as the clock of a "
            "working day, the data contradicts the declared timezone"
        )
    text = "is among the offsets the data allows, so the data does not contradict it"
    if fit.ambiguous:
        return text + " (nor, the fit being ambiguous, confirm it)"
    if not start_known(profile):
        return (
            text
            + f" (nor, with the working day's local start unknown, confirm it among {span(allow)})"
        )
    return text
