"""What a second manager trial found in the judge (issue 16, slice J4).

The Chinese harm and the threat are the trial's cases quoted in the issue; the rest are
hand-written.
"""

from __future__ import annotations

import pytest

from listener.judging.judge import Judge
from listener.models import SentimentLabel, Urgency

_JUDGE = Judge()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Acme的rocket充电器着火了，把我的手烫伤了！", ("着火", "烫伤")),
        ("Acme的充电宝冒烟了，还有点漏电", ("冒烟", "漏电")),
        ("Acmeの充電器が発火して、手にやけどをしました。", ("発火", "やけど")),
        ("Acmeのドライヤーで感電しました", ("感電",)),
    ],
)
def test_harm_in_chinese_or_japanese_is_a_safety_complaint_with_high_urgency(
    text: str, words: tuple[str, ...]
) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is True
    assert judged.topics[0].name == "safety"
    assert judged.topics[0].evidence == words
    assert judged.urgency is Urgency.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "这首歌最近太火了，Acme的广告也很好看",
        "Acmeの新作がネットで炎上してる笑",
        "Acme的炸鸡很好吃",
    ],
)
def test_popular_fried_and_flame_war_are_no_harm(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert all(t.name != "safety" for t in judged.topics)
    assert judged.urgency is not Urgency.HIGH


def test_a_threat_is_never_positive() -> None:
    judged = _JUDGE.judge_text("hope the CEO gets hit by a bus")
    assert [f.name for f in judged.flags] == ["threat"]
    assert judged.sentiment_label is SentimentLabel.NEGATIVE
    assert judged.sentiment_evidence[-1] == "threat"


def test_a_warm_wish_stays_positive() -> None:
    judged = _JUDGE.judge_text("hope the CEO has a great holiday, the team earned it")
    assert judged.flags == ()
    assert judged.sentiment_label is SentimentLabel.POSITIVE
    assert "threat" not in judged.sentiment_evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("मेरे पैसे दो बार काट लिए", "billing"),
        ("दो बार पैसे काट लिए", "billing"),
        ("Acme ने मेरे पैसे काट लिए और सामान नहीं भेजा", "billing"),
        ("অর্ডার পাইনি", "delivery"),
        ("অর্ডার এখনো পাইনি", "delivery"),
        ("ఆర్డర్ ఇంకా రాలేదు", "delivery"),
        ("నా ఆర్డర్ రాలేదు", "delivery"),
    ],
)
def test_money_taken_twice_and_orders_not_received_are_complaints_with_a_topic(
    text: str, topic: str
) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is True
    assert judged.topics[0].name == topic


@pytest.mark.parametrize("text", ["मैंने सब्ज़ी काट ली", "यह फिल्म दो बार देखी, बहुत अच्छी"])
def test_cutting_vegetables_and_watching_twice_are_no_billing(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is False
    assert judged.topics == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            'The cashier at Acme told me to "go back to my own country". Never again.',
            ("go back to my own country",),
        ),
        (
            "Acme staff laughed at my wheelchair and refused to help me",
            ("laughed at my wheelchair",),
        ),
        (
            "The Acme delivery guy kept hitting on me and texting my personal number. Creepy",
            ("hitting on me", "texting my personal number"),
        ),
        ("డెలివరీ బాయ్ నాతో అసభ్యంగా ప్రవర్తించాడు", ("అసభ్యంగా",)),
        ("डिलीवरी वाले ने मेरे साथ छेड़छाड़ की", ("छेड़छाड़",)),
    ],
)
def test_discrimination_described_without_the_word_is_a_grave_complaint(
    text: str, words: tuple[str, ...]
) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is True
    assert judged.topics[0].name == "discrimination"
    assert judged.topics[0].evidence == words
    assert judged.urgency is Urgency.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "I had to go back to the store for the Acme charger",
        "Hitting the gym after an Acme protein shake",
        "I was texting my friend about the Acme sale",
        "स्टाफ़ ने मेरे साथ बदतमीज़ी की",  # rudeness: support, not harassment
    ],
)
def test_ordinary_text_and_rudeness_are_no_discrimination(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert all(t.name != "discrimination" for t in judged.topics)


@pytest.mark.parametrize(
    "text",
    [
        "Shipping to Canada?\n@acme do you ship to Canada? And roughly how long does it take?",
        "Acme rocket timer\nHow do I reset the timer on the rocket? The manual isn't clear",
        "@acme 日本に発送できますか？",
    ],
)
def test_a_question_after_a_feed_title_is_no_complaint(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is False


@pytest.mark.parametrize(
    "text",
    [
        "@acme how long does it take to get a refund?? been waiting 3 weeks",
        "Acme order\n@acme when will my order arrive? it is 2 weeks late",
        "Acme rocket timer\nHow do I reset the timer? It stopped working and support never replied",
    ],
)
def test_a_question_with_a_wait_or_a_failure_stays_a_complaint(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is True


@pytest.mark.parametrize(
    "text",
    [
        "No complaints, best service I've had all year. @acme replaced my cracked anvil in a day",
        "Huge thanks to Acme Corp support, they fixed my broken anvil order in minutes!",
        "Thank you @acme for sorting my refund so quickly",
        # A screenshot check: a number of minutes is as fast as "in minutes".
        "Acme corp support fixed my problem in 5 minutes, very impressed",
    ],
)
def test_thanks_for_a_problem_put_right_quickly_is_no_complaint_and_no_sarcasm(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is False
    assert not any(e.startswith("sarcasm") for e in judged.complaint_evidence)
    assert judged.sentiment_label is not SentimentLabel.NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "thanks @acme for charging me twice",
        "Thanks @acme, my anvil arrived cracked",
        "Thanks @acme, you replaced my anvil quickly but the new one is cracked again",
    ],
)
def test_thanks_for_a_harm_not_put_right_stays_a_sarcastic_complaint(text: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.complaint is True
    assert any(e.startswith("sarcasm") for e in judged.complaint_evidence)
