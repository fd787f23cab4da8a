"""Drafts for real complaint tweets (../shared/datasets/complaints, when present) and our own:
every draft passes the linter, drafts differ from one complaint to the next, and they name
the thing the person complained about."""

from __future__ import annotations

import pytest

from alerts.drafts.replies import draft_replies
from listener.models import ReplyDraft
from tests.drafts_helpers import (
    OWN_BENGALI,
    OWN_COMPLAINTS,
    OWN_HINDI,
    OWN_TELUGU,
    SETTINGS,
    mention,
    real_complaints,
)

needs_dataset = pytest.mark.skipif(
    not real_complaints(1), reason="../shared/datasets/complaints is not on this machine"
)


def _failures(drafts: list[ReplyDraft]) -> list[tuple[str, dict[str, object]]]:
    return [(d.text, d.lint) for d in drafts if not d.lint["ok"]]


def _named_share(pairs: list[tuple[object, tuple[ReplyDraft, ...]]]) -> float:
    with_topic = [ds for _, ds in pairs if ds and ds[0].lint["topic_present"] is not None]
    named = [ds for ds in with_topic if all(d.lint["topic_present"] for d in ds)]
    return len(named) / len(with_topic)


@needs_dataset
@pytest.mark.parametrize("platform", ["x", "bluesky", "review"])
def test_every_draft_for_the_real_complaint_tweets_passes_the_linter(platform: str) -> None:
    drafts = [
        d
        for tweet_id, text in real_complaints()
        for d in draft_replies(
            mention(text, id=f"x:{tweet_id}"), settings=SETTINGS, platform=platform
        )
    ]

    assert len(drafts) >= 2 * 800
    assert _failures(drafts) == []


@needs_dataset
def test_drafts_for_a_hundred_real_complaints_are_distinct_and_name_the_topic() -> None:
    pairs = [
        (text, draft_replies(mention(text, id=f"x:{tweet_id}"), settings=SETTINGS))
        for tweet_id, text in real_complaints(100)
    ]
    texts = [d.text for _, drafts in pairs for d in drafts]

    assert all(2 <= len(drafts) <= 3 for _, drafts in pairs)
    assert len(set(texts)) / len(texts) >= 0.95
    assert _named_share(pairs) >= 0.80


@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon", "reddit", "review", "email"])
def test_our_own_complaints_get_drafts_that_pass_the_linter(platform: str) -> None:
    pairs = [
        (
            text,
            draft_replies(
                mention(text, id=f"t:{i}", name=name, handle=handle),
                settings=SETTINGS,
                platform=platform,
            ),
        )
        for i, (text, name, handle) in enumerate(OWN_COMPLAINTS)
    ]
    drafts = [d for _, ds in pairs for d in ds]

    assert _failures(drafts) == []
    assert len({d.text for d in drafts}) == len(drafts)
    assert _named_share(pairs) >= 0.80
    # A name when they gave one; a handle too, except in an email (an address, not a name).
    assert all(d.lint["name_present"] is not False for d in drafts)
    assert sum(d.lint["name_present"] is True for d in drafts) >= len(drafts) // 2


@pytest.mark.parametrize(
    ("texts", "language"), [(OWN_BENGALI, "bn"), (OWN_TELUGU, "te"), (OWN_HINDI, "hi")]
)
@pytest.mark.parametrize("platform", ["x", "bluesky", "review"])
def test_bengali_telugu_and_hindi_complaints_get_drafts_in_their_language(
    texts: tuple[str, ...], language: str, platform: str
) -> None:
    for i, text in enumerate(texts):
        drafts = draft_replies(
            mention(text, id=f"t:{language}{i}"), settings=SETTINGS, platform=platform
        )

        assert [d.language for d in drafts] == [language] * len(drafts)
        assert all(d.note is None for d in drafts)
        assert _failures(list(drafts)) == []
        script = {"bn": "\u0980", "te": "\u0c00", "hi": "\u0900"}[language]
        for draft in drafts:  # written in the language's own script, not English
            letters = [c for c in draft.text if c.isalpha()]
            native = [c for c in letters if script <= c <= chr(ord(script) + 0x7F)]
            assert len(native) > 0.6 * len(letters), draft.text
        assert drafts[0].lint["topic_present"] is True  # "আপনার অর্ডার", "మీ ఆర్డర్"…
