"""The archive's CSV files: the users file, then the tweets file appended chunk by chunk.

Strings are assembled with takes from small tables (pyarrow if_else on long strings is slow);
only the few rows that differ (quoted, hostile, cluster variants) are replaced. Columns the
operation lacks (op.absent_columns) are left out of the header and every row.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as NS
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from takedown.demo.arrow import csv, join, num, put, slugs, sparse, write
from takedown.demo.hostile import hostile_tweets
from takedown.demo.params import Operation, calendar
from takedown.demo.text import FAMILY_BLOCK, halves, spaced, tables
from takedown.demo.users import uid_hash
from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

CHUNK_ROWS = 1_000_000  # one archive generated in one block: its bytes are fixed by this size
BLOCK_CHUNK_ROWS = 250_000  # archives generated in blocks: smaller chunks, less memory


def present(op: Operation, columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if c not in op.absent_columns]


def _select(op: Operation, named: list[tuple[str, pa.Array]]) -> list[pa.Array]:
    """The arrays of the columns the archive has; a name may cover two fields ("a,b")."""
    return [x for n, x in named if not set(n.split(",")) & set(op.absent_columns)]


def write_users(f: IO[bytes], op: Operation, a: NS) -> NS:
    """Writes the users file; returns what the tweets chunks need (the string tables)."""
    cal, tx = calendar(op), tables(op)
    creation = pa.array(np.datetime_as_string(a.creation.astype("datetime64[D]")))
    lang = pa.array(np.array(op.account_langs)[a.lang])
    head = [pa.array(x) for x in (a.userid, a.display, a.screen, a.location, a.bio)] + [a.purl]
    head = [csv(x) for x in head]
    f.write((",".join(present(op, USER_COLUMNS)) + "\n").encode())
    tail = [num(a.followers), num(a.following), creation, lang]
    write(f, _select(op, list(zip(USER_COLUMNS, head + tail, strict=True))))
    # the tweets file repeats the account columns, with counts written as floats (0.0)
    counts = [join(num(x), ".0") for x in (a.followers, a.following)]
    user_cols = list(zip(USER_COLUMNS, [*head, *counts, creation, lang], strict=True))
    frag = join(*_select(op, user_cols), sep=",")
    out_ids = [str(int(uid_hash(0, h, 0)[:15], 16) % 10**12 + 10**8) for h in op.outside]
    uids, handles = a.userid + out_ids, a.screen + list(op.outside)
    U = len(uids)  # index U = none
    t = {
        "rt": [f"RT @{h}: " for h in handles] + [""], "reply": [f"@{h} " for h in handles] + [""],
        "mention": [f" @{h}" for h in handles] + [""], "uid": uids + [""],
        "uid_list": [f"[{x}]" for x in uids] + [f"['{x}']" for x in uids] + ["[]", ""],
        "emoji": [f" {e}" for e in op.emoji] + [""], "sep": list(op.family_sep),
        "tags": ["[" + ", ".join(g) + "]" for g in tx.tagsets]
        + ["[" + ", ".join(f"'{x}'" for x in g) + "]" if g else "" for g in tx.tagsets],
        "tag_text": ["".join(f" #{x}" for x in g) for g in tx.tagsets], "tpl": tx.tpl,
        "lang": list(op.langs), "client": list(op.clients), "bool": ["False", "True"],
        "trail": list(op.trails), "dom_pre": [d[1] for d in op.domains],
        "dom_suf": [d[2] for d in op.domains], "absent": ["absent,absent"],
        "hm": [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)],
        "day": [str(np.datetime64(int(d), "D")) for d in range(cal.start - 1, cal.end + 2)],
    }  # fmt: skip
    tb = {k: pa.array(v, pa.string()) for k, v in t.items()}
    tb["tags"] = csv(tb["tags"])
    return NS(tb=tb, frag=frag, U=U, halves=halves(op), start=cal.start)


def _ring_pieces(t: NS, ix: np.ndarray, has_url: np.ndarray, b: np.ndarray, tag_text: pa.Array):
    """The ring events' own URL (in the text and the urls column) and hashtag (in the text and
    the hashtags column) in place of the background ones, for the rows ix of a chunk."""
    lk, tg = t.ev.link[ix], t.ev.tag[ix]
    lk_url, mt = lk[has_url], tg >= 0
    urls, names = pa.array(t.ev.urls, pa.string()), pa.array(t.ev.tags, pa.string())
    own = names.take(tg[mt])

    def link(piece: pa.Array, lead: str = "") -> pa.Array:
        return put(piece, lk_url >= 0, join(lead, urls.take(lk_url[lk_url >= 0])))

    def tags(col: pa.Array) -> pa.Array:
        quoted = b[mt] == 1
        return put(
            col, mt, pc.if_else(pa.array(quoted), join("['", own, "']"), join("[", own, "]"))
        )

    return NS(tag_text=put(tag_text, mt, join(" #", own)), link=link, tags=tags)


def write_header(f: IO[bytes], op: Operation) -> None:
    f.write((",".join(present(op, TWEET_COLUMNS)) + "\n").encode())


def write_tweets(
    f: IO[bytes],
    op: Operation,
    ctx: NS,
    t: NS,
    seed: int,
    chunk0: int,
    done: Callable[[int], None],
    rows: int = CHUNK_ROWS,
) -> int:
    """Appends a block's tweets in id order, `rows` at a time; returns the chunks written
    (chunk numbers seed each chunk's random strings, so they continue across blocks)."""
    tb, U, (h0, h1, h2) = ctx.tb, ctx.U, ctx.halves
    hostile_text = dict(zip(t.hostile_rows.tolist(), hostile_tweets(op), strict=False))
    T, n_chunk = t.acct.size, chunk0
    for n_chunk, s in enumerate(range(0, T, rows), start=chunk0):
        ix = t.order[s : s + rows]
        n, crng = ix.size, np.random.default_rng([seed, 101, n_chunk])
        fam, rt, rep, tgt, c = t.family[ix], t.is_rt[ix], t.reply[ix], t.tgt[ix], t.combo[ix]
        blk = FAMILY_BLOCK[fam] * 8**4
        has_url, b = t.has_url[ix], (crng.random(n) < 0.5).astype(np.int32)  # b: list style
        k = int(has_url.sum())
        ring = _ring_pieces(t, ix, has_url, b, tb["tag_text"].take(t.tags[ix]))
        text = join(
            tb["rt"].take(np.where(rt, t.rt_tgt[ix], U)),
            tb["reply"].take(np.where(rep, tgt, U)), tb["tpl"].take(t.tpl[ix]),
            tb["sep"].take(fam), h0.take(blk + (c & 4095)), h1.take(blk + ((c >> 12) & 4095)),
            h2.take(c >> 24), ring.tag_text,
            tb["mention"].take(np.where(t.mention[ix], tgt, U)),
            sparse(has_url, ring.link(join(" https://t.co/", slugs(crng, k, 10)), " ")),
            tb["emoji"].take(np.where(t.has_emoji[ix], t.emoji[ix], len(op.emoji))),
        )  # fmt: skip
        v = t.variant[ix]
        text = put(text, v == 1, spaced)
        text = put(text, v == 2, join(text.filter(v == 2), tb["trail"].take(t.trail[ix][v == 2])))
        text = put(text, v == 3, pc.utf8_upper)
        hm = t.hostile[ix]
        text = put(text, hm, pa.array([hostile_text[int(p)] for p in ix[hm]], pa.string()))
        dom = t.dom[ix][has_url]
        url = ring.link(join(tb["dom_pre"].take(dom), slugs(crng, k, 11), tb["dom_suf"].take(dom)))
        url = pc.if_else(pa.array(b[has_url] == 1), join("['", url, "']"), join("[", url, "]"))
        utc, ref, q = t.utc[ix], t.ref_tid[ix], t.quote[ix]
        when = join(tb["day"].take(utc // 1440 - ctx.start + 1), tb["hm"].take(utc % 1440), sep=" ")
        mentioned = np.where(t.mention[ix] | rep, tgt + b * U, 2 * U + b)
        cols = [
            ("tweetid", num(t.ids[ix])), ("user", ctx.frag.take(t.acct[ix])),
            ("tweet_language", tb["lang"].take(t.lang[ix])), ("tweet_text", csv(text)),
            ("tweet_time", when), ("tweet_client_name", tb["client"].take(t.client[ix])),
            ("in_reply_to_userid", tb["uid"].take(np.where(rep, tgt, U))),
            ("in_reply_to_tweetid", sparse(rep, num(ref[rep]))),
            ("quoted_tweet_tweetid", sparse(q, num(ref[q] + 1))),
            ("is_retweet", tb["bool"].take(rt.astype(np.int8))),
            ("retweet_userid", tb["uid"].take(np.where(rt, t.rt_tgt[ix], U))),
            ("retweet_tweetid", sparse(rt, num(ref[rt]))),
            ("latitude,longitude", tb["absent"].take(np.zeros(n, np.int8))),
            *((name, num(x[ix])) for name, x in (("quote_count", t.quotes), ("reply_count", t.replies),
                                          ("like_count", t.likes), ("retweet_count", t.rts))),
            ("hashtags", ring.tags(tb["tags"].take(t.tags[ix] + b * len(tables(op).tagsets)))),
            ("urls", sparse(has_url, csv(url), ("[]", ""), b)),
            ("user_mentions", tb["uid_list"].take(mentioned)),
        ]  # fmt: skip
        write(f, _select(op, cols))
        done(n)
    return n_chunk + 1 - chunk0
