"""The draft linter: what a person would check at a glance, checked for them.

``lint_draft`` returns a dict shown with every draft (``ReplyDraft.lint``) and used by the
tests. A check that does not apply is ``None`` (no name known → ``name_present`` is None),
never a pass in disguise. ``ok`` is true when nothing failed.

- ``length``/``limit``/``length_ok`` — counted as the platform counts (``platforms``);
- ``name_present``, ``topic_present`` — the person's name, the thing they named;
- ``feeling_acknowledged`` — a word of the feeling detected (None when none was);
- ``next_step_present`` — something that happens next (we look, they DM, a link…);
- ``history_present``, ``loyalty_present`` — when the author has history / is tagged.
  Required where there is room (500 units and more); on X and Bluesky they are reported
  but may give way to length, since a reply that apologises and offers a next step in 280
  characters beats one cut mid-thought;
- ``banned_phrases`` — stock lines found; ``echoed_abuse`` — their abusive words repeated,
  or any profane word (a display name can bring one into a clean post's draft);
- ``personal_data`` — their email, phone or order number repeated in a public reply;
- ``promises`` — a refund or compensation promised that the policy does not allow;
- ``markup_safe`` — no control or bidi characters, HTML tags, template syntax or
  @everyone-style pings that a channel could act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from alerts.drafts.facts import Facts
from alerts.drafts.markers import (
    FEELING_MARKERS,
    HISTORY_MARKERS,
    LOYALTY_MARKERS,
    NEXT_STEP_MARKERS,
    PROMISE_MARKERS,
    PROMISE_WORDS,
    compiled,
)
from alerts.drafts.platforms import PLATFORMS, Platform, platform_for
from listener.config.replies import ReplyPolicy
from listener.judging.abuse import profane_words

_UNSAFE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # controls, bidi
    r"|<[A-Za-z!/]"  # an HTML tag or a Slack <!channel>
    r"|\{\{|\{%|%\}|\}\}"  # template syntax left in the text
    r"|@(?:everyone|here|channel)\b"
)
_NO_POLICY = ReplyPolicy()
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lowercase, one kind of apostrophe, single spaces: how phrases are compared."""
    return _SPACES.sub(" ", text.replace("’", "'").replace("‘", "'")).lower()


@lru_cache(maxsize=64)
def _normalised(phrases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each distinct phrase and its normal form: the same built-in and configured list is
    checked against every draft, and normalising it each time was a third of the lint."""
    return tuple((p, normalise(p)) for p in dict.fromkeys(phrases))


def lint_draft(
    text: str,
    *,
    facts: Facts,
    platform: str | Platform,
    banned: Iterable[str],
    policy: ReplyPolicy | None = None,
    length: int | None = None,
) -> dict[str, Any]:
    """``length``: the draft's length as ``platform`` counts it, when the caller has it."""
    place = platform if isinstance(platform, Platform) else PLATFORMS.get(platform)
    place = place or platform_for(None, None)
    language = facts.language if facts.language in NEXT_STEP_MARKERS else "en"
    plain = normalise(text)
    length = place.count(text) if length is None else length
    feeling = facts.feeling
    feeling_pattern = FEELING_MARKERS[language].get(feeling or "", "") if feeling else ""
    result: dict[str, Any] = {
        "length": length,
        "limit": place.limit,
        "length_ok": length <= place.limit,
        "name_present": None if not facts.name else normalise(facts.name) in plain,
        "topic_present": None if not facts.thing else normalise(facts.thing) in plain,
        "feeling_acknowledged": (
            None if not feeling_pattern else bool(compiled(feeling_pattern).search(text))
        ),
        "next_step_present": bool(compiled(NEXT_STEP_MARKERS[language]).search(text)),
        "history_present": (
            None
            if facts.history is None
            else bool(compiled(HISTORY_MARKERS[language]).search(text))
        ),
        "loyalty_present": (
            None if not facts.loyal else bool(compiled(LOYALTY_MARKERS[language]).search(text))
        ),
        "banned_phrases": [p for p, normal in _normalised(tuple(banned)) if normal in plain],
        "echoed_abuse": _echoed_abuse(text, plain, facts),
        "personal_data": (
            [d for d in facts.private_data if d.lower() in plain] if place.public else []
        ),
        "promises": _promises(text, plain, language, policy or _NO_POLICY),
        "markup_safe": _UNSAFE.search(text) is None,
    }
    result["ok"] = (
        result["length_ok"]
        and result["next_step_present"]
        and result["markup_safe"]
        and all(result[k] is not False for k in _OPTIONAL_CHECKS)
        and (place.limit < ROOMY or all(result[k] is not False for k in _WHERE_ROOM))
        and not any(result[k] for k in _FOUND_LISTS)
    )
    return result


_OPTIONAL_CHECKS = ("name_present", "topic_present", "feeling_acknowledged")
_WHERE_ROOM = ("history_present", "loyalty_present")
ROOMY = 500  # a platform with at least this limit has room for history and loyalty lines
_FOUND_LISTS = ("banned_phrases", "echoed_abuse", "personal_data", "promises")


def _echoed_abuse(text: str, plain: str, facts: Facts) -> list[str]:
    """The post's abusive words repeated, and any profanity at all: a draft never swears,
    whether the words came from the post, a display name or an edited template."""
    echoed = [w for w in facts.abuse_words if _has_word(plain, w)]
    return list(dict.fromkeys([*echoed, *profane_words(text)]))


def _has_word(plain: str, word: str) -> bool:
    # Whole words: "ass" must not be found in "assist". Symbols ("f*ck") are matched as written.
    return word.lower() in plain and _whole_word(word.lower()).search(plain) is not None


@lru_cache(maxsize=1024)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")


def _promises(text: str, plain: str, language: str, policy: ReplyPolicy) -> list[str]:
    found = []
    for kind, pattern in PROMISE_MARKERS[language].items():
        if getattr(policy, kind):
            continue
        words = PROMISE_WORDS.get(language, {}).get(kind)
        if words is not None and not _may_hold(text, plain, words):
            continue
        if compiled(pattern).search(text):
            found.append(kind)
    return found


# The only characters besides ASCII letters that a case-blind regex takes for an ASCII
# letter: İ (which lowercases to two characters), ı and ſ (which do not lowercase to one)
# and the Kelvin sign. Without them, a case-blind match of an ASCII word is that word in
# the lowercased, normalised draft.
_CASE_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")


def _may_hold(text: str, plain: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` may hold one of ``words`` (ASCII, lowercase) in any case."""
    return any(w in plain for w in words) or _CASE_TRAPS.search(text) is not None
