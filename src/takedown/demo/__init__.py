"""Synthetic demo archives in the exact Twitter information-operations format, with planted effects.

No takedown archive ships with the project, so the default report renders on one of these. Two
synthetic operations (`OPERATIONS`) differ in language, clock, creation history and which optional
columns exist. Every planted effect's *realized* value (computed from the rows written, not from
the targets) goes to truth.json, so tests can check that the findings recover it. Numbers are
drawn with numpy and strings assembled with pyarrow compute (no Python loop per row).

Up to BLOCK_TWEETS tweets the archive is generated in one piece (the default archive's bytes are
fixed). Larger archives are generated block by block of accounts and appended to the tweets file,
so memory stays bounded whatever the size; within a block the rows are in id order.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import numpy as np

from takedown.demo import truth as truth_mod
from takedown.demo.hostile import hostile_tweets
from takedown.demo.params import Operation
from takedown.demo.spec import MAX_TWEETS, SPECS, OperationSpec, load_spec
from takedown.demo.spec import operation as spec_operation
from takedown.demo.text import normalize_text
from takedown.demo.truth import GENERATOR_VERSION, TRUTH_FILE
from takedown.demo.tweets import BLOCK_BITS
from takedown.demo.tweets import tweets as make_tweets
from takedown.demo.users import accounts as make_accounts
from takedown.demo.writers import (
    BLOCK_CHUNK_ROWS,
    CHUNK_ROWS,
    write_header,
    write_tweets,
    write_users,
)

OPERATIONS: dict[str, Operation] = {n: spec_operation(s) for n, s in SPECS.items()}
DEFAULT_OPERATION = "china"
USERS_FILE = OPERATIONS[DEFAULT_OPERATION].users_file  # the default operation's files
TWEETS_FILE = OPERATIONS[DEFAULT_OPERATION].tweets_file
BLOCK_TWEETS = 500_000  # peak RSS ~1 GiB at this size in one block, ~0.75 GiB in blocks
MIN_BLOCK_ACCOUNTS = 10  # MAX_TWEETS: the code phrase has COMBO_HI * 8**8 values

__all__ = [
    "DEFAULT_OPERATION", "GENERATOR_VERSION", "MAX_TWEETS", "OPERATIONS", "SPECS", "TRUTH_FILE",
    "TWEETS_FILE", "USERS_FILE", "OperationSpec", "generate", "get_operation", "load_spec",
    "normalize_text",
]  # fmt: skip


def get_operation(name: str) -> Operation:
    """The operation called name, or a ValueError that lists the names."""
    if name not in OPERATIONS:
        names = ", ".join(sorted(OPERATIONS))
        raise ValueError(f"unknown demo operation {name!r}; choose one of: {names}")
    return OPERATIONS[name]


def _round(x: Any) -> Any:
    """Floats to 6 decimals, recursively, so truth.json is stable and readable."""
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return [_round(v) for v in x] if isinstance(x, list | tuple) else x


def _blocks(A: int, T: int, size: int) -> list[np.ndarray]:
    """Account index ranges of the blocks: one block up to `size` tweets, then as many blocks as
    keep each near `size` tweets (generate checks that each has MIN_BLOCK_ACCOUNTS accounts)."""
    n = min(math.ceil(T / size), 1 << BLOCK_BITS)
    return np.array_split(np.arange(A), max(1, n))


def _view(a: NS, idx: np.ndarray) -> NS:
    """The accounts of one block, with the archive's most active account marked if inside."""
    top = int(a.rank[0]) - int(idx[0])
    return NS(
        A=idx.size, counts=a.counts[idx], first=a.first[idx], followers=a.followers[idx],
        client=a.client[idx], seed=a.seed, top=top if 0 <= top < idx.size else -1,
        quiet=int(np.median(a.counts)),  # hostile tweets: accounts at most this active
    )  # fmt: skip


def _check(accounts: int, tweets: int, block_tweets: int) -> None:
    """Sizes the generator can honour, checked before anything is written."""
    if accounts < 2:  # one account has nobody in the network to retweet or reply to
        raise ValueError(f"accounts must be at least 2 (got {accounts})")
    if tweets < accounts:
        raise ValueError(
            f"tweets ({tweets}) must be >= accounts ({accounts}): every account tweets"
        )
    if tweets > MAX_TWEETS:
        raise ValueError(f"tweets must be at most {MAX_TWEETS:,} (got {tweets:,})")
    most = max(1, accounts // MIN_BLOCK_ACCOUNTS) * block_tweets
    if tweets > most:  # blocks of >= MIN_BLOCK_ACCOUNTS accounts, <= block_tweets tweets each
        raise ValueError(
            f"tweets ({tweets:,}) must be at most {most:,} for {accounts:,} accounts, so that the "
            "archive is generated in bounded memory; pass more accounts"
        )


def generate(
    out_dir: Path,
    *,
    seed: int = 0,
    accounts: int | None = None,
    tweets: int | None = None,
    operation: str = DEFAULT_OPERATION,
    progress: Callable[[str, float], None] | None = None,
    block_tweets: int = BLOCK_TWEETS,
    spec: OperationSpec | None = None,
) -> dict:
    """Writes the operation's users and tweets files and truth.json into out_dir; returns the
    truth dict. Sizes default to the operation's own. Same seed, same bytes. Files are written under temporary names and renamed when
    complete, so an interrupted run never leaves a complete-looking archive. block_tweets bounds
    the tweets generated at once (memory); tests lower it to exercise the multi-block path.
    A spec (spec.py) gives the operation and its sizes instead of `operation`."""
    op = get_operation(operation) if spec is None else spec_operation(spec)
    if spec is not None:
        accounts, tweets = spec.accounts, spec.tweets
    accounts = op.default_accounts if accounts is None else accounts
    tweets = op.default_tweets if tweets is None else tweets
    _check(accounts, tweets, block_tweets)
    report = progress or (lambda stage, fraction: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    acc = make_accounts(op, rng, accounts, tweets, seed)
    report("accounts", 0.1)
    blocks = _blocks(accounts, tweets, block_tweets)
    acc_truth = truth_mod.start(op, acc)
    paths = [out_dir / f for f in (op.users_file, op.tweets_file, TRUTH_FILE)]
    tmp = [p.with_name(p.name + ".partial") for p in paths]
    for p in paths:
        p.unlink(missing_ok=True)
    with open(tmp[0], "wb") as fu, open(tmp[1], "wb") as ft:
        ctx = write_users(fu, op, acc)
        write_header(ft, op)
        written, pos, clusters, chunk, refs, tags = 0, 0, 0, 0, 0, 0

        def done(n: int) -> None:
            nonlocal written
            written += n
            report("tweets", 0.2 + 0.75 * written / tweets)

        for b, idx in enumerate(blocks):
            brng = rng if len(blocks) == 1 else np.random.default_rng([seed, 202, b])
            n_b = int(acc.counts[idx].sum())
            blk = NS(
                a0=int(idx[0]), A_all=accounts, T_all=tweets, pos0=pos, c0=clusters,
                n_hostile=len(hostile_tweets(op)) if b == 0 else 0, b=b, nblocks=len(blocks),
                ref0=refs, tag0=tags,
            )  # fmt: skip
            t = make_tweets(op, brng, _view(acc, idx), n_b, blk)
            if len(blocks) == 1:
                report("tweets", 0.2)
            rows = CHUNK_ROWS if len(blocks) == 1 else BLOCK_CHUNK_ROWS
            chunk += write_tweets(ft, op, ctx, t, seed, chunk, done, rows)
            truth_mod.add(op, acc_truth, acc, t, blk.a0)
            pos, clusters = pos + n_b, clusters + len(t.clusters)
            refs, tags = refs + len(t.ev.authors), tags + len(t.ev.tags)
            del t
    result = _round(truth_mod.finish(op, acc_truth, acc, seed))
    text = json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    tmp[2].write_text(text, encoding="utf-8")
    for partial, final in zip(tmp, paths, strict=True):
        os.replace(partial, final)
    report("truth", 1.0)
    return result
