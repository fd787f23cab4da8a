"""Press: a news article or press item about the brand, told apart from a customer's post.

"Recode Daily: Slack has a Snap problem" in a news feed is about the brand, not a customer
asking it for help. It is flagged ``press`` (shown and searchable) and is not a customer
complaint.

What gives an article away, each a piece of evidence:

- **where it came from**: a news feed (RSS/Atom, which is where Google Alerts and news
  sites publish), or a link to a news site (a known newsroom, a ``news.`` host, or a path
  such as ``/2019/07/…``, ``/2019-07-09/…``, ``/news/``, ``/article/``);
- **a headline**: a title of several words, most of its longer words capitalised
  ("Slack Stock Has a Compelling Story"), or a "Section: headline" shape
  ("Recode Daily: Slack has a Snap problem").

Two of those are needed, and none of what a customer writes: "I", "my" or "me" (a
customer's own blog post or review in a feed complains in the first person and stays a
complaint), or an @handle (written to someone). "We" is allowed: press releases say it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Source types whose items are articles: feeds, where news sites and Google Alerts publish.
NEWS_SOURCE_TYPES = frozenset({"rss", "atom", "news", "googlealerts", "google_alerts"})
# Newsrooms whose host names do not say "news" (a short list: the path shapes below find
# most other articles).
NEWS_HOSTS = frozenset({
    "reuters.com", "bloomberg.com", "wsj.com", "nytimes.com", "washingtonpost.com",
    "theguardian.com", "bbc.co.uk", "bbc.com", "cnn.com", "cnbc.com", "forbes.com",
    "businessinsider.com", "techcrunch.com", "theverge.com", "vox.com", "recode.net",
    "wired.com", "engadget.com", "arstechnica.com", "zdnet.com", "cnet.com", "axios.com",
    "ft.com", "economist.com", "apnews.com", "investorplace.com", "marketwatch.com",
    "fool.com", "seekingalpha.com", "venturebeat.com", "theregister.com", "mashable.com",
    "prnewswire.com", "businesswire.com", "globenewswire.com", "yahoo.com", "msn.com",
    "independent.co.uk", "telegraph.co.uk", "usatoday.com", "latimes.com", "npr.org",
    "spiegel.de", "lemonde.fr", "ilgiornale.it", "golem.de", "heise.de",
})  # fmt: skip
# An article's path: a dated path, or a news section.
_NEWS_PATH = re.compile(
    r"/(?:19|20)\d\d[/-]\d\d?[/-]|/(?:news|article|articles|story|stories|press|press-releases?"
    r"|business|technology|tech|markets|finance|releases?)(?:/|$)",
    re.IGNORECASE,
)
# The writer speaking as themselves: a customer, not a newsroom.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine)\b|@\w", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
MIN_HEADLINE_WORDS = 4
MIN_CAPITALISED_SHARE = 0.5  # of the words of four letters or more
LONG_WORD = 4
MAX_READ = 1_000  # the first person shows in a post's opening, if anywhere


def press_evidence(
    text: str, *, title: str = "", source_type: str | None = None, url: str | None = None
) -> tuple[str, ...]:
    """Why ``text`` reads as a news or press item (empty: it does not)."""
    news_feed = source_type is not None and source_type.lower() in NEWS_SOURCE_TYPES
    if not (news_feed or url):
        return ()  # most posts: nothing here can make them press
    evidence: list[str] = []
    if news_feed:
        evidence.append(f"from a news feed ({source_type})")
    site = news_site(url) if url else None
    if site:
        evidence.append(f"a news site's article ({site})")
    headline = title.strip() or text.strip().split("\n", 1)[0]
    if headline_shaped(headline):
        evidence.append(f"a headline: {headline[:120]!r}")
    if len(evidence) < 2:
        return ()
    if _FIRST_PERSON.search(f"{title}\n{text[:MAX_READ]}"):
        return ()  # a customer's own post in a feed
    return tuple(evidence)


def news_site(url: str) -> str | None:
    """The host of ``url`` when it looks like a news site's article, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    labels = host.split(".")
    known = any(".".join(labels[i:]) in NEWS_HOSTS for i in range(len(labels) - 1))
    if known or "news" in labels[0] or _NEWS_PATH.search(parts.path):
        return host
    return None


def headline_shaped(line: str) -> bool:
    """Whether ``line`` reads as a headline: "Section: headline", or title case."""
    words = _WORD.findall(line[:300])
    if len(words) < MIN_HEADLINE_WORDS or line.rstrip().endswith(("?", "!")):
        return False
    head, colon, rest = line.partition(":")
    if colon and 1 <= len(head.split()) <= 3 and head[:1].isupper() and rest[:1] == " ":
        return True  # "Recode Daily: …", "Exclusive: …"
    # Only words with letter case count: a script without it (Bengali) shows no headline.
    long_words = [w for w in words if len(w) >= LONG_WORD and w[0].lower() != w[0].upper()]
    if len(long_words) < MIN_HEADLINE_WORDS - 1:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper() and not w.isupper())
    return capitalised / len(long_words) >= MIN_CAPITALISED_SHARE
