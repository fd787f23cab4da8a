"""The signal judges: spam and bots, abuse and threats, profanity, reach and urgency.

Every case here is written for this file (nothing from the labelled datasets). A micro-benchmark
runs with ``.venv/bin/python tests/test_signals.py``; it is not asserted, machines differ.
"""

from __future__ import annotations

import time

import pytest

from listener.judging.abuse import abuse_flags, profane_words
from listener.judging.signals import reach, spam_flags, urgency
from listener.models import Author, Engagement, Finding, Urgency

PERSON = Author(handle="@jane_doe", name="Jane Doe", followers=300)


def names(findings: tuple[Finding, ...]) -> list[str]:
    return [finding.name for finding in findings]


def evidence(findings: tuple[Finding, ...], name: str) -> tuple[str, ...]:
    return next(finding.evidence for finding in findings if finding.name == name)


# ---- spam and bots ---------------------------------------------------------------------------


def test_giveaway_spam_names_its_phrases() -> None:
    flags = spam_flags("🎉 GIVEAWAY 🎉 Follow & RT to win a free phone! Ends tonight", PERSON)
    assert names(flags) == ["spam"]
    assert "phrase 'follow & rt'" in evidence(flags, "spam")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # Ten hashtags are a strong signal by themselves.
        ("Deals #sale #deal #shop #discount #fashion #style #ootd #trend #viral #love", "10"),
        # Six are weak: with a promo phrase they add up.
        ("Deals #sale #deal #shopping #discount #fashion #style use code SAVE10", "6"),
    ],
)
def test_hashtag_stuffed_spam(text: str, count: str) -> None:
    flags = spam_flags(text, PERSON)
    assert names(flags) == ["spam"]
    assert f"{count} hashtags" in evidence(flags, "spam")


@pytest.mark.parametrize(
    "text",
    [
        "@acme my order #12345 never arrived and support won't answer. "
        "Screenshot: https://imgur.com/a/xyz",
        "I won your giveaway in March and never got the prize",  # one weak phrase only
        "AirDrop isn't working on my iPhone since the update",  # Apple's feature, not crypto
        "no no no no, not again",  # repetition alone
    ],
)
def test_a_normal_complaint_is_not_spam(text: str) -> None:
    assert spam_flags(text, PERSON) == ()


def test_link_farm_of_many_links_is_spam() -> None:
    links = " ".join(f"https://bit.ly/x{i}" for i in range(6))
    flags = spam_flags(links, PERSON)
    assert evidence(flags, "spam") == ("6 links", "mostly a link")


def test_earning_promises_and_repetition() -> None:
    assert names(spam_flags("Earn $500 a day from home!!", PERSON)) == ["spam"]
    flags = spam_flags("buy now buy now buy now cheap watches", PERSON)
    assert "repeated 'buy now'" in evidence(flags, "spam")


def test_numbered_handle_and_templated_text_look_automated() -> None:
    account = Author(handle="@deals48821937", name="Deals")
    flags = spam_flags("New post: 10 ways to save on your bill https://example.com/p/10", account)
    assert names(flags) == ["bot"]
    assert evidence(flags, "bot") == ("numbered handle 'deals48821937'", "phrase 'new post:'")
    # Either signal alone is not enough: plenty of people keep the handle they were given.
    assert spam_flags("my parcel is late again", account) == ()
    assert spam_flags("New post: my trip to Lisbon", PERSON) == ()


@pytest.mark.parametrize(
    ("handle", "bot"),
    [("@acme_news_bot", True), ("@dealsbot", True), ("@robotics_fan", False), ("@talbot", False)],
)
def test_bot_in_the_handle_is_a_strong_signal(handle: str, bot: bool) -> None:
    assert names(spam_flags("hello", Author(handle=handle))) == (["bot"] if bot else [])


# ---- abuse and threats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("you idiots lost my parcel AGAIN", "you idiots"),
        ("F*** you @acme", "f*** you"),
        ("what a bunch of morons", "what a bunch of morons"),
        ("useless clowns, the lot of you", "useless clowns"),
        ("you fucking liars", "you fucking liars"),
        ("go fuck yourself", "go fuck yourself"),
    ],
)
def test_insults_aimed_at_people_are_abuse(text: str, found: str) -> None:
    flags = abuse_flags(text)
    assert names(flags) == ["abuse"]
    assert found in evidence(flags, "abuse")


@pytest.mark.parametrize(
    "text",
    [
        "this is fucking ridiculous",  # frustration, not aimed at anyone
        "I felt like an idiot standing there for an hour",
        "they treated us like idiots",
        "what a fool I was to trust the tracking page",
        "these pigs in blankets were cold",
        "you thieves, give me my refund",  # an accusation, the complaint itself
    ],
)
def test_frustration_is_not_abuse(text: str) -> None:
    assert abuse_flags(text) == ()


def test_frustration_profanity_is_still_reported_as_profane() -> None:
    assert profane_words("this is fucking ridiculous") == ("fucking",)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I'll burn your store down", "i'll burn your store down"),
        ("I will find you.", "i will find you"),
        ("I'm going to kill whoever packed this", "i'm going to kill whoever"),
        ("someone should shoot up the office", "someone should shoot up the office"),
        ("there's a bomb in your warehouse", "there's a bomb"),
        ("I know where you live", "i know where you live"),
    ],
)
def test_threats(text: str, found: str) -> None:
    flags = abuse_flags(text)
    assert "threat" in names(flags)
    assert found in evidence(flags, "threat")


@pytest.mark.parametrize(
    "text",
    [
        "this deal is killer",
        "you killed it at the launch!",
        "killing it today @acme",
        "this burger is the bomb",
        "shoot me a DM with the details",
        "shoot me an email please",
        "I'll shoot you an email tomorrow",
        "this heat is going to kill me",
        "we will find you a new seat, said the crew",
        "my charger could burn down the house",  # a safety complaint, not a threat
        "you're dead to me, @acme",
    ],
)
def test_slang_is_not_a_threat(text: str) -> None:
    assert abuse_flags(text) == ()


def test_profane_words_finds_disguised_spellings() -> None:
    text = "wtf, this sh!t is f*cking broken, what a fuk up. $hit service, a$$holes"
    assert profane_words(text) == ("wtf", "fuk", "sh!t", "f*cking", "$hit", "a$$holes")
    assert profane_words("a perfectly polite complaint about 2*3 prices") == ()


# ---- reach -------------------------------------------------------------------------------


def test_reach_with_missing_values() -> None:
    assert reach(Author(), Engagement()) == (0, ())
    audience, why = reach(Author(followers=12_400), Engagement(shares=340))
    assert why == ("12,400 followers", "340 shares")  # unknown likes and replies: not named
    assert audience > 12_400


def test_shares_carry_further_than_likes() -> None:
    shared, _ = reach(Author(followers=100), Engagement(shares=500))
    liked, _ = reach(Author(followers=100), Engagement(likes=500))
    assert shared > liked > 100


def test_views_are_a_measured_audience() -> None:
    audience, why = reach(Author(followers=100), Engagement(likes=3, views=98_000))
    assert audience == 98_000
    assert why[-1] == "98,000 views"


def test_a_vote_score_stands_in_for_likes() -> None:
    assert reach(Author(), Engagement(), score=250)[1] == ("250 points",)
    assert reach(Author(), Engagement(likes=10), score=250)[1] == ("10 likes",)


# ---- urgency -------------------------------------------------------------------------------


def judge_urgency(
    text: str,
    *,
    complaint: bool = True,
    feelings: tuple[str, ...] = (),
    audience: int = 50,
    flags: tuple[str, ...] = (),
) -> tuple[Urgency, tuple[str, ...]]:
    return urgency(text, complaint=complaint, feelings=feelings, reach=audience, flags=flags)


def test_a_flight_leaving_soon_is_urgent() -> None:
    level, why = judge_urgency("my flight leaves in 2 hours and you cancelled my booking")
    assert level is Urgency.HIGH
    assert "phrase 'my flight'" in why


def test_praise_is_low() -> None:
    assert judge_urgency("Loving the new latte, great show tonight!", complaint=False) == (
        Urgency.LOW,
        (),
    )


def test_a_plain_complaint_is_normal() -> None:
    assert judge_urgency("my parcel is late again") == (Urgency.NORMAL, ())


def test_a_complaint_many_people_see_is_urgent() -> None:
    assert judge_urgency("my parcel is late again", audience=52_000) == (
        Urgency.HIGH,
        ("complaint with 52,000 reach",),
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("the charger caught fire last night", "phrase 'caught fire'"),
        ("I'm going to sue you", "phrase 'going to sue'"),
        ("we are stranded at the station", "phrase 'stranded'"),
        ("URGENT: please call me back", "phrase 'urgent'"),
    ],
)
def test_safety_legal_and_stranded_are_urgent_even_outside_a_complaint(
    text: str, reason: str
) -> None:
    assert judge_urgency(text, complaint=False) == (Urgency.HIGH, (reason,))


def test_feelings_and_flags() -> None:
    assert judge_urgency("late again", feelings=("angry",))[0] is Urgency.HIGH
    assert judge_urgency("see you", complaint=False, flags=("threat",)) == (
        Urgency.HIGH,
        ("threat flag",),
    )
    # Spam shouting "urgent" is still spam.
    assert judge_urgency("URGENT claim your airdrop today", complaint=False, flags=("spam",))[
        0
    ] is (Urgency.LOW)


def test_sue_the_name_is_not_a_lawsuit() -> None:
    assert judge_urgency("Sue from support was lovely", complaint=False) == (Urgency.LOW, ())


def test_a_megabyte_of_text_is_capped() -> None:
    huge = "buy now " * 130_000 + " I will find you, idiot"  # the threat is past the cap
    started = time.perf_counter()
    assert abuse_flags(huge) == ()
    assert spam_flags(huge, PERSON) == (
        Finding("spam", ("phrase 'buy now'", "repeated 'buy now'")),
    )
    assert profane_words(huge) == ()
    assert judge_urgency(huge) == (Urgency.NORMAL, ())
    assert time.perf_counter() - started < 1.0


if __name__ == "__main__":  # micro-benchmark: .venv/bin/python tests/test_signals.py
    samples = [
        "@acme my flight leaves in 2 hours and you cancelled my booking, this is fucking "
        "ridiculous. Still no refund after 3 weeks, useless. https://t.co/abc123 #fail",
        "@acme my parcel was supposed to arrive on Monday, still nothing. Order 4471, update?",
        "Loving the new @acme oat latte ☕️ honestly the best thing about my mornings lately",
    ]
    author, counts = Author("@jane", "Jane", None, 1_200), Engagement(40, 12, 3, None)
    for sample in samples:
        texts = [f"{sample} {i}" for i in range(30_000)]  # distinct: no cached reading helps
        best = float("inf")
        for batch in range(60):
            started = time.perf_counter()
            for text in texts[batch * 500 : (batch + 1) * 500]:
                found = spam_flags(text, author) + abuse_flags(text)
                profane_words(text)
                audience, _ = reach(author, counts)
                urgency(text, complaint=True, feelings=(), reach=audience, flags=names(found))
            best = min(best, (time.perf_counter() - started) / 500)
        print(f"{best * 1e6:5.1f} µs  {sample[:60]}")
