"""What a trial of complaint drafts found a manager would not send, as hand-written cases:
a wrong thing named (the box a wrong item came in), an apology and thanks to a threat, a
feeling read from "still" on a racism complaint, an apology for a plain question, the
same meaning twice in one draft, "them" with nothing to point at, and Indic drafts that
named only the order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alerts.drafts.facts import extract_facts
from alerts.drafts.object_phrase import object_phrase
from alerts.drafts.replies import draft_replies
from listener.models import Finding, Flag, Mention, SentimentLabel, Urgency
from tests.drafts_helpers import SETTINGS, mention

_APOLOGY = ("sorry", "apolog")


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("got rocket skates instead of the anvil", "the wrong item"),
        ("They sent me the blue kettle instead of the red one", "the wrong item"),
        ("My anvil arrived in the box but the mounting bolts are missing", "the missing bolts"),
        ("missing 2 mounting bolts from my anvil kit", "the missing bolts"),
        ("Acme Corp charged my card twice", "the double charge"),
        ("charged £40 for delivery that was supposed to be free", "the delivery charge"),
        # the container is the thing when it is complained of itself
        ("the box arrived crushed and soaked", "the damaged box"),
        ("A massive box for one pair of socks? Really?", "the box"),
        # a parcel is the delivery, not what it came in
        ("my parcel never arrived", "your parcel"),
    ],
)
def test_the_thing_is_what_went_wrong_not_what_it_came_in(text: str, thing: str) -> None:
    found = object_phrase(text)

    assert found is not None
    assert found.phrase == thing


@pytest.mark.parametrize(
    "text",
    ["The anvil arrived in a box, all good otherwise but it is dented", "it came in the box"],
)
def test_the_box_something_arrived_in_is_never_the_thing(text: str) -> None:
    found = object_phrase(text)

    assert found is None or "box" not in found.phrase


def test_instead_of_without_receiving_names_no_wrong_item() -> None:
    found = object_phrase("I'll buy from another shop instead of you")

    assert found is None or "wrong" not in found.phrase


def _threat(text: str, id: str) -> Mention:
    post = mention(text, id=id)
    if post.judgments.flagged(Flag.THREAT):
        return post
    # The judge's threat rules are another slice's; the drafts are tested on the flag.
    flags = (*post.judgments.flags, Finding(Flag.THREAT, ("kill you",)))
    judged = replace(post.judgments, flags=flags, complaint=True, urgency=Urgency.HIGH)
    return replace(post, judgments=judged)


@pytest.mark.parametrize(
    "text",
    [
        "@acme I want my refund or I'll find where you live and kill you",
        "your app crashed again, you all deserve to die",
    ],
)
def test_a_threat_gets_one_calm_line_never_an_apology_thanks_or_promise(text: str) -> None:
    for k in range(12):  # across phrasings
        post = _threat(text, f"x:threat{k}")
        drafts = draft_replies(post, settings=SETTINGS)

        assert drafts and all(d.approach == "acknowledge" for d in drafts)
        for draft in drafts:
            lowered = draft.text.lower()
            assert not any(word in lowered for word in _APOLOGY), draft.text
            assert "thank" not in lowered, draft.text
            assert "i'll" not in lowered and "we'll" not in lowered, draft.text
            assert "refund" not in lowered and "urgent" not in lowered, draft.text
            assert "threat" in (draft.note or ""), draft.note
            assert draft.lint["ok"], draft.lint


@pytest.mark.parametrize(
    "text",
    [
        "Still waiting after your staff called me a racist slur in the Leeds store",
        "your cashier used a racial slur and I'm still shaking",
        "I was harassed by your security guard, still can't believe it",
    ],
)
def test_discrimination_gets_grave_words_and_no_feeling_from_a_passing_word(text: str) -> None:
    post = mention(text, id="x:grave")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.serious
    assert facts.feeling is None and facts.mirror is None
    for k in range(20):
        for draft in draft_replies(mention(text, id=f"x:grave{k}"), settings=SETTINGS):
            lowered = draft.text.lower()
            assert "still waiting" not in lowered and "fed up" not in lowered, draft.text
            assert "frustrat" not in lowered and "hassle" not in lowered, draft.text
            assert draft.lint["ok"], draft.lint


def test_discrimination_is_serious_by_the_judges_topic_too() -> None:
    post = mention("the way I was treated at your branch today", id="x:topic")
    topics = (Finding("discrimination", ("treated",)), *post.judgments.topics)
    post = replace(post, judgments=replace(post.judgments, topics=topics, complaint=True))

    assert extract_facts(post, language="en", note=None, history=None, public=True).serious


@pytest.mark.parametrize(
    "text",
    [
        "@acme does the anvil come in a 10kg size?",
        "do you ship to Canada?",
        "How do I reset the timer?",
    ],
)
def test_a_question_naming_no_problem_is_answered_even_when_scored_a_complaint(
    text: str,
) -> None:
    post = mention(text, id="x:ask")
    judged = replace(
        post.judgments,
        complaint=True,
        complaint_score=0.6,
        sentiment_label=SentimentLabel.NEUTRAL,
        feelings=(),
    )
    post = replace(post, judgments=judged)

    drafts = draft_replies(post, settings=SETTINGS)

    assert extract_facts(post, language="en", note=None, history=None, public=True).kind == (
        "question"
    )
    assert "solve_now" not in [d.approach for d in drafts]
    for draft in drafts:
        lowered = draft.text.lower()
        assert not any(word in lowered for word in _APOLOGY), draft.text
        assert "what happened" not in lowered and "order number" not in lowered, draft.text
        assert draft.lint["ok"], draft.lint
    assert any(w in d.text for d in drafts for w in ("answer", "find out", "check")), drafts


def test_a_question_about_a_problem_stays_a_complaint() -> None:
    post = mention("Where is my order? It's been two weeks and still nothing", id="x:where")
    post = replace(post, judgments=replace(post.judgments, complaint=True))

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.kind == "complaint"


def test_urgency_is_said_once_per_draft() -> None:
    texts = (
        "Need my refund ASAP, it's urgent — rent is due tomorrow",
        "my order never came and I need it urgently, today please",
    )
    for k in range(25):
        for i, text in enumerate(texts):
            for draft in draft_replies(mention(text, id=f"x:u{k}-{i}"), settings=SETTINGS):
                lowered = draft.text.lower()
                quick = sum(lowered.count(p) for p in ("right away", "straight away", "right now"))
                assert quick <= 1, draft.text
                assert not ("urgent" in lowered and "time matters" in lowered), draft.text
                assert not ("urgent" in lowered and "short on time" in lowered), draft.text


def test_the_request_for_private_details_says_which_details() -> None:
    for k in range(40):
        post = mention("my order hasn't arrived and it's been ten days", id=f"x:p{k}")
        for draft in draft_replies(post, settings=SETTINGS):
            assert " them " not in f" {draft.text} ".replace(".", " "), draft.text


@pytest.mark.parametrize(
    ("text", "language", "named"),
    [
        ("मेरे कार्ड से दो बार पैसे कट गए, कोई जवाब नहीं दे रहा", "hi", "दो बार कटे पैसों"),
        ("मेरा रिफंड अभी तक नहीं आया, दो हफ़्ते हो गए", "hi", "आपके रिफंड"),
        ("నా రీఫండ్ ఇంకా రాలేదు, రెండు వారాలు అయింది", "te", "మీ రీఫండ్"),
        ("నా కార్డ్ నుంచి రెండుసార్లు డబ్బు కట్ అయింది", "te", "రెండుసార్లు కట్ అయిన డబ్బు"),
        ("আমার রিফান্ড এখনো আসেনি, দুই সপ্তাহ হয়ে গেল", "bn", "আপনার রিফান্ড"),
        ("কার্ড থেকে দুবার টাকা কেটে নিয়েছে", "bn", "দুবার কাটা টাকা"),
    ],
)
def test_indic_drafts_name_the_refund_and_the_double_charge(
    text: str, language: str, named: str
) -> None:
    post = mention(text, id="x:indic", language=language)
    if "billing" not in post.judgments.topic_names():
        # the Indic topic judge is another slice's: the drafts read its evidence when given
        topics = (Finding("billing", ()), *post.judgments.topics)
        post = replace(post, judgments=replace(post.judgments, topics=topics, complaint=True))

    drafts = draft_replies(post, settings=SETTINGS)

    assert drafts and all(d.language == language for d in drafts)
    assert all(named in d.text for d in drafts), [d.text for d in drafts]
    assert all(d.lint["ok"] for d in drafts)


def test_drafts_do_not_all_open_with_an_apology() -> None:
    plain = (
        "my order hasn't arrived and it's been ten days",
        "You charged me twice for the same pair of shoes",
        "the app keeps logging me out",
        "Sent me the wrong book",
        "this is not ok",
    )
    openings: list[str] = []
    for k in range(30):
        for i, text in enumerate(plain):
            for draft in draft_replies(mention(text, id=f"x:o{k}-{i}"), settings=SETTINGS):
                assert draft.lint["ok"], draft.lint
                openings.append(draft.text.split(".")[0].split("?")[0].lower())

    def leads_with(words: tuple[str, ...]) -> float:
        return sum(o.startswith(words) for o in openings) / len(openings)

    apologising = sum(("sorry" in o or "apolog" in o) and "look" not in o for o in openings)
    assert apologising / len(openings) < 0.75
    assert leads_with(("let me", "i'm looking", "i'm checking", "drop us", "could you")) > 0.1
    assert any("what went wrong" in o or "what happened" in o for o in openings)


def test_a_feeling_is_still_met_before_anything_else() -> None:
    post = mention("I'm so angry, my order hasn't arrived AGAIN", id="x:angry")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.feeling == "angry"
    for draft in draft_replies(post, settings=SETTINGS):
        assert draft.text.lower().split(".")[0].count("sorry") + draft.text.count("Thank") >= 1


@pytest.mark.parametrize(
    ("text", "language", "quick"),
    [
        ("యాప్ పని చేయడం లేదు, అత్యవసరంగా బిల్లు కట్టాలి", "te", "వెంటనే"),
        ("ऐप नहीं खुल रहा, बहुत ज़रूरी पेमेंट करनी है", "hi", "तुरंत"),
        ("অ্যাপ খুললেই বন্ধ হয়ে যায়, জরুরি একটা পেমেন্ট করতে পারছি না", "bn", "এখনই"),
    ],
)
def test_indic_urgent_drafts_say_right_away_once(text: str, language: str, quick: str) -> None:
    for k in range(12):
        post = mention(text, id=f"x:iu{k}", language=language)
        if post.judgments.urgency is not Urgency.HIGH:
            post = replace(post, judgments=replace(post.judgments, urgency=Urgency.HIGH))
        for draft in draft_replies(post, settings=SETTINGS):
            assert draft.text.count(quick) <= 1, draft.text
            assert language != "bn" or "সঙ্গে সঙ্গে" not in draft.text, draft.text
            assert draft.lint["ok"], draft.lint


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("मैं तुम्हें जान से मार दूँगा, मेरा रिफंड दो", "hi"),
        ("నా రీఫండ్ ఇవ్వకపోతే నిన్ను చంపేస్తా", "te"),
        ("টাকা ফেরত না দিলে তোকে মেরে ফেলব", "bn"),
    ],
)
def test_an_indic_threat_gets_two_calm_lines_without_apology(text: str, language: str) -> None:
    post = _threat(text, "x:ith")
    post = replace(post, language=language)

    drafts = draft_replies(post, settings=SETTINGS, language=language)

    assert len({d.text for d in drafts}) == 2
    for draft in drafts:
        assert draft.language == language
        for sorry in ("माफ़ी", "खेद", "अफ़सोस", "క్షమించ", "చింతిస్తు", "দুঃখিত", "খারাপ লাগছে"):
            assert sorry not in draft.text, draft.text
        assert "ধন্যবাদ" not in draft.text and "ధన్యవాదాలు" not in draft.text
        assert "धन्यवाद" not in draft.text and "शुक्रिया" not in draft.text
        assert draft.lint["ok"], draft.lint


@pytest.mark.parametrize(
    "text",
    [
        "hi, has my order not shipped yet?",
        "Is the app ever going to work again?",
        "Can anyone tell me why my parcel is still missing?",
    ],
)
def test_a_question_about_something_gone_wrong_stays_a_complaint(text: str) -> None:
    post = mention(text, id="x:qwrong")
    judged = replace(
        post.judgments, complaint=True, sentiment_label=SentimentLabel.NEUTRAL, feelings=()
    )
    post = replace(post, judgments=judged)

    assert extract_facts(post, language="en", note=None, history=None, public=True).kind == (
        "complaint"
    )


def test_a_greeting_before_a_plain_question_still_gets_an_answer() -> None:
    post = mention("Hi, do you ship to Canada?", id="x:hiq")
    judged = replace(
        post.judgments, complaint=True, sentiment_label=SentimentLabel.NEUTRAL, feelings=()
    )
    post = replace(post, judgments=judged)

    assert extract_facts(post, language="en", note=None, history=None, public=True).kind == (
        "question"
    )


def test_a_wrong_item_the_judge_missed_is_not_thanked_as_a_heads_up() -> None:
    post = mention("got rocket skates instead of the anvil", id="x:missed")
    judged = replace(
        post.judgments,
        complaint=False,
        complaint_score=0.1,
        sentiment_label=SentimentLabel.NEUTRAL,
        feelings=(),
    )
    post = replace(post, judgments=judged)

    facts = extract_facts(post, language="en", note=None, history=None, public=True)
    drafts = draft_replies(post, settings=SETTINGS)

    assert facts.kind == "complaint" and facts.thing == "the wrong item"
    assert not any("heads-up" in d.text or "mention" in d.text for d in drafts)
    assert all("the wrong item" in d.text and d.lint["ok"] for d in drafts)
