"""Issue 16's complaint cases: the false alarms and the sarcasm it quotes, verbatim, and
hand-written variants that show each rule is general, with the counter-cases each rule
must leave alone.

Each case is judged by the real judge (cue lists, VADER, the rules) and checked as a manager
reads it: complaint or not, the feelings, the urgency, the flags.
"""

from __future__ import annotations

import pytest

from listener.judging.judge import Judge
from listener.models import Judgments, Urgency

JUDGE = Judge()


def judged(text: str, rating: float | None = None) -> Judgments:
    return JUDGE.judge_text(text, rating=rating)


def assert_calm_non_complaint(j: Judgments) -> None:
    """Not a complaint, no angry or frustrated feeling, not urgent, no flag."""
    assert j.complaint is False, j.complaint_evidence
    assert not {"angry", "frustrated", "sarcastic"} & set(j.feeling_names()), j.feelings
    assert j.urgency is not Urgency.HIGH
    assert j.flags == ()


# -- "False alarms seen" (quoted in the issue) ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Can't wait…",
        "We LOVE JetBlue, best airline EVVVVER",
        "No complaints here",
        "Never had a single problem",
        "Tried it again today and no problems. Thanks!",
        "You rock GP. #greatservicecalls",
    ],
)
def test_the_quoted_false_alarms_are_not_complaints(text: str) -> None:
    assert_calm_non_complaint(judged(text))


def test_tried_again_with_no_problems_is_not_frustrated_or_urgent() -> None:
    j = judged("Tried it again today and no problems. Thanks!")
    assert j.urgency is Urgency.LOW and j.feelings == ()
    assert j.sentiment_label.value == "positive"  # "no problems" is praise, not VADER's "no"


# -- eagerness is not waiting ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@JetBlue can't wait to fly with you next week!!",
        "Cannot wait for the new Acme app, looking forward to it",
        "@JetBlue We LOVE JetBlue, best airline EVVVVER!!! Can't wait to fly again",
    ],
)
def test_anticipation_is_not_a_complaint(text: str) -> None:
    j = judged(text)
    assert_calm_non_complaint(j)
    assert not any("cant" in line or "wait" in line for line in j.complaint_evidence)


@pytest.mark.parametrize(
    "text",
    [
        "can't wait any longer for my refund",
        "I cannot wait anymore, where is my refund @Acme",
    ],
)
def test_impatience_is_still_a_complaint(text: str) -> None:
    j = judged(text)
    assert j.complaint is True and j.sentiment_label.value == "negative"


# -- a problem said to be absent ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Haven't had any issues since the update, thanks @AcmeSupport",
        "Zero complaints from me, the delivery was on time",
        "Problem solved, thanks @AcmeSupport!",
        "Not a single hiccup with the new router",
    ],
)
def test_denied_problems_are_not_complaints(text: str) -> None:
    j = judged(text)
    assert_calm_non_complaint(j)
    assert not any(line.startswith("problem:") for line in j.complaint_evidence)


@pytest.mark.parametrize(
    "text",
    [
        "no refund yet",
        "still no reply",
        "No problems with the app, but no refund either after 3 weeks",
    ],
)
def test_what_is_missing_is_still_a_complaint(text: str) -> None:
    assert judged(text).complaint is True


# -- "Sarcasm with thanks" (quoted in the issue) ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Thanks @Acme for charging me twice, really appreciate it",
        "Thank you @AcmeAir for losing my bag, great service",
        "Thanks @Acme for cancelling my order without telling me. Really appreciate it",
    ],
)
def test_thanks_for_a_harm_is_a_sarcastic_complaint(text: str) -> None:
    j = judged(text)
    assert j.complaint is True
    assert "sarcastic" in j.feeling_names()
    assert j.sentiment_label.value == "negative"
    assert any(line.startswith("sarcasm:") for line in j.complaint_evidence)


def test_sincere_thanks_is_not_sarcasm() -> None:
    j = judged("Thanks @Acme for fixing my order so quickly")
    assert_calm_non_complaint(j)
    assert j.sentiment_label.value == "positive"


# -- review stars, evidence both ways ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Love it. Delivery was a day late, but the anvil is great",
        "Great anvil, though the box was a bit dented and it came late",
    ],
)
def test_a_five_star_review_with_a_mild_gripe_is_not_a_complaint(text: str) -> None:
    j = judged(text, rating=5)
    assert_calm_non_complaint(j)
    # The same words with no stars: the gripe's praise reads as sarcasm. Stars say otherwise.
    assert judged(text).complaint_score > j.complaint_score


def test_a_five_star_review_with_strong_words_is_still_a_complaint() -> None:
    assert judged("Broken on arrival, terrible, useless, I want a refund", rating=5).complaint


@pytest.mark.parametrize("stars", [1, 2])
def test_one_or_two_stars_are_evidence_for_a_complaint(stars: int) -> None:
    text = "It does the job I guess"
    j = judged(text, rating=stars)
    assert j.complaint is True
    assert f"review rating {stars}/5" in j.complaint_evidence
    assert judged(text, rating=3).complaint is False


# -- recall where no feature used to fire ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "where is my order?",
        "@Acme my parcel was dispatched and delivered however have got nothing?",
        "@Acme still no sign of my parcel",
        "still not received my package",
        "Two items missing from my delivery @Acme",
        "@Acme I never received my order",
        "My order never arrived",
    ],
)
def test_an_order_that_did_not_come_is_a_complaint(text: str) -> None:
    j = judged(text)
    assert j.complaint is True and j.complaint_evidence != ()


def test_asking_where_something_is_is_named_as_evidence() -> None:
    j = judged("where is my order?")
    assert "whereabouts: 'where is my'" in j.complaint_evidence


def test_hashtag_words_are_read_as_words() -> None:
    j = judged("The anvil came late and #broken @Acme #disappointed")
    assert j.complaint is True
    assert any("broken" in line for line in j.complaint_evidence)
