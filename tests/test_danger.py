"""Danger is never missed: threats and death wishes aimed at people are flagged ``threat``;
harm to someone (fire, smoke, burns, poisoning, allergy, injury, medical, child safety,
stranded) makes the post a complaint about safety with high urgency — in English, Bengali,
Telugu and Hindi (Devanagari and romanised). Figurative killing, fire and smoke stay clean.

Every case is hand-written for this test (the first two are quoted in issue 16).
"""

from __future__ import annotations

import pytest

from listener.judging.danger import read_danger
from listener.judging.judge import SAFETY_SCORE, Judge
from listener.models import Judgments, Urgency

JUDGE = Judge()


def judged(text: str, language: str | None = None) -> Judgments:
    return JUDGE.judge_text(text, language=language)


def flag_names(j: Judgments) -> list[str]:
    return [f.name for f in j.flags]


def threat_words(j: Judgments) -> tuple[str, ...]:
    return next((f.evidence for f in j.flags if f.name == "threat"), ())


# ---- threats and death wishes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        ("I'll find where you live and kill you", None, "find where you live"),
        ("you deserve to die", None, "you deserve to die"),
        ("@acme hope you die, every one of you", None, "hope you die"),
        ("I hope your family gets cancer", None, "hope your family gets cancer"),
        ("I hope your CEO burns", None, "hope your ceo burns"),
        ("your staff should be shot", None, "your staff should be shot"),
        ("your days are numbered @acme", None, "your days are numbered"),
        # Found by a new-user trial: whoever a death wish names, it is aimed at a person.
        ("whoever runs @acme deserves to die", None, "whoever runs @acme deserves to die"),
        ("your CEO deserves to die", None, "your ceo deserves to die"),
        # A second trial: a handle between "the" and the person.
        ("I hope the @acme CEO gets hit by a bus", None, "hope the @acme ceo gets hit by a bus"),
        ("the owner should die for what they did", None, "the owner should die"),
        ("these people should be shot, honestly", None, "these people should be shot"),
        ("he deserves to die after that call", None, "he deserves to die"),
        ("@jsmith_support should die", None, "@jsmith_support should die"),
        (
            "acme's useless management should be shot",
            None,
            "acme's useless management should be shot",
        ),
        ("I hope the CEO dies", None, "hope the ceo dies"),
        (
            "hope whoever cancelled my order gets hit by a bus",
            None,
            "hope whoever cancelled my order gets hit by a bus",
        ),
        ("they should die, every single one", None, "they should die"),
        ("I will end you", None, "i will end you"),
        # Hindi, Devanagari and romanised
        ("मैं तुझे जान से मार दूँगा", "hi", "जान से मार दूँगा"),
        ("तू मर जा, धोखेबाज़", "hi", "तू मर जा"),
        ("तेरी दुकान में आग लगा दूँगा", "hi", "आग लगा दूँगा"),
        ("main tujhe jaan se maar dunga", "hi-Latn", "jaan se maar dunga"),
        # Bengali
        ("তোকে মেরে ফেলব", "bn", "মেরে ফেলব"),
        ("তোর দোকান পুড়িয়ে দেব", "bn", "পুড়িয়ে দেব"),
        # Telugu
        ("నిన్ను చంపేస్తా", "te", "చంపేస్తా"),
        ("మీ షాప్ తగలబెడతా", "te", "తగలబెడతా"),
    ],
)
def test_threats_and_death_wishes_are_flagged_and_urgent(
    text: str, language: str | None, words: str
) -> None:
    j = judged(text, language)
    assert "threat" in flag_names(j)
    assert words in threat_words(j)
    assert j.urgency is Urgency.HIGH
    assert "threat flag" in j.urgency_evidence


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("killer deal on these boots", None),
        ("you killed it at the launch!", None),
        ("I'd kill for a burger right now", None),
        ("this traffic is killing me", None),
        ("that dress is drop dead gorgeous", None),
        ("you are killing it @acme", None),
        ("I hope your family enjoys the new sofa", None),
        ("hope you get well soon!", None),
        ("this feature should die", None),
        # A thing is no person: neither a threat nor abuse.
        ("this phone deserves to die", None),
        ("the old logo deserves to die, bring back the blue one", None),
        ("@acme's app should die and be rewritten", None),
        ("this trend needs to die", None),
        ("I hope the hype dies down", None),
        ("hope my phone doesn't die before the gate", None),
        ("the CEO should die on that hill, the new plan is right", None),
        ("they should die laughing at this ad", None),
        ("whoever designed this app deserves a raise", None),
        ("I hope the manager gets shot down in the meeting", None),
        ("your team deserves to be beaten on Saturday", None),
        ("इस गाने ने तो मार डाला", "hi"),  # "this song killed me": praise
        ("हंसते हंसते मर जाओगे", "hi"),  # "you'll die laughing"
        ("agle match mein chauka maar dunga", "hi-Latn"),  # "I'll hit a four"
        ("হাসতে হাসতে মরে যাই", "bn"),  # "I die laughing"
        ("సినిమాలో హీరో చంపేశాడు", "te"),  # "the hero killed it"
    ],
)
def test_figurative_killing_is_not_a_threat(text: str, language: str | None) -> None:
    j = judged(text, language)
    assert "threat" not in flag_names(j)
    assert "abuse" not in flag_names(j)


def test_drop_dead_said_to_someone_is_still_abuse() -> None:
    assert flag_names(judged("just drop dead @acme")) == ["abuse"]


# ---- safety ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        # Quoted in issue 16: scored 0.21 and raised nothing.
        ("My Acme charger exploded and burned my hand, this is an emergency", None, "burned my"),
        ("the heater caught fire in my kid's room last night", None, "caught fire"),
        ("smoke pouring out of the new charger", None, "smoke pouring"),
        ("the kettle gave me an electric shock", None, "electric shock"),
        ("my son had an allergic reaction to your cereal", None, "allergic reaction"),
        ("got food poisoning from your chicken wrap", None, "food poisoning"),
        ("we all got sick after eating at your Leeds branch", None, "got sick after eating"),
        ("my toddler swallowed a button battery from the remote", None, "button battery"),
        ("ended up in the hospital after your brakes failed", None, "ended up in the hospital"),
        ("my son was injured by your scooter", None, "injured"),
        ("we're stranded at the station, the last train was cancelled", None, "stranded"),
        # Found by a new-user trial (no safety topic before): a device smoking by a child's bed.
        (
            "My son's Acme rocket toy battery swelled up and started smoking next to his bed. "
            "He's 4. I'm terrified.",
            None,
            "toy battery swelled up and started smoking",
        ),
        ("the battery in my Acme phone is swollen", None, "phone is swollen"),
        ("my laptop battery is bulging and the trackpad lifted", None, "laptop battery is bulging"),
        ("swollen battery in the power bank you sold me", None, "swollen battery"),
        ("my laptop started smoking while charging", None, "laptop started smoking"),
        ("the charger is smoking!!", None, "charger is smoking"),
        ("sparks flew out of the socket when I plugged it in", None, "sparks flew out of"),
        ("the adapter sparked and the lights went out", None, "adapter sparked"),
        ("the plug has melted into the extension lead", None, "plug has melted"),
        ("it overheated and burned a mark on the desk", None, "overheated and burned"),
        ("the kettle got so hot it melted the counter", None, "kettle got so hot it melted"),
        ("my son swallowed a magnet from your building set", None, "son swallowed"),
        ("my toddler choked on a wheel that came off", None, "choked on"),
        ("the toy has sharp edges and my daughter cut her finger", None, "sharp edges"),
        ("my son got hurt on the slide at your soft play", None, "got hurt"),
        # Hindi
        ("बैटरी फट गई और मेरा हाथ जल गया", "hi", "बैटरी फट"),
        ("खाना खाकर फ़ूड पॉइज़निंग हो गई, अस्पताल में भर्ती हूँ", "hi", "अस्पताल में भर्ती"),
        ("phone ki battery phat gayi aur haath jal gaya", "hi-Latn", "battery phat"),
        # Bengali
        ("চার্জারে আগুন লেগে হাত পুড়ে গেছে", "bn", "আগুন লেগে"),
        ("খাবার খেয়ে বমি হচ্ছে, ফুড পয়জনিং", "bn", "ফুড পয়জনিং"),
        # Telugu
        ("ఫోన్ పేలిపోయింది, చేయి కాలిపోయింది", "te", "పేలిపోయ"),
        ("మా బాబుకి అలర్జీ వచ్చింది", "te", "అలర్జీ"),
    ],
)
def test_harm_is_a_safety_complaint_with_high_urgency(
    text: str, language: str | None, words: str
) -> None:
    j = judged(text, language)
    assert j.complaint is True
    assert j.complaint_score is not None and j.complaint_score >= SAFETY_SCORE
    assert j.topics[0].name == "safety"
    assert words in j.topics[0].evidence
    assert j.urgency is Urgency.HIGH
    assert f"safety '{words}'" in j.urgency_evidence


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("this album is fire", None),
        ("smoking deal on these headphones", None),
        ("sick beat, play it again", None),
        ("burning question: when is the sale?", None),
        ("killing it with the new menu", None),
        ("I got sick of waiting for the update", None),
        ("locked out of my account again", None),
        ("the prices gave me a shock", None),
        ("an explosion of flavour, loved it", None),
        ("sparking joy with this lamp", None),
        ("three of our players are on injured reserve", None),
        ("this deal is smoking hot", None),
        ("I started smoking again, that's how long your support takes", None),
        ("the chocolate melted in the van", None),
        ("this phone melted my heart", None),
        ("the new ad sparked a debate", None),
        ("sparks flew between the two hosts", None),
        ("my laptop overheated during the game", None),  # a fault, no harm
        ("my daughter swallowed her pride and called support", None),
        ("my son cut her hair and she loves it", None),
        ("my son was hurt by your comments", None),
        ("the battery life is swelling nicely with the update", None),
        ("इस गाने ने तो आग लगा दी", "hi"),  # "set the stage on fire": praise
        ("paise phas gaye hain, refund kab milega", "hi-Latn"),  # money stuck, not a person
        ("পেজটা দেখে মন খারাপ", "bn"),
        ("సినిమా అదిరిపోయింది", "te"),
    ],
)
def test_figurative_fire_smoke_and_sickness_are_not_danger(text: str, language: str | None) -> None:
    assert not read_danger(text, language)
    assert all(topic.name != "safety" for topic in judged(text, language).topics)


def test_danger_words_are_said_once_in_the_urgency() -> None:
    j = judged("the charger caught fire last night")
    assert j.urgency_evidence.count("safety 'caught fire'") == 1
    assert "phrase 'caught fire'" not in j.urgency_evidence


@pytest.mark.parametrize(
    "text",
    ["this deal is smoking hot", "the grill was smoking nicely", "I started smoking again"],
)
def test_smoking_that_is_no_device_is_not_urgent(text: str) -> None:
    # "is smoking" alone raised urgency: a device smoking is now found by the danger lists.
    j = judged(text)
    assert j.urgency is not Urgency.HIGH
    assert not any("smoking" in reason for reason in j.urgency_evidence)


def test_a_device_smoking_is_said_once_in_the_urgency() -> None:
    j = judged("my laptop started smoking")
    assert j.urgency_evidence == ("safety 'laptop started smoking'",)
