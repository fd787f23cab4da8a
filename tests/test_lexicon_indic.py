import unicodedata

import pytest

from listener.reading.indic_cues import MAX_MATCHED_CHARS, find_cues, matching_form
from listener.reading.lexicon.indic import FAMILIES, INDIC_CUES, LATIN_SPELLINGS

COMPLAINT_FAMILIES = frozenset(FAMILIES) - {"positive"}
SCRIPT_BLOCKS = {"bn": (0x0980, 0x09FF), "te": (0x0C00, 0x0C7F), "hi": (0x0900, 0x097F)}


def _all_cues(language: str) -> list[tuple[str, str]]:
    return [(family, cue) for family, cues in INDIC_CUES[language].items() for cue in cues]


# A cue found inside a longer cue of another family: where both fit, the longer one is matched
# and the shorter one's family is not reported. Each of these is on purpose.
SHADOWED_ON_PURPOSE: set[tuple[str, str, str]] = {
    # Negated praise is a complaint, not praise.
    ("bn", "ভাল", "ভালো না"),
    ("bn", "ভাল", "ভাল না"),
    ("bn", "ভাল", "ভালো নয়"),
    ("bn", "ভাল", "ভাল নয়"),
    ("bn", "ভাল", "ভালো লাগেনি"),
    ("bn", "ভাল", "ভাল লাগেনি"),
    ("bn", "খুশি", "খুশি না"),
    ("bn", "খুশি", "খুশি নই"),
    ("bn", "সন্তুষ্ট", "অসন্তুষ্ট"),
    ("te", "సంతోషం", "సంతోషంగా లేదు"),
    ("te", "సంతోషం", "సంతోషంగా లేను"),
    ("te", "సంతృప్తి", "అసంతృప్తి"),
    ("te", "సంతృప్తి", "సంతృప్తిగా లేదు"),
    ("te", "మంచి", "మంచిగా లేదు"),
    ("te", "మంచి", "మంచిది కాదు"),
    ("hi", "अच्छा", "अच्छा नहीं"),
    ("hi", "अच्छी", "अच्छी नहीं"),
    ("hi", "अच्छे", "अच्छे नहीं"),
    ("hi", "ख़ुश", "ख़ुश नहीं"),
    ("hi", "संतुष्ट", "असंतुष्ट"),
    ("hi", "समय पर", "समय पर नहीं"),
    ("hi", "टाइम पर", "टाइम पर नहीं"),
    ("hi-Latn", "bahut achha", "bahut achha nahi"),
    ("hi-Latn", "bahut achhi", "bahut achhi nahi"),
    ("hi-Latn", "bahut achhe", "bahut achhe nahi"),
    ("hi-Latn", "khush", "khush nahi"),
    ("hi-Latn", "time par", "time par nahi"),
    ("hi-Latn", "samay par", "samay par nahi"),
    # A general word made specific: "bad" + "behaviour" is bad service, "bad" + "turned out" is
    # a defect, "same problem" is a repeat, "waste of time" is general negativity.
    ("bn", "খারাপ", "খারাপ ব্যবহার"),
    ("bn", "সমস্যা", "একই সমস্যা"),
    ("bn", "নষ্ট", "সময় নষ্ট"),
    ("bn", "নষ্ট", "টাকা নষ্ট"),
    ("hi", "ख़राब", "ख़राब निकल"),
    ("hi", "ख़राब", "ख़राब आया"),
    ("hi", "ख़राब", "ख़राब आई"),
    ("hi", "ख़राब", "ख़राबी"),
    ("hi-Latn", "kharab", "kharab nikla"),
    ("hi-Latn", "kharab", "kharab nikli"),
    ("hi-Latn", "kharab", "kharab aaya"),
    # "No reply received" is a service failure rather than a late delivery.
    ("bn", "পাইনি", "রিপ্লাই পাইনি"),
    ("bn", "পাইনি", "উত্তর পাইনি"),
    ("bn", "পাইনি", "সাহায্য পাইনি"),
    ("bn", "পাইনি", "সাড়া পাইনি"),
    ("te", "రాలేదు", "రిప్లై రాలేదు"),
    ("te", "రాలేదు", "రెస్పాన్స్ రాలేదు"),
    ("te", "రాలేదు", "సమాధానం రాలేదు"),
}


def _contains(language: str, inner: str, outer: str) -> bool:
    if language == "hi-Latn":  # whole words
        return f" {inner} " in f" {outer} "
    return inner in outer


def test_every_language_lists_every_family_in_order() -> None:
    assert list(INDIC_CUES) == ["bn", "te", "hi", "hi-Latn"]
    assert {language: tuple(families) for language, families in INDIC_CUES.items()} == {
        language: FAMILIES for language in INDIC_CUES
    }


@pytest.mark.parametrize("language", list(INDIC_CUES))
def test_every_family_has_enough_cues(language: str) -> None:
    thin = {family: len(cues) for family, cues in INDIC_CUES[language].items() if len(cues) < 15}
    assert thin == {}


@pytest.mark.parametrize("language", list(INDIC_CUES))
def test_cues_are_nfc_trimmed_and_not_too_short(language: str) -> None:
    bad = [
        cue
        for _, cue in _all_cues(language)
        if unicodedata.normalize("NFC", cue) != cue
        or cue != cue.strip()
        or "  " in cue
        or len(cue.replace(" ", "")) < 3  # shorter stems hide inside unrelated words
        or any(char in cue for char in "\u200c\u200d-,")
    ]
    assert bad == []


@pytest.mark.parametrize("language", ["bn", "te", "hi"])
def test_script_cues_are_written_in_their_script(language: str) -> None:
    first, last = SCRIPT_BLOCKS[language]
    foreign = [
        cue
        for _, cue in _all_cues(language)
        if any(char != " " and not first <= ord(char) <= last for char in cue)
    ]
    assert foreign == []


def test_hinglish_cues_are_lowercase_ascii_words() -> None:
    bad = [
        cue
        for _, cue in _all_cues("hi-Latn")
        if not all(word.isascii() and word.isalpha() and word.islower() for word in cue.split())
    ]
    assert bad == []


def test_hinglish_spellings_belong_to_one_word_each() -> None:
    spellings = [word for group in LATIN_SPELLINGS for word in group]
    assert sorted({word for word in spellings if spellings.count(word) > 1}) == []
    assert [group for group in LATIN_SPELLINGS if len(group) < 2] == []
    # A group no cue uses would fold text for nothing.
    cue_words = {
        matching_form(word, "hi-Latn") for _, cue in _all_cues("hi-Latn") for word in cue.split()
    }
    assert sorted({group[0] for group in LATIN_SPELLINGS} - cue_words) == []


@pytest.mark.parametrize("language", list(INDIC_CUES))
def test_no_cue_is_listed_twice_in_a_family(language: str) -> None:
    # Spelling folds count: in Hindi "नकली" and "नक़ली" are one cue.
    repeated = [
        (family, cue)
        for family, cues in INDIC_CUES[language].items()
        for index, cue in enumerate(cues)
        if matching_form(cue, language)
        in {matching_form(earlier, language) for earlier in cues[:index]}
    ]
    assert repeated == []


@pytest.mark.parametrize("language", list(INDIC_CUES))
def test_no_cue_is_in_two_families(language: str) -> None:
    # find_cues reports each match under one family, so there are no exceptions to allow.
    families_of: dict[str, set[str]] = {}
    for family, cue in _all_cues(language):
        families_of.setdefault(matching_form(cue, language), set()).add(family)
    assert {form: families for form, families in families_of.items() if len(families) > 1} == {}


def test_cues_inside_cues_of_other_families_are_the_documented_ones() -> None:
    found = set()
    for language in INDIC_CUES:
        cues = [(family, cue, matching_form(cue, language)) for family, cue in _all_cues(language)]
        found |= {
            (language, inner, outer)
            for inner_family, inner, inner_form in cues
            for outer_family, outer, outer_form in cues
            if inner_family != outer_family
            and inner_form != outer_form
            and _contains(language, inner_form, outer_form)
        }
    assert sorted(found - SHADOWED_ON_PURPOSE) == []  # new: document it or change a cue
    assert sorted(SHADOWED_ON_PURPOSE - found) == []  # gone: drop it from the list


@pytest.mark.parametrize("language", list(INDIC_CUES))
def test_every_cue_is_found_by_itself(language: str) -> None:
    missed = [
        (family, cue)
        for family, cue in _all_cues(language)
        if find_cues(cue, language) != {family: (cue,)}
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # "My order has been stuck for ten days, still not received. Very bad service!"
        (
            "bn",
            "আমার অর্ডার দশ দিন ধরে আটকে আছে, এখনো পাইনি। খুব বাজে সার্ভিস!",
            {"delay": ("দিন ধরে", "আটকে আছে", "এখনো", "পাইনি"), "negative": ("খুব বাজে",)},
        ),
        # "The product came broken, I want my money back."
        (
            "bn",
            "প্রোডাক্ট ভাঙা এসেছে, টাকা ফেরত চাই।",
            {"defect": ("ভাঙা",), "refund": ("ফেরত",)},
        ),
        # "I phoned customer care again and again, nobody picks up."
        (
            "bn",
            "কাস্টমার কেয়ারে বারবার ফোন করেছি, কেউ ফোন ধরে না।",
            {"repeat": ("বারবার",), "service": ("ফোন ধরে না",)},
        ),
        # "This is plain fraud, they delivered a fake product."
        ("bn", "এটা পুরো প্রতারণা, ভুয়া পণ্য দিয়েছে।", {"fraud": ("প্রতারণা", "ভুয়া")}),
        # "I sent a message but got no reply" (negative suffix typed apart: পাই নি)
        ("bn", "মেসেজ দিয়েছি কিন্তু রিপ্লাই পাই নি", {"service": ("রিপ্লাই পাইনি",)}),
        # "My order still hasn't come, it's been ten days."
        (
            "te",
            "నా ఆర్డర్ ఇంకా రాలేదు, పది రోజులైంది.",
            {"delay": ("ఇంకా", "రాలేదు", "రోజులైంది")},
        ),
        # "The product came broken, give the money back."
        (
            "te",
            "ప్రొడక్ట్ పగిలిపోయి వచ్చింది, డబ్బులు తిరిగి ఇవ్వండి.",
            {"defect": ("పగిలి",), "refund": ("డబ్బులు తిరిగి",)},
        ),
        # "Customer care does not pick up the phone; I called again and again."
        (
            "te",
            "కస్టమర్ కేర్ ఫోన్ ఎత్తడం లేదు, మళ్ళీ మళ్ళీ కాల్ చేశాను.",
            {"service": ("ఎత్తడం లేదు",), "repeat": ("మళ్ళీ",)},
        ),
        # "This is complete cheating, they sent a fake item."
        ("te", "ఇది పూర్తిగా మోసం, నకిలీ వస్తువు పంపారు.", {"fraud": ("మోసం", "నకిలీ")}),
        # "My order still hasn't arrived, it's been ten days."
        (
            "hi",
            "मेरा ऑर्डर अभी तक नहीं मिला, दस दिन हो गए।",
            {"delay": ("अभी तक", "नहीं मिल", "दिन हो गए")},
        ),
        # "The goods came broken, give the money back."
        (
            "hi",
            "सामान टूटा हुआ आया, पैसे वापस करो।",
            {"defect": ("टूट",), "refund": ("पैसे वापस",)},
        ),
        # "The customer care people don't pick up the phone; I called many times."
        (
            "hi",
            "कस्टमर केयर वाले फ़ोन नहीं उठाते, कई बार कॉल किया।",
            {"service": ("नहीं उठा",), "repeat": ("कई बार",)},
        ),
        # "This is plain cheating, they sent a fake product." (नकली without nukta)
        ("hi", "ये तो सीधा धोखा है, नकली प्रोडक्ट भेजा।", {"fraud": ("धोखा", "नक़ली")}),
        # "Bad service, didn't get the refund" (no nukta, "नही" for "नहीं")
        (
            "hi",
            "खराब सर्विस, नही मिला रिफंड",
            {"negative": ("ख़राब",), "delay": ("नहीं मिल",), "refund": ("रिफ़ंड",)},
        ),
        # "It's been stuck for weeks, it hasn't arrived" (chandrabindu typed as anusvara)
        (
            "hi",
            "हफ़्तों से अटका है, पहुंचा नहीं",
            {"delay": ("हफ़्तों से", "अटका", "पहुँचा नहीं")},
        ),
        # "Again and again the same thing" (hyphenated reduplication)
        ("hi", "बार-बार वही बात", {"repeat": ("बार बार",)}),
        # "My order still hasn't come, it's been 10 days."
        (
            "hi-Latn",
            "Mera order abhi tak nahi mila, 10 din ho gaye",
            {"delay": ("abhi tak", "nahi mila", "din ho gaye")},
        ),
        # "The product came broken, give the money back." (paisa/vapas spellings)
        (
            "hi-Latn",
            "Product toota hua aaya, paisa vapas karo",
            {"defect": ("toota",), "refund": ("paise wapas",)},
        ),
        # "Customer care people don't pick up the phone; I called so many times."
        (
            "hi-Latn",
            "customer care wale phone nhi uthate, kitni baar call kiya",
            {"service": ("nahi uthate",), "repeat": ("kitni baar",)},
        ),
        # "This is plain cheating, they sent fake goods."
        ("hi-Latn", "ye to seedha dhoka hai, nakli maal bheja", {"fraud": ("dhokha", "nakli")}),
        # "RUBBISH!! #bakwas" (capitals and hashtags)
        ("hi-Latn", "BAKWAAS!! #bakwas", {"negative": ("bakwas",)}),
    ],
)
def test_complaints_find_their_families(
    language: str, text: str, expected: dict[str, tuple[str, ...]]
) -> None:
    assert find_cues(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # "Many thanks, I got the delivery on time, I liked it a lot!"
        ("bn", "অনেক ধন্যবাদ, সময়মতো ডেলিভারি পেয়েছি, খুব ভালো লেগেছে!"),
        # "Perfect product, great!" (পারফেক্ট contains the letters of ফেক, "fake")
        ("bn", "পারফেক্ট প্রোডাক্ট, দারুণ!"),
        # "Very good, it came on time, thank you!"
        ("te", "చాలా బాగుంది, సమయానికి వచ్చింది, ధన్యవాదాలు!"),
        # "Great service, the delivery came on time, thank you!"
        ("hi", "बहुत बढ़िया सर्विस, समय पर डिलीवरी मिली, धन्यवाद!"),
        # "Perfect product, very good" (परफ़ेक्ट contains the letters of फ़ेक, "fake")
        ("hi", "परफ़ेक्ट प्रोडक्ट, बहुत अच्छा"),
        # "Great service, the delivery came on time, thanks!"
        ("hi-Latn", "Bahut badhiya service, time pe delivery mili, shukriya!"),
    ],
)
def test_praise_is_positive_and_not_a_complaint(language: str, text: str) -> None:
    found = find_cues(text, language)
    assert "positive" in found
    assert set(found) & COMPLAINT_FAMILIES == set()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("bn", "সার্ভিস ভালো না"),  # "the service is not good"
        ("bn", "আমি একদম অসন্তুষ্ট"),  # "I am completely dissatisfied"
        ("te", "సర్వీస్ బాగాలేదు"),  # "the service is not good"
        ("te", "నేను సంతోషంగా లేను"),  # "I am not happy"
        ("hi", "सर्विस अच्छी नहीं है"),  # "the service is not good"
        ("hi", "मैं असंतुष्ट हूँ"),  # "I am dissatisfied"
        ("hi-Latn", "service bahut achhi nahi thi"),  # "the service was not very good"
        ("hi-Latn", "main khush nahi hu"),  # "I am not happy"
    ],
)
def test_negated_praise_is_negative_not_positive(language: str, text: str) -> None:
    assert set(find_cues(text, language)) == {"negative"}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("bn", "এই মাসের বাজেট কত? কটা বাজে এখন?"),  # "what's this month's budget? what time is it?"
        ("bn", "চকলেট আর প্লেট"),  # "chocolate and a plate" (লেট, "late")
        ("bn", "আজ বৈঠকে আলোচনা হবে"),  # "it will be discussed at today's meeting" (ঠকে)
        ("te", "చాక్లేట్ తిన్నాను"),  # "I ate chocolate" (లేట్, "late")
        ("te", "ఇది మా బాధ్యత"),  # "this is our responsibility" (బాధ, "pain")
        ("te", "డబ్బులు కట్టాను"),  # "I paid the money" (కట్, "deducted")
        ("te", "బరువు మోసుకొని వెళ్ళాడు"),  # "he carried the load away" (మోస, "cheat")
        ("hi", "चॉकलेट और लेटर"),  # "chocolate and a letter" (लेट, "late")
        ("hi", "सड़क पर फटाफट चलो"),  # "walk quickly on the road" (सड़, "rotten"; फटा, "torn")
        ("hi", "इसका इफ़ेक्ट देखो"),  # "look at its effect" (फ़ेक, "fake")
        ("hi-Latn", "dil bekarar hai"),  # "the heart is restless" (bekar, "useless")
        ("hi-Latn", "takleefdeh nahi"),  # whole words only: takleef is not matched inside
    ],
)
def test_stems_do_not_fire_inside_the_words_they_were_chosen_to_avoid(
    language: str, text: str
) -> None:
    assert find_cues(text, language) == {}


def test_cues_are_reported_once_in_order_of_first_appearance() -> None:
    # "Again the same: fraud, cheating again, then a second time"
    found = find_cues("फिर से वही: धोखा, फिर से ठगी, फिर दोबारा", "hi")
    assert list(found) == ["repeat", "fraud"]
    assert found == {"repeat": ("फिर से", "दोबारा"), "fraud": ("धोखा", "ठगी")}


def test_only_the_first_max_matched_chars_are_read() -> None:
    filler = "क" * MAX_MATCHED_CHARS
    assert find_cues(filler + " धोखा", "hi") == {}
    assert find_cues("धोखा " + filler, "hi") == {"fraud": ("धोखा",)}


def test_joiners_do_not_hide_a_cue() -> None:
    # "replace" written with a zero-width non-joiner inside the conjunct
    assert find_cues("రీప్లే\u200cస్ చేయండి", "te") == {"refund": ("రీప్లేస్",)}


def test_matching_form_folds_hindi_spelling_variants() -> None:
    assert matching_form("ख़राब", "hi") == matching_form("खराब", "hi")
    assert matching_form("पहुँचा", "hi") == matching_form("पहुंचा", "hi")
    assert matching_form("नही  मिला", "hi") == "नहीं मिला"


def test_matching_form_folds_hinglish_spellings() -> None:
    assert matching_form("Paisa VAPAS  nhi", "hi-Latn") == "paise wapas nahi"


@pytest.mark.parametrize("language", ["en", "hi-latn", "bn-Latn"])
def test_unknown_language_is_an_error(language: str) -> None:
    with pytest.raises(ValueError, match="no cue lists"):
        find_cues("anything", language)
    with pytest.raises(ValueError, match="no cue lists"):
        matching_form("anything", language)
