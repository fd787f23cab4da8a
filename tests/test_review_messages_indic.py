"""Review of the Hindi and Telugu reply drafts: the history line for "earlier today"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory, HistoryItem
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import NOW, OWN_HINDI, OWN_TELUGU, mention

ONE_CHANNEL = RepliesSettings.model_validate({"private_channels": {"dm": True}})


def _history(days: int) -> AuthorHistory:
    when = NOW - timedelta(days=days, hours=1) if days else NOW - timedelta(hours=2)
    return AuthorHistory(
        mention_count=1,
        first_seen_at=when,
        recent=(HistoryItem(when, "x-brand", None, "earlier", True),),
    )


@pytest.mark.parametrize(
    ("text", "lang", "wrong", "right"),
    [
        (OWN_HINDI[0], "hi", "आज ही भी", "आज इससे पहले भी"),
        (OWN_TELUGU[0], "te", "ఈ రోజే కూడా", "ఈ రోజు కూడా"),
    ],
    ids=["hi", "te"],
)
def test_the_history_line_for_earlier_today_is_grammatical(
    text: str, lang: str, wrong: str, right: str
) -> None:
    """Hindi "ही" and "भी" (Telugu "-ే" and "కూడా") are both focus particles: stacked
    ("आज ही भी") they are a mistake a native reader notices at once."""
    seen = []
    for k in range(12):  # enough mentions that both phrasings of the line appear
        post = mention(text, id=f"x:t{k}", name="Dana", language=lang)
        for d in draft_replies(post, settings=ONE_CHANNEL, platform="reddit", history=_history(0)):
            assert wrong not in d.text, d.text
            seen.append(d.text)
    assert any(right in t for t in seen)
