"""The urgency line fits why the post is urgent (issue 16, item 7): "worrying" only to someone
anxious, never to anger at rude staff; a deadline is met by saying time matters; harm by
putting their safety first. Several ids each, so every phrasing the seed may pick is seen."""

from __future__ import annotations

import pytest

from alerts.drafts.facts import extract_facts
from alerts.drafts.replies import draft_replies
from tests.drafts_helpers import SETTINGS, mention

_IDS = [f"x:urgent{n}" for n in range(12)]
_WORRY = "worr"
_TIME = ("time matters", "against the clock", "need this soon")
_SAFETY = "your safety"


def _drafts(text: str) -> list[str]:
    texts = []
    for native in _IDS:
        post = mention(text, id=native)
        assert extract_facts(post, language="en", note=None, history=None, public=True).urgent
        texts.extend(d.text.lower() for d in draft_replies(post, settings=SETTINGS))
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "Your staff at the Leeds store were so rude to me, I'm furious",
        "The cashier shouted at me in front of everyone. Disgraceful, I'm livid",
    ],
)
def test_an_angry_urgent_complaint_is_not_called_worrying(text: str) -> None:
    drafts = _drafts(text)

    for draft in drafts:
        assert _WORRY not in draft, draft
        assert _SAFETY not in draft, draft
    assert any("urgent" in d or "can't wait" in d for d in drafts)


def test_an_anxious_complaint_is_met_with_its_worry() -> None:
    drafts = _drafts("I'm so worried, my payment vanished from my account and rent is due")

    assert all(_WORRY in d for d in drafts), drafts
    assert not any(_SAFETY in d for d in drafts)


def test_a_deadline_is_met_by_saying_time_matters() -> None:
    drafts = _drafts("My flight leaves in 2 hours and you still haven't fixed my booking")

    assert all(any(phrase in d for phrase in _TIME) for d in drafts), drafts
    assert not any(_WORRY in d for d in drafts)


def test_harm_is_met_with_safety_first_not_worry() -> None:
    drafts = _drafts("The charger caught fire last night and burned my desk")

    assert all(_SAFETY in d for d in drafts), drafts
    assert not any(_WORRY in d or "time matters" in d for d in drafts)


def test_discrimination_is_met_gravely_not_lightly() -> None:
    drafts = _drafts("your cashier used a racial slur and I'm still shaking")

    for draft in drafts:
        assert _WORRY not in draft and "quickly" not in draft, draft
        assert "full attention" in draft or "acting on this now" in draft, draft
