"""The thing an English post complains about, as a noun phrase a draft can name it by.

"my order hasn't arrived" → "your order"; "charged twice" → "the double charge"; "sent me
the wrong book" → "the wrong book"; "my flight was delayed" → "your delayed flight". The
judge's topic says what *kind* of problem it is ("delivery"); this says *which thing*, in
the person's own head noun, so "a wrong book" is not answered as "your account".

Hand-built and cheap: the post is cut to words once, and each word (and each pair and
triple of words, for "gift card", "heart rate monitor") is looked up in one dict of head
nouns. Among the heads found the most telling wins: one the person owns ("my …"), one a
problem word qualifies ("wrong", "missing", "broken"), one named specifically before one
named generally ("the service"). When no head noun is found the answer is None: a draft
that names nothing beats one that names the wrong thing.

Only words from the fixed tables (here, in ``phrase_words`` and in ``heads``) reach a
draft (a qualifier or head is written in our own spelling), never the post's other words:
no abuse, no order number, no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.drafts.heads import HEADS as _HEADS
from alerts.drafts.heads import THE as _THE
from alerts.drafts.heads import YOURS as _YOURS
from alerts.drafts.heads import words_set as _set
from alerts.drafts.phrase_words import AFTER as _AFTER
from alerts.drafts.phrase_words import CONTAINER_DAMAGE as _CONTAINER_DAMAGE
from alerts.drafts.phrase_words import CONTAINERS as _CONTAINERS
from alerts.drafts.phrase_words import DETERMINERS as _DETERMINERS
from alerts.drafts.phrase_words import DISPLAY as _DISPLAY
from alerts.drafts.phrase_words import EVALUATIVE as _EVALUATIVE
from alerts.drafts.phrase_words import GENERIC as _GENERIC
from alerts.drafts.phrase_words import HANDLED as _HANDLED
from alerts.drafts.phrase_words import HANDLING as _HANDLING
from alerts.drafts.phrase_words import HANDLING_SCORE as _HANDLING_SCORE
from alerts.drafts.phrase_words import LINKS as _LINKS
from alerts.drafts.phrase_words import MINE as _MINE
from alerts.drafts.phrase_words import MISSING_SCORE as _MISSING_SCORE
from alerts.drafts.phrase_words import NOT_YOURS as _NOT_YOURS
from alerts.drafts.phrase_words import PEOPLE as _PEOPLE
from alerts.drafts.phrase_words import PHRASE_SCORE as _PHRASE_SCORE
from alerts.drafts.phrase_words import PHRASES as _PHRASES
from alerts.drafts.phrase_words import PLACE as _PLACE
from alerts.drafts.phrase_words import POINTERS as _POINTERS
from alerts.drafts.phrase_words import QUALIFIERS as _QUALIFIERS
from alerts.drafts.phrase_words import RECEIVED as _RECEIVED
from alerts.drafts.phrase_words import RECEIVING as _RECEIVING
from alerts.drafts.phrase_words import STANDALONE as _STANDALONE
from alerts.drafts.phrase_words import SUBJECTS as _SUBJECTS
from alerts.drafts.phrase_words import VERBISH as _VERBISH

SCAN_WORDS = 120  # a post is read up to this many words: the thing is named early
_TOKEN = re.compile(r"@\w+|#\w+|https?://\S+|[a-z0-9][a-z0-9'’-]*")


@dataclass(frozen=True, slots=True)
class ObjectPhrase:
    phrase: str  # "the wrong book", "your order"
    topic: str  # a judge topic ("delivery") or a drafts-only one ("travel")


def words_of(text: str) -> list[str]:
    """The post's words, lowercased, without handles, hashtags and links."""
    tokens = _TOKEN.findall(text.lower()[: SCAN_WORDS * 12])
    return [t.replace("’", "'") for t in tokens if _plain(t)][:SCAN_WORDS]


def _plain(token: str) -> bool:
    return not token.startswith(("@", "#", "http://", "https://"))


def object_phrase(text: str) -> ObjectPhrase | None:
    """The thing complained about in ``text`` (English), or None when no head noun says it."""
    words = words_of(text)
    best: tuple[int, ObjectPhrase] | None = None
    for pattern, topic, said in _PHRASES:
        if _holds(words, pattern):
            score = _HANDLING_SCORE if topic in _HANDLING else _PHRASE_SCORE
            best = (score, ObjectPhrase(said, topic))
            break
    if best is None:
        best = _charge_phrase(words)
    if best is None and _got_instead(words):
        best = (_WRONG_ITEM_SCORE, ObjectPhrase("the wrong item", "delivery"))
    if best is None and _holds_number_off(words):
        best = (_PHRASE_SCORE, ObjectPhrase("the discount", "pricing"))  # "40% off"
    i = 0
    while i < len(words):
        size, entry = _head_at(words, i)
        if entry is None:
            i += 1
            continue
        # English compounds end in their head: "breakfast sandwich", "phone case".
        modifier = None
        while (
            i + size < len(words)
            and _single_head(words[i + size])
            and words[i + size] != words[i + size - 1]  # "this product product id"
        ):
            modifier = " ".join(words[i : i + size])
            i, size = i + size, 1
            entry = _HEADS.get(words[i]) or _plural_head(words[i]) or entry
        score, found = _candidate(words, i, size, modifier, entry)
        if not found.phrase:
            i += size
            continue  # a container, not the thing
        if best is None or score > best[0]:
            best = (score, found)
        i += size
    if best is not None:
        return best[1]
    for i, word in enumerate(words):
        if word in _STANDALONE and not _works(words, i):
            return ObjectPhrase(_STANDALONE[word][1], _STANDALONE[word][0])
    return None


def _works(words: list[str], i: int) -> bool:
    """ "I can print but not scan": what they say they can do is not what went wrong."""
    return i > 0 and words[i - 1] in ("can", "could") and (i < 2 or words[i - 2] != "not")


def _head_at(words: list[str], i: int) -> tuple[int, tuple[str, str] | None]:
    if i > 1 and words[i - 2] in ("not", "isn't", "wasn't") and words[i - 1] in ("a", "an"):
        return 1, None  # "it's not an engine problem": the head is ruled out
    for size in (3, 2, 1):
        entry = _HEADS.get(" ".join(words[i : i + size]))
        if entry is None and size == 1:
            entry = _plural_head(words[i])
        if entry is not None:
            if size == 1 and words[i] in _VERBISH and _verb_before(words, i):
                return 1, None
            if _circumstance(words, i) or _ruled_out(words, i, size):
                return size, None
            return size, entry
    return 1, None


# "the bill is current and paid", "my wife's account works fine": said to be fine, so not
# what went wrong.
_FINE = _set("fine,paid,current,ok,okay,correct,good")
# "I read a different paper", "I'll go to another shop": the alternative, not the thing.
_ALTERNATIVE = _set("different,another,other")
# "my only complaint is…", "where can I send a complaint": the complaint is about something
# else; it is the thing only when it was sent and is waiting ("my complaint", "sent a complaint").
_COMPLAINT = _set("complaint,complaints")
_OWNED_COMPLAINT = _set("my,our,your,the")
_SENT = _set("sent,made,raised,filed,logged,lodged,submitted,put")
# The range a business sells ("not to buy your products"): no one thing of theirs.
_RANGE = _set("products,items,goods")


# Parts of an app or site's interface: "the Orders tab", "the home screen" is where in the
# app it went wrong, not the thing (the orders are fine; the app is not).
_UI_PARTS = _set("tab,tabs,screen,page,menu,button,section,icon,bar,field")
_SOFTWARE = _set("app,apps,website,site,webpage")


def _ui_place(words: list[str], i: int, size: int) -> bool:
    if not _SOFTWARE.intersection(words):
        return False
    after = i + size
    if after < len(words) and words[after] in _UI_PARTS:
        return True  # "orders" in "the Orders tab"
    before = words[i - 1] if i else ""
    return size == 1 and words[i] in _UI_PARTS and bool(before) and before not in _DETERMINERS


def _ruled_out(words: list[str], i: int, size: int) -> bool:
    if _ui_place(words, i, size):
        return True
    before = words[i - 1] if i else ""
    if before in _ALTERNATIVE or (i > 1 and before == "a" and words[i - 2] in _ALTERNATIVE):
        return True
    if i + size < len(words) and words[i + size] == "side":
        return True  # "driver side air bag": a side of the car, not a person
    if _after_any(words, i + size, _FINE) and not _after_any(words, i + size, _NOT):
        return True
    if _up_to_date(words, i + size):
        return True  # "software is up to date … but will not turn on"
    if any(tuple(words[j : j + 2]) in _SOURCE for j in range(max(0, i - 5), i)):
        # "I work for a major search engine": their employer; "according to your website":
        # where they read it. Neither is what went wrong.
        return True
    if words[i] in _COMPLAINT:
        return before not in _OWNED_COMPLAINT and not (i > 1 and words[i - 2] in _SENT)
    return words[i] in _RANGE and before in ("your", "ur")


_NOT = _set("not,never,isn't,wasn't,aren't,no")
_SOURCE = frozenset(
    {("according", "to")}
    | {(verb, prep) for verb in ("work", "works", "worked", "working") for prep in ("for", "at")}
)


def _up_to_date(words: list[str], start: int) -> bool:
    """ "is up to date" after the head, with linking words only between."""
    j = start
    while j < len(words) and words[j] in _LINKS:
        j += 1
    return j > start and tuple(words[j : j + 3]) == ("up", "to", "date")


def _plural_head(word: str) -> tuple[str, str] | None:
    """A plural head ("engineers") read as its singular; not a verb's -s ("it holds"),
    nor a word ending in -ss ("glass")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        singular = word[:-1]
        if singular not in _VERBISH:
            return _HEADS.get(singular)
    return None


def _circumstance(words: list[str], i: int) -> bool:
    """Whether the head at ``i`` sits in a phrase of place or source, or is pointed at:
    "at a local store", "in train", "from TV", "see attached email"."""
    if i and words[i - 1] in _POINTERS:
        return True
    for back in (1, 2, 3):
        if i - back < 0:
            return False
        if words[i - back] in _PLACE:
            # "in train", "at the store", "at a local store": at most one free word between
            between = words[i - back + 1 : i]
            if any(w in _MINE for w in between):
                return False  # "missing from my order", "in my bread machine": theirs
            return sum(w not in _DETERMINERS for w in between) <= 1 and (
                back < 3 or between[0] in _DETERMINERS
            )
    return False


def _single_head(word: str) -> bool:
    return (word in _HEADS or _plural_head(word) is not None) and word not in _VERBISH


def _candidate(
    words: list[str], i: int, size: int, modifier: str | None, entry: tuple[str, str]
) -> tuple[int, ObjectPhrase]:
    topic, determiner = entry
    head = " ".join(words[i : i + size])
    if modifier is not None:
        i -= len(modifier.split())
    before = words[i - 1] if i else ""
    before2 = words[i - 2] if i > 1 else ""
    qualifier = _QUALIFIERS.get(before) or (
        _QUALIFIERS.get(before2) if before in _MINE or before in ("the", "a", "an") else None
    )
    if qualifier is None:
        qualifier = _after(words, i + size)
    damaged = qualifier in ("damaged", "broken", "cracked") or before in _CONTAINER_DAMAGE
    if head in _CONTAINERS and not modifier:
        if not damaged and not _after_any(words, i + size, _CONTAINER_DAMAGE):
            return -1, ObjectPhrase("", topic)  # what it came in, not the thing
        if "inside" in words[i + size :]:
            # "the box was dented and the lamp inside smashed": the box is only how the
            # damage came; what is inside is the complaint.
            return -1, ObjectPhrase("", topic)
    if topic in _RECEIVED and _missing_before(words, i):
        # "missing 2 bolts", "missing mounting bolts": what is missing is the thing (only
        # our own words reach the draft: "the missing bolts")
        shown = _DISPLAY.get(head, head)
        return 8, ObjectPhrase(" ".join(w for w in ("the missing", modifier, shown) if w), topic)
    mine = before in _MINE or (before in _QUALIFIERS and before2 in _MINE)
    if mine and determiner == _THE and topic not in ("support", "website_app", "pricing"):
        determiner = _YOURS
    base = head if head in _HEADS else head[:-1]  # "engineers" is read as "engineer"
    if base in _PEOPLE:
        # A person is not a thing to be sorry about: "your experience with our driver".
        return 4 + (2 if qualifier else 0), ObjectPhrase(f"your experience with our {head}", topic)
    if qualifier in _NOT_YOURS:
        determiner = _THE  # "the wrong book": the one they were sent is not "theirs"
    if qualifier == "faulty":
        determiner = _THE  # "your faulty…" holds "our fault", a line no draft may use
    if qualifier == "wrong" and entry[1] == _YOURS and topic in _RECEIVED:
        return 9, ObjectPhrase(f"the wrong {head} you received", topic)
    general = base in _GENERIC and not modifier and before not in _EVALUATIVE
    score = (0 if general else 4) + (3 if mine else 0)
    score += 2 if qualifier or before in _EVALUATIVE else 0
    shown = _DISPLAY.get(head, head)
    if before == "no" or (before in ("any", "a") and before2 in ("no", "never", "not")):
        score += _MISSING_SCORE  # "still no refund": what is missing is the complaint
    if base in _HANDLED:
        # "no response so far" after a swapped phone case: the phone case is the complaint
        score = min(score, _HANDLING_SCORE) - 1
    owner = _owner_after(words, i + size)
    if owner is not None and not modifier:
        # "the stitching on my jacket", "the second charge on my card"
        place = f"{_THE} {qualifier} {shown}" if qualifier else f"{_THE} {shown}"
        return score + 5, ObjectPhrase(f"{place} {owner[0]} your {owner[1]}", topic)
    words_out = [w for w in (determiner, qualifier, modifier, shown) if w]
    return score, ObjectPhrase(" ".join(words_out), topic)


def _missing_before(words: list[str], i: int) -> bool:
    """ "missing" up to three words before the head, with only a number or a describing
    word between: "missing 2 mounting bolts", not "missing from my order"."""
    for back in (1, 2, 3):
        if i - back < 0:
            return False
        word = words[i - back]
        if word == "missing":
            return True
        if not (word.isdigit() or (word not in _HEADS and word not in _NOT_BETWEEN)):
            return False
    return False


def _after_any(words: list[str], start: int, wanted: frozenset[str]) -> bool:
    """A word of ``wanted`` within three linking words after the head: "box was crushed"."""
    for word in words[start : start + 4]:
        if word in wanted:
            return True
        if word not in _LINKS:
            return False
    return False


def _verb_before(words: list[str], i: int) -> bool:
    """Whether the word at ``i`` is used as a verb: "I order", "to return", "can't charge"."""
    return i > 0 and words[i - 1] in _SUBJECTS


def _owner_after(words: list[str], start: int) -> tuple[str, str] | None:
    """("on", "jacket") when "on my jacket" (or of / in / with) follows the head."""
    if start + 2 < len(words) and words[start] in ("on", "of", "in", "with"):
        owned = words[start + 2]
        if words[start + 1] == "my" and owned in _HEADS and owned not in _VERBISH:
            return words[start], _DISPLAY.get(owned, owned)
    return None


def _after(words: list[str], start: int) -> str | None:
    """A problem word within three linking words after the head: "flight was delayed"."""
    for word in words[start : start + 4]:
        if word in _AFTER:
            return _AFTER[word]
        if word not in _LINKS:
            return None
    return None


_CHARGED = _set("charged,charging,billed,billing,took,taken,debited")
_TWICE = _set("twice,double,again")
_DELIVERY_FEES = _set("delivery,shipping,postage,p&p,courier")
_NOT_BETWEEN = _LINKS | _SUBJECTS | _PLACE | _MINE | _set("from,of,with,for,but,or")
_WRONG_ITEM_SCORE = 9  # as "the wrong book you received"


def _charge_phrase(words: list[str]) -> tuple[int, ObjectPhrase] | None:
    """ "charged my card twice" → the double charge; "charged £40 for delivery" → the
    delivery charge. A few words may stand between ("my card", "me £40")."""
    for i, word in enumerate(words):
        if word not in _CHARGED:
            continue
        ahead = words[i + 1 : i + 5]
        if any(w == "twice" for w in ahead) or (word != "took" and "double" in ahead):
            return _PHRASE_SCORE, ObjectPhrase("the double charge", "billing")
        if "for" in ahead:
            after_for = words[i + 2 + ahead.index("for") : i + 5 + ahead.index("for")]
            heads = [w for w in after_for if w not in _DETERMINERS]
            if heads and heads[0] in _DELIVERY_FEES:
                return _PHRASE_SCORE, ObjectPhrase("the delivery charge", "billing")
    return None


def _got_instead(words: list[str]) -> bool:
    """ "got rocket skates instead of the anvil", "sent me X instead of Y"."""
    for i in range(1, len(words) - 1):
        if (
            words[i] == "instead"
            and words[i + 1] == "of"
            and any(w in _RECEIVING for w in words[max(0, i - 7) : i])
        ):
            return True
    return False


def _holds_number_off(words: list[str]) -> bool:
    return any(w == "off" and i and words[i - 1].isdigit() for i, w in enumerate(words))


def _holds(words: list[str], pattern: tuple[str, ...]) -> bool:
    first, size = pattern[0], len(pattern)
    return any(
        words[i] == first and tuple(words[i : i + size]) == pattern
        for i in range(len(words) - size + 1)
    )
