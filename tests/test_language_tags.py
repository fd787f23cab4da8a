"""Which language the judges read a text as: a source's tag, unless the letters contradict it."""

from __future__ import annotations

import pytest

from listener.reading.language import detect_language
from listener.reading.language_tags import primary_tag, reading_language


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("  fr ", "fr"),
        ("hi-Latn", "hi-Latn"),
        ("hi-latn", "hi-Latn"),
        ("HI_LATN", "hi-Latn"),
        ("hi-Latn-IN", "hi-Latn"),
        ("hi-IN", "hi"),
        ("bn-Latn", "bn"),  # only romanised Hindi has cue lists of its own
        ("", None),
        ("  ", None),
        ("-", None),
        (None, None),
    ],
)
def test_primary_tag(tag: str | None, expected: str | None) -> None:
    assert primary_tag(tag) == expected


def read(text: str, declared: str | None) -> str | None:
    return reading_language(declared, detect_language(text))


def test_the_source_is_believed_for_latin_text() -> None:
    # Function words would say English; the source says Spanish and is believed.
    assert read("the order is late", "es") == "es"


def test_no_tag_means_the_detected_language() -> None:
    assert read("ডেলিভারি এখনো পাইনি", None) == "bn"


@pytest.mark.parametrize("declared", ["en", "en-US", "es", "xx"])
def test_indic_letters_overrule_a_latin_script_tag(declared: str) -> None:
    assert read("ডেলিভারি এখনো পাইনি, টাকা ফেরত চাই", declared) == "bn"
    assert read("డెలివరీ ఇంకా రాలేదు", declared) == "te"
    assert read("मेरा ऑर्डर अभी तक नहीं आया", declared) == "hi"


def test_a_tag_in_the_texts_own_script_is_believed() -> None:
    # Devanagari also writes Marathi: the source knows which one it is.
    assert read("मेरा ऑर्डर अभी तक नहीं आया", "mr") == "mr"
    assert read("Доставка опять задерживается", "uk") == "uk"


def test_a_tag_in_another_non_latin_script_is_overruled() -> None:
    assert read("ডেলিভারি এখনো পাইনি", "hi") == "bn"


def test_text_without_letters_keeps_the_tag() -> None:
    assert read("👍👍 10/10", "de") == "de"
