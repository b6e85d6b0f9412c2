"""Planted coordination rings (issue 19): sets of accounts that N times retweet the same tweet,
link the same URL, use the same hashtag or reply to the same tweet, each time all within W
minutes of each other, on weekdays in office hours, as the co-tweet clusters are planted.

Each event has its own key (a retweeted or replied-to tweet id, a URL, a hashtag) that nothing
else in the archive carries: background retweet and reply ids and URL slugs are random, and the
ring hashtags are words no template uses, numbered per event. So a ring's pairs share N events
while background pairs share only the common hashtags of the templates (a few at most; the
margin is measured in tests/unit/demo/test_rings.py).
"""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np

from takedown.demo.arrow import SLUG_ALPHABET
from takedown.demo.params import Operation, calendar, day, lang_table
from takedown.demo.text import tables
from takedown.demo.users import sample_days

TRACES = ("co_retweet", "co_link", "co_hashtag", "co_reply")
RING_CODE_BASE = 2000 * 128  # ring retweet codes lie past the tweets' and the clusters' codes


def plant(
    op: Operation, rng: np.random.Generator, a: NS, T: int, blk: NS, local, offsets, used, spare
):
    """Chooses each ring's members and event times; moves the rows' times in place and takes
    each member's next unused later tweet (as the clusters do). Returns the rings and the mask."""
    cal, (k_lo, k_hi), (n_lo, n_hi) = calendar(op), op.ring_k, op.ring_events
    in_ring = np.zeros(T, bool)
    rings: list[NS] = []
    w_day = np.where(cal.weekday >= 5, 0.0, cal.w_vol)
    total = min(200 * blk.nblocks, max(2, round(op.rings * blk.T_all / op.default_tweets)))
    per_trace = round(total * (blk.pos0 + T) / blk.T_all) - round(total * blk.pos0 / blk.T_all)
    for trace in TRACES:
        for _ in range(per_trace):  # this block's part of the archive's rings
            n, m = int(rng.integers(n_lo, n_hi + 1)), int(rng.integers(k_lo, k_hi + 1))
            elig = np.flatnonzero(spare - used >= n)
            if elig.size < k_lo:
                continue
            members = np.sort(rng.choice(elig, min(m, elig.size), replace=False))
            lo = max(int(a.first[members].max()) + 1, day(op.clusters_from))
            if lo >= cal.end - 1:
                continue
            days = np.sort(sample_days(op, np.full(n, lo), cal.end - 1, w_day, rng))
            events = []
            for d in days:
                t0 = int(d) * 1440 + int(rng.integers(9 * 60, 16 * 60))
                rows = offsets[members] + 1 + used[members]
                used[members] += 1
                lag = rng.integers(0, op.ring_window, members.size - 1)
                local[rows] = t0 + np.concatenate([[0], lag])
                in_ring[rows] = True
                events.append(rows)
            rings.append(NS(trace=trace, members=members, events=events))
    return rings, in_ring


def shape_text(op: Operation, rng: np.random.Generator, rings: list[NS], x: NS) -> None:
    """The text side, once the rows have their event times: a retweet event's rows carry one
    text (the retweeted tweet's); every other row draws its topic again for its new day (and a
    template and tags to match); a hashtag event's rows carry the event's hashtag only."""
    cal, tb, other = calendar(op), tables(op), len(op.topics) - 1
    for ring in rings:
        for rows in ring.events:
            if ring.trace == "co_retweet":
                d = int(x.local[rows[0]] // 1440)
                ct = int((rng.random() > cal.topic_cum[min(d, cal.end) - cal.start]).sum())
                fam = int(rng.choice(3, p=lang_table(op).fam_p))
                lang = lang_table(op).first[int(fam == 2)]
                x.topic[rows], x.family[rows], x.lang[rows] = ct, fam, lang
                key = ct * 4 + fam
                x.tpl[rows] = tb.tpl_idx[key, 0] + rng.integers(tb.tpl_idx[key, 1])
                x.tags[rows], x.variant[rows] = 0, 0
                continue
            uday = np.clip(
                (x.local[rows] - op.utc_offset_min) // 1440 - cal.start, 0, cal.ndays - 1
            )
            u = rng.random(rows.size)
            topic = (u[:, None] > cal.topic_cum[uday]).sum(axis=1)
            topic = np.where(x.family[rows] == 3, other, topic)  # "und" texts are "other" only
            key = topic * 4 + x.family[rows]
            x.topic[rows] = topic
            x.tpl[rows] = tb.tpl_idx[key, 0] + (rng.random(rows.size) * tb.tpl_idx[key, 1])
            pick = tb.tag_idx[key, 0] + rng.random(rows.size) * tb.tag_idx[key, 1]
            keep = (x.tags[rows] > 0) & (tb.tag_idx[key, 1] > 0) & (ring.trace != "co_hashtag")
            x.tags[rows] = np.where(keep, pick, 0)


def shape_links(
    op: Operation, rng: np.random.Generator, rings: list[NS], t: NS, A: int, tag0: int
) -> NS:
    """The link side, after the background links are drawn: retweet, reply, URL and hashtag per
    event row, and each event's key. Returns per-row event numbers and the keys' tables (tag0:
    the ring hashtags of earlier blocks, so every event's hashtag is the archive's only one)."""
    T = t.is_rt.size
    dom_p = np.array([d[3] for d in op.domains])
    ev = NS(rt=np.full(T, -1, np.int32), reply=np.full(T, -1, np.int32),
            link=np.full(T, -1, np.int32), tag=np.full(T, -1, np.int32),
            urls=[], tags=[], authors=[])  # fmt: skip
    n_ref = 0
    for ring in rings:
        for rows in ring.events:
            t.mention[rows] = t.has_emoji[rows] = False
            if ring.trace in ("co_retweet", "co_reply"):
                inside = rng.random() < op.retweet_inside
                outside = A + int(rng.integers(len(op.outside)))
                author = int(rng.integers(0, A)) if inside else outside
                (ev.rt if ring.trace == "co_retweet" else ev.reply)[rows] = n_ref
                ev.authors.append(author)
                n_ref += 1
                if ring.trace == "co_retweet":
                    t.is_rt[rows], t.rt_in[rows], t.rt_tgt[rows] = True, author < A, author
                    t.has_url[rows] = False
                    for k in ("likes", "rts", "replies", "quotes"):
                        getattr(t, k)[rows] = 0
                else:
                    t.reply[rows], t.tgt[rows] = True, author
            elif ring.trace == "co_link":
                d = int(rng.choice(len(op.domains), p=dom_p / dom_p.sum()))
                slug = SLUG_ALPHABET[rng.integers(0, SLUG_ALPHABET.size, 11)].tobytes().decode()
                ev.link[rows], t.has_url[rows], t.dom[rows] = len(ev.urls), True, d
                ev.urls.append(op.domains[d][1] + slug + op.domains[d][2])
            else:
                words, g = op.ring_tags, tag0 + len(ev.tags)
                ev.tag[rows] = len(ev.tags)
                ev.tags.append(f"{words[g % len(words)]}{g // len(words) + 1}")
    return ev
