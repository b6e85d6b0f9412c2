"""The Twitter information-operations archive schema, and the normalized schema ingest writes.

One place names every column so that the demo generator, ingest and the findings agree.
"""

from __future__ import annotations

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

# Without these a finding cannot be computed: their absence is an error naming the file.
REQUIRED_USER_COLUMNS: tuple[str, ...] = ("userid", "follower_count", "account_creation_date")
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
