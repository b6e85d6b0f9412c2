"""The share of tweets posted through automation clients (dlvr.it, IFTTT, twitterfeed...).

Those services post from feeds and schedules, not from a person at a keyboard; the share is one
of the atlas's cross-operation measures. A client is matched by its name as the archive writes
it, case-insensitively; the list is the method, so a reader can see what counted.
"""

from __future__ import annotations

import duckdb

from takedown.findings.contract import Finding, Unit, unavailable
from takedown.findings.proportion import proportion

AUTOMATION_CLIENTS = (
    "dlvr.it", "IFTTT", "twitterfeed", "Hootsuite", "Buffer", "TweetDeck Scheduler",
    "SocialOomph", "Botize", "RoundTeam", "Zapier.com", "Tweet Old Post", "NetworkedBlogs",
    "Twibble.io", "Sprout Social", "TweetAdder", "Tweetbot Scheduler",
)  # fmt: skip

ID = "clients.automation_share"
LABEL = "Share of tweets posted through automation clients"


def automation_share(con: duckdb.DuckDBPyConnection) -> Finding:
    """k of n tweets whose client is in AUTOMATION_CLIENTS; n counts tweets with a client."""
    cols = {r[0] for r in con.execute("DESCRIBE tweets").fetchall()}
    if "tweet_client_name" not in cols:
        return unavailable(ID, unit=Unit.share, label=LABEL,
                           reason="the tweets file has no tweet_client_name column")  # fmt: skip
    names = [c.lower() for c in AUTOMATION_CLIENTS]
    k, n = con.execute(
        """SELECT count(*) FILTER (WHERE lower(tweet_client_name) IN (SELECT unnest(?))),
                  count(NULLIF(tweet_client_name, ''))
           FROM tweets""",
        [names],
    ).fetchone()
    return proportion(
        ID, int(k), int(n), label=LABEL,
        method="clients named " + ", ".join(AUTOMATION_CLIENTS) + ", of tweets with a client",
        empty="tweet_client_name is empty in every row of this dataset's tweets file",
    )  # fmt: skip
