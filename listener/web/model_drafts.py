"""The alert page's "Draft with the local model" button: asks ``replies.llm`` for drafts
about the alert's lead mention and keeps them with the alert, beside the template drafts.

On demand, not when the alert is raised (see ``alerts.drafts.llm``): the person who asked
waits at most ``replies.llm.timeout``; nothing else does. A model that fails leaves the
drafts as they were and says why on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException

from alerts.compose import author_history
from alerts.drafts.llm import LLM_APPROACH, llm_drafts_blocking
from listener.web.context import WebContext


@dataclass(frozen=True, slots=True)
class ModelNote:
    """What asking the model did, in one line; ``failed``: it gave no drafts, and the page
    says so in an alert box (what to check is in ``text``), not as a grey aside."""

    text: str
    failed: bool = False


def ask_local_model(context: WebContext, alert_id: int) -> ModelNote:
    """Ask the model, keep what passed, and say what happened in one line."""
    alert = context.store.get_alert(alert_id)
    if alert is None:
        raise HTTPException(404, f"no alert {alert_id}")
    if not context.settings.replies.llm.enabled:
        raise HTTPException(409, "the local model is off: set replies.llm in the settings")
    lead = context.store.get_mention(alert.mention_ids[0]) if alert.mention_ids else None
    if lead is None or lead.deleted_at is not None:
        return ModelNote("No drafts asked for: the alert's post is gone.", failed=True)
    result = llm_drafts_blocking(
        lead,
        settings=context.settings.replies,
        brand=alert.brand,
        history=author_history(context.store, context.settings, lead, alert),
        metrics=context.metrics,
    )
    if result.drafts:
        context.store.replace_drafts(alert_id, LLM_APPROACH, result.drafts)
    return ModelNote(result.message, failed=result.failed or not result.drafts)
