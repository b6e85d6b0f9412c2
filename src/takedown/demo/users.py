"""The account table: creation dates (and waves), first-tweet day, activity, followers, profile
strings. Account-level arrays are small (one row per account), so they are built whole."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace as NS
from typing import Any

import numpy as np
import pyarrow.compute as pc

from takedown.demo.arrow import join, num, pick, slugs, when
from takedown.demo.hostile import hostile_users
from takedown.demo.params import Operation, calendar, day


def uid_hash(seed: int, kind: str, i: int) -> str:
    return hashlib.sha256(f"takedown-demo:{seed}:{kind}:{i}".encode()).hexdigest()


def sample_days(op: Operation, lo: Any, hi: Any, w: np.ndarray, rng: np.random.Generator):
    """One local day per row in [lo, hi], drawn with per-day weights w (inverse CDF)."""
    start = calendar(op).start
    c = np.concatenate([[0.0], np.cumsum(w)])
    lo_r = np.asarray(lo) - start
    hi_r = np.broadcast_to(np.asarray(hi) - start, lo_r.shape)
    a, b = c[lo_r], c[hi_r + 1]
    d = np.searchsorted(c, a + rng.random(lo_r.size) * (b - a), side="right") - 1
    return np.clip(d, lo_r, hi_r) + start


def _untie_top(counts: np.ndarray, k: int) -> None:
    """Make the k largest tweet counts distinct so 'the top 10 accounts' is unambiguous."""
    for _ in range(1000):
        order = np.lexsort((np.arange(counts.size), -counts))
        ties = np.flatnonzero(np.diff(counts[order[:k]]) == 0)
        donors = order[k:][counts[order[k:]] > 1]
        if ties.size == 0 or donors.size == 0:
            return
        counts[order[ties[0]]] += 1
        counts[donors[-1]] -= 1


def low_activity(rank: np.ndarray, k: int, taken: list[int] = ()) -> list[int]:
    """k accounts spread over the less active half (between 55% and 90% down the ranking): the
    hostile profiles sit on ordinary accounts that no headline table shows. An operation of a
    few accounts has no such half: then the least active accounts not `taken`."""
    A = rank.size
    picks = [int(rank[i]) for i in np.linspace(0.55 * A, 0.9 * A, k).astype(np.int64)]
    if len(set(picks) - set(taken)) == len(picks):
        return picks
    return [int(r) for r in rank[::-1] if int(r) not in set(taken)][:k]


def _groups(op: Operation, rng: np.random.Generator, A: int) -> np.ndarray:
    """Group per account: 0 = created over the years, g >= 1 = creation wave g (the first, when
    op says so, dormant). An operation without waves has group 0 only."""
    if not op.waves:
        return np.zeros(A, np.int64)
    n_dorm, n_old = max(1, round(A * 2000 / 23750)), max(1, round(A * 0.10))
    rest = A - n_dorm - n_old
    sizes = [n_old, n_dorm, round(rest * 0.36), round(rest * 0.34)]
    return np.repeat(np.arange(5), sizes + [A - sum(sizes)])[rng.permutation(A)]


def _clients(op: Operation, rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Each account's usual client, filled by quota over the accounts in random order, weighted
    by their tweets, so that the tweets' client mix is the operation's (within one account)."""
    perm = rng.permutation(counts.size)
    mid = (np.cumsum(counts[perm]) - counts[perm] / 2) / counts.sum()
    cut = np.cumsum(op.client_p) / np.sum(op.client_p)
    client = np.empty(counts.size, np.int64)
    client[perm] = np.minimum(np.searchsorted(cut, mid, "right"), len(op.clients) - 1)
    return client


def accounts(op: Operation, rng: np.random.Generator, A: int, T: int, seed: int) -> NS:
    """Account table; tweet counts per account sum to T."""
    cal = calendar(op)
    group = _groups(op, rng, A)
    creation = rng.integers(day(op.creation_range[0]), day(op.creation_range[1]) + 1, A)
    for g, (s, e, _) in enumerate(op.waves, start=1):
        creation[group == g] = rng.integers(day(s), day(e) + 1, (group == g).sum())
    first = creation + rng.integers(7, 59, A)  # waves: first tweet weeks after creation
    first += np.where((first + 3) % 7 >= 5, 7 - (first + 3) % 7, 0)  # weekend -> Monday
    old = np.flatnonzero(group == 0)
    creation[old[0]] = min(creation[old[0]], cal.start - 30)
    lo = np.maximum(creation[old] + 7, cal.start)
    hi = np.minimum(lo + op.first_window_days, day(op.first_by))
    first[old] = sample_days(op, lo, hi, cal.w_week, rng)
    first[old[0]] = cal.start  # the archive's first tweet falls on its first day
    dorm = np.zeros(A, bool)
    if any(w[2] for w in op.waves):
        dorm = group == 1
        d0, d1 = (day(d) for d in op.dormant_first_tweet)
        first[dorm] = sample_days(op, np.full(dorm.sum(), d0), d1, cal.w_week, rng)
    weights = rng.lognormal(0.0, 1.2, A) * np.where(group == 0, 2.0, 1.0)
    counts = 1 + rng.multinomial(T - A, weights / weights.sum())
    _untie_top(counts, min(11, A))
    rank = np.lexsort((np.arange(A), -counts))

    followers = np.zeros(A, np.int64)  # exactly round(share * A) zeros; ~95% under 8
    nz = rng.permutation(A)[round(op.zero_follower_share * A) :]
    followers[nz] = rng.geometric(0.19, nz.size)
    big = nz[: max(1, round(A * 0.0008))]
    followers[big] = np.maximum(8, rng.lognormal(7.0, 1.2, big.size).astype(np.int64))
    following = np.where(rng.random(A) < 0.3, 0, rng.geometric(0.08, A))
    fbig = rng.choice(A, max(1, A // 500), replace=False)
    following[fbig] = rng.lognormal(6.0, 1.0, fbig.size).astype(np.int64)

    style = rng.integers(0, 3, A)
    display = when(
        style == 0,
        join(pick(rng, op.surnames, A), pick(rng, op.given, A)),
        when(
            style == 1,
            join(pick(rng, op.first_latin, A), pick(rng, op.last_latin, A), sep=" "),
            join(pc.utf8_lower(pick(rng, op.last_latin, A)), num(rng.integers(1970, 2002, A))),
        ),
    )
    display = display.to_pylist()
    location = when(rng.random(A) < 0.7, "", pick(rng, op.locations, A)).to_pylist()
    bio = when(rng.random(A) < 0.85, "", pick(rng, op.bios, A)).to_pylist()
    top = [int(a) for a in rank[: min(len(op.top_profiles), A)]]  # as many as there are accounts
    hostile = low_activity(rank, min(len(hostile_users(op)), A - len(top)), top)
    profiles = [*op.top_profiles[: len(top)], *hostile_users(op)[: len(hostile)]]
    for a, (name, desc, loc) in zip(top + hostile, profiles, strict=True):
        display[a], bio[a], location[a] = name, desc, loc
    nl = len(op.account_langs)
    return NS(
        A=A, group=group, creation=creation, first=first, counts=counts, rank=rank, dorm=dorm,
        followers=followers, following=following, lang=rng.choice(nl, A, p=op.account_lang_p),
        client=_clients(op, rng, counts), display=display, location=location,
        bio=bio, purl=when(rng.random(A) < 0.95, "", join("https://t.co/", slugs(rng, A, 10))),
        userid=[uid_hash(seed, "user", i) for i in range(A)], hostile=hostile, top=top, seed=seed,
        screen=[uid_hash(seed, "screen", i) for i in range(A)],
    )  # fmt: skip
