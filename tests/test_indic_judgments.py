"""Bengali, Telugu and Hindi (Devanagari and romanised) posts get topics and feelings with
their own words as evidence, and high urgency for the cues that make an English post urgent
(urgent, legal, time pressure in a complaint; safety and stranded are in test_danger).

Every case is hand-written for this test.
"""

from __future__ import annotations

import pytest

from listener.judging.indic_judgments import indic_found, indic_urgency
from listener.judging.judge import Judge
from listener.models import Finding, Judgments, Urgency

JUDGE = Judge()


def judged(text: str, language: str | None = None) -> Judgments:
    return JUDGE.judge_text(text, language=language)


def names(findings: tuple[Finding, ...]) -> list[str]:
    return [f.name for f in findings]


def evidence(j: Judgments, kind: str, name: str) -> tuple[str, ...]:
    findings = j.topics if kind == "topic" else j.feelings
    return next((f.evidence for f in findings if f.name == name), ())


@pytest.mark.parametrize(
    ("text", "language", "topics", "feelings"),
    [
        # Hindi
        (
            "पार्सल अभी तक नहीं मिला, कस्टमर केयर जवाब नहीं देता, बहुत गुस्सा आ रहा है",
            "hi",
            {"delivery": "पार्सल", "support": "कस्टमर केयर"},
            {"angry": "गुस्सा"},
        ),
        (
            "पैसे कट गए पर रिफ़ंड नहीं मिला, बहुत निराश हूँ",
            "hi",
            {"billing": "रिफ़ंड"},
            {"disappointed": "निराश"},
        ),
        (
            "ऐप में लॉगिन कैसे करें समझ नहीं आ रहा",
            "hi",
            {"website_app": "ऐप", "account": "लॉगिन"},
            {"confused": "समझ नहीं आ"},
        ),
        (
            "इतनी महँगी कीमत, घटिया क्वालिटी",
            "hi",
            {"pricing": "क़ीमत", "product_quality": "घटिया"},
            {},
        ),
        # Romanised Hindi
        (
            "mera parcel abhi tak nahi mila, customer care koi sunta nahi, bahut gussa aa raha hai",
            "hi-Latn",
            {"delivery": "parcel", "support": "koi sunta nahi"},
            {"angry": "gussa"},
        ),
        ("itna mehenga kyun hai, phone bhi toota hua aaya", "hi-Latn", {"pricing": "mehenga"}, {}),
        (
            "paise kat gaye, tang aa gaya hoon",
            "hi-Latn",
            {"billing": "paise kat gaye"},
            {"frustrated": "tang aa gaya"},
        ),
        # Bengali
        (
            "অর্ডার পাইনি, কাস্টমার কেয়ার ফোন ধরে না, খুব বিরক্ত",
            "bn",
            {"delivery": "অর্ডার পাইনি", "support": "কাস্টমার কেয়ার"},
            {"frustrated": "বিরক্ত"},
        ),
        ("দাম অনেক বেশি, রাগ লাগছে", "bn", {"pricing": "দাম"}, {"angry": "রাগ লাগছে"}),
        (
            "আমার অ্যাকাউন্ট বন্ধ হয়ে গেছে, খুব টেনশন হচ্ছে",
            "bn",
            {"account": "অ্যাকাউন্ট"},
            {"anxious": "টেনশন"},
        ),
        ("প্রোডাক্ট ভাঙা এসেছে, খুব হতাশ", "bn", {"product_quality": "ভাঙা এসেছে"}, {"disappointed": "হতাশ"}),
        # Telugu
        (
            "డెలివరీ ఇంకా రాలేదు, కస్టమర్ కేర్ స్పందన లేదు, చాలా కోపంగా ఉంది",
            "te",
            {"delivery": "డెలివరీ", "support": "కస్టమర్ కేర్"},
            {"angry": "కోపంగా"},
        ),
        (
            "ఫోన్ పని చేయడం లేదు, చాలా నిరాశగా ఉంది",
            "te",
            {"product_quality": "పని చేయడం లేదు"},
            {"disappointed": "నిరాశ"},
        ),
        (
            "యాప్ లో లాగిన్ అర్థం కావడం లేదు",
            "te",
            {"website_app": "యాప్", "account": "లాగిన్"},
            {"confused": "అర్థం కావడం లేదు"},
        ),
    ],
)
def test_topics_and_feelings_with_their_words(
    text: str, language: str, topics: dict[str, str], feelings: dict[str, str]
) -> None:
    j = judged(text, language)
    for name, word in topics.items():
        assert word in evidence(j, "topic", name), (name, j.topics)
    for name, word in feelings.items():
        assert word in evidence(j, "feeling", name), (name, j.feelings)
    assert set(feelings) <= set(names(j.feelings))


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("रिफ़ंड नहीं दिया तो उपभोक्ता फ़ोरम में शिकायत करूँगा", "hi", "उपभोक्ता फ़ोरम"),
        ("अर्जेंट: मेरा ऑर्डर अभी तक नहीं आया", "hi", "अर्जेंट"),
        ("ऑर्डर आज ही चाहिए, मेरी शादी है, अभी तक नहीं आया", "hi", "आज ही"),
        ("refund jald se jald chahiye, order abhi tak nahi aaya", "hi-Latn", "jald se jald"),
        ("paise wapas nahi kiye to vakil se baat karunga", "hi-Latn", "vakil"),
        ("টাকা ফেরত না দিলে ভোক্তা অধিকারে অভিযোগ করব", "bn", "ভোক্তা অধিকার"),
        ("জরুরি! আমার অর্ডার এখনো পাইনি", "bn", "জরুরি"),
        ("అర్జెంట్, నా రిఫండ్ ఇంకా రాలేదు", "te", "అర్జెంట్"),
        ("డబ్బులు తిరిగి ఇవ్వకపోతే కన్స్యూమర్ ఫోరం కి వెళ్తా", "te", "కన్స్యూమర్ ఫోరం"),
    ],
)
def test_urgent_legal_and_time_pressure_are_high(text: str, language: str, reason: str) -> None:
    j = judged(text, language)
    assert j.urgency is Urgency.HIGH
    assert f"phrase '{reason}'" in j.urgency_evidence


def test_time_words_outside_a_complaint_are_not_urgent() -> None:
    # "Today's delivery came on time, thank you": praise with a time word, as in English.
    j = judged("आज ही डिलीवरी समय पर आई, धन्यवाद", "hi")
    assert j.complaint is False
    assert j.urgency is not Urgency.HIGH
    assert ("time", "आज ही") in indic_urgency("आज ही डिलीवरी समय पर आई, धन्यवाद")


def test_praise_gets_a_topic_but_no_feeling() -> None:
    j = judged("ডেলিভারি সময়মত পেয়েছি, ধন্যবাদ", "bn")
    assert names(j.topics) == ["delivery"]
    assert j.feelings == ()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("बिल्कुल सही चॉकलेट", "hi"),  # बिल in बिल्कुल, लेट in चॉकलेट
        ("ছবিটা সিগারেট হাতে", "bn"),  # রেট in সিগারেট
        ("ఛార్జర్ బాగుంది", "te"),  # ఛార్జ్ in ఛార్జర్
        ("yeh khana bahut khata hai", "hi-Latn"),  # "khata" is also "eats"
    ],
)
def test_short_words_inside_longer_ones_are_no_topic(text: str, language: str) -> None:
    assert indic_found(text, language) == {}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("আমি কখনও হতাশ হইনি", "bn"),  # "I was never disappointed"
        ("চিন্তা করবেন না, সব ঠিক আছে", "bn"),  # "don't worry"
        ("चिंता मत करो, सब ठीक है", "hi"),
        ("aap be fikar raho", "hi-Latn"),  # "don't worry"
        ("కంగారు పడకండి", "te"),
        ("গল্পটা বলদামীতে ভরা", "bn"),  # বলদামী ("stupidity") holds দাম ("price")
    ],
)
def test_feelings_said_not_to_be_felt_and_words_inside_words_are_dropped(
    text: str, language: str
) -> None:
    assert indic_found(text, language) == {}


def test_english_posts_are_not_read_with_indic_lists() -> None:
    assert indic_found("my parcel never arrived", "en") == {}
    assert indic_urgency("urgent: my parcel never arrived") == ()


def test_an_unsure_reading_uses_the_script() -> None:
    found = indic_found("কাস্টমার কেয়ার ফোন ধরে না", None)
    assert found["topic"]["support"] == ("কাস্টমার কেয়ার", "ফোন ধরে না")


@pytest.mark.parametrize(
    "text",
    [
        "আমার অর্ডার এখনো আসেনি, খুব বিরক্ত",
        "मेरा ऑर्डर अभी तक नहीं आया, बहुत परेशान हूँ",
        "నా ఆర్డర్ ఇంకా రాలేదు, చాలా కోపంగా ఉంది",
        "mera order abhi tak nahi aaya yaar",
    ],
)
def test_my_order_not_come_is_a_delivery_complaint_with_words_between(text: str) -> None:
    # "my order" is a delivery word in English; here "still"/"yet" sits between the order and
    # the verb, so a fixed "order not arrived" phrase alone would miss it.
    j = judged(text)
    assert j.complaint
    assert "delivery" in names(j.topics)
