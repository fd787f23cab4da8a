"""Rendering a draft from ``templates/replies/<lang>/<approach>.j2`` and fitting it to the platform.

The templates hold every word, so they can be edited; the code passes values only (the
person's name, the thing they named…), never the post, and never compiles anything it was
given as a template. Variety comes from ``pick(slot, options)``: each template lists a few
phrasings per slot, and the choice is a hash of the mention id, the approach and the slot —
the same mention always gets the same draft, and a hundred mentions get a hundred drafts;
the drafts of one alert take different phrasings of each slot (``Picker``).

Placeholders in a phrasing (``{name}``, ``{thing}``…) are filled in one pass, so a value
that itself holds "{thing}" stays those characters.

Fitting: a template renders at a ``detail`` level from 4 (everything) down to -1, dropping
optional sentences (closing line, feeling mirror, loyalty line, history line, a second
acknowledgement, in that order); the first level that fits the platform wins. Then a fix
with a link gives up its sentence for the link alone. Only if even that is too long is the
text cut, at a space, never inside a word — and the linter then says what went missing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from alerts.drafts.approaches import Plan
from alerts.drafts.facts import Facts
from alerts.drafts.platforms import Platform
from alerts.templating import Templates

DETAIL_LEVELS = (4, 3, 2, 1, 0, -1)
PARAGRAPH = "--"  # a template line of just this: a paragraph break on long platforms
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Picker:
    """``pick(slot, options)`` for templates: a stable choice, placeholders filled.

    ``offset`` is the draft's place among the alert's drafts: the choice is the mention's
    own (a hash of its id and the slot) moved on by the offset, so the drafts of one alert
    never share a phrasing of a slot that has enough of them — the second phrasing of an
    acknowledgement is never the first one again, and no two drafts open alike."""

    def __init__(self, seed: str, values: Mapping[str, str | None], offset: int = 0) -> None:
        self._seed = seed
        self._values = values
        self._offset = offset

    def __call__(self, slot: str, options: Sequence[str], **extra: Any) -> str:
        """One of ``options`` for this mention, placeholders filled (``extra`` adds some:
        a template's own words, e.g. ``when="last week"``)."""
        if isinstance(options, str):
            options = [options]
        if not options:
            return ""
        digest = hashlib.blake2b(f"{self._seed}|{slot}".encode(), digest_size=8).digest()
        phrasing = str(options[(int.from_bytes(digest, "big") + self._offset) % len(options)])
        if "{" not in phrasing:
            return phrasing  # no placeholder to fill (most phrasings)
        values = (
            {**self._values, **{k: str(v) for k, v in extra.items()}} if extra else self._values
        )
        filled = _PLACEHOLDER.sub(lambda m: _value(values, m.group(1)), phrasing)
        lead = values.get("name_")
        if lead and phrasing.startswith("{name_}"):
            return lead + _after_name(filled[len(lead) :], values)
        return filled


# A sentence joined after "Kim, " goes on in lower case ("Kim, what you describe…"), except
# the words that are capitalised anywhere: "I" and its contractions, the person's name and
# the brand.
_ALWAYS_CAPITAL = frozenset({"I", "I'm", "I'll", "I've", "I'd", "I’m", "I’ll", "I’ve", "I’d"})


def _after_name(rest: str, values: Mapping[str, str | None]) -> str:
    first = rest.split(" ", 1)[0].rstrip(",.!?—")
    if not first[:1].isupper() or first in _ALWAYS_CAPITAL:
        return rest
    proper = [v for v in (values.get("name"), values.get("brand")) if v]
    if any(rest.startswith(p) for p in proper) or (len(first) > 1 and first.isupper()):
        return rest  # a name, the brand, or an acronym ("OK", "DM")
    return rest[0].lower() + rest[1:]


def _value(values: Mapping[str, str | None], key: str) -> str:
    if key not in values:
        known = ", ".join(sorted(values))
        raise ValueError(f"a reply template uses {{{key}}}; the placeholders are: {known}")
    return values[key] or ""


@lru_cache(maxsize=8)
def templates_for(templates_dir: Path | None) -> Templates:
    """One compiled template set per folder: compiling per draft would cost milliseconds."""
    return Templates(templates_dir)


def template_name(language: str, approach: str) -> str:
    return f"replies/{language}/{approach}.j2"


def context(
    facts: Facts,
    plan: Plan,
    *,
    platform: Platform,
    brand: str | None,
    sign_off: str | None,
    refunds: bool,
    compensation: bool,
    position: int = 0,
) -> dict[str, Any]:
    """What a template sees. Plain strings, numbers, booleans and dicts of them.
    ``position`` is the draft's place among the alert's drafts (see ``Picker``)."""
    channel = _fields(plan.channel) if plan.channel else None
    # On long platforms the name opens the reply on its own line ("Hi Dana,"); on short ones
    # it goes inside the first sentence: "{name_}I'm sorry…" / "Sorry to hear that{_name}."
    greet = bool(facts.name) and not platform.short
    inline = facts.name if facts.name and not greet else None
    values: dict[str, str | None] = {
        "name": facts.name,
        "name_": f"{inline}, " if inline else "",
        "_name": f", {inline}" if inline else "",
        "thing": facts.thing,
        "brand": brand,
        "fix_text": plan.fix_text,
        "fix_url": plan.fix_url,
        "channel": plan.channel.value if plan.channel else None,
        "count": str(facts.history.count) if facts.history else None,
        "child": facts.child,
    }
    return {
        **values,
        "topic": facts.topic,
        "kind": facts.kind,
        "serious": facts.serious,
        "harm": facts.harm,
        "thing_kind": thing_kind(facts.thing),
        "threat": facts.threat,
        "question": facts.question,
        "feeling": facts.feeling,
        "mirror": facts.mirror,
        "urgent": facts.urgent,
        "urgency_reason": facts.urgency_reason,
        "history": _fields(facts.history) if facts.history else None,
        "loyal": facts.loyal,
        "greet": greet,
        "channel_kind": channel["kind"] if channel else None,
        "platform": platform.name,
        "short": platform.short,
        "public": platform.public,
        "sign_off": sign_off,
        "refunds": refunds,
        "compensation": compensation,
        "variant": plan.variant,
        "shape": draft_shape(facts, plan),
        "pick": Picker(facts.seed, values, position),
    }


# Things that are not objects: a line that embeds the thing reads only for its kind ("Let
# me handle signing in myself", "Let me track down your experience with our driver").
_PERSON_THINGS = (
    "your experience with", "the way you were", "the help you got", "the service",
    "the customer service", "the support",
)  # fmt: skip
_PLACE_THINGS = ("your visit to",)
_WAIT_THINGS = ("the reply you're", "the wait ", "the call back", "the call that")


def thing_kind(thing: str | None) -> str | None:
    """``object`` | ``person`` (how someone treated or served them) | ``place`` | ``wait`` (a reply
    or call owed) | ``activity`` ("signing in"), None without a thing."""
    if not thing:
        return None
    if thing.startswith(_PERSON_THINGS):
        return "person"
    if thing.startswith(_PLACE_THINGS):
        return "place"
    if thing.startswith(_WAIT_THINGS):
        return "wait"
    return "activity" if thing.split(" ", 1)[0].endswith("ing") else "object"


# How an English complaint's acknowledgement is built, chosen by its facts: a feeling,
# history or loyalty is met first with an apology ("apology"); urgency leads with what we
# do ("action"); a named thing leads with the thing or the action; with nothing named the
# draft asks them back what went wrong ("ask_back") or apologises. A hash only chooses
# between the shapes the facts allow, and the second acknowledgement of an alert takes the
# other one.
_SHAPES = {"urgent": ("action",), "thing": ("thing", "action"), "none": ("ask_back", "apology")}


def draft_shape(facts: Facts, plan: Plan) -> str:
    """The shape of an English complaint's draft (see ``_SHAPES``), else "apology". The
    acknowledgement and take-private templates read it; solve-now leads with its fix."""
    if facts.kind != "complaint" or facts.serious or facts.threat or facts.language != "en":
        return "apology"
    if facts.feeling or facts.mirror or facts.history or facts.loyal or facts.question:
        return "apology"
    shapes = _SHAPES["urgent" if facts.urgent else "thing" if facts.thing else "none"]
    digest = hashlib.blake2b(f"{facts.seed}|shape".encode(), digest_size=8).digest()
    # The alert's other drafts take the next shape, so two drafts seldom open alike.
    turn = plan.variant + (plan.approach != "acknowledge")
    return shapes[(int.from_bytes(digest, "big") + turn) % len(shapes)]


def _fields(value: Any) -> dict[str, Any]:
    """A flat slotted dataclass (``Channel``, ``HistoryLine``: plain values only) as a dict,
    as ``dataclasses.asdict`` gives it, without its deep copy of every value."""
    return {name: getattr(value, name) for name in value.__slots__}


def render(
    templates: Templates, name: str, ctx: Mapping[str, Any], platform: Platform
) -> tuple[str, int]:
    """The draft at the highest detail level that fits ``platform``, and its length as the
    platform counts it (the linter reports it: counted once, not twice)."""
    text = ""
    # Last before cutting: a fix that has a link may give up its sentence for the link alone.
    tries = (
        [ctx, {**ctx, "fix_text": None}] if ctx.get("fix_text") and ctx.get("fix_url") else [ctx]
    )
    for values in tries:
        for detail in DETAIL_LEVELS:
            text = _join(templates.render(name, **values, detail=detail), short=platform.short)
            length = platform.count(text)
            if length <= platform.limit:
                return text, length
    text = _cut(text, platform)  # rare: counted once more
    return text, platform.count(text)


# A draft never says one meaning twice. A closing that thanks is dropped when the draft
# already thanked ("…and thanks for telling us. … Thanks for telling us." read as a form),
# and "Thanks again." when it had not; a closing that promises to come back is dropped when
# a line before already promised it ("…come back to you here soon. Back to you soon.").
_CLOSING_THANKS = frozenset(
    {
        "Thanks for flagging it.",
        "Thanks for telling us.",
        "I appreciate you raising it.",
        "Thank you for speaking up.",
    }
)
_AGAIN = "Thanks again."
_CLOSING_RETURN = frozenset({"Back to you soon.", "More soon.", "Talk soon.", "Speak soon."})
_PROMISED_RETURN = (
    "back to you", "reply here", "this thread", "update", "let you know", "keep you posted",
    "report back", "be in touch", "answer you here", "follow it through", "reply to you",
    "get back", "come back", "with an answer",
)  # fmt: skip


def _said_already(line: str, paragraphs: list[list[str]]) -> bool:
    if line not in _CLOSING_THANKS and line != _AGAIN and line not in _CLOSING_RETURN:
        return False
    before = " ".join(" ".join(p) for p in paragraphs).lower()
    if line in _CLOSING_RETURN:
        return any(promise in before for promise in _PROMISED_RETURN)
    thanked = "thank" in before or "appreciate" in before
    return thanked if line in _CLOSING_THANKS else not thanked


def _join(rendered: str, *, short: bool) -> str:
    """Template lines → one paragraph (short platforms) or paragraphs at ``--`` lines."""
    paragraphs: list[list[str]] = [[]]
    for line in rendered.splitlines():
        # str.split() and re's \s agree on what whitespace is: this is the line with its
        # runs of spaces made one and its ends stripped, without a regex per line (most of
        # a rendered template's lines are blank).
        line = " ".join(line.split())
        if line == PARAGRAPH:
            paragraphs.append([])
        elif line and not _said_already(line, paragraphs):
            paragraphs[-1].append(line)
    parts = [" ".join(p) for p in paragraphs if p]
    return (" " if short else "\n\n").join(parts)


def _cut(text: str, platform: Platform) -> str:
    """The longest start of ``text`` that ends at a space and fits, with an ellipsis."""
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:—-") + "…"
        if platform.count(candidate) <= platform.limit:
            return candidate
    return text[:1] + "…"
