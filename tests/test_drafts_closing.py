"""A closing thanks once: not "…and thanks for telling us. … Thanks for telling us.", and
"Thanks again." only after a thanks (a trial read both as a form)."""

from __future__ import annotations

from alerts.drafts.replies import draft_replies
from tests.drafts_helpers import SETTINGS, mention

_POSTS = (
    "my order hasn't arrived and it's been ten days",
    "Your courier left my parcel in the rain and it's soaked",
    "the app keeps logging me out",
    "Been on hold for an hour, this is ridiculous",
)


def test_a_draft_thanks_once_and_says_again_only_after_a_thanks() -> None:
    drafts = [
        d.text.lower()
        for text in _POSTS
        for n in range(40)
        for d in draft_replies(mention(text, id=f"x:close{n}"), settings=SETTINGS)
    ]
    closings = ("thanks for flagging it.", "thanks for telling us.", "i appreciate you raising it.")

    closed = 0
    assert len(drafts) >= 200
    for draft in drafts:
        if "thanks again." in draft:
            assert "thank" in draft.split("thanks again.")[0], draft
        for closing in closings:
            at = draft.rfind(". " + closing)  # said as a sentence of its own
            if at >= 0:
                closed += 1
                assert "thank" not in draft[:at] and "appreciate" not in draft[:at], draft
    assert closed and any("thanks again." in d for d in drafts)
