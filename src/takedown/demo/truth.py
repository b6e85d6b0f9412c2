"""truth.json: the realized value of every planted effect, computed from the arrays written (not
from the targets), so tests can check that the findings recover it.

Each block of tweets adds its counts to one accumulator (`add`); `finish` turns the sums into the
truth dict. The arithmetic is the same as on the whole archive at once (count / total), so a
one-block archive's truth.json is what it always was.
"""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

import numpy as np

from takedown.demo.hostile import hostile_tweets
from takedown.demo.params import Operation, calendar, day
from takedown.demo.rings import TRACES
from takedown.demo.text import NORMALIZATION_RULE, code, normalize_text, tables

GENERATOR_VERSION = "demo-1"
TRUTH_FILE = "truth.json"
DORMANT_DAYS = 90


def start(op: Operation, a: NS) -> NS:
    """An empty accumulator for an archive with accounts a."""
    cal, nt = calendar(op), len(op.topics)
    m0 = int(np.datetime64(cal.start - 1, "D").astype("datetime64[M]").astype(np.int64))
    m1 = int(np.datetime64(cal.end + 1, "D").astype("datetime64[M]").astype(np.int64))
    z = np.zeros
    return NS(
        T=0, per_day=z(cal.ndays + 2, np.int64), working=0, umin=None, umax=None,
        first_utc=np.full(a.A, np.iinfo(np.int64).max), m0=m0, by_month=z((m1 - m0 + 1, nt), np.int64),
        topic=z(nt, np.int64), tags=z(len(tables(op).tagsets), np.int64), text_tags=0,
        doms=z(len(op.domains), np.int64), urls=0, script=z(2, np.int64), lang=z(len(op.langs), np.int64),
        none_eng=0, rt=0, rt_in=0, zf_likes=0, zf_rts=0, client=z(len(op.clients), np.int64),
        clusters=[], samples=[], first_ids={}, ring_tags={},
        networks={trace: [] for trace in TRACES},
    )  # fmt: skip


def add(op: Operation, s: NS, a: NS, t: NS, a0: int) -> None:
    """Adds one block's tweets (accounts a0 .. a0 + block size) to the accumulator s."""
    cal, tx = calendar(op), tables(op)
    utc = t.utc
    local = utc + op.utc_offset_min
    local_day, lhour = local // 1440, (local % 1440) // 60
    s.per_day += np.bincount(local_day - (cal.start - 1), minlength=s.per_day.size)
    h0, h1 = op.working_hours
    s.working += int((((local_day + 3) % 7 < 5) & (lhour >= h0) & (lhour < h1)).sum())
    del local, local_day, lhour
    s.umin = min(int(utc.min()), s.umin if s.umin is not None else int(utc.min()))
    s.umax = max(int(utc.max()), s.umax if s.umax is not None else int(utc.max()))
    first = np.minimum.reduceat(utc, t.offsets)
    s.first_utc[a0 : a0 + first.size] = first
    months = (utc // 1440).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    nt = len(op.topics)
    s.by_month += np.bincount((months - s.m0) * nt + t.topic, minlength=s.by_month.size).reshape(
        s.by_month.shape
    )
    del months
    s.T += utc.size
    s.topic += np.bincount(t.topic, minlength=nt)
    s.tags += np.bincount(t.tags, minlength=len(tx.tagsets))
    s.text_tags += int(((t.tags > 0) | (t.ev.tag >= 0)).sum())
    s.doms += np.bincount(t.dom[t.has_url], minlength=len(op.domains))
    s.urls += int(t.has_url.sum())
    s.script += [int((t.family == k).sum()) for k in (0, 1)]  # families of language kind 0
    s.lang += np.bincount(t.lang, minlength=len(op.langs))
    s.none_eng += int(((t.likes == 0) & (t.rts == 0) & (t.replies == 0) & (t.quotes == 0)).sum())
    s.rt += int(t.is_rt.sum())
    s.rt_in += int(t.rt_in.sum())
    s.zf_likes += int((t.zero_f & (t.likes > 50)).sum())
    s.zf_rts += int((t.zero_f & (t.rts > 10)).sum())
    s.client += np.bincount(t.client, minlength=len(op.clients))
    for ct, fam, _, _, rows in t.clusters:
        rows = rows[np.lexsort((t.ids[rows], utc[rows]))]
        text = (
            tx.tpl[t.tpl[rows[0]]] + op.family_sep[fam] + code(op, fam // 2, int(t.combo[rows[0]]))
        )
        text += "".join(f" #{x}" for x in tx.tagsets[t.tags[rows[0]]])
        s.clusters.append({
            "id": len(s.clusters), "topic": op.topics[ct], "text": text,
            "normalized": normalize_text(text), "userids": [a.userid[i] for i in t.acct[rows]],
            "tweetids": [str(i) for i in t.ids[rows]],
            "start": _ts(utc[rows].min()), "end": _ts(utc[rows].max()),
        })  # fmt: skip
    _add_rings(op, s, a, t, a0)
    s.samples += [
        {"file": "tweets", "id": str(t.ids[p]), "column": "tweet_text", "value": v}
        for p, v in zip(t.hostile_rows.tolist(), hostile_tweets(op), strict=False)
    ]
    for i in a.hostile:
        if a0 <= i < a0 + t.offsets.size:
            s.first_ids[i] = str(t.ids[t.offsets[i - a0]])


def _add_rings(op: Operation, s: NS, a: NS, t: NS, a0: int) -> None:
    """Each planted ring: its accounts, its number of events, the window, and per event the key
    the accounts share and their tweet ids."""
    for ring in t.rings:
        keys = []
        for rows in ring.events:
            r = rows[0]
            if ring.trace in ("co_retweet", "co_reply"):
                keys.append(str(t.ref_tid[r]))
            elif ring.trace == "co_link":
                keys.append(t.ev.urls[t.ev.link[r]])
            else:
                keys.append(t.ev.tags[t.ev.tag[r]])
                s.ring_tags[keys[-1]] = int(rows.size)
        s.networks[ring.trace].append({
            "accounts": [a.userid[a0 + int(i)] for i in ring.members],
            "events": len(ring.events), "window_minutes": op.ring_window, "keys": keys,
            "tweetids": [[str(i) for i in t.ids[rows]] for rows in ring.events],
        })  # fmt: skip


def _ts(m: Any) -> str:
    return str(np.datetime64(int(m), "m")).replace("T", " ")


def _date(d: Any) -> str:
    return str(np.datetime64(int(d), "D"))


def _shares(counts: np.ndarray, n: int, names: tuple[str, ...]) -> dict[str, float]:
    return dict(zip(names, (counts / n).tolist(), strict=True))


def finish(op: Operation, s: NS, a: NS, seed: int) -> dict[str, Any]:
    """The truth dict, from the accumulated counts."""
    cal, tx = calendar(op), tables(op)
    A, T, f = a.A, s.T, a.followers
    lo, hi = s.umin + op.utc_offset_min, s.umax + op.utc_offset_min
    span = np.arange(lo // 1440, hi // 1440 + 1)
    per_day, weekend = s.per_day[span - (cal.start - 1)], (span + 3) % 7 >= 5
    first_day = s.first_utc // 1440
    gap = first_day - a.creation
    by_month = {}
    for i in np.flatnonzero(s.by_month.sum(axis=1)):
        n = int(s.by_month[i].sum())
        month = str(np.datetime64(int(s.m0 + i), "M"))
        by_month[month] = {**_shares(s.by_month[i], n, op.topics), "n": n}
    we = per_day[weekend].mean() if weekend.any() else 0.0
    ratio = float(per_day[~weekend].mean() / we) if we else None  # None: no weekend posting
    wh = {"start": op.working_hours[0], "end": op.working_hours[1]}
    waves = [
        {"start": st, "end": e, "dormant": dz, "size": int((a.group == g).sum())}
        for g, (st, e, dz) in enumerate(op.waves, start=1)
    ]
    truth = {
        "seed": seed, "generator_version": GENERATOR_VERSION, "synthetic": True,
        "files": {"users": op.users_file, "tweets": op.tweets_file, "truth": TRUTH_FILE},
        "params": {"accounts": A, "tweets": T}, "accounts": A, "tweets": T,
        "accounts_with_tweets": int((s.first_utc < np.iinfo(np.int64).max).sum()),
        "first_tweet_date": _date(s.umin // 1440), "last_tweet_date": _date(s.umax // 1440),
        "zero_follower_count": int((f == 0).sum()), "zero_follower_share": float((f == 0).mean()),
        "under_8_share": float((f < 8).mean()), "under_10_share": float((f < 10).mean()),
        "zero_following_share": float((a.following == 0).mean()),
        "timezone": op.timezone, "utc_offset_hours": op.utc_offset_min // 60,
        "working_hours": {**wh, "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
        "working_hours_share": s.working / T, "weekday_weekend_rate_ratio": ratio,
        "creation_waves": waves, "dormant_threshold_days": DORMANT_DAYS,
        "dormant_count": int((gap >= DORMANT_DAYS).sum()),
        "median_creation_to_first_tweet_days": float(np.median(gap)),
        "topic_keywords": op.keywords, "topic_month_basis": "UTC month of tweet_time",
        "topic_share_by_month": by_month, "topic_share_overall": _shares(s.topic, T, op.topics),
        "topic_counts_overall": {k: int(s.topic[i]) for i, k in enumerate(op.topics)},
        "tweet_language_share": _shares(s.lang, T, op.langs),
        "account_language_share": _shares(np.bincount(a.lang, minlength=len(op.account_langs)),
                                          A, op.account_langs),
        "retweet_share": s.rt / T, "retweet_inside_share": s.rt_in / max(1, s.rt),
        "zero_engagement_share": s.none_eng / T,
        "zero_follower_tweets_over_50_likes": s.zf_likes,
        "zero_follower_tweets_over_10_retweets": s.zf_rts,
        "client_share": _shares(s.client, T, op.clients),
        "top_hashtags": [{"hashtag": x, "count": n} for x, n in
                         sorted({**_tag_counts(tx.tagsets, s.tags), **s.ring_tags}.items(),
                                key=lambda kv: (-kv[1], kv[0]))[:10] if n],
        "top_url_domains": [{"domain": op.domains[i][0], "count": int(s.doms[i])}
                            for i in np.lexsort((np.arange(s.doms.size), -s.doms))[:10]
                            if s.doms[i]],
        "coordination": {"window_minutes": 10, "min_accounts": 5, "clusters": s.clusters,
                         "normalization": NORMALIZATION_RULE},
        "networks": s.networks,
        "hostile_samples": s.samples + _user_samples(a, s),
        "hostile_accounts": [a.userid[i] for i in a.hostile],
        "top_accounts": [a.userid[i] for i in a.rank[: min(10, A)]],
        "top_account_profiles": _top_profiles(a),
    }  # fmt: skip
    if op.waves:
        old, dorm_first = a.group == 0, first_day[a.dorm]
        truth["old_accounts"] = {
            "size": int(old.sum()),
            "created_from": _date(a.creation[old].min()),
            "created_to": _date(a.creation[old].max()),
        }
        truth["dormant_wave_members_first_tweet_window"] = {
            "start": _date(dorm_first.min()),
            "end": _date(dorm_first.max()),
        }
        truth["created_after_2019_10_01_share"] = float((a.creation >= day("2019-10-01")).mean())
    _EXTRA.get(op.name, _absent)(op, s, truth)
    return truth


def _tag_counts(tagsets: list[tuple[str, ...]], counts: np.ndarray) -> dict[str, int]:
    out: dict[str, int] = {}
    for g, n in zip(tagsets, counts.tolist(), strict=True):
        for x in g:
            out[x] = out.get(x, 0) + n
    return out


def _user_samples(a: NS, s: NS) -> list[dict[str, str]]:
    samples = []
    for i in a.hostile:
        for col, v in (
            ("user_display_name", a.display[i]),
            ("user_profile_description", a.bio[i]),
            ("user_reported_location", a.location[i]),
        ):
            samples.append({"file": "users", "id": a.userid[i], "column": col, "value": v})
        samples.append(
            {"file": "tweets", "id": s.first_ids[i], "column": "user_display_name",
             "value": a.display[i]}
        )  # fmt: skip
    quiet = (int(i) for i in a.rank[::-1])  # the least active account with both fields empty
    blank = next((i for i in quiet if a.location[i] == a.bio[i] == ""), None)
    for col in ("user_reported_location", "user_profile_description") * (blank is not None):
        samples.append({"file": "users", "id": a.userid[blank], "column": col, "value": ""})
    return samples


def _top_profiles(a: NS) -> list[dict[str, str]]:
    """The planted profile strings of the most active accounts, as the users file holds them."""
    cols = ("user_display_name", "user_profile_description", "user_reported_location")
    return [
        {"file": "users", "id": a.userid[i], "column": col, "value": v}
        for i in a.top
        for col, v in zip(cols, (a.display[i], a.bio[i], a.location[i]), strict=True)
    ]


def _china(op: Operation, s: NS, truth: dict[str, Any]) -> None:
    """The China demo's own keys: COVID-19 and Hong Kong, and simplified versus traditional."""
    from takedown.demo.china import COVID_RISE_DATES

    simp, trad = (int(x) for x in s.script)
    hk, covid = op.topics.index("hong_kong"), op.topics.index("covid")
    truth["covid_hk_share"] = float((s.topic[hk] + s.topic[covid]) / s.T)
    truth["covid_rise_dates"] = list(COVID_RISE_DATES)
    truth["chinese_script_share"] = {
        "simplified": simp / max(1, simp + trad),
        "traditional": trad / max(1, simp + trad),
    }
    truth["chinese_script_counts"] = {"simplified": simp, "traditional": trad}


_COLUMN_KEYS = {  # truth keys read from an optional column: left out when the column is absent
    "like_count": ("zero_engagement_share", "zero_follower_tweets_over_50_likes"),
    "retweet_count": ("zero_engagement_share", "zero_follower_tweets_over_10_retweets"),
    "reply_count": ("zero_engagement_share",),
    "quote_count": ("zero_engagement_share",),
    "tweet_client_name": ("client_share",),
    "hashtags": ("top_hashtags",),
    "urls": ("top_url_domains",),
    "account_language": ("account_language_share",),
}


def _absent(op: Operation, s: NS, truth: dict[str, Any]) -> None:
    """Any operation lacking columns: drop the keys they feed; say what is absent, what must be
    unavailable, and what the text itself still holds (#tags, links)."""
    for col in op.absent_columns:
        for key in _COLUMN_KEYS.get(col, ()):
            truth.pop(key, None)
    truth["operation"] = op.name
    truth["absent_columns"] = list(op.absent_columns)
    truth["expected_unavailable"] = list(op.expected_unavailable)
    truth["text_hashtag_share"] = s.text_tags / s.T
    truth["text_url_share"] = s.urls / s.T


_EXTRA = {"china": _china}
