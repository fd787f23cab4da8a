"""The promise check skips the regex only when no match is possible.

``lint`` runs a promise pattern only when the draft holds one of its words
(``markers.PROMISE_WORDS``) in any case, or a character a case-blind regex may take for an
ASCII letter. Every text the pattern matches must pass that test, or a promise would go
unreported: checked here on generated drafts full of near-misses and odd casing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.drafts.lint import _may_hold, _promises, normalise
from alerts.drafts.markers import PROMISE_MARKERS, PROMISE_WORDS, compiled
from listener.config.replies import ReplyPolicy

PIECES = [
    "I'll", "we will", "You'll", "going to", "WE'LL", "i will", " ", "  ", "\n", ",", ".",
    "make sure you", "quickly", "refund", "REFUND", "Refunded", "reimburse", "reimbursed",
    "get your money back", "get a refund", "receive a refund", "be refunded",
    "compensate", "COMPENSATION", "credit your", "Credit  your", "account", "get a voucher",
    "give you a voucher", "make it up to you with", "a gift", "—", "’", "İ", "ı", "ſ",
    "\u212a", "reİmburse", "refıund", "vouſher", "cre\u212adit",
]  # fmt: skip
drafts = st.lists(st.sampled_from(PIECES), max_size=16).map(" ".join) | st.lists(
    st.sampled_from(PIECES), max_size=16
).map("".join)


@settings(max_examples=600, deadline=None)
@given(drafts)
def test_every_draft_a_promise_pattern_matches_may_hold_one_of_its_words(text: str) -> None:
    for language, kinds in PROMISE_WORDS.items():
        for kind, words in kinds.items():
            if compiled(PROMISE_MARKERS[language][kind]).search(text):
                assert _may_hold(text, normalise(text), words)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We'll refund the charge today.", ["refunds"]),
        ("I WILL make sure you get your money back.", ["refunds"]),
        ("We will Compensate you for the wait.", ["compensation"]),
        ("We'll reİmburse you.", ["refunds"]),  # İ is taken for i by the case-blind regex
        ("Sorry about your refund — I'm checking on it.", []),
    ],
)
def test_promises_are_reported_when_the_policy_forbids_them(text: str, found: list[str]) -> None:
    assert _promises(text, normalise(text), "en", ReplyPolicy()) == found
