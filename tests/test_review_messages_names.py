"""Review of the reply drafts: a profane display name or handle is never how a draft
addresses someone, even when the post itself is clean (so nothing in the post warns), and
the linter flags any profanity in a draft, whatever put it there."""

from __future__ import annotations

import pytest

from alerts.drafts.facts import extract_facts
from alerts.drafts.lint import lint_draft
from alerts.drafts.markers import BANNED_PHRASES
from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import mention

CLEAN_POST = "My order still hasn't arrived and nobody answers"
ONE_CHANNEL = RepliesSettings.model_validate({"private_channels": {"dm": True}})


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Shithead McGee", None),
        ("Bitch", None),
        (None, "fuckacme"),
        (None, "AcmeIsShit"),
        (None, "cunt_99"),
        (None, "ass.hat"),
        ("Dana", None),  # controls: a plain name is still used (asserted below)
    ],
)
def test_a_profane_name_or_handle_in_a_clean_post_is_not_echoed(
    name: str | None, handle: str | None
) -> None:
    post = mention(CLEAN_POST, id="x:pn", name=name, handle=handle)
    drafts = draft_replies(post, settings=ONE_CHANNEL, platform="x")

    assert drafts
    if name == "Dana":
        assert all(d.text.count("Dana") == 1 for d in drafts)
        return
    rude = (name or handle or "").split()[0].lower()
    for d in drafts:
        assert rude not in d.text.lower(), d.text
        assert d.lint["name_present"] is None
        assert d.lint["ok"], d.lint


@pytest.mark.parametrize("handle", ["scunthorpe_fan", "dickens_reader", "yoshitaka", "classy"])
def test_ordinary_handles_that_contain_a_rude_substring_are_still_used(handle: str) -> None:
    post = mention(CLEAN_POST, id="x:ok", handle=handle)
    drafts = draft_replies(post, settings=ONE_CHANNEL, platform="x")
    assert all("@" + handle in d.text for d in drafts)


def test_the_linter_flags_profanity_in_a_draft_whatever_put_it_there() -> None:
    post = mention(CLEAN_POST, id="x:lint", name="Dana")
    facts = extract_facts(post, language="en", note=None, history=None, public=True)
    text = "Shithead, I'm sorry about your order. I'll look into it now."
    lint = lint_draft(text, facts=facts, platform="x", banned=BANNED_PHRASES)
    assert lint["echoed_abuse"] == ["shithead"]
    assert lint["ok"] is False
