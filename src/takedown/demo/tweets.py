"""Per-tweet arrays of one block of accounts, account-major: each account's first tweet, then the
rest after it; then sorted by snowflake id for writing.

A block is the whole archive up to BLOCK_TWEETS tweets (so the default archive's bytes are what
they always were); larger archives are generated block by block of accounts, each in memory, so
memory is bounded by the block size whatever the archive size. Small dtypes and early deletes
keep a block within a few hundred MB.
"""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

import numpy as np

from takedown.demo import rings as ring_mod
from takedown.demo.params import Operation, calendar, day, lang_table
from takedown.demo.text import combo_value, tables
from takedown.demo.users import sample_days

TWEPOCH_MS = 1288834974657  # Twitter snowflake epoch
BLOCK_BITS = 7  # in a multi-block archive the low bits of an id's sequence name its block


def _hours(op: Operation, weekend: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    cal = calendar(op)
    u = rng.random(weekend.size)
    wd, we = (np.cumsum(h) / h.sum() for h in (cal.hours_wd, cal.hours_we))
    return np.where(weekend, np.searchsorted(we, u, "right"), np.searchsorted(wd, u, "right"))


def _clusters(
    op: Operation, rng: np.random.Generator, a: NS, T: int, blk: NS, local, special, offsets
):
    """Coordinated clusters: k >= 5 accounts post one text within 10 minutes, on weekdays in
    office hours; each member uses its next unused later tweet. Moves their times in place."""
    cal, tb = calendar(op), tables(op)
    in_cluster = np.zeros(T, bool)
    clusters: list[tuple[int, int, int, int, np.ndarray]] = []  # topic, family, tpl, tags, rows
    used = np.zeros(a.A, np.int64)
    spare = a.counts - 1 - special[offsets + a.counts - 1]
    w_day = np.where(cal.weekday >= 5, 0.0, cal.w_vol)
    total = min(2000 * blk.nblocks, max(5, round(op.clusters * blk.T_all / op.default_tweets)))
    share = round(total * (blk.pos0 + T) / blk.T_all) - round(total * blk.pos0 / blk.T_all)
    lo = np.array([day(op.clusters_from)])
    for _ in range(share):  # this block's part of the archive's clusters
        for _try in range(20):  # a day on which enough accounts have started tweeting
            d = int(sample_days(op, lo, cal.end - 1, w_day, rng)[0])
            elig = np.flatnonzero((a.first < d) & (used < spare))
            if elig.size >= op.cluster_k[0]:
                break
        else:
            continue
        t0 = d * 1440 + int(rng.integers(9 * 60, 16 * 60))
        k = int(rng.integers(op.cluster_k[0], op.cluster_k[1] + 1))
        members = rng.choice(elig, min(k, elig.size), replace=False)
        rows = offsets[members] + 1 + used[members]  # each member's next unused later tweet
        used[members] += 1
        local[rows] = t0 + np.concatenate([[0], rng.integers(0, 10, rows.size - 1)])
        ct = int((rng.random() > cal.topic_cum[d - cal.start]).sum())  # t0 is on UTC day d too
        fam = int(rng.choice(3, p=lang_table(op).fam_p))
        ti = int(rng.integers(0, tb.tpl_idx[ct * 4 + fam, 1]))
        gi = int(rng.integers(0, tb.tag_idx[ct * 4 + fam, 1] + 1))
        in_cluster[rows] = True
        clusters.append((ct, fam, ti, gi, rows))
    return in_cluster, clusters, used, spare


def tweets(op: Operation, rng: np.random.Generator, a: NS, T: int, blk: NS) -> NS:
    """A block's tweets. `a` is the block's accounts (a.top: local index of the archive's most
    active account, or -1); blk places the block in the archive (account offset a0, archive sizes
    A_all and T_all, first output position pos0, first cluster number c0, hostile texts, block
    number b of nblocks). Index conversions at the end are the identity for a single block."""
    cal, tb = calendar(op), tables(op)
    A, counts, other = a.A, a.counts, len(op.topics) - 1
    acct = np.repeat(np.arange(A, dtype=np.int32), counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    later = np.ones(T, bool)
    later[offsets] = False
    dday = np.empty(T, np.int64)
    dday[offsets] = a.first
    dday[later] = sample_days(op, a.first[acct[later]] + 1, cal.end, cal.w_vol, rng)
    del later
    hour = _hours(op, cal.weekday[dday - cal.start] >= 5, rng)
    hour[offsets] = rng.integers(9, 17, A)  # first tweets in office hours: UTC date = local date
    local = dday * 1440 + hour * 60 + rng.integers(0, 60, T)
    del hour
    special = np.zeros(T, bool)
    if a.top >= 0 and counts[a.top] >= 2:  # the archive's last tweet falls on its last day
        p = offsets[a.top] + counts[a.top] - 1
        local[p], special[p] = cal.end * 1440 + 600 + rng.integers(0, 60), True
    u = rng.random(T)
    uday = np.clip((local - op.utc_offset_min) // 1440 - cal.start, 0, cal.ndays - 1)  # UTC dates
    topic = sum((u > cal.topic_cum[uday, k]).astype(np.int8) for k in range(other))
    del u, dday, uday

    in_cluster, clusters, used, spare = _clusters(op, rng, a, T, blk, local, special, offsets)
    rings, in_ring = ring_mod.plant(op, rng, a, T, blk, local, offsets, used, spare)
    del used, spare
    cand = np.flatnonzero(~special & ~in_cluster & ~in_ring & (counts[acct] <= a.quiet))
    hostile_rows = np.sort(rng.choice(cand, min(blk.n_hostile, cand.size), replace=False))
    del cand
    hostile = np.zeros(T, bool)
    hostile[hostile_rows] = True
    plain = ~special & ~in_cluster & ~in_ring & ~hostile
    del special
    topic[hostile] = other

    # language, script family, template, hashtag set
    r = rng.random(T)
    lt = lang_table(op)
    lang = np.minimum(np.searchsorted(lt.cum / lt.cum[-1], r, "right"), len(op.langs) - 1)
    lang = lang.astype(np.int8)  # e.g. zh, en, und
    kind = lt.kind[lang]
    topic[kind == 2] = other  # "und" texts (emoji, transliteration) carry no topic
    family = np.where(kind == 0, (rng.random(T) >= op.family_split).astype(np.int8), kind + 1)
    del kind
    family[hostile] = 3
    if lt.first[2] >= 0:  # hostile texts are labelled "und" where the operation has it
        lang[hostile] = lt.first[2]
    key = topic.astype(np.int32) * 4 + family
    tpl = (tb.tpl_idx[key, 0] + (rng.random(T) * tb.tpl_idx[key, 1])).astype(np.int32)
    tag_p = np.where(topic == other, op.tag_p[1], op.tag_p[0])
    has_tag = (rng.random(T) < tag_p) & (tb.tag_idx[key, 1] > 0) & ~hostile
    tags = np.where(has_tag, tb.tag_idx[key, 0] + rng.random(T) * tb.tag_idx[key, 1], 0).astype(
        np.int32
    )
    del r, key, has_tag
    variant = np.zeros(T, np.int8)  # 1 extra whitespace, 2 trailing punctuation, 3 upper case
    for ct, fam, ti, gi, rows in clusters:
        topic[rows], family[rows], lang[rows] = ct, fam, lt.first[int(fam == 2)]
        tpl[rows] = tb.tpl_idx[ct * 4 + fam, 0] + ti
        tags[rows] = tb.tag_idx[ct * 4 + fam, 0] + gi - 1 if gi else 0
        variant[rows] = rng.integers(0, 4, rows.size)
        variant[rows[0]] = 0
    x = NS(local=local, topic=topic, family=family, lang=lang, tpl=tpl, tags=tags, variant=variant)
    ring_mod.shape_text(op, rng, rings, x)
    t = _links(op, rng, a, T, acct, plain, hostile, in_cluster, blk)
    ev = ring_mod.shape_links(op, rng, rings, t, A, blk.tag0)
    del plain, x

    # times and snowflake ids (time-ordered, unique); output in id order
    utc = local - op.utc_offset_min
    del local

    def snowflake(minutes: np.ndarray, own: bool = False) -> np.ndarray:
        ms = minutes * 60_000 + rng.integers(0, 60_000, minutes.size)
        if own and blk.nblocks > 1:  # unique across blocks: the block number in the low bits
            seq = (rng.integers(0, 1 << (22 - BLOCK_BITS), minutes.size) << BLOCK_BITS) | blk.b
        else:
            seq = rng.integers(0, 1 << 22, minutes.size)
        return ((ms - TWEPOCH_MS) << 22) | seq

    ids = snowflake(utc, own=True)
    step = 1 << BLOCK_BITS if blk.nblocks > 1 else 1
    while (dup := np.flatnonzero(np.diff(ids[order := np.argsort(ids, kind="stable")]) == 0)).size:
        ids[order[dup + 1]] += step
    ref_tid = snowflake(utc - rng.integers(1, 4320, T))
    _ring_refs(rng, ev, utc, ref_tid, snowflake)
    combo = np.empty(T, np.int64)
    salt = (a.seed * 2654435761 + 7654321) % 8**8
    combo[order] = combo_value(blk.pos0 + np.arange(T), salt)
    for c, (*_, rows) in enumerate(clusters):  # cluster codes lie outside the tweets' range
        combo[rows] = combo_value(blk.T_all + blk.c0 + c, salt)
    rt = np.flatnonzero(ev.rt >= 0)  # one retweeted text per event, past the clusters' codes
    combo[rt] = combo_value(blk.T_all + ring_mod.RING_CODE_BASE + blk.ref0 + ev.rt[rt], salt)

    def glob(i: np.ndarray) -> np.ndarray:  # block account index (or A + outside k) -> archive
        return np.where(i < A, i + blk.a0, i - A + blk.A_all).astype(np.int32)

    t.rt_tgt, t.tgt = glob(t.rt_tgt), glob(t.tgt)
    return NS(
        acct=acct + np.int32(blk.a0), offsets=offsets, utc=utc, ids=ids, order=order, combo=combo,
        topic=topic, lang=lang, family=family, tpl=tpl, tags=tags, variant=variant, ref_tid=ref_tid,
        clusters=clusters, hostile=hostile, hostile_rows=hostile_rows, rings=rings, ev=ev,
        **vars(t),
    )  # fmt: skip


def _ring_refs(rng: np.random.Generator, ev: NS, utc, ref_tid, snowflake) -> None:
    """One retweeted (or replied-to) tweet id per ring event, older than the event's first row."""
    refs = np.concatenate([np.flatnonzero(ev.rt >= 0), np.flatnonzero(ev.reply >= 0)])
    if not refs.size:
        return
    n = np.concatenate([ev.rt[ev.rt >= 0], ev.reply[ev.reply >= 0]])
    first = np.full(len(ev.authors), np.iinfo(np.int64).max)
    np.minimum.at(first, n, utc[refs])
    ids = snowflake(first - rng.integers(1, 4320, first.size))
    ref_tid[refs] = ids[n]


def _links(
    op: Operation, rng: np.random.Generator, a: NS, T: int, acct, plain, hostile, in_cl, blk
):
    """Retweets, replies, quotes, mentions, urls, emoji, engagement, clients."""
    A = a.A

    def share(n_default: int) -> int:
        """This block's part of round(n * T_all / default_tweets) planted tweets, rounded so that
        the blocks' parts add up to the archive's total (one block: the whole)."""
        d = op.default_tweets
        return round(n_default * (blk.pos0 + T) / d) - round(n_default * blk.pos0 / d)

    def flag(p: Any) -> np.ndarray:
        return rng.random(T) < p

    is_rt = plain & flag(op.retweet_share * T / max(1, plain.sum()))
    rt_in = is_rt & flag(op.retweet_inside)
    outside = (A + rng.integers(0, len(op.outside), T)).astype(np.int32)  # past the block's ids
    rt_tgt = np.where(rt_in, (acct + rng.integers(1, A, T)) % A, outside).astype(np.int32)
    reply = plain & ~is_rt & flag(0.04)
    quote = plain & ~is_rt & ~reply & flag(0.02)
    tgt = np.where(flag(0.65), rng.integers(0, A, T), np.roll(outside, 1)).astype(np.int32)
    del outside
    mention = ~is_rt & ~reply & ~hostile & flag(np.where(in_cl, 0.3, 0.1))
    has_url = ~hostile & flag(np.where(in_cl, 0.3, op.url_p))
    has_emoji = ~hostile & flag(np.where(in_cl, 0.3, 0.2))

    def eng(p: float, g: float, cap: int) -> np.ndarray:
        n = np.where(~is_rt & flag(p), np.minimum(rng.geometric(g, T), cap), 0)
        return n.astype(np.int32)

    likes, rts = eng(0.07, 0.35, 20), eng(0.03, 0.5, 5)
    replies, quotes = eng(0.02, 0.6, 5), eng(0.01, 0.7, 3)
    zero_f = a.followers[acct] == 0
    if op.plant_engagement:
        c0 = np.flatnonzero(plain & ~is_rt & zero_f)  # planted: like the published 156 and 26
        pick = rng.choice(c0, min(share(156), c0.size), replace=False)
        likes[pick] = 51 + rng.geometric(0.03, pick.size)
        pick = rng.choice(c0, min(share(26), c0.size), replace=False)
        rts[pick] = 11 + rng.geometric(0.1, pick.size)
        cbig = np.flatnonzero(plain & ~is_rt & (a.followers[acct] >= 100))
        pick = rng.choice(cbig, min(share(156), cbig.size), replace=False)
        likes[pick] = 20 + rng.geometric(0.01, pick.size)
        del c0, cbig
    nc = len(op.clients)
    client = np.where(flag(0.85), a.client[acct], rng.choice(nc, T, p=op.client_p)).astype(np.int8)
    dom_p = np.array([d[3] for d in op.domains])
    dom = rng.choice(len(op.domains), T, p=dom_p / dom_p.sum()).astype(np.int8)
    emoji = rng.integers(0, len(op.emoji), T, dtype=np.int8)
    trail = rng.integers(0, len(op.trails), T, dtype=np.int8)
    return NS(
        is_rt=is_rt, rt_in=rt_in, rt_tgt=rt_tgt, reply=reply, quote=quote, tgt=tgt,
        mention=mention, has_url=has_url, has_emoji=has_emoji, dom=dom, emoji=emoji, trail=trail,
        likes=likes, rts=rts, replies=replies, quotes=quotes, zero_f=zero_f, client=client,
    )  # fmt: skip
