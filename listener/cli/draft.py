"""``listener draft``: reply drafts for any text, to try the drafting without an alert.

The text is judged with the configured judges (the settings' own topics included) and
drafted with the ``replies:`` settings, exactly as an alert would be. Without a settings
file (none given, no $LISTENER_CONFIG, no ./settings.yaml) it still works: default judges
and default reply settings — no private channel, no fixes, no brand, so no sign-off and two
phrasings of the acknowledgement. ``--brand NAME`` then only names the team in the sign-off.

A text not judged a complaint is said to be so, with what it was taken for (praise, a
question, press…), before its drafts. ``--llm`` asks the local model of ``replies.llm`` as
well: its drafts follow the template drafts, marked as its own, and what it failed to do
(no answer in time, a draft dropped by the linter) is said, never raised.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import replace
from typing import Any

import click

from listener.cli.common import config_option, load_or_exit
from listener.clock import utcnow
from listener.config.replies import RepliesSettings
from listener.config.settings import resolve_config_path
from listener.models import Author, Flag, Mention, ReplyDraft, SentimentLabel, text_mention

PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "review", "email")
_DEFAULT_MAX_TEXT = 20_000


@click.command()
@config_option
@click.option("--text", required=True, help="The post to answer (plain text).")
@click.option("--author", metavar="NAME", help="Who wrote it: a name, or @handle.")
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    default="x",
    show_default=True,
    help="Where the reply goes: sets the length limit and which private channels fit.",
)
@click.option("--lang", metavar="CODE", help="The post's language (e.g. bn, te, hi, hi-Latn).")
@click.option("--brand", metavar="NAME", help="Whose reply settings and sign-off apply.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: judgments and drafts.")
@click.option(
    "--llm",
    "use_llm",
    is_flag=True,
    help="Also ask the local model server of replies.llm (its drafts are linted the same).",
)
def draft(
    config_path: str | None,
    text: str,
    author: str | None,
    platform: str,
    lang: str | None,
    brand: str | None,
    as_json: bool,
    use_llm: bool,
) -> None:
    """Print reply drafts for a text, each with the draft linter's findings.

    Example: listener draft --text "@acme my order never arrived" --author @dana
    """
    from alerts.drafts.facts import extract_facts
    from alerts.drafts.lint_advice import lint_advice
    from alerts.drafts.replies import draft_replies
    from listener.cli.render import judgments_as_json, judgments_line, terminal_safe
    from listener.judging.judge import Judge

    path = resolve_config_path(config_path, os.environ)
    if config_path or os.environ.get("LISTENER_CONFIG") or path.exists():
        settings = load_or_exit(config_path, polls=False)
        judge = Judge(settings.judgments, settings.brands)
        replies, max_chars = settings.replies, settings.pipeline.max_text_chars
        brand = brand or (settings.brands[0].name if settings.brands else None)
    else:
        judge, replies, max_chars = Judge(), RepliesSettings(), _DEFAULT_MAX_TEXT
    if use_llm and not replies.llm.enabled:
        raise click.UsageError(
            "--llm needs replies.llm in the settings (enabled: true, url, model)"
            + ("" if path.exists() or config_path else ": no settings file was found")
        )
    mention = _mention(text[:max_chars], author, lang, brand)
    mention = replace(mention, judgments=judge.judge(mention))
    drafts = draft_replies(mention, settings=replies, brand=brand, platform=platform, language=lang)
    language = drafts[0].language if drafts else "en"
    kind = extract_facts(mention, language=language, note=None, history=None, public=True).kind
    verdict = not_a_complaint(mention, kind)
    asked = None
    if use_llm:
        from alerts.drafts.llm import llm_drafts_blocking

        # The outcome is said on the "model:" line, in words for a person; the log line (for
        # a daemon's operators) would print bare above it, the same failure said twice.
        llm_log = logging.getLogger("alerts.drafts.llm")
        level = llm_log.level
        llm_log.setLevel(logging.ERROR)
        try:
            asked = llm_drafts_blocking(
                mention, settings=replies, brand=brand, platform=platform, language=lang
            )
        finally:
            llm_log.setLevel(level)
        drafts = (*drafts, *asked.drafts)
    if as_json:
        out: dict[str, Any] = {
            "judgments": judgments_as_json(mention.judgments),
            "drafts": _as_json(drafts),
        }
        if verdict is not None:
            out["not_a_complaint"] = {"kind": verdict[0], "message": verdict[1]}
        if asked is not None:
            out["llm"] = {
                "outcome": asked.outcome,
                "message": asked.message,
                "dropped": [{"text": d.text, "reasons": list(d.reasons)} for d in asked.dropped],
            }
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"text:     {terminal_safe(mention.text)}")
    click.echo(f"judged:   {judgments_line(mention)}")
    if verdict is not None:
        click.echo(f"note:     {verdict[1]}")
    if asked is not None:
        click.echo(f"model:    {terminal_safe(asked.message)}")
    for number, item in enumerate(drafts, 1):
        lint = item.lint
        # Only what must never be sent is a failure; the rest is advice (lint_advice).
        verdict_line = lint_advice(lint).line()
        click.echo(
            f"\n[{number}] {item.approach} · {item.language} · "
            f"{lint.get('length')}/{lint.get('limit')} · {verdict_line}"
        )
        click.echo(terminal_safe(item.text).replace("\n\n", "\n"))
        if item.note:
            click.echo(f"    note: {terminal_safe(item.note)}")
    if not drafts:
        click.echo("no drafts: replies.enabled is false", err=True)


# What the drafts of a text not judged a complaint are. The kind is the drafts' own
# (alerts.drafts.facts), so the note and the drafts below it never disagree.
_WHAT_IS_DRAFTED = {
    "flagged a threat": "drafted as for a complaint; decide whether to answer in public at all",
    "press": "a news item about the brand: decide whether to answer at all",
    "praise": "drafting a thank-you",
    "question": "drafting an answer",
    "unhappy": "drafted with care, as for a complaint",
    "sentiment unknown": "drafted with care, as for a complaint",
    "neutral": "drafting a short acknowledgement",
}


def not_a_complaint(mention: Mention, kind: str) -> tuple[str, str] | None:
    """(kind, sentence) when the text was not judged a complaint, e.g. ("praise", "not
    judged a complaint (praise, complaint score 0.03): drafting a thank-you"); None for a
    complaint. ``kind``: the drafts' kind (complaint, praise, question, neutral)."""
    judged = mention.judgments
    if judged.complaint:
        return None
    if judged.flagged(Flag.THREAT):
        kind = "flagged a threat"
    elif judged.flagged(Flag.PRESS):
        kind = "press"
    elif kind == "complaint":  # met as one: unhappy, or in words sentiment cannot read
        unknown = judged.sentiment_label is SentimentLabel.UNKNOWN
        kind = "sentiment unknown" if unknown else "unhappy"
    score = judged.complaint_score
    said = f"not judged a complaint ({kind}"
    said += f", complaint score {score:.2f})" if score is not None else ")"
    return kind, f"{said}: {_WHAT_IS_DRAFTED.get(kind, 'drafting a reply')}"


def _mention(text: str, author: str | None, lang: str | None, brand: str | None) -> Mention:
    who = (author or "").strip()
    person = Author(handle=who[1:] or None) if who.startswith("@") else Author(name=who or None)
    # A stable id: the same text and author give the same drafts every time.
    digest = hashlib.sha256(f"{who}\n{text}".encode()).hexdigest()[:16]
    return text_mention(
        text,
        source="cli",
        source_type="cli",
        native_id=digest,
        at=utcnow(),
        author=person,
        language=lang,
        brands=(brand,) if brand else (),
    )


def _as_json(drafts: tuple[ReplyDraft, ...]) -> list[dict[str, Any]]:
    return [
        {
            "approach": d.approach,
            "text": d.text,
            "lint": d.lint,
            "language": d.language,
            "note": d.note,
        }
        for d in drafts
    ]
