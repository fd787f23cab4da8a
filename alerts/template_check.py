"""Trying the templates the settings would use, before a real alert needs them.

Operators edit templates (``replies.templates_dir``); a typo there would otherwise show
only when an alert is sent — as a delivery retried for ever, or a draft quietly made from
the built-in template instead. ``check_templates`` renders every template of the
configured channels with sample alerts of every kind (``alerts.samples``), and drafts
replies to sample complaints in every template language, and returns each problem in
words: the template, the line where it is known, what went wrong.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Iterator
from dataclasses import replace

import httpx
from jinja2 import TemplateSyntaxError

from alerts.channels.base import SendContext
from alerts.channels.registry import get_channel_type
from alerts.channels.render import render_json, render_text
from alerts.drafts.replies import draft_replies
from alerts.outbox import build_templates
from alerts.samples import SAMPLE_TIME, sample_messages
from alerts.templating import Templates
from listener.config.settings import Settings
from listener.judging.judge import Judge
from listener.models import Author, text_mention

# One complaint per reply template language: each set of templates is tried.
SAMPLE_COMPLAINTS = {
    "en": "My order still hasn't arrived and nobody answers. So frustrated!",
    "bn": "আমার অর্ডার এখনো আসেনি, খুব বিরক্ত লাগছে",
    "hi": "मेरा ऑर्डर अभी तक नहीं आया, बहुत परेशान हूँ",
    "te": "నా ఆర్డర్ ఇంకా రాలేదు, చాలా విసుగ్గా ఉంది",
}
PLATFORMS = ("x", "review")


def check_templates(settings: Settings) -> list[str]:
    """Every problem found, in words; empty when every template renders."""
    templates = build_templates(settings)
    problems = list(dict.fromkeys(_alert_template_problems(settings, templates)))
    problems += list(dict.fromkeys(_reply_template_problems(settings, templates)))
    return problems


def _alert_template_problems(settings: Settings, templates: Templates) -> Iterator[str]:
    names = sorted(
        {n for c in settings.alerts.channels for n in get_channel_type(c.type).templates}
    )
    if not names:
        return

    async def render_all() -> list[str]:
        found = []
        async with httpx.AsyncClient() as http:  # never used: rendering sends nothing
            ctx = SendContext(http=http, templates=templates, clock=lambda: SAMPLE_TIME)
            for name in names:
                for message in sample_messages():
                    try:
                        if name.endswith(".json.j2"):
                            render_json(ctx, name, message)
                        else:
                            render_text(ctx, name, message)
                    except Exception as error:
                        what = f"a {message.kind.value} alert ({message.event.value})"
                        found.append(f"{_where(name, error)}: {_say(error)} — rendering {what}")
                        break  # one problem per template is enough to go and fix it
        return found

    yield from asyncio.run(render_all())


def _reply_template_problems(settings: Settings, templates: Templates) -> Iterator[str]:
    if not settings.replies.enabled:
        return
    judge = Judge(settings.judgments, settings.brands)
    brand = settings.brands[0].name
    for language, text in SAMPLE_COMPLAINTS.items():
        for platform in PLATFORMS:
            mention = text_mention(
                text,
                source="check",
                source_type=platform,
                native_id=f"{language}-{platform}",
                at=SAMPLE_TIME,
                author=Author(handle="dana", name="Dana"),
                brands=(brand,),
            )
            mention = replace(mention, judgments=judge.judge(mention))
            try:
                drafts = draft_replies(
                    mention,
                    settings=settings.replies,
                    brand=brand,
                    platform=platform,
                    templates=templates,
                )
            except Exception as error:
                yield f"replies/{language}: {_say(error)}"
                continue
            for draft in drafts:
                if draft.note and "used the built-in template" in draft.note:
                    yield draft.note


def _where(name: str, error: BaseException) -> str:
    """``alerts/slack.json.j2:12`` where the line is known (Jinja puts template lines in
    the traceback), else the name."""
    if isinstance(error, TemplateSyntaxError) and error.lineno:
        return f"{error.filename or name}:{error.lineno}"
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(name):
            return f"{frame.filename}:{frame.lineno}"
    return name


def _say(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
