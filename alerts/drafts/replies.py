"""Reply drafts: two or three replies a person can send after a glance, never sent for them.

``draft_replies(mention, settings=…)`` is the one entry point: it gathers what may be said
(``facts``), decides which drafts to offer (``approaches``), renders each from the editable
templates in ``templates/replies/<lang>/`` fitted to the platform (``render``), and lints
each one (``lint``), the findings travelling with the draft.

Pure and deterministic: the same mention, settings and history give the same drafts (every
phrasing choice is a hash of the mention id). It does not raise on odd input — no text,
no author, a language nobody judged — and a broken *edited* template falls back to the
built-in one, with a note, rather than holding up an alert.
"""

from __future__ import annotations

from jinja2 import TemplateError

from alerts.drafts.approaches import Plan, plan_drafts
from alerts.drafts.facts import Facts, extract_facts
from alerts.drafts.lint import lint_draft
from alerts.drafts.markers import BANNED_PHRASES
from alerts.drafts.platforms import Platform, platform_for
from alerts.drafts.render import context, render, template_name, templates_for
from alerts.message import AuthorHistory
from alerts.templating import Templates
from listener.config.replies import RepliesSettings
from listener.models import Mention, ReplyDraft

__all__ = ["BANNED_PHRASES", "choose_language", "draft_replies", "lint_draft"]

TEMPLATE_LANGUAGES = ("en", "bn", "te", "hi")
_LANGUAGE_NAMES = {
    "bn": "Bengali", "te": "Telugu", "hi": "Hindi", "en": "English", "ta": "Tamil",
    "kn": "Kannada", "ml": "Malayalam", "mr": "Marathi", "gu": "Gujarati", "pa": "Punjabi",
    "ur": "Urdu", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
}  # fmt: skip


def draft_replies(
    mention: Mention,
    *,
    settings: RepliesSettings,
    brand: str | None = None,
    history: AuthorHistory | None = None,
    platform: str | None = None,
    templates: Templates | None = None,
    language: str | None = None,
) -> tuple[ReplyDraft, ...]:
    """The drafts for a judged ``mention`` (``language`` forces the language judged)."""
    if not settings.enabled:
        return ()
    brand = brand or (mention.brands[0] if mention.brands else None)
    replies = settings.for_brand(brand)
    place = platform_for(platform, mention.source_type)
    chosen = templates or templates_for(replies.templates_dir)
    detected = language or mention.judgments.language or mention.language
    lang, note = choose_language(detected, settings=replies, templates=chosen)
    facts = extract_facts(mention, language=lang, note=note, history=history, public=place.public)
    banned = (*BANNED_PHRASES, *replies.banned_phrases)
    notes = _notes(facts)
    drafts = []
    for position, plan in enumerate(plan_drafts(facts, replies, place)):
        text, length, failure = _render(chosen, facts, plan, place, brand, replies, position)
        lint = lint_draft(
            text, facts=facts, platform=place, banned=banned, policy=replies.policy, length=length
        )
        draft_note = "; ".join(n for n in (*notes, failure) if n) or None
        drafts.append(ReplyDraft(plan.approach, text, facts.language, draft_note, lint))
    return tuple(drafts)


def choose_language(
    detected: str | None, *, settings: RepliesSettings, templates: Templates
) -> tuple[str, str | None]:
    """The template language for a post in ``detected``, and a note when it differs."""
    if not detected:
        return "en", "language not detected: drafted in English"
    if detected in settings.languages:
        target = settings.languages[detected]
        base = detected.split("-")[0]
        if target == base:
            return target, None
        if detected == "hi-Latn":
            why = (
                "written in romanised Hindi (hi-Latn): drafted in English, which a writer "
                "who chose Latin letters reads and Hinglish threads are usually answered in; "
                "map hi-Latn to hi under replies.languages for Devanagari"
            )
        else:
            why = f"written in {detected}: drafted in {_name(target)} (replies.languages)"
        return target, why
    base = detected.split("-")[0].lower()
    if base == "en":
        return "en", None
    if templates.exists(template_name(base, "acknowledge")):
        return base, None
    return "en", f"no {_name(base)} reply templates: drafted in English"


def _name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, f"'{code}'")


def _notes(facts: Facts) -> tuple[str | None, ...]:
    return (
        facts.note,
        "flagged as a threat: decide whether to answer in public at all" if facts.threat else None,
        "abusive words in the post are not repeated" if facts.abuse_words else None,
        "the author is tagged press: this reply may be quoted" if facts.press else None,
    )


def _render(
    templates: Templates,
    facts: Facts,
    plan: Plan,
    place: Platform,
    brand: str | None,
    replies: RepliesSettings,
    position: int,
) -> tuple[str, int, str | None]:
    """The draft text, its length on ``place``, and why the built-in template was used when
    an edited one failed."""
    ctx = context(
        facts,
        plan,
        platform=place,
        brand=brand,
        sign_off=replies.sign_off,
        refunds=replies.policy.refunds,
        compensation=replies.policy.compensation,
        position=position,
    )
    name = template_name(facts.language, plan.approach)
    try:
        return (*render(templates, name, ctx, place), None)
    except (TemplateError, ValueError, KeyError, TypeError) as error:
        builtin = templates_for(None)
        if templates is builtin:
            raise  # our own template is broken: a test must see it
        why = f"{name} failed ({type(error).__name__}: {error}): used the built-in template"
        return (*render(builtin, name, ctx, place), why)
