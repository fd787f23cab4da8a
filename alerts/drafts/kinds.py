"""Which draft a post gets and how gravely: its kind (complaint, praise, question, neutral),
whether it is serious (discrimination, harassment, harm) and why it is urgent.

Decided from the judge's verdicts first and only then from a few words of the post, so a
warm word never turns a complaint into thanks. Split from ``facts`` (which gathers what a
draft may say) so these decisions can be read and tested on their own."""

from __future__ import annotations

import re
from itertools import pairwise

from alerts.drafts.object_phrase import object_phrase, words_of
from listener.models import Flag, Mention, SentimentLabel
from listener.reading.lexicon import signals_words

_TIME_SPAN = re.compile(r"in (?:\d{1,2} ?|\w+ )(?:hours?|hrs?|minutes?|mins?)")
COMPLAINT, PRAISE, QUESTION, NEUTRAL = "complaint", "praise", "question", "neutral"
# Words of discrimination, harassment and harm: a draft meets them gravely.
_SERIOUS_STEMS = (
    "racis", "discriminat", "sexis", "homophob", "transphob", "harass", "assault", "abus",
    "injur", "poison", "allerg", "hospital", "unsafe", "danger", "threat", "bigot", "slur",
    "groped", "attacked", "explod", "racial",
)  # fmt: skip
# Topics a judge gives grave matters (the lead's danger hook gives "safety"; another slice
# gives discrimination a topic of its own).
_SERIOUS_TOPICS = frozenset({"safety", "discrimination", "harassment", "threat"})
# Short words matched whole: "fire" is not "firefox", "smoke" not "smoked salmon".
_SERIOUS_WORDS = frozenset(
    {"fire", "fires", "smoke", "burn", "burns", "burned", "burnt", "scalded", "electrocuted"}
)
# Chosen on the tune part of complaints-dev (bench/complaint_split.py): among posts the
# judge read as warm, those with a complaint score of 0.2 or more and a sentiment under
# 0.7 held half the complaints it would have thanked, and few of the clearly happy posts.
GREY_COMPLAINT = 0.2
CLEARLY_POSITIVE = 0.7
_PLEASE = frozenset({"please", "pls", "plz"})
_CAN = frozenset({"can", "could", "would", "will"})
_ASK_VERBS = frozenset(
    {"reply", "respond", "answer", "help", "check", "look", "fix", "sort", "refund", "call",
     "contact", "send", "dm", "explain", "advise", "confirm", "tell", "let", "get"}
)  # fmt: skip
# How a plain question opens. Not "why" or "where", which ask after a problem ("where is
# my order?").
_QUESTION_OPENERS = frozenset(
    {"do", "does", "did", "can", "could", "how", "is", "are", "will", "what", "which", "when",
     "would", "should", "any", "anyone"}
)  # fmt: skip
_GREETINGS = frozenset({"hi", "hey", "hello", "hiya"})
# A word of something not happening or gone wrong makes a question a complaint's.
_NEGATIONS = frozenset(
    {"not", "no", "never", "still", "yet", "again", "hasn't", "haven't", "didn't", "doesn't",
     "won't", "can't", "cannot", "isn't", "wasn't", "aren't", "weren't", "nothing", "nobody",
     "broken", "wrong", "missing", "stopped", "lost"}
)  # fmt: skip
PROBLEM_WORDS = frozenset(
    {"wrong", "missing", "lost", "broken", "damaged", "cracked", "delayed", "cancelled",
     "late", "stolen", "double", "second", "extra", "duplicate", "incorrect", "unexpected",
     "hidden", "cold", "refund", "charge", "overcharge", "delay", "crashes", "crash",
     "outage", "outages"}
)  # fmt: skip


_TIME_PRESSURE = frozenset(signals_words.TIME_PRESSURE)


def urgency_reason(evidence: tuple[str, ...], feeling: str | None, serious: bool) -> str:
    """Which urgency line fits: "worrying" said to someone angry at rude staff reads as a
    form letter. Harm is met with their safety, discrimination gravely, a deadline ("my
    flight", "in 2 hours") by saying time matters, worry only when the feeling is anxiety."""
    if any(e.startswith("safety ") for e in evidence):
        return "safety"
    if serious:
        return "grave"  # discrimination, or danger with no harm reported
    for reason in evidence:  # a deadline is the plainer evidence, so it wins over worry
        phrase = reason.removeprefix("phrase '").removesuffix("'")
        if phrase != reason and (phrase in _TIME_PRESSURE or _TIME_SPAN.fullmatch(phrase)):
            return "time"
    return "worry" if feeling == "anxious" else "plain"


def draft_kind(mention: Mention, text: str) -> str:
    """Which draft to write: the judge's complaint verdict first, then its sentiment."""
    judged = mention.judgments
    if judged.flagged(Flag.THREAT):
        return COMPLAINT
    if judged.complaint:
        return QUESTION if _only_asks(mention, text) else COMPLAINT
    if "?" in text or _asks(text):
        return QUESTION  # "Is this the quality now?" asks, even when its words are warm
    if judged.sentiment_label is SentimentLabel.POSITIVE:
        # Thanks to an angry customer the judge missed is worse than a neutral word: a
        # complaint score off the floor with warmth short of clear earns no thank-you.
        grey = (judged.complaint_score or 0.0) >= GREY_COMPLAINT
        if grey and (judged.sentiment or 0.0) < CLEARLY_POSITIVE:
            return NEUTRAL
        return PRAISE
    if judged.sentiment_label in (SentimentLabel.NEGATIVE, SentimentLabel.UNKNOWN):
        # Unhappy but not judged a complaint, or in a language the sentiment model cannot
        # read: still met with care, as every post was before drafts had kinds.
        return COMPLAINT
    return NEUTRAL


def _only_asks(mention: Mention, text: str) -> bool:
    """A question that names no problem ("does the anvil come in a 10kg size?", "how do I
    reset the timer?"): answered, not apologised for, even when the judge scored it a
    complaint. Only a question that opens like one, with no feeling, no unhappy sentiment,
    no flag and no thing a problem word qualifies; "where is my order?" stays a complaint."""
    judged = mention.judgments
    if "?" not in text or judged.feelings or judged.flags:
        return False
    if judged.sentiment_label is SentimentLabel.NEGATIVE:
        return False
    words = words_of(text)
    if words and words[0] in _GREETINGS:
        words = words[1:]
    if not words or words[0] not in _QUESTION_OPENERS or _NEGATIONS.intersection(words):
        return False  # "hi, has my order not shipped yet?" asks after a problem
    found = object_phrase(text)
    return found is None or not any(w in PROBLEM_WORDS for w in found.phrase.split())


def _asks(text: str) -> bool:
    """A request without a question mark: "can you please reply to my DM. Thanks." asks
    for something (its thanks is politeness, not praise)."""
    words = words_of(text)
    for i, word in enumerate(words[:-1]):
        ahead = words[i + 1 : i + 4]
        if word in _PLEASE and ahead[0] in _ASK_VERBS:
            return True
        if word in _CAN and ahead[0] in ("you", "u") and any(w in _ASK_VERBS for w in ahead):
            return True
    return False


def is_serious(mention: Mention, text: str) -> bool:
    """Danger, safety or discrimination: met gravely, never as "a hassle"."""
    judged = mention.judgments
    if judged.flagged(Flag.THREAT) or _SERIOUS_TOPICS & set(judged.topic_names()):
        return True
    return any(w in _SERIOUS_WORDS or w.startswith(_SERIOUS_STEMS) for w in words_of(text))


# What kind of harm a serious post reports, so its draft asks after what matters: the
# person's safety, their child, or what happened where and when (discrimination,
# harassment). Stems read whole words of the post; the judge's topics and safety evidence
# come first.
_HARM_STEMS = ("injur", "poison", "allerg", "hospital", "unsafe", "danger", "explod", "chok")
_BIAS_STEMS = (
    "racis", "discriminat", "sexis", "homophob", "transphob", "bigot", "slur", "racial",
)  # fmt: skip
_HARASS_STEMS = ("harass", "assault", "groped", "attacked", "abus")
# A child of the person's ("my son"), named back from our own words, never the post's.
_CHILDREN = {
    "son": "your son", "daughter": "your daughter", "child": "your child",
    "kid": "your child", "kids": "your children", "children": "your children",
    "baby": "your baby", "toddler": "your little one", "boy": "your boy", "girl": "your girl",
}  # fmt: skip
_OWNERS = frozenset({"my", "our"})


def harm_of(mention: Mention, text: str) -> tuple[str | None, str | None]:
    """For a serious post: ``safety`` | ``child`` | ``discrimination`` | ``harassment`` (or
    None when none is told apart), and the child as a draft names them ("your son")."""
    judged = mention.judgments
    topics = set(judged.topic_names())
    words = words_of(text)
    safety = "safety" in topics or any(e.startswith("safety ") for e in judged.urgency_evidence)
    safety = safety or any(w in _SERIOUS_WORDS or w.startswith(_HARM_STEMS) for w in words)
    if safety:
        for before, word in pairwise(words):
            if before in _OWNERS and word in _CHILDREN:
                return "child", _CHILDREN[word]
        return "safety", None
    # The post's own words tell the two apart before the judge's topic, which files
    # harassment under discrimination.
    if any(w.startswith(_BIAS_STEMS) for w in words):
        return "discrimination", None
    if any(w.startswith(_HARASS_STEMS) for w in words):
        return "harassment", None
    for harm in ("discrimination", "harassment"):
        if harm in topics:
            return harm, None
    return None, None
