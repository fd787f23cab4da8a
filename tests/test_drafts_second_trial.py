"""What a second trial of complaint drafts found a manager would not send, as hand-written
cases: a capital letter after "Kim, ", one meaning said twice, the same few lines on every
serious post, a fire answered about a payment, a child's harm named as "your piece"."""

from __future__ import annotations

import re

import pytest

from alerts.drafts.facts import extract_facts
from alerts.drafts.object_phrase import object_phrase
from alerts.drafts.render import thing_kind
from alerts.drafts.replies import draft_replies
from tests.drafts_helpers import SETTINGS, mention

_AFTER_NAME = re.compile(r"\bKim, ([A-Z][\w'’]*)")
_STILL_CAPITAL = frozenset({"I", "I'm", "I'll", "I've", "I'd", "Acme", "Kim"})


def _drafts(text: str, runs: int = 24, **kwargs: str) -> list[str]:
    texts = []
    for k in range(runs):
        post = mention(text, id=f"x:t2{k}", name="Kim", **kwargs)
        texts += [d.text for d in draft_replies(post, settings=SETTINGS)]
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "your cashier used a racial slur at me in the Leeds store",
        "my order still hasn't arrived and it's been two weeks",
        "The app crashes every time I open it",
        "been on hold for an hour, nobody answers",
    ],
)
def test_a_sentence_joined_after_the_name_goes_on_in_lower_case(text: str) -> None:
    for draft in _drafts(text):
        for first in _AFTER_NAME.findall(draft):
            assert first in _STILL_CAPITAL, draft


def test_the_greeting_on_its_own_line_keeps_its_capital() -> None:
    post = mention("my order never arrived", id="x:greet", name="Kim", source_type="reddit")

    for draft in draft_replies(post, settings=SETTINGS, platform="reddit"):
        assert re.match(r"(Hi|Hello) Kim", draft.text), draft.text
        assert not _AFTER_NAME.search(draft.text), draft.text


_RETURN_CLOSINGS = ("Back to you soon.", "More soon.", "Talk soon.", "Speak soon.")
_PROMISES = ("back to you", "reply here", "this thread", "update", "let you know")


@pytest.mark.parametrize(
    "text",
    [
        "my parcel never arrived",
        "You charged my card twice",
        "the verification code never comes",
        "my flight was cancelled and nobody told me",
    ],
)
def test_a_draft_never_promises_to_come_back_twice(text: str) -> None:
    for draft in _drafts(text, runs=40):
        for closing in _RETURN_CLOSINGS:
            if closing in draft:
                before = draft[: draft.index(closing)].lower()
                assert not any(p in before for p in _PROMISES), draft


def test_a_draft_never_thanks_twice() -> None:
    for draft in _drafts("your cashier used a racial slur at me", runs=40):
        assert draft.lower().count("thank") <= 1, draft


_SERIOUS_POSTS = {
    "safety": "the charger exploded and burned my hand, emergency",
    "child": "my son choked on a small piece from your toy",
    "discrimination": "your cashier used a racial slur at me in the Leeds store",
    "harassment": "I was harassed by your security guard on my way out",
}


@pytest.mark.parametrize(("harm", "text"), list(_SERIOUS_POSTS.items()))
def test_a_serious_post_is_read_for_its_kind_of_harm(harm: str, text: str) -> None:
    facts = extract_facts(mention(text), language="en", note=None, history=None, public=True)

    assert facts.serious and facts.harm == harm


def test_serious_posts_draw_on_lines_chosen_by_the_harm_not_one_tiny_pool() -> None:
    by_harm = {harm: _drafts(text, runs=8) for harm, text in _SERIOUS_POSTS.items()}
    sentences: dict[str, int] = {}
    total = sum(len(d) for d in by_harm.values())
    for drafts in by_harm.values():
        for draft in drafts:
            for sentence in set(re.split(r"(?<=[.?!])\s+", draft.split(" — Dana")[0])):
                sentences[sentence] = sentences.get(sentence, 0) + 1

    # The trial saw one line in all four serious alerts and two more in three of them.
    assert max(sentences.values()) <= total / 3, sorted(sentences.items(), key=lambda kv: -kv[1])
    assert any("OK" in d or "all right" in d or "safe" in d for d in by_harm["safety"])
    assert any("your son" in d for d in by_harm["child"])
    assert any("where and when" in d for d in by_harm["discrimination"])


def test_a_childs_harm_names_no_thing_but_asks_after_the_child() -> None:
    post = mention(_SERIOUS_POSTS["child"], id="x:child")
    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.thing is None and facts.child == "your son"
    for draft in _drafts(_SERIOUS_POSTS["child"]):
        assert "your piece" not in draft and "the piece" not in draft, draft


@pytest.mark.parametrize(
    "text",
    [
        "চার্জারে আগুন ধরে গেছে, আমার হাত পুড়ে গেছে, টাকা দিয়ে কিনেছিলাম",
        "अचानक चार्जर में आग लग गई, मेरा हाथ जल गया, पैसे भी गए",
    ],
)
def test_an_indic_fire_follows_the_judges_safety_topic_never_billing(text: str) -> None:
    post = mention(text, id="x:fire")
    if not post.judgments.topics or post.judgments.topics[0].name != "safety":
        pytest.skip("the judge's safety words for this language are another slice's")
    lang = post.judgments.language or "en"

    facts = extract_facts(post, language=lang, note=None, history=None, public=True)

    assert facts.topic == "safety"
    assert facts.thing is None
    for draft in draft_replies(post, settings=SETTINGS):
        # neither the payment named nor the date of a charge asked for
        assert "পেমেন্ট" not in draft.text and "চার্জের তারিখ" not in draft.text, draft.text
        assert "पेमेंट" not in draft.text and "पैसों" not in draft.text, draft.text


@pytest.mark.parametrize(
    ("thing", "kind"),
    [
        ("signing in", "activity"),
        ("your experience with our staff", "person"),
        ("your visit to our store", "place"),
        ("the reply you're still waiting for", "wait"),
        ("your order", "object"),
        ("the wrong book", "object"),
    ],
)
def test_a_thing_is_told_apart_by_what_kind_of_thing_it_is(thing: str, kind: str) -> None:
    assert thing_kind(thing) == kind


_OBJECT_ONLY = (
    "handle {thing} myself",
    "get {thing} looked at",
    "on {thing} from here",
    "track down {thing}",
    "where {thing} has got to",
    "{thing} isn't what we want",
    "let's get it put right",
)


@pytest.mark.parametrize(
    "text",
    [
        "I can't sign in, it has been like this all week",
        "your staff were so rude to me at the counter",
        "terrible service, the agent was unhelpful and rude",
    ],
)
def test_a_line_that_handles_an_object_is_not_used_for_other_kinds_of_thing(text: str) -> None:
    post = mention(text, id="x:kind")
    thing = extract_facts(post, language="en", note=None, history=None, public=True).thing
    assert thing is not None and thing_kind(thing) != "object", thing

    for draft in _drafts(text, runs=40):
        for line in _OBJECT_ONLY:
            assert line.format(thing=thing).lower() not in draft.lower(), draft


def test_still_is_not_read_as_waiting_when_no_waiting_was_said() -> None:
    for text, waiting in (
        ("the blender is still not working after the repair", False),
        ("still waiting for my refund, three weeks now", True),
    ):
        facts = extract_facts(mention(text), language="en", note=None, history=None, public=True)
        assert facts.mirror == ("still" if waiting else "unsorted"), (text, facts.mirror)


@pytest.mark.parametrize(
    "text",
    [
        "the app crashes every time I open the Orders tab",
        "app keeps crashing on the orders tab",
        "your app crashed when I tapped on the orders page",
    ],
)
def test_a_place_in_the_app_is_not_the_thing_the_app_is(text: str) -> None:
    found = object_phrase(text)

    assert found is not None and found.phrase == "the app", found


def test_a_box_is_not_the_thing_when_what_was_inside_is_the_complaint() -> None:
    found = object_phrase("box was dented and the lamp inside smashed")

    assert found is None or "box" not in found.phrase


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("我的Acme充电器坏了，才用了两天", "the item that broke"),
        ("Acme的订单还没到，已经等了两周", "your order"),
        ("Acme扣了我两次钱，要求退款", "the double charge"),
        ("Acmeで注文した商品がまだ届かない", "your order"),
        ("Acmeの充電器が壊れた", "the item that broke"),
        ("Acmeに二重請求された、返金してほしい", "the double charge"),
    ],
)
def test_a_chinese_or_japanese_complaint_drafted_in_english_names_its_thing(
    text: str, thing: str
) -> None:
    post = mention(text, id="x:cjk")
    if not post.judgments.topics:
        pytest.skip("the judge's Chinese/Japanese topic words are another slice's")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.thing == thing
    for draft in draft_replies(post, settings=SETTINGS):
        assert thing in draft.text and "What went wrong" not in draft.text, draft.text
        assert draft.lint["ok"], draft.lint


@pytest.mark.parametrize(
    ("text", "light"),
    [
        ("চার্জারে আগুন ধরে গেছে, আমার হাত পুড়ে গেছে", ("ঝামেলা", "অসুবিধা")),
        ("अचानक चार्जर में आग लग गई, मेरा हाथ जल गया", ("दिक्कत", "परेशानी")),
        ("ఛార్జర్‌కు మంటలు అంటుకున్నాయి, నా చేయి కాలిపోయింది", ("ఇబ్బంది", "అసౌకర్య")),
    ],
)
def test_an_indic_fire_is_asked_after_not_called_a_hassle(
    text: str, light: tuple[str, ...]
) -> None:
    for k in range(6):
        post = mention(text, id=f"x:indic-fire{k}", name="Kim")
        if "safety" not in post.judgments.topic_names():
            pytest.skip("the judge's safety words for this language are another slice's")
        for draft in draft_replies(post, settings=SETTINGS):
            assert not any(word in draft.text for word in light), draft.text
            assert "?" in draft.text, draft.text  # asks whether they are all right
            assert draft.lint["ok"], draft.lint
