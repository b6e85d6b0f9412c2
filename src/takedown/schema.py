"""The Twitter information-operations archive schema, and the normalized schema ingest writes.

One place names every column so that the demo generator, ingest and the findings agree.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1

USER_COLUMNS: tuple[str, ...] = (
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
)

TWEET_COLUMNS: tuple[str, ...] = (
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
)

# Columns some vintages add; kept when present, NULL when absent.
OPTIONAL_TWEET_COLUMNS: tuple[str, ...] = ("poll_choices",)

# What identifies a row: a file without one of these columns is an error naming the file, and
# a row with an empty value in one is rejected. Every other column is optional (issue 7): absent
# from a file it is NULL, an empty value is NULL, and findings that need it are unavailable.
REQUIRED_USER_COLUMNS: tuple[str, ...] = ("userid",)
REQUIRED_TWEET_COLUMNS: tuple[str, ...] = ("tweetid", "userid", "tweet_time")

# Normalized types (DuckDB SQL types) for the columns that are not plain text.
COUNT_COLUMNS: tuple[str, ...] = (
    "follower_count",
    "following_count",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
)
LIST_COLUMNS: tuple[str, ...] = ("hashtags", "urls", "user_mentions")
BOOL_COLUMNS: tuple[str, ...] = ("is_retweet",)
FLOAT_COLUMNS: tuple[str, ...] = ("latitude", "longitude")
TIME_COLUMNS: tuple[str, ...] = ("tweet_time", "account_creation_date")


class ColumnCoverage(BaseModel):
    """Whether an input file had a column, and how many rows hold a value (not NULL) in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    present: bool
    values: int


class Coverage(BaseModel):
    """Per normalized table (users, tweets) and column: what the data actually holds.

    Recorded at ingest in dataset.json so findings can tell "absent" from "zero".
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    rows: dict[str, int] = {}
    columns: dict[str, dict[str, ColumnCoverage]] = {}

    def has(self, table: str, column: str) -> bool:
        """True when the column was in the input and at least one row holds a value."""
        return self.missing(table, column) is None

    def missing(self, table: str, column: str) -> str | None:
        """Why `column` of `table` cannot be used, in words a reader can act on; None if it can."""
        if not self.rows.get(table):
            return f"this dataset's {table} file has no rows"
        col = self.columns.get(table, {}).get(column)
        if col is None or not col.present:
            return f"{column} is not in this dataset's {table} file"
        if col.values == 0:
            return f"{column} is empty in every row of this dataset's {table} file"
        return None
