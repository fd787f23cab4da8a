"""Abuse, threats and profanity: insults aimed at people, threatened harm, words never to echo.

Swearing about a thing ("this is fucking ridiculous") is frustration, not abuse; slang
("killer deal", "you killed it", "the bomb", "shoot me a DM", "drop dead gorgeous") is not a
threat. Death wishes aimed at people ("hope you die", "whoever runs @acme deserves to die")
are; at things ("this phone deserves to die") they are not. Every pattern is run only when
the text holds a word it cannot do without (see ``phrases``).
"""

from __future__ import annotations

import re

from listener.judging.indic_judgments import indic_threats
from listener.judging.phrases import (
    END,
    START,
    SignalText,
    any_of,
    key_words,
    read_text,
    starts_word,
    trie,
)
from listener.models import Finding, Flag
from listener.reading.lexicon import signals_words as words
from listener.reading.lexicon import threat_words as threats

_FUCKING = words.FUCK_RE + r"(?:ing|in'?)"
_MODIFIERS = "(?:" + any_of(trie(words.INSULT_MODIFIERS), _FUCKING) + " ){0,3}"
# "what a fool I was" is about oneself; "these pigs in blankets" is dinner.
_NOUN = trie(words.INSULT_NOUNS) + r"(?!\w)(?! i (?:am|was)\b| i'm\b| in blankets)"
_PLURAL_NOUN = trie(n for n in words.INSULT_NOUNS if n.endswith("s"))
_ONE_WORD = r"(?:\w+ )?"
_AIMS = trie(words.INSULT_AIMS)
# Insults: aimed ("you idiot", "useless clowns"), aimed by themselves ("morons"), or phrases.
_INSULT = re.compile(
    START
    + any_of(
        _AIMS + " " + _MODIFIERS + _NOUN,
        trie(words.INSULT_ADJECTIVES) + " " + _MODIFIERS + _PLURAL_NOUN,
        # "treated like idiots" and "we're not idiots" are complaints, not insults.
        r"(?<!like )(?<!not )(?<!as )" + trie(words.INSULTS_ALONE),
        trie(words.ABUSE_PHRASES + words.SLURS),
        words.DROP_DEAD_RE,
    )
    + END
)
_INSULT_KEYS = (
    frozenset(words.INSULT_NOUNS + words.SLURS) | key_words(words.ABUSE_PHRASES) | {"drop"}
)
# Accusations made insults by swearing or scorn: "you fucking liars", "you useless lot".
_ACCUSE = re.compile(
    START + _AIMS + " " + any_of(_FUCKING, trie(words.INSULT_ADJECTIVES)) + " " + _ONE_WORD
    + trie(words.ACCUSATIONS) + END
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
    any_of(
        *(head + _AT_YOU for head in words.FUCK_HEADS),
        "go " + words.FUCK_RE + " your(?:self|selves)",
        "shut the " + words.FUCK_RE + " up",
    )
    + END
)
_CURSE_WORDS = frozenset({"you", "u", "ya", "y", "yall", "off", "yourself", "yourselves", "shut"})
_FUCK_WORDS = frozenset(words.FUCK_WORDS)

# A person hurt, not "kill it", "kill me", "shoot you an email", "cut her hair".
_TARGET = (
    any_of(
        trie(threats.THREAT_TARGETS),
        "(?:your|ur|the|that|this|every|all your|all the) "
        + _ONE_WORD
        + trie(threats.THREAT_PEOPLE),
    )
    + r"(?!\w)(?! (?:a|an|the|some|off|out|to|back|with kindness|slack|loose|free)\b)"
)
_PLACE = (
    "(?:down )?(?:your|ur|the|this|that|their|every|all your|all of your|all the) "
    r"(?:\w+ ){0,2}?" + trie(threats.THREAT_PLACES) + r"(?!\w)(?!')(?: down| to the ground)?"
)
_THREAT = re.compile(
    START
    + any_of(
        trie(threats.THREAT_INTENT) + " (?:" + trie(threats.THREAT_FILLERS) + " ){0,4}"
        + any_of(trie(threats.THREAT_VERBS) + " " + _TARGET,
               trie(threats.THREAT_PLACE_ACTS) + " " + _PLACE),
        trie(threats.THREAT_PLACE_ACTS_ALONE) + " " + _PLACE,
        trie(threats.THREAT_PHRASES),
        *(pattern for pattern, _ in threats.THREAT_RE),
    )
    + END
)  # fmt: skip
_THREAT_KEYS = key_words(
    threats.THREAT_VERBS + threats.THREAT_PLACE_ACTS + threats.THREAT_PLACE_ACTS_ALONE
    + threats.THREAT_PHRASES
) | {word for _, needs in threats.THREAT_RE for word in needs}  # fmt: skip

_PROFANE = frozenset(words.PROFANE_WORDS)
_OBFUSCATED = re.compile(r"(?<![\w*$@])" + any_of(*words.OBFUSCATED_RE) + r"(?![\w*$])")
_PIECES = frozenset(words.OBFUSCATED_PIECES)


def _disguised(read: SignalText) -> bool:
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
    read = read_text(text)
    prepared, vocabulary = read.prepared, read.vocabulary
    swearing = not _FUCK_WORDS.isdisjoint(vocabulary) or _disguised(read)
    abuse: list[str] = []
    if not _INSULT_KEYS.isdisjoint(vocabulary):
        abuse += _INSULT.findall(prepared)
    if not _ACCUSE_KEYS.isdisjoint(vocabulary) and (swearing or not _SCORN.isdisjoint(vocabulary)):
        abuse += _ACCUSE.findall(prepared)
    if swearing and not _CURSE_WORDS.isdisjoint(vocabulary):
        abuse += [m.group() for m in _CURSE.finditer(prepared) if starts_word(prepared, m.start())]
    threat = _THREAT.findall(prepared) if not _THREAT_KEYS.isdisjoint(vocabulary) else []
    if not text.isascii():  # Bengali, Telugu and Devanagari Hindi threats, found by script
        threat += indic_threats(text)
    if not abuse and not threat:
        return ()
    return tuple(
        Finding(flag.value, tuple(dict.fromkeys(found)))
        for flag, found in ((Flag.ABUSE, abuse), (Flag.THREAT, threat))
        if found
    )


def profane_words(text: str) -> tuple[str, ...]:
    """Every profane or abusive word in the text, lowercased as written ("f*ck", "sh!t"), once.

    Reply drafts use this to never echo them back. Plain spellings come first, in order.
    """
    read = read_text(text)
    found = []
    if not _PROFANE.isdisjoint(read.vocabulary):
        found = [word for word in read.words if word in _PROFANE]
    if _disguised(read):
        found += _OBFUSCATED.findall(read.prepared)
    return tuple(dict.fromkeys(found))
