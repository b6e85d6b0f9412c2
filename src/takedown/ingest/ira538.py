"""FiveThirtyEight / Clemson IRA tweets (Linvill and Warren) -> the archive's columns.

Two layouts:
- the original `IRAhandle_tweets_N.csv` files: `external_author_id, author, content, region,
  language, publish_date` (M/D/YYYY H:MM), `following, followers, updates, post_type,
  account_type, retweet, account_category, ...`, often `tweet_id`;
- the per-author derivative (`tweets_*.csv.gz` with `author_id` plus `authors.csv.gz`), whose
  `publish_date` is `YYYY-MM-DD HH:MM:SS` and which has no tweet ids.

Language names become ISO codes; accounts are derived from the tweet rows with their latest
counts; `account_category` and `account_type` are kept as account attributes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest.derive import archive_file, users_from_tweets, utc_text, write_csv
from takedown.ingest.discover import COLUMN_ALIASES, ArchiveFile, read_header
from takedown.ingest.languages import iso_case_sql
from takedown.ingest.limits import CSV_ROW_OPTIONS
from takedown.ingest.normalize import lit, q

ORIGINAL = frozenset({"external_author_id", "author", "content", "publish_date"})
BY_AUTHOR = frozenset({"author_id", "content", "publish_date"})
AUTHORS = frozenset({"author_id", "author", "account_category"})
ACCOUNT_ATTRIBUTES = ("account_category", "account_type")


def _raw_header(path: Path) -> set[str]:
    """The header as written: read_header maps tweet_id to the archive's tweetid, undo that."""
    undo = {new: old for old, new in COLUMN_ALIASES.items()}
    return {undo.get(c, c) for c in read_header(path, path.name)}


def _csv(path: Path) -> str:
    return (
        f"read_csv({lit(path.as_posix())}, all_varchar=true, header=true, delim=',', "
        f"quote='\"', escape='\"', {CSV_ROW_OPTIONS})"
    )


def _tweet_select(src: str, header: set[str], clock: str, *, by_author: bool, stem: str) -> str:
    """The tweet rows in archive columns, in file order; `stem` names the file in made-up ids."""

    def col(name: str) -> str:
        return q(name) if name in header else "CAST(NULL AS VARCHAR)"

    author = "author_id" if by_author else "external_author_id"
    if "tweet_id" in header:
        tweetid = q("tweet_id")
    else:  # The derivative has no ids: from the author, the file's name and the row's place,
        # so one author split over two files (one per year) never repeats an id (issue 20 item 7).
        tweetid = f"{q(author)} || {lit('-' + stem + '-')} || CAST(row_number() OVER () AS VARCHAR)"
    if "post_type" in header:
        retweet = (
            "CASE WHEN upper(trim(post_type)) IN ('R', 'RETWEET') THEN 'True' ELSE 'False' END"
        )
    else:
        retweet = f"CASE {col('retweet')} WHEN '1' THEN 'True' WHEN '0' THEN 'False' END"
    attrs = [f"{col(a)} AS {q(a)}" for a in ACCOUNT_ATTRIBUTES if a in header]
    return f"""SELECT {tweetid} AS tweetid, {q(author)} AS userid,
                      {col("author")} AS user_screen_name,
                      {col("followers")} AS follower_count, {col("following")} AS following_count,
                      {iso_case_sql(col("language"))} AS tweet_language,
                      {col("content")} AS tweet_text,
                      {utc_text(col("publish_date"), None, clock)} AS tweet_time,
                      {retweet} AS is_retweet,
                      {col("region")} AS region{"".join(", " + a for a in attrs)}
               FROM {src}"""


def convert(
    files: list[Path], work: Path, operation: str, clock: str
) -> tuple[list[ArchiveFile], list[Path], list[str]]:
    """Archive-layout tweets and users CSVs for one IRA release; returns (files, ignored, notes)."""
    headers = {p: _raw_header(p) for p in files}
    tweets = [p for p, h in headers.items() if ORIGINAL <= h or BY_AUTHOR <= h]
    authors = [p for p, h in headers.items() if AUTHORS <= h and "content" not in h]
    ignored = [p for p in files if p not in tweets and p not in authors]
    if not tweets:
        raise IngestError(
            f"{files[0]}: no FiveThirtyEight IRA tweets file (needs columns "
            "author or author_id, content, publish_date); pass the tweets CSVs"
        )
    by_author = BY_AUTHOR <= headers[tweets[0]]
    if any((BY_AUTHOR <= headers[p]) != by_author for p in tweets):
        raise IngestError(
            f"{tweets[0]}: mixes the original and the per-author IRA layouts; ingest one at a time"
        )
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    out: list[ArchiveFile] = []
    notes = [
        "FiveThirtyEight/Clemson IRA layout: language names mapped to ISO codes; accounts "
        "derived from the tweet rows, each with its latest follower and following counts.",
        f"Timestamps read on the {clock} clock (the publishers do not state one)."
        if clock == "UTC"
        else f"Timestamps read on the {clock} clock and converted to UTC.",
    ]
    if by_author:
        notes.append(
            "The per-author derivative has no tweet ids: ids are synthesized as "
            "<author>-<file name>-<row number in that file>."
        )
        _unique_stems(tweets)
    if "post_type" in headers[tweets[0]]:
        notes.append(
            "A retweet is post_type R or RETWEET; quote tweets are not counted as retweets."
        )
    for i, p in enumerate(sorted(tweets)):
        target = work / f"{operation}_tweets_csv_converted_{i + 1}.csv"
        try:
            select = _tweet_select(_csv(p), headers[p], clock, by_author=by_author, stem=_stem(p))
            write_csv(con, select, target)
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise IngestError(f"{p}: cannot read as an IRA tweets CSV ({first})") from None
        out.append(archive_file(p, target, "tweets", operation))
    out.extend(_users(con, out, authors, work, operation))
    if authors:
        notes.extend(_silent_authors(con, out[:-1], authors[0]))
    con.close()
    return out, ignored, notes


def _silent_authors(
    con: duckdb.DuckDBPyConnection, tweets: list[ArchiveFile], authors: Path
) -> list[str]:
    """The note on authors listed with no tweet in the given files (a sample may miss them)."""
    files = "[" + ", ".join(lit(t.path.as_posix()) for t in tweets) + "]"
    (silent,) = con.execute(
        f"""SELECT count(*) FROM {_csv(authors)} a WHERE a.author_id NOT IN
            (SELECT userid FROM read_csv({files}, all_varchar=true, union_by_name=true))"""
    ).fetchone()
    if not silent:
        return []
    return [
        f"{silent:,} authors in {authors.name} have no tweet in the given files; they are kept "
        "as accounts with no tweets, with the attributes that file gives."
    ]


def _stem(path: Path) -> str:
    """The file's name without .csv/.gz: the part of a made-up tweet id that names the file."""
    name = path.name
    for suffix in (".gz", ".csv"):
        name = name[: -len(suffix)] if name.lower().endswith(suffix) else name
    return name


def _unique_stems(tweets: list[Path]) -> None:
    """Made-up ids name the file, so two tweets files of one name would repeat ids."""
    seen: dict[str, Path] = {}
    for p in tweets:
        if _stem(p) in seen:
            raise IngestError(
                f"{p}: has the same name as {seen[_stem(p)]}, and tweet ids are made from the "
                "file name; rename one of them"
            )
        seen[_stem(p)] = p


def _users(
    con: duckdb.DuckDBPyConnection,
    tweets: list[ArchiveFile],
    authors: list[Path],
    work: Path,
    operation: str,
) -> list[ArchiveFile]:
    """Accounts from the tweet rows (latest counts), with the authors file's attributes; an
    author with no tweet in the files is an account too (a sample of tweets misses some)."""
    header = tuple(dict.fromkeys(c for t in tweets for c in t.columns))
    derived = users_from_tweets([t.path for t in tweets], header, ACCOUNT_ATTRIBUTES + ("region",))
    select = f"SELECT * FROM ({derived})"
    if authors:
        a = _csv(authors[0])
        order = [r[0] for r in con.execute(f"DESCRIBE {select}").fetchall()]
        have = set(order)
        a_cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {a}").fetchall()}
        take = [c for c in ("user_screen_name", *ACCOUNT_ATTRIBUTES) if c in have or c in a_cols]
        source_of = {"user_screen_name": "author"}
        picks = []
        for c in take:
            src = source_of.get(c, c)
            a_expr = f"a.{q(src)}" if src in a_cols else "NULL"
            d_expr = f"d.{q(c)}" if c in have else "NULL"
            picks.append(f"coalesce({a_expr}, {d_expr}) AS {q(c)}")
        # A FULL join: an author the file lists is an account even with no tweet in the files.
        keep = ", ".join(
            "coalesce(d.userid, a.author_id) AS userid" if c == "userid" else f"d.{q(c)}"
            for c in order if c not in take
        )  # fmt: skip
        select = f"""SELECT {keep}, {", ".join(picks)}
                     FROM ({select}) d FULL JOIN {a} a ON a.author_id = d.userid
                     ORDER BY userid"""
    target = work / f"{operation}_users_csv_converted.csv"
    source = authors[0] if authors else tweets[0].source
    write_csv(con, select, target)
    return [archive_file(source, target, "users", operation)]
