"""The alert page's reply drafts in words: a distinct title for each, and why an approach
the settings name (``replies.drafts: 3`` = acknowledge, solve it now, take it private) is
missing, with what to set to get it.

The reasons come from the drafts' own planning (``alerts.drafts``): "solve it now" needs a
fix under ``replies.fixes`` for the mention's topic, "take it private" a private channel the
mention's platform can reach. When fewer than two apply, the acknowledgement is drafted a
second time in other words — which looked like the same draft twice.

Each draft's lint is shown as ``lint_advice`` splits it: "lint failed" only for what must
never be sent, the rest as tips in neutral words.
"""

from __future__ import annotations

from collections.abc import Sequence

from alerts.drafts.approaches import ACKNOWLEDGE, SOLVE_NOW, TAKE_PRIVATE, private_channel
from alerts.drafts.facts import extract_facts
from alerts.drafts.lint_advice import LintAdvice as LintAdvice
from alerts.drafts.lint_advice import lint_advice as lint_advice
from alerts.drafts.platforms import platform_for
from listener.config.replies import RepliesSettings
from listener.models import Mention
from listener.web.context import WebContext
from listener.web.display import humanise

APPROACH_TITLES = {
    ACKNOWLEDGE: "Acknowledge",
    SOLVE_NOW: "Solve it now",
    TAKE_PRIVATE: "Take it private",
    "llm": "From the local model",  # alerts.drafts.llm.LLM_APPROACH: read before sending
}


def draft_titles(approaches: Sequence[str]) -> list[str]:
    """One title per draft; a second draft of the same approach is "another wording"."""
    seen: set[str] = set()
    titles = []
    for approach in approaches:
        title = APPROACH_TITLES.get(approach, humanise(approach).capitalize())
        titles.append(f"{title} — another wording" if approach in seen else title)
        seen.add(approach)
    return titles


def missing_drafts(
    context: WebContext,
    lead_mention_id: str | None,
    brand: str | None,
    drafted: Sequence[str],
    language: str,
) -> list[str]:
    """Why each approach the alert has no draft for is missing, and what would add it."""
    replies = context.settings.replies
    if not replies.enabled or not drafted or lead_mention_id is None:
        return []
    mention = context.store.get_mention(lead_mention_id)
    if mention is None:
        return []
    settings = replies.for_brand(brand)
    reasons = []
    if SOLVE_NOW not in drafted:
        reasons.append(_no_fix(mention, settings, language))
    if TAKE_PRIVATE not in drafted:
        reasons.append(_no_channel(mention, settings))
    if settings.drafts < 3 and len(reasons) < 2:
        reasons.append(f"replies.drafts is {settings.drafts}: set it to 3 for a third draft.")
    return [r for r in reasons if r]


def _no_fix(mention: Mention, settings: RepliesSettings, language: str) -> str:
    # The topic as the drafts saw it (their own extraction), in the drafts' language.
    facts = extract_facts(mention, language=language, note=None, history=None, public=True)
    if facts.topic is None:
        return (
            "No 'Solve it now' draft: no topic was found in this mention, and a fix under"
            " replies.fixes is chosen by topic."
        )
    topic = facts.topic
    if topic in settings.fixes:
        return (
            f"No 'Solve it now' draft: the fix for '{humanise(topic)}' under replies.fixes"
            " has no text in the draft's language and no url."
        )
    return (
        f"Add a fix for '{humanise(topic)}' under replies.fixes (key {topic}) to get a"
        " 'Solve it now' draft."
    )


def _no_channel(mention: Mention, settings: RepliesSettings) -> str:
    platform = platform_for(None, mention.source_type)
    if private_channel(settings, platform) is not None:
        return ""  # a channel exists; the draft count cut it (said apart)
    if platform.dm:
        return (
            "Set replies.private_channels (dm: true, or an email, phone or url) to get a"
            " 'Take it private' draft."
        )
    names = (["email"] if platform.public else []) + ["phone", "url"]
    reachable = ", ".join(names[:-1]) + " or " + names[-1]
    return (
        f"No 'Take it private' draft: {mention.source_type} mentions cannot be answered by"
        f" direct message; set replies.private_channels {reachable} to offer one."
    )
