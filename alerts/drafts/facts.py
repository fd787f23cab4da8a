"""What a draft may say about this person and their problem, gathered once per mention.

Everything here is taken from the judgments, the author and their history, never by
quoting the post: a draft names the person, the thing they named and their feeling, and
must not carry their words back (abuse, an order number, a phone number) into public.
So the post's words are only *looked at* here — for names, topics, feelings, and the
personal data and abusive words the linter must then not find in a draft.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex

from alerts.drafts import things
from alerts.drafts.kinds import (
    COMPLAINT,
    NEUTRAL,
    PRAISE,
    PROBLEM_WORDS,
    draft_kind,
    harm_of,
    is_serious,
    urgency_reason,
)
from alerts.drafts.markers import mirror_for
from alerts.drafts.object_phrase import object_phrase, words_of
from alerts.message import AuthorHistory
from listener.judging.abuse import profane_words
from listener.models import Finding, Flag, Mention, Urgency

SCAN_CHARS = 5_000  # the post is capped to this before any pattern reads it
_NAME_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]{1,29}")
_HANDLE = regex.compile(r"@?([\p{L}\p{N}_.-]{1,40}(?:@[\w.-]{1,80})?)")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "the", "mx", "prof"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_NUMBER = re.compile(r"\b[A-Za-z]{0,4}[-#]?\d{5,}\b")
BUILT_IN_TOPICS = frozenset(
    {"delivery", "billing", "product_quality", "support", "website_app", "pricing", "account"}
)
# A handle runs words together ("AcmeIsShit", "cunt_99"): it is read as words split at
# case changes, digits and punctuation, and a few roots that no ordinary name or word holds
# are looked for anywhere in it ("fuckacme"). Roots that innocent names do hold ("shit" in
# Yoshitaka, "cunt" in Scunthorpe, "dick" in Dickens) are matched as whole words only.
_HANDLE_WORDS = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{L}+")
_PROFANE_ROOTS = ("fuck", "phuck", "motherf", "bitch", "nigger", "nigga", "asshole", "arsehole")
# Words of an abuse or threat finding that are not abusive themselves.
_PLAIN = frozenset(
    [
        "you",
        "your",
        "yours",
        "u",
        "ur",
        "ya",
        "y'all",
        "yall",
        "all",
        "of",
        "off",
        "go",
        "to",
        "i",
        "i'll",
        "ill",
        "will",
        "and",
        "i'm",
        "im",
        "are",
        "is",
        "this",
        "that",
        "my",
        "me",
        "we",
        "us",
        "our",
        "in",
        "on",
        "at",
        "up",
        "down",
        "the",
        "a",
        "an",
        "be",
        "gonna",
        "going",
        "get",
        "so",
        "shut",
    ]
)
# Which feeling a draft meets first when several were found.
_FEELING_ORDER = ("angry", "frustrated", "anxious", "confused", "disappointed")
LOYAL_TAGS = frozenset({"vip", "loyal"})
_CJK_LANGUAGES = frozenset({"zh", "ja"})


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """The author's last contact, as a draft mentions it ("last week")."""

    when: str  # today | yesterday | days | last_week | weeks | months | before
    count: int  # the number for days / weeks / months
    complaint: bool  # that contact was a complaint too
    open_alerts: int


@dataclass(frozen=True, slots=True)
class Facts:
    seed: str  # the mention id: every phrasing choice is derived from it
    language: str  # the language the drafts are written in
    detected: str | None  # the language the post was judged to be in
    note: str | None  # why the drafts are in another language than the post
    name: str | None  # as the draft addresses them: "Dana" or "@dana"
    topic: str | None
    thing: str | None  # "your order", "the charge on your card", in the draft's language
    feeling: str | None  # the feeling the drafts meet (see _FEELING_ORDER)
    feeling_words: tuple[str, ...]  # the evidence behind it
    mirror: str | None  # markers.MIRRORS key
    urgent: bool
    history: HistoryLine | None
    loyal: bool
    abuse_words: tuple[str, ...]  # never to appear in a draft
    private_data: tuple[str, ...]  # emails, phone and order numbers from the post
    threat: bool
    press: bool
    kind: str = COMPLAINT  # complaint | praise | question | neutral: which draft to write
    serious: bool = False  # danger, safety, discrimination: no "hassle", no light words
    question: bool = False  # the post asks something: the next step answers it
    # Why the post is urgent, so the urgency line fits it: safety | worry | time | plain.
    urgency_reason: str | None = None
    # A serious post's kind of harm (kinds.harm_of) and the child it names ("your son").
    harm: str | None = None
    child: str | None = None


def extract_facts(
    mention: Mention,
    *,
    language: str,
    note: str | None,
    history: AuthorHistory | None,
    public: bool,
) -> Facts:
    """The facts for drafts in ``language`` (already chosen) about ``mention``."""
    judged = mention.judgments
    text = unicodedata.normalize("NFC", f"{mention.title}\n{mention.text}"[:SCAN_CHARS])
    abuse = _abuse_words(mention, text)
    detected = judged.language or mention.language
    topic, thing = _topic(mention, language, detected, text)
    feeling, words = _feeling(mention, detected, text)
    tags = frozenset(t.lower() for t in (history.tags if history else ()))
    kind = draft_kind(mention, text)
    threat = judged.flagged(Flag.THREAT)
    serious = is_serious(mention, text)
    harm, child = harm_of(mention, text) if serious and not threat else (None, None)
    if kind == NEUTRAL and thing and PROBLEM_WORDS.intersection(thing.split()):
        # "got rocket skates instead of the anvil": the judge missed it, but "the wrong
        # item" is no thing to thank anyone for the heads-up about.
        kind = COMPLAINT
    if kind == PRAISE:
        thing, feeling, words = None, None, ()  # thanks name no problem and no bad feeling
    elif kind != COMPLAINT and language != "en":
        thing = None  # the Bengali, Telugu and Hindi acknowledgements name no thing
    if threat:
        # A threat is met with one calm line: naming its "refund" or meeting its feeling
        # reads as bargaining with it.
        thing, feeling, words = None, None, ()
    elif harm == "child":
        # A child's harm is asked after, not named: "your piece" for what they choked on
        # reads as caring about the thing.
        thing, feeling, words = None, None, ()
    elif serious:
        # Discrimination and danger are met gravely: a feeling read from a passing word
        # ("still" → "fed up") belittles them, so no feeling line at all.
        feeling, words = None, ()
    high = judged.urgency is Urgency.HIGH and bool(judged.urgency_evidence)
    urgent = kind != PRAISE and not threat and (high or (language != "en" and feeling == "anxious"))
    mirror = _mirror(words, serious) if language == "en" else None
    if urgent and mirror == "time":
        mirror = None  # "I know this is urgent" already says it: not "I know time matters" too
    if mirror == "still" and not _WAITING.intersection(words_of(text)):
        mirror = "unsorted"  # "still not working": no "Still waiting is the last thing you need"
    return Facts(
        seed=mention.id,
        language=language,
        detected=detected,
        note=note,
        name=_name(mention, abuse, use_handle=public),
        topic=topic,
        thing=thing,
        feeling=feeling,
        feeling_words=words,
        mirror=mirror,
        # "I know this is urgent" only when the judge found urgency and says why; the
        # other languages' templates meet worry ("জরুরি") with their urgency line.
        urgent=urgent,
        history=_history(mention, history),
        loyal=bool(tags & LOYAL_TAGS),
        abuse_words=abuse,
        private_data=_private_data(text),
        threat=threat,
        press="press" in tags or judged.flagged(Flag.PRESS),
        kind=kind,
        serious=serious,
        harm=harm,
        child=child,
        question="?" in text,
        urgency_reason=urgency_reason(judged.urgency_evidence, feeling, serious)
        if urgent
        else None,
    )


# Words that say the person is waiting for something, so "still" is still waiting.
_WAITING = frozenset(
    {"wait", "waiting", "waited", "arrive", "arrived", "received", "receive", "delivered",
     "reply", "replied", "response", "responded", "heard", "hear", "refund", "refunded", "yet",
     "shipped", "dispatched", "back", "haven't", "hasn't", "nothing", "no", "sent"}
)  # fmt: skip


def _mirror(words: tuple[str, ...], serious: bool) -> str | None:
    mirror = mirror_for(words)
    return None if serious and mirror in ("hassle", "waste", "time") else mirror


def _name(mention: Mention, abuse: tuple[str, ...], *, use_handle: bool) -> str | None:
    """A first name to address them by, else (in public, where handles are how people are
    addressed) their @handle; never a word we must not echo — from the post, or profane in
    the name itself ("Shithead", "@fuckacme"), which a clean post does not reveal."""
    author = mention.author
    if author.name:
        for token in unicodedata.normalize("NFC", author.name[:200]).split():
            token = token.strip(".,;:!?()[]\"'")
            if token.lower() in _TITLES:
                continue
            if _NAME_TOKEN.fullmatch(token) and not _unusable(token, abuse):
                return token
            break  # the first real word is not a name we can use: try the handle
    if author.handle and use_handle:
        found = _HANDLE.fullmatch(author.handle.strip()[:130])
        if found and not _unusable(found.group(1), abuse):
            return "@" + found.group(1)
    return None


def _unusable(value: str, abuse: tuple[str, ...]) -> bool:
    """A name or handle the brand must not write: the post's abusive words, or profanity."""
    if _contains(value, abuse):
        return True
    lowered = value.lower()
    if any(root in lowered for root in _PROFANE_ROOTS):
        return True
    return bool(profane_words(" ".join(_HANDLE_WORDS.findall(value))))


def _contains(value: str, words: tuple[str, ...]) -> bool:
    lowered = value.lower()
    return any(w in lowered for w in words)


def _topic(
    mention: Mention, language: str, detected: str | None, text: str
) -> tuple[str | None, str | None]:
    topics = mention.judgments.topics
    if language == "en":
        topic, thing = _english_topic(topics, text)
        if thing is None and topics and (detected or "").split("-")[0] in _CJK_LANGUAGES:
            # No English head noun to read: the judge's Chinese or Japanese evidence says
            # which thing ("坏了" → "the item that broke"), not "What went wrong exactly?".
            first = topics[0]
            return first.name, things.cjk_thing(first.name, first.evidence, text)
        return topic, thing
    if topics:
        # The judge's first topic leads (safety before the billing a later cue suggests):
        # a fire is never answered about "your payment". Billing is named only where the
        # post or the judge's evidence has a billing word.
        first = topics[0]
        if first.name == "billing" and not things.indic_billing_said(
            language, text, first.evidence
        ):
            return first.name, None
        return first.name, things.indic_thing(language, first.name, text, first.evidence)
    topic = things.indic_topic(language, text)
    if topic is None:
        return None, None
    return topic, things.indic_thing(language, topic, text)


def _english_topic(topics: tuple[Finding, ...], text: str) -> tuple[str | None, str | None]:
    """The thing named in the post's own head noun ("the wrong book"), else nothing.

    The judge's topic says what kind of problem it is; its cue word alone ("sale", "broken",
    "pay") was often the wrong thing ("your payment" for a clutch), so a draft names a
    thing only when a head noun in the post says which. A topic of the settings' own
    ("battery") stays the topic, so its fix is still offered."""
    found = object_phrase(text)
    judged = topics[0].name if topics else None
    if found is None:
        return judged, None
    if judged is not None and judged not in BUILT_IN_TOPICS:
        return judged, found.phrase
    return found.topic, found.phrase


def _feeling(
    mention: Mention, detected: str | None, text: str
) -> tuple[str | None, tuple[str, ...]]:
    found = {f.name: f.evidence for f in mention.judgments.feelings}
    if "sarcastic" in found and not any(f in found for f in _FEELING_ORDER if f != "confused"):
        # Sarcasm about a problem is frustration, never confusion ("thanks for charging me
        # twice" is not a question about a bill).
        return "frustrated", (*found.get("frustrated", ()), *found["sarcastic"])
    for feeling in _FEELING_ORDER:
        if feeling in found:
            return feeling, found[feeling]
    base = (detected or "").split("-")[0]
    indic = things.indic_feeling(base, text)
    return indic if indic else (None, ())


def _history(mention: Mention, history: AuthorHistory | None) -> HistoryLine | None:
    if history is None or (history.mention_count <= 0 and not history.recent):
        return None
    complaint = bool(history.recent) and history.recent[0].complaint
    if not history.recent:
        return HistoryLine("before", 0, complaint, history.open_alerts)
    days = max(0, (mention.published_at - history.recent[0].published_at).days)
    if days == 0:
        when, count = "today", 0
    elif days == 1:
        when, count = "yesterday", 1
    elif days < 7:
        when, count = "days", days
    elif days < 14:
        when, count = "last_week", 1
    elif days < 60:
        when, count = "weeks", days // 7
    elif days < 365:
        when, count = "months", days // 30
    else:
        when, count = "before", 0
    return HistoryLine(when, count, complaint, history.open_alerts)


def _abuse_words(mention: Mention, text: str) -> tuple[str, ...]:
    words: list[str] = list(profane_words(text))
    for finding in mention.judgments.flags:
        if finding.name in (Flag.ABUSE, Flag.THREAT):
            for phrase in finding.evidence:
                words += [w for w in phrase.lower().split() if w.strip(".,!?") not in _PLAIN]
    return tuple(dict.fromkeys(w.lower() for w in words if len(w) > 1))


def _private_data(text: str) -> tuple[str, ...]:
    found = _EMAIL.findall(text) + _PHONE.findall(text) + _NUMBER.findall(text)
    return tuple(dict.fromkeys(f.strip() for f in found if sum(c.isdigit() for c in f) >= 5
                               or "@" in f))  # fmt: skip
