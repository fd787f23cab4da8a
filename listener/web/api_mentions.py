"""``/api/v1/mentions/{id}`` and its label: the mention page's data and action, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from listener.web.api_document import problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.mention_views import LabelIn, LabelResult, MentionDetail, label_mention
from listener.web.mention_views import mention_detail as detail_of

router = APIRouter(prefix="/api/v1", tags=["mentions"])


@router.get("/mentions/{mention_id:path}", responses=problem_responses({404: "No such mention"}))
def get_mention(
    mention_id: str,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> MentionDetail:
    """One mention, every judgment with its evidence, its alerts and thread."""
    return detail_of(context, mention_id)


@router.post(
    "/mentions/{mention_id:path}/label", responses=problem_responses({404: "No such mention"})
)
def label(
    mention_id: str,
    verdict: LabelIn,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> LabelResult:
    """Mark the mention a complaint or not (as ``listener label``); the brands' models are
    retrained from their labels at once (``retrain_pending`` while that runs on in the
    background), and a running daemon uses them within ``judgments.learning.retrain_every``."""
    return label_mention(context, mention_id, verdict.complaint, by=who.name)
