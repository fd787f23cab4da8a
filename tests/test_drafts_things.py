"""Drafts name the thing the person complains about in their own head noun ("the wrong
book you received", "the double charge"), or nothing when no head noun says which — never
a wrong topic, and a known fix only for its own topic."""

from __future__ import annotations

import pytest

from alerts.drafts.object_phrase import object_phrase
from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import SETTINGS, mention


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("my order hasn't arrived and it's been ten days", "your order"),
        ("You charged me twice for the same pair of shoes", "the double charge"),
        ("Sent me the wrong book. Again.", "the wrong book you received"),
        ("my flight was delayed four hours and nobody told us anything", "your delayed flight"),
        ("Been on hold for an hour, this is ridiculous", "the wait on hold"),
        ("The stitching on my jacket is coming apart after a week", "the stitching on your jacket"),
        ("There's a second charge on my card for one order", "the second charge on your card"),
        ("Still no refund for my cancelled order", "your refund"),
        ("No eggs on my breakfast sandwich, again", "your breakfast sandwich"),
        ("my phone case arrived cracked", "your cracked phone case"),
        ("I can't log in to the website since yesterday", "signing in"),
        ("Your driver was rude and threw the box at my door", "your experience with our driver"),
        ("We are now more than 3 hours delayed", "the delay"),
        ("It's not an engine problem, the car shudders at 50", "your car"),
    ],
)
def test_the_thing_is_the_head_noun_the_person_used(text: str, thing: str) -> None:
    found = object_phrase(text)

    assert found is not None
    assert found.phrase == thing


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        # the handling of a complaint (a DM, an email, no reply) is not its subject
        (
            "Great job, 3 power outages this month! Thanks for answering my DM, not",
            "the power outages",
        ),
        (
            "Someone swapped my phone case for a scratched one and no response so far",
            "your phone case",
        ),
        ("Got an email saying they'd call, then the case number wasn't valid", "your case number"),
        # a problem word before a general head makes it the thing
        ("Terrible service in your Leeds store today, your employees ignored me", "the service"),
        # plurals of the heads, people included
        (
            "Your engineers parked across my drive again and blocked me in",
            "your experience with our engineers",
        ),
        ("Promised for today but only just dispatched", "your delivery"),
        ("nobody answers my DM", "your DM"),
        ("any update on my order? it's been a week", "your order"),
        ("My only complaint is that my sandwich was cold", "your sandwich"),
        ("the paddles in my bread machine keep falling off", "your bread machine"),
        ("two items missing from my order again", "your order"),
        ("why are there spending limits on business accounts now", "the limits"),
    ],
)
def test_the_thing_is_what_the_complaint_is_about_not_a_passing_noun(text: str, thing: str) -> None:
    found = object_phrase(text)

    assert found is not None
    assert found.phrase == thing


@pytest.mark.parametrize(
    "text",
    [
        "No reason given for the refusal. See attached email",
        "Nearly fell for a scam on my doorstep, a trick I knew from TV",
        "Sat next to a loud man in the train all the way home",
        "I applied for a job at a local branch weeks ago",
        # a head used as a verb is no thing: "stop", "might drink", "never purchase"
        "Please stop sending me texts every single day",
        "Tastes awful, I might drink it if I had nothing else",
        "I will never purchase from you again",
    ],
)
def test_a_noun_pointed_at_or_of_place_is_never_the_claimed_thing(text: str) -> None:
    assert object_phrase(text) is None


@pytest.mark.parametrize(
    "text",
    ["What is going on with you people", "Worst. Ever.", "Forever letting me down."],
)
def test_a_post_that_names_nothing_gets_no_claimed_thing(text: str) -> None:
    assert object_phrase(text) is None
    drafts = draft_replies(mention(text, id="x:none"), settings=SETTINGS)
    assert drafts and all(d.lint["topic_present"] is None for d in drafts)


def test_the_wrong_book_is_named_not_the_account() -> None:
    drafts = draft_replies(
        mention("@Acme you sent me the wrong book and nobody answers my emails", id="x:book"),
        settings=SETTINGS,
    )

    assert all("the wrong book you received" in d.text for d in drafts)
    assert not any("account" in d.text for d in drafts)


def test_a_refund_asked_about_on_the_website_gets_no_app_crash_fix() -> None:
    post = mention("Still no refund for my cancelled order, the website says pending", id="x:r")

    drafts = draft_replies(post, settings=SETTINGS)

    assert all("your refund" in d.text for d in drafts)
    assert "solve_now" not in [d.approach for d in drafts]
    assert not any("crash" in d.text for d in drafts)


def test_the_app_crash_fix_is_offered_for_an_app_crash() -> None:
    post = mention("The app crashes every time I open it since the update", id="x:crash")

    drafts = draft_replies(post, settings=SETTINGS)

    assert "solve_now" in [d.approach for d in drafts]


def test_words_of_the_post_other_than_the_tables_never_reach_the_thing() -> None:
    """The phrase is built from our own tables: an order number or an insult next to the
    head noun is not carried into a public reply."""
    post = mention("my stupid order 88812345 never came", id="x:priv")

    drafts = draft_replies(post, settings=RepliesSettings(), platform="x")

    assert all("88812345" not in d.text and "stupid" not in d.text for d in drafts)
    assert all(d.lint["ok"] for d in drafts)


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        # a complaint is the thing only when it was sent and is waiting
        ("I sent a complaint last week and still nothing", "your complaint"),
        # said to be fine, or the alternative they turned to: not the thing
        ("No water since this morning and the bill is paid", "the water supply"),
        ("Every time that ad loads the page freezes, so I read another newspaper", "the ad"),
        ("I can print but not scan anything", "the scanning"),
        # "driver side" is a side of the car, not a person
        ("My driver side airbag light keeps flashing", "your airbag"),
    ],
)
def test_a_noun_said_to_be_fine_or_passing_is_not_the_thing(text: str, thing: str) -> None:
    found = object_phrase(text)

    assert found is not None
    assert found.phrase == thing


@pytest.mark.parametrize(
    "text",
    [
        "My only complaint is that the music was loud",
        "Who do I send a complaint to about the music",
        "Please stop putting my photo on your products",
        "Battery fully charged and the speaker still won't turn on",
        # up to date, their employer, where they read it: none is what went wrong
        "The firmware is up to date and the speaker still won't turn on",
        "I work at a phone shop and the speaker still won't turn on",
        "According to your website the speaker should pair, it still won't turn on",
    ],
)
def test_a_passing_complaint_range_or_verb_is_never_named(text: str) -> None:
    found = object_phrase(text)

    assert found is None or not any(
        word in found.phrase
        for word in ("complaint", "products", "charge", "firmware", "shop", "phone", "website")
    ), found
