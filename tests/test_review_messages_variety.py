"""Review of the reply drafts: the two or three drafts of one alert never repeat each
other — not the same text, not the same opening sentence."""

from __future__ import annotations

import pytest
import regex

from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import OWN_BENGALI, OWN_COMPLAINTS, OWN_HINDI, OWN_TELUGU, mention

ONE_CHANNEL = RepliesSettings.model_validate({"private_channels": {"dm": True}})


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in regex.split(r"(?<=[.!?।])\s+", text) if len(s.strip()) > 20]


_POSTS = (
    [("en", text, None) for text, _, _ in OWN_COMPLAINTS]
    + [("bn", text, "bn") for text in OWN_BENGALI]
    + [("te", text, "te") for text in OWN_TELUGU]
    + [("hi", text, "hi") for text in OWN_HINDI]
)


@pytest.mark.parametrize("settings", [ONE_CHANNEL, RepliesSettings()], ids=["dm", "no-channel"])
def test_the_drafts_of_one_alert_never_open_alike_or_repeat_each_other(
    settings: RepliesSettings,
) -> None:
    """The person picks one of two or three drafts: two that open with the same sentence
    (or are the same text, the "second phrasing" of an acknowledgement) offer no choice."""
    alike = []
    for k in range(40):
        for label, text, lang in _POSTS:
            post = mention(text, id=f"x:{label}{k}", name="Dana", language=lang)
            texts = [d.text for d in draft_replies(post, settings=settings)]
            openings = [_sentences(t)[0] for t in texts]
            if len(set(openings)) < len(openings):
                alike.append(texts)
    assert alike == []
