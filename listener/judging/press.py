"""Press: a news article or press item about the brand, told apart from a customer's post.

"Recode Daily: Slack has a Snap problem" in a news feed is about the brand, not a customer
asking it for help. It is flagged ``press`` (shown and searchable) and is not a customer
complaint.

What gives an article away, each a piece of evidence:

- **where it came from**: a Google Alerts feed, or a link to a news site (a known newsroom,
  a ``news.`` host, or a path such as ``/2019/07/…``, ``/2019-07-09/…``, ``/news/``);
  a plain RSS/Atom feed is named too, but only ever as a second sign: Reddit search, forums
  and shops publish feeds as well, so a feed alone says nothing;
- **a headline**: a "Section: headline" shape ("Recode Daily: Slack has a Snap problem"),
  title case ("Slack Stock Has a Compelling Story"), or a sentence-case statement with a
  capitalised subject and a news verb ("Acme Corp recalls 40,000 rocket chargers");
- **an article body**: a long text of several sentences that quotes or reports ("said");
- **a roundup**: "Stories you missed this week: …", which names problems without having one.

Two are needed, at least one of them not the feed, and none of what says a customer wrote it:

- a question (a question is never press: "Does anyone know if Acme ships to Canada?");
- the writer as "I", "my", "me", or the reader as "you" in the headline, or an @handle
  (a customer's blog post or review in a feed stays a complaint); "we" is allowed, press
  releases say it;
- a host where customers post: Reddit, forums, review and Q&A sites, social networks;
- a text not in English, or not in Latin letters: the person and headline shapes above are
  read on English, so such a text is press only when its host or source says news.
"""

from __future__ import annotations

import re
from itertools import pairwise
from urllib.parse import urlsplit

# Where RSS and Atom feeds are read from: a sign that supports another, never one alone.
FEED_SOURCE_TYPES = frozenset({"rss", "atom"})
# Sources whose every item is an article: a sign by themselves.
NEWS_SOURCE_TYPES = frozenset({"news", "googlealerts", "google_alerts"})
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
    "spiegel.de", "lemonde.fr", "ilgiornale.it", "golem.de", "heise.de", "nikkei.com",
    "asahi.com", "yomiuri.co.jp", "nhk.or.jp", "xinhuanet.com", "scmp.com",
})  # fmt: skip
# Hosts where customers post, ask and review: evidence against an article, whatever else.
CUSTOMER_HOSTS = frozenset({
    "reddit.com", "redd.it", "quora.com", "stackexchange.com", "stackoverflow.com",
    "trustpilot.com", "yelp.com", "tripadvisor.com", "tripadvisor.co.uk", "sitejabber.com",
    "g2.com", "capterra.com", "productreview.com.au", "twitter.com", "x.com",
    "facebook.com", "instagram.com", "tiktok.com", "youtube.com", "threads.net",
    "bsky.app", "mastodon.social", "ycombinator.com", "lemmy.world", "discord.com",
    "play.google.com", "apps.apple.com", "amazon.com", "amazon.co.uk", "ebay.com",
    "tumblr.com", "pinterest.com", "medium.com", "substack.com",
})  # fmt: skip
# First labels of hosts that hold customers' threads ("forum.acme.com", "community.acme.com").
CUSTOMER_HOST_LABELS = frozenset({
    "forum", "forums", "community", "communities", "answers", "support", "help", "discuss",
    "discussions", "reviews", "talk", "board", "boards",
})  # fmt: skip
# An article's path: a dated path, or a news section.
_NEWS_PATH = re.compile(
    r"/(?:19|20)\d\d[/-]\d\d?[/-]|/(?:news|article|articles|story|stories|press|press-releases?"
    r"|business|technology|tech|markets|finance|releases?)(?:/|$)",
    re.IGNORECASE,
)
# A thread or review's path: customers writing, on any host.
_CUSTOMER_PATH = re.compile(
    r"/(?:r|comments|forum|forums|thread|threads|topic|questions|reviews?|community|t)/",
    re.IGNORECASE,
)
# The writer speaking as themselves: a customer, not a newsroom.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine)\b|@\w", re.IGNORECASE)
# The reader spoken to, in a headline: a post asking or telling someone ("Anyone know if you…").
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|u|ur|yall)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Third-person verbs news headlines are made of ("Acme recalls …", "Acme Corp posts …").
NEWS_VERBS = frozenset({
    "recalls", "posts", "launches", "announces", "reports", "says", "faces", "sues", "cuts",
    "raises", "hires", "unveils", "acquires", "buys", "sells", "plans", "warns", "reveals",
    "expands", "opens", "closes", "shuts", "settles", "names", "appoints", "partners",
    "introduces", "releases", "confirms", "denies", "files", "slashes", "lays", "fires",
    "invests", "beats", "misses", "seeks", "signs", "debuts", "rolls", "shows", "agrees",
    "wins", "loses", "halts", "pulls", "fined", "sued", "sheds", "boosts",
})  # fmt: skip
# Roundups name problems from many stories without having one ("Stories you missed …").
_ROUNDUP = re.compile(
    r"^\W*(?:stories you missed|what you missed|in case you missed|top stories|week in review"
    r"|the week in|this week in|news roundup|weekly roundup|daily roundup|round-?up:"
    r"|morning briefing|evening briefing|daily briefing|news digest|headlines:)",
    re.IGNORECASE,
)
_REPORTING = re.compile(r"\b(?:said|says|told|according to|spokes(?:man|woman|person))\b")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s+[A-Z“\"]")
MIN_HEADLINE_WORDS = 4
MIN_CAPITALISED_SHARE = 0.5  # of the words of four letters or more
LONG_WORD = 4
VERB_WITHIN = 6  # a news verb is among a headline's first few words
MIN_ARTICLE_CHARS = 400
MIN_ARTICLE_SENTENCES = 4
MAX_READ = 1_000  # the first person shows in a post's opening, if anywhere
LAST_LATIN = 0x24F  # Latin Extended-B: letters past it are another script


def press_evidence(
    text: str,
    *,
    title: str = "",
    source_type: str | None = None,
    url: str | None = None,
    language: str | None = None,
) -> tuple[str, ...]:
    """Why ``text`` reads as a news or press item (empty: it does not).

    ``language``: the judge's reading of the text, when known (None reads as English)."""
    kind = source_type.lower() if source_type is not None else ""
    feed, news_source = kind in FEED_SOURCE_TYPES, kind in NEWS_SOURCE_TYPES
    if not (feed or news_source or url):
        return ()  # most posts: nothing here can make them press
    if url and customer_site(url):
        return ()
    site = news_site(url) if url else None
    headline = title.strip() or text.strip().split("\n", 1)[0]
    opening = f"{title}\n{text[:MAX_READ]}"
    roundup = _ROUNDUP.search(headline) is not None
    if not roundup and ("?" in headline or "?" in text[:MAX_READ]):
        return ()  # a question is asked of someone: never press
    if _FIRST_PERSON.search(opening) or (not roundup and _SECOND_PERSON.search(headline)):
        return ()  # a customer's own post in a feed
    if not (news_source or (site and news_host(url or ""))) and not _english_latin(
        opening, language
    ):
        return ()  # the shapes below are read on English: only a newsroom's host vouches
    evidence: list[str] = []
    if feed or news_source:
        evidence.append(f"from a news feed ({source_type})")
    if site:
        evidence.append(f"a news site's article ({site})")
    if roundup:
        evidence.append(f"a news roundup: {headline[:120]!r}")
    elif headline_shaped(headline) or news_statement(headline):
        evidence.append(f"a headline: {headline[:120]!r}")
    if article_body(text):
        evidence.append("an article's body (several sentences, reported speech)")
    if len(evidence) < 2:  # the feed is one sign at most: another always stands beside it
        return ()
    return tuple(evidence)


def news_site(url: str) -> str | None:
    """The host of ``url`` when it looks like a news site's article, else None."""
    parts = _split(url)
    if parts is None:
        return None
    host, path = parts
    labels = host.split(".")
    known = any(".".join(labels[i:]) in NEWS_HOSTS for i in range(len(labels) - 1))
    if known or "news" in labels[0] or _NEWS_PATH.search(path):
        return host
    return None


def news_host(url: str) -> bool:
    """Whether ``url``'s host is a newsroom (known, or "news." first): not just its path."""
    parts = _split(url)
    if parts is None:
        return False
    labels = parts[0].split(".")
    known = any(".".join(labels[i:]) in NEWS_HOSTS for i in range(len(labels) - 1))
    return known or "news" in labels[0]


def customer_site(url: str) -> bool:
    """Whether ``url`` is a place where customers post: a forum, Reddit, a review site."""
    parts = _split(url)
    if parts is None:
        return False
    host, path = parts
    labels = host.split(".")
    if any(".".join(labels[i:]) in CUSTOMER_HOSTS for i in range(len(labels) - 1)):
        return True
    return labels[0] in CUSTOMER_HOST_LABELS or _CUSTOMER_PATH.search(path) is not None


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


def news_statement(line: str) -> bool:
    """A sentence-case headline: "Acme Corp recalls 40,000 chargers after fire reports".

    A capitalised subject (not "I") right before a news verb among the first words."""
    words = line[:300].split()
    if len(words) < MIN_HEADLINE_WORDS or not words[0][:1].isupper():
        return False
    if line.rstrip().endswith(("?", "!")):
        return False
    for before, word in pairwise(words[:VERB_WITHIN]):
        if word.lower().strip(",.:;") in NEWS_VERBS and word[:1].islower():
            subject = before.strip(",.:;'’\"")
            return subject[:1].isupper() and subject != "I"
    return False


def article_body(text: str) -> bool:
    """A long text of several sentences that reports what someone said: an article."""
    if len(text) < MIN_ARTICLE_CHARS:
        return False
    opening = text[: MAX_READ * 3]
    if len(_SENTENCE_END.findall(opening)) + 1 < MIN_ARTICLE_SENTENCES:
        return False
    return _REPORTING.search(opening) is not None or "“" in opening or '"' in opening


def _english_latin(text: str, language: str | None) -> bool:
    if language not in (None, "en"):
        return False
    return text.isascii() or not any(c.isalpha() and ord(c) > LAST_LATIN for c in text)


def _split(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    return (host, parts.path) if host else None
