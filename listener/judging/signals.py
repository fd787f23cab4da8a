"""Signals beside sentiment: spam and bots, abuse and threats, profanity, reach and urgency.

Each judge is a pure function of the text and what the source told about it, and names the
evidence for every conclusion ("phrase 'follow & rt'", "6 hashtags", "complaint with 52,000
reach"), so a person can see why a mention was flagged or escalated.

Cost matters: these run on every mention. Text is cut to ``MAX_SIGNAL_TEXT`` characters and
read once (lowercased, split into words) however many judges ask. A regex costs about 30 ns
a character even when it finds nothing, so no judge scans the text unless a word it needs is
in it: phrase lists are grouped by a key word (see ``_Lexicon``), the abuse and threat
patterns by the nouns and verbs they cannot do without. Measured with
``.venv/bin/python tests/test_signals.py`` on a shared 2-core VM where ``sum(range(100))``
took 1.4 µs (about 3× a desktop): all five judges 25–30 µs for chatter or a plain complaint,
50–58 µs for a sworn complaint with time pressure and a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from operator import eq
from typing import Any, NamedTuple

from listener.judging.lexicon import signals_words as words
from listener.models import Author, Engagement, Finding, Flag, Urgency

MAX_SIGNAL_TEXT = 5_000  # longer posts are judged on their start: enough for any real post

_LETTERS = re.compile(r"[a-z]+")
# Bytes that are not a-z become spaces: splitting the translated UTF-8 gives the same words as
# _LETTERS.findall, three times faster (a regex scan costs ~30 ns a character).
_WORD_BYTES = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_START, _END = r"(?<!\w)", r"(?!\w)"
_COMMON = frozenset(words.COMMON_WORDS)
_Fragments = Iterable[tuple[str, Iterable[str]]]  # (regex, words one of which it needs)


class _Text(NamedTuple):
    prepared: str  # capped, lowercased, plain apostrophes, single spaces
    words: tuple[str, ...]  # its runs of letters a-z in order ("today's" → "today", "s")
    vocabulary: frozenset[str]


@lru_cache(maxsize=32)
def _read(capped: str) -> _Text:
    # Cached: the judge asks spam_flags, abuse_flags and urgency about the same text in a row.
    lowered = capped.lower()
    if not lowered.isascii():  # typographic apostrophes read as plain ones ("can’t")
        lowered = lowered.replace("’", "'").replace("‘", "'")
    prepared = " ".join(lowered.split())
    found = tuple(prepared.encode("utf-8", "replace").translate(_WORD_BYTES).decode().split())
    return _Text(prepared, found, frozenset(found))


def _text(text: str) -> _Text:
    return _read(text[:MAX_SIGNAL_TEXT])  # a short text slices to itself: its hash is cached


def _key_word(phrase: str) -> str:
    """The word whose absence from a text proves the phrase is not there: its longest
    uncommon word. Never one written with an apostrophe: texts spell those both ways."""
    found: list[str] = [t for w in phrase.split() if "'" not in w for t in _LETTERS.findall(w)]
    if not found:
        raise ValueError(f"phrase {phrase!r} has no plain word to look for")
    return max(found, key=lambda word: (word not in _COMMON, len(word)))


def _trie(phrases: Iterable[str]) -> str:
    """One alternation for many literal phrases, factored by shared prefixes.

    A flat ``a|b|c…`` makes the regex engine try every phrase at every word; a trie tries only
    the branch the next character allows. An apostrophe is optional ("ill", "i'll"), and
    longer phrases are tried first ("no heating" before "no heat").
    """
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [
        ("'?" if char == "'" else re.escape(char)) + _node_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        return f"(?:{'|'.join(branches)}|)" if branches else ""
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _any(*patterns: str) -> str:
    return "(?:" + "|".join(patterns) + ")"


def _literal(phrase: str) -> str:
    return re.escape(phrase).replace("'", "'?")  # "i'll" also finds "ill"


def _starts_word(prepared: str, start: int) -> bool:
    return not start or not (prepared[start - 1].isalnum() or prepared[start - 1] == "_")


class _Lexicon:
    """Named families of phrases, found without scanning the text once per phrase.

    One-word phrases are looked up in the text's words. Longer ones (and regex fragments) are
    grouped by a key word, and only the groups whose key word the text contains are searched,
    each by a small regex. Those regexes start with plain letters, which the engine skips to at
    C speed; a leading look-behind would make it stop at every character, so the word boundary
    before a match is checked in Python instead (the one after is in the regex).
    """

    def __init__(
        self, families: Mapping[str, Iterable[str]], fragments: Mapping[str, _Fragments]
    ) -> None:
        self._word_family: dict[str, str] = {}
        self._phrase_family: dict[str, str] = {}
        by_key: dict[str, list[str]] = {}
        for family, phrases in families.items():
            for phrase in phrases:
                if _LETTERS.fullmatch(phrase):
                    self._word_family.setdefault(phrase, family)
                else:
                    self._phrase_family.setdefault(phrase.replace("'", ""), family)
                    by_key.setdefault(_key_word(phrase), []).append(_literal(phrase))
        # A fragment's family comes back as the name of the group it is in.
        grouped: dict[str, dict[str, list[str]]] = {}
        for family, parts in fragments.items():
            for pattern, needs in parts:
                for word in needs:
                    grouped.setdefault(word, {}).setdefault(family, []).append(pattern)
        self._regex_of = {
            key: re.compile(
                _any(
                    *sorted(by_key.get(key, ()), key=len, reverse=True),
                    *(f"(?P<{f}>{'|'.join(ps)})" for f, ps in grouped.get(key, {}).items()),
                )
                + _END
            )
            for key in by_key.keys() | grouped.keys()
        }
        self._keys, self._words = frozenset(self._regex_of), frozenset(self._word_family)

    def find(self, text: _Text) -> list[tuple[str, str]]:
        """(family, phrase as written) for each distinct phrase found; phrases before words."""
        prepared, vocabulary = text.prepared, text.vocabulary
        hits = [
            (match.start(), match.group(), match.lastgroup)
            for key in self._keys & vocabulary
            for match in self._regex_of[key].finditer(prepared)
            if _starts_word(prepared, match.start())
        ]
        found = {
            phrase: family or self._phrase_family[phrase.replace("'", "")]
            for _, phrase, family in sorted(hits, key=lambda hit: hit[0])
        }
        if not self._words.isdisjoint(vocabulary):
            # "urgent care" found: "urgent" adds nothing.
            within = {w for phrase in found for w in _LETTERS.findall(phrase)} if found else ()
            for word in text.words:
                if word in self._word_family and word not in within:
                    found.setdefault(word, self._word_family[word])
        return [(family, phrase) for phrase, family in found.items()]


def _keys(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(_key_word(phrase) for phrase in phrases)


# ---- spam and bots ------------------------------------------------------------------------

_PROMO = _Lexicon(
    {
        "strong": words.SPAM_STRONG,
        "weak": words.SPAM_WEAK,
        "bot": words.BOT_STRONG,
        "template": words.BOT_TEMPLATES,
    },
    {"strong": words.SPAM_STRONG_RE},
)
_PROMO_WEIGHTS = {
    "strong": (Flag.SPAM, 2),
    "weak": (Flag.SPAM, 1),
    "bot": (Flag.BOT, 2),
    "template": (Flag.BOT, 1),
}
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
# Default-looking handle: a name then six or more digits ("jane48210937").
_NUMBERED_HANDLE = re.compile(r"[a-z][a-z_]*\d{6,}")
# "bot" as its own part of a handle ("news_bot", "bot4deals", "dealsbot"), not "robot",
# "abbot", "talbot", "botanist".
_BOT_HANDLE = re.compile(r"(?:^|[_.\d-])bots?(?:$|[_.\d-])|(?<!ro)(?<!ab)(?<!tal)(?<!ca)bots?$")
_BOT_NAME = re.compile(r"\bbot\b|\bautomated\b")

# Structural signals: (count at which it is a signal, count at which it is strong, label).
_LINKS, _HASHTAGS, _HANDLES = (4, 6, "links"), (6, 10, "hashtags"), (5, 8, "@handles")
_ENOUGH = 2  # a strong signal weighs 2, a weak one 1; a flag needs 2


def _count_signal(found: int, rule: tuple[int, int, str]) -> tuple[int, str] | None:
    weak, strong, label = rule
    if found < weak:
        return None
    return (2 if found >= strong else 1), f"{found} {label}"


def _repeated(text: _Text) -> str | None:
    """A word said 4+ times in a row, or 2–3 words said 3+ times in a row, if any."""
    tokens = text.words
    duplicates = len(tokens) - len(text.vocabulary)
    for size, times in ((1, 4), (2, 3), (3, 3)):
        if duplicates < size * (times - 1):  # such a run repeats at least this many words
            break
        # same[i] is 1 where a word repeats the one ``size`` words before it.
        same = bytes(map(eq, tokens, tokens[size:]))
        at = same.find(b"\x01" * (size * (times - 1)))
        if at >= 0:
            return " ".join(tokens[at : at + size])
    return None


def spam_flags(text: str, author: Author) -> tuple[Finding, ...]:
    """Finding("spam") for promotion and link farms, Finding("bot") for automated accounts.

    Each signal weighs 1 (weak: a customer may say "giveaway" or post six hashtags) or 2
    (strong: "follow & rt", a crypto airdrop, "bot" in the handle); a flag needs 2.
    """
    read = _text(text)
    prepared = read.prepared
    spam: list[tuple[int, str]] = []
    bot = _account_signals(author)
    for family, phrase in _PROMO.find(read):
        kind, weight = _PROMO_WEIGHTS[family]
        (spam if kind is Flag.SPAM else bot).append((weight, f"phrase '{phrase}'"))
    # The str checks skip the regexes for the many posts that cannot reach a threshold.
    if "http" in prepared or "www." in prepared:
        urls = _URL.findall(prepared)
        if signal := _count_signal(len(urls), _LINKS):
            spam.append(signal)
        url_chars = sum(len(url) for url in urls)
        others = prepared.count(" ") + 1 - len(urls)
        if others <= 3 and url_chars >= 0.6 * (len(prepared) - prepared.count(" ")):
            spam.append((1, "mostly a link"))
    for char, regex, rule in (("#", _HASHTAG, _HASHTAGS), ("@", _HANDLE, _HANDLES)):
        if prepared.count(char) >= rule[0] and (
            signal := _count_signal(len(regex.findall(prepared)), rule)
        ):
            spam.append(signal)
    if repeat := _repeated(read):
        spam.append((1, f"repeated '{repeat}'"))
    return tuple(
        Finding(flag.value, tuple(reason for _, reason in found))
        for flag, found in ((Flag.SPAM, spam), (Flag.BOT, bot))
        if found and sum(weight for weight, _ in found) >= _ENOUGH
    )


def _account_signals(author: Author) -> list[tuple[int, str]]:
    signals: list[tuple[int, str]] = []
    handle = (author.handle or "").lstrip("@").lower()
    if "bot" in handle and _BOT_HANDLE.search(handle):
        signals.append((2, f"'bot' in handle '{handle}'"))
    elif handle[-6:].isdigit() and _NUMBERED_HANDLE.fullmatch(handle):
        signals.append((1, f"numbered handle '{handle}'"))
    name = (author.name or "").lower()
    if ("bot" in name or "automated" in name) and _BOT_NAME.search(name):
        signals.append((2, f"'bot' in name '{author.name}'"))
    return signals


# ---- abuse, threats, profanity -------------------------------------------------------------

_FUCKING = words.FUCK_RE + r"(?:ing|in'?)"
_MODIFIERS = "(?:" + _any(_trie(words.INSULT_MODIFIERS), _FUCKING) + " ){0,3}"
# "what a fool I was" is about oneself; "these pigs in blankets" is dinner.
_NOUN = _trie(words.INSULT_NOUNS) + r"(?!\w)(?! i (?:am|was)\b| i'm\b| in blankets)"
_PLURAL_NOUN = _trie(n for n in words.INSULT_NOUNS if n.endswith("s"))
_ONE_WORD = r"(?:\w+ )?"
_AIMS = _trie(words.INSULT_AIMS)
# Insults: aimed ("you idiot", "useless clowns"), aimed by themselves ("morons"), or phrases.
_INSULT = re.compile(
    _START
    + _any(
        _AIMS + " " + _MODIFIERS + _NOUN,
        _trie(words.INSULT_ADJECTIVES) + " " + _MODIFIERS + _PLURAL_NOUN,
        # "treated like idiots" and "we're not idiots" are complaints, not insults.
        r"(?<!like )(?<!not )(?<!as )" + _trie(words.INSULTS_ALONE),
        _trie(words.ABUSE_PHRASES + words.SLURS),
    )
    + _END
)
_INSULT_KEYS = frozenset(words.INSULT_NOUNS + words.SLURS) | _keys(words.ABUSE_PHRASES)
# Accusations made insults by swearing or scorn: "you fucking liars", "you useless lot".
_ACCUSE = re.compile(
    _START + _AIMS + " " + _any(_FUCKING, _trie(words.INSULT_ADJECTIVES)) + " " + _ONE_WORD
    + _trie(words.ACCUSATIONS) + _END
)  # fmt: skip
_ACCUSE_KEYS, _SCORN = frozenset(words.ACCUSATIONS), frozenset(words.INSULT_ADJECTIVES)
# Swearing at someone: "f*** you", "fuck off", "go fuck yourself", "shut the fuck up". Every
# alternative starts with a plain letter, so the engine skips to candidates at C speed.
_AT_YOU = (
    r" (?:you|u|ya|y'?all|you all|off|your(?:self|selves)|all of you|your "
    + _ONE_WORD
    + "(?:company|staff|team|ceo|boss|support|people|employees|managers?|workers|mum|mom))"
)
_CURSE = re.compile(
    _any(
        *(head + _AT_YOU for head in words.FUCK_HEADS),
        "go " + words.FUCK_RE + " your(?:self|selves)",
        "shut the " + words.FUCK_RE + " up",
    )
    + _END
)
_CURSE_WORDS = frozenset({"you", "u", "ya", "y", "yall", "off", "yourself", "yourselves", "shut"})
_FUCK_WORDS = frozenset(words.FUCK_WORDS)

# A person hurt, not "kill it", "kill me", "shoot you an email", "cut her hair".
_TARGET = (
    _any(
        _trie(words.THREAT_TARGETS),
        "(?:your|ur|the|that|this|every|all your|all the) "
        + _ONE_WORD
        + _trie(words.THREAT_PEOPLE),
    )
    + r"(?!\w)(?! (?:a|an|the|some|off|out|to|back|with kindness|slack|loose|free)\b)"
)
_PLACE = (
    "(?:down )?(?:your|ur|the|this|that|their|every|all your|all of your|all the) "
    r"(?:\w+ ){0,2}?" + _trie(words.THREAT_PLACES) + r"(?!\w)(?!')(?: down| to the ground)?"
)
_THREAT = re.compile(
    _START
    + _any(
        _trie(words.THREAT_INTENT) + " (?:" + _trie(words.THREAT_FILLERS) + " ){0,4}"
        + _any(_trie(words.THREAT_VERBS) + " " + _TARGET,
               _trie(words.THREAT_PLACE_ACTS) + " " + _PLACE),
        _trie(words.THREAT_PLACE_ACTS_ALONE) + " " + _PLACE,
        _trie(words.THREAT_PHRASES),
        *(pattern for pattern, _ in words.THREAT_RE),
    )
    + _END
)  # fmt: skip
_THREAT_KEYS = _keys(
    words.THREAT_VERBS + words.THREAT_PLACE_ACTS + words.THREAT_PLACE_ACTS_ALONE
    + words.THREAT_PHRASES
) | {word for _, needs in words.THREAT_RE for word in needs}  # fmt: skip

_PROFANE = frozenset(words.PROFANE_WORDS)
_OBFUSCATED = re.compile(r"(?<![\w*$@])" + _any(*words.OBFUSCATED_RE) + r"(?![\w*$])")
_PIECES = frozenset(words.OBFUSCATED_PIECES)


def _disguised(read: _Text) -> bool:
    """Whether the text may hold a profanity spelled with symbols ("f*ck", "sh!t", "a$$")."""
    prepared = read.prepared
    if "*" in prepared or "$$" in prepared or "$h" in prepared:
        return True
    return not _PIECES.isdisjoint(read.vocabulary) and any(c in prepared for c in "!@#1")


def abuse_flags(text: str) -> tuple[Finding, ...]:
    """Finding("abuse") for insults aimed at people, Finding("threat") for threatened harm.

    Swearing about a thing ("this is fucking ridiculous") is frustration, not abuse; slang
    ("killer deal", "you killed it", "the bomb", "shoot me a DM") is not a threat: threats need
    an intent and a person or place ("I'll burn your store down"), or a fixed phrase.
    """
    read = _text(text)
    prepared, vocabulary = read.prepared, read.vocabulary
    swearing = not _FUCK_WORDS.isdisjoint(vocabulary) or _disguised(read)
    abuse: list[str] = []
    if not _INSULT_KEYS.isdisjoint(vocabulary):
        abuse += _INSULT.findall(prepared)
    if not _ACCUSE_KEYS.isdisjoint(vocabulary) and (swearing or not _SCORN.isdisjoint(vocabulary)):
        abuse += _ACCUSE.findall(prepared)
    if swearing and not _CURSE_WORDS.isdisjoint(vocabulary):
        abuse += [m.group() for m in _CURSE.finditer(prepared) if _starts_word(prepared, m.start())]
    threat = _THREAT.findall(prepared) if not _THREAT_KEYS.isdisjoint(vocabulary) else []
    return tuple(
        Finding(flag.value, tuple(dict.fromkeys(found)))
        for flag, found in ((Flag.ABUSE, abuse), (Flag.THREAT, threat))
        if found
    )


def profane_words(text: str) -> tuple[str, ...]:
    """Every profane or abusive word in the text, lowercased as written ("f*ck", "sh!t"), once.

    Reply drafts use this to never echo them back. Plain spellings come first, in order.
    """
    read = _text(text)
    found = []
    if not _PROFANE.isdisjoint(read.vocabulary):
        found = [word for word in read.words if word in _PROFANE]
    if _disguised(read):
        found += _OBFUSCATED.findall(read.prepared)
    return tuple(dict.fromkeys(found))


# ---- reach -----------------------------------------------------------------------------------

# Weights per count, in "people who may see the post". Followers are the baseline audience.
# A share re-broadcasts the post to the sharer's own followers: typical accounts have a few
# hundred, of whom only a fraction see any one post, so ~20 new readers each. A reply shows
# in the replier's and the thread's timelines and draws readers to the conversation (~5).
# A like is at least one reader, and some platforms show liked posts to the liker's network (2).
# A vote score (Reddit, Hacker News points) ranks the post up for everyone reading the site (3).
FOLLOWER_WEIGHT, SHARE_WEIGHT, REPLY_WEIGHT, LIKE_WEIGHT, SCORE_WEIGHT = 1, 20, 5, 2, 3


_REACH_PARTS = (
    (FOLLOWER_WEIGHT, "follower", "followers"),
    (SHARE_WEIGHT, "share", "shares"),
    (LIKE_WEIGHT, "like", "likes"),
    (REPLY_WEIGHT, "reply", "replies"),
    (SCORE_WEIGHT, "point", "points"),
)


def reach(
    author: Author, engagement: Engagement, *, score: float | None = None
) -> tuple[int, tuple[str, ...]]:
    """Estimated audience: followers plus weighted engagement, or the views when larger.

    Views, when a source reports them, are a measured audience, so they win over the estimate
    when larger. ``score`` is a site's vote score (Reddit, Hacker News points), used only when
    the source reports no likes (an upvote is that site's like). Unknown (None) and zero
    counts add nothing and are not named in the evidence.
    """
    counts = (
        author.followers,
        engagement.shares,
        engagement.likes,
        engagement.replies,
        score if engagement.likes is None else None,
    )
    total, evidence = 0, []
    for value, (weight, one, many) in zip(counts, _REACH_PARTS, strict=True):
        if value is not None and value >= 1:
            count = int(value)
            total += count * weight
            evidence.append(f"{count:,} {one if count == 1 else many}")
    views = engagement.views
    if views is not None and views >= 1:
        total = max(total, views)
        evidence.append(f"{views:,} {'view' if views == 1 else 'views'}")
    return total, tuple(evidence)


# ---- urgency ---------------------------------------------------------------------------------

_URGENCY = _Lexicon(
    {
        "safety": words.SAFETY,
        "stranded": words.STRANDED,
        "legal": words.LEGAL,
        "urgent": words.URGENT,
        "time": words.TIME_PRESSURE,
    },
    {"safety": words.SAFETY_RE, "time": words.TIME_PRESSURE_RE},
)
BIG_AUDIENCE = 10_000  # a complaint this many people may see is a public problem already
_URGENT_FEELINGS = ("angry", "anxious")


def urgency(
    text: str, *, complaint: bool, feelings: Sequence[str], reach: int, flags: Sequence[str]
) -> tuple[Urgency, tuple[str, ...]]:
    """How soon a person should look, and why.

    HIGH for a threat flag, safety, someone stranded, legal, regulator or press threats,
    "urgent"/"asap" anywhere; and, in a complaint, time pressure ("my flight", "tonight"), an
    audience of ``BIG_AUDIENCE`` or an angry or anxious writer. Time words outside a complaint
    ("great show tonight!") do not count, except in a question ("open tonight?": NORMAL).
    Spam is never urgent unless threatening. LOW: no complaint and no cue. NORMAL otherwise.
    """
    reasons = ["threat flag"] if Flag.THREAT in flags else []
    if Flag.SPAM in flags:
        if reasons:
            return Urgency.HIGH, tuple(reasons)
        return (Urgency.NORMAL if complaint else Urgency.LOW), ("spam flag",)
    timing = []
    for family, phrase in _URGENCY.find(_text(text)):
        if family == "time" and not complaint:
            timing.append(phrase)
        else:
            reasons.append(f"phrase '{phrase}'")
    if complaint:
        if reach >= BIG_AUDIENCE:
            reasons.append(f"complaint with {reach:,} reach")
        reasons.extend(f"complaint feeling '{f}'" for f in _URGENT_FEELINGS if f in feelings)
    if reasons:
        return Urgency.HIGH, tuple(reasons)
    if complaint:
        return Urgency.NORMAL, ()
    if timing and "?" in text[:MAX_SIGNAL_TEXT]:
        return Urgency.NORMAL, (f"question with time pressure '{timing[0]}'",)
    return Urgency.LOW, ()
