"""Language detection: script first, then function words for Latin-script text.

Every sentence here was written for these tests; none comes from the labelled datasets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench.language import XLMT_LANGUAGES, measure, xlmt_sets
from listener.reading.language import (
    MAX_CHARS,
    LanguageGuess,
    detect_language,
    script_and_language,
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I ordered the blue one last week and it still has not arrived", "en"),
        ("@acme my parcel is late again, this is the third time", "en"),
        ("El pedido llegó tarde y la caja estaba rota, no lo recomiendo", "es"),
        ("Je suis vraiment déçu, le colis est arrivé avec deux semaines de retard", "fr"),
        ("Ich habe das Paket immer noch nicht bekommen und der Support antwortet nicht", "de"),
        ("O pedido chegou atrasado e ninguém me respondeu até agora", "pt"),
        ("Il pacco è arrivato in ritardo e nessuno mi ha risposto", "it"),
        ("Saya sudah menunggu dua minggu tapi paketnya belum juga datang", "id"),
        ("Bhai mera order abhi tak nahi aaya, kya ho raha hai yaar", "hi-Latn"),
        ("Ik heb mijn pakket nog steeds niet ontvangen en niemand reageert", "nl"),
        ("Siparişim hâlâ gelmedi ve kimse bana cevap vermiyor, çok kötü", "tr"),
        ("Nie dostałem jeszcze paczki i nikt mi nie odpowiada, to jest żart", "pl"),
        ("Jag har fortfarande inte fått mitt paket och ingen svarar", "sv"),
    ],
)
def test_latin_script_languages_from_function_words(text: str, language: str) -> None:
    guess = detect_language(text)
    assert guess.script == "Latin"
    assert guess.language == language
    assert 0.0 < guess.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "script", "language"),
    [
        ("আমার অর্ডার এখনো আসেনি, খুব খারাপ সার্ভিস", "Bengali", "bn"),
        ("నా ఆర్డర్ ఇంకా రాలేదు, చాలా చెడ్డ సేవ", "Telugu", "te"),
        ("मेरा ऑर्डर अभी तक नहीं आया, बहुत खराब सेवा", "Devanagari", "hi"),
        ("என் ஆர்டர் இன்னும் வரவில்லை, மிகவும் மோசமான சேவை", "Tamil", "ta"),
        ("لم يصل طلبي حتى الآن، خدمة سيئة جدا", "Arabic", "ar"),
        ("Мой заказ до сих пор не пришёл, ужасный сервис", "Cyrillic", "ru"),
        ("我的订单还没到，服务太差了", "Han", "zh"),
        ("注文した商品がまだ届きません、ひどいサービスです", "Japanese", "ja"),
        ("주문한 물건이 아직 안 왔어요, 서비스가 너무 별로예요", "Hangul", "ko"),
        ("คำสั่งซื้อของฉันยังไม่มาถึงเลย", "Thai", "th"),
        ("Η παραγγελία μου δεν έχει έρθει ακόμα", "Greek", "el"),
        ("ההזמנה שלי עדיין לא הגיעה", "Hebrew", "he"),
    ],
)
def test_other_scripts_map_to_their_language(text: str, script: str, language: str) -> None:
    guess = detect_language(text)
    assert (guess.script, guess.language) == (script, language)
    assert guess.evidence[0] == f"{script} script 100% of letters"


def test_shared_scripts_say_what_they_assumed_and_are_less_sure() -> None:
    hindi = detect_language("मेरा ऑर्डर अभी तक नहीं आया")
    bengali = detect_language("আমার অর্ডার এখনো আসেনি")
    assert hindi.confidence < bengali.confidence
    assert any("Marathi" in reason for reason in hindi.evidence)
    assert any("Russian assumed" in reason for reason in detect_language("Привет").evidence)


def test_tell_tale_letters_pick_the_language_within_a_shared_script() -> None:
    assert detect_language("Моє замовлення досі не прийшло, жодної відповіді").language == "uk"
    assert detect_language("میرا آرڈر ابھی تک نہیں آیا، بہت برا ہے").language == "ur"
    assert detect_language("سفارش من هنوز نرسیده است و کسی جواب نمی‌دهد").language == "fa"
    # Iraqi and Gulf Arabic write گ and چ too: not a sign of Persian.
    assert detect_language("شلونك حبيبي، گلبي وياك، چا وين رحت").language == "ar"
    assert detect_language("তোমাৰ কথা মোৰ মনত আছে").language == "as"  # ৰ: Assamese


def test_mostly_bengali_with_an_english_brand_name_is_bengali() -> None:
    guess = detect_language("Samsung এর সার্ভিস সেন্টারে গিয়ে কোনো লাভ হলো না, খুবই হতাশ")
    assert (guess.script, guess.language) == ("Bengali", "bn")
    assert guess.evidence[0].startswith("Bengali script 8")  # the brand's letters count too


def test_chinese_with_a_stray_kana_stays_chinese() -> None:
    assert detect_language("这个蛋糕の味道真的很好吃，我们下次还要来买").language == "zh"


def test_handles_hashtags_and_urls_are_not_letters() -> None:
    only_names = detect_language("@acme_support #fail https://x.co/abc www.example.org")
    assert (only_names.script, only_names.language) == (None, None)
    # A handle full of English words does not outvote the Bengali text.
    guess = detect_language("@the_best_of_the_web আমার অর্ডার আসেনি https://the.example/of/the")
    assert guess.language == "bn"
    assert guess.evidence[0] == "Bengali script 100% of letters"


def test_a_url_glued_to_a_word_is_still_a_url() -> None:
    guess = detect_language("Read the full story about the launchhttps://t.co/co/w/to/go")
    assert guess.language == "en"
    assert "co" not in words_in(guess)  # not the "co" of "t.co", a Polish word


def words_in(guess: LanguageGuess) -> list[str]:
    """The function words an evidence line names, e.g. "English function words: the, is"."""
    line = next(reason for reason in guess.evidence if " function words: " in reason)
    return line.split(": ", 1)[1].split(", ")


@pytest.mark.parametrize("text", ["", "   ", "😀🔥👍🏽❤️", "12345 !!! ... 👍", "#hashtag @handle"])
def test_no_letters_means_no_script_and_no_language(text: str) -> None:
    guess = detect_language(text)
    assert guess == LanguageGuess(None, None, 0.0, ("no letters",))


@pytest.mark.parametrize("text", ["lol ok", "wow 🔥🔥", "Samsung Galaxy S24 Ultra"])
def test_latin_text_without_enough_function_words_is_undecided(text: str) -> None:
    guess = detect_language(text)
    assert (guess.script, guess.language, guess.confidence) == ("Latin", None, 0.0)


def test_shared_words_alone_do_not_decide() -> None:
    # "de", "la", "me", "se" are Spanish, French, Italian, Portuguese… all at once.
    assert detect_language("de la me se").language is None
    # Leaning Spanish ("ya": es/id/tr, "su": es/it) but under one full vote: not enough.
    assert detect_language("ya su").language is None


def test_one_word_repeated_is_one_piece_of_evidence() -> None:
    assert detect_language("what what what what").language is None
    assert detect_language("what is what").language == "en"


def test_two_languages_with_comparable_evidence_stay_undecided() -> None:
    # English 2.5 votes, Spanish 3.25: Spanish leads, but not by enough to name it.
    guess = detect_language("the best of the day y el mejor de la noche con todo")
    assert (guess.script, guess.language) == ("Latin", None)
    assert guess.evidence[1].startswith("too few or mixed function words (es ")


def test_english_wins_despite_words_shared_with_other_languages() -> None:
    # "to", "a", "in", "no", "me", "is", "was", "on" also belong to other lists.
    guess = detect_language("I want to go to a show in town, no one told me it was on")
    assert guess.language == "en"


def test_hinglish_with_english_words_mixed_in_is_hinglish() -> None:
    guess = detect_language(
        "yaar customer care wale phone hi nahi utha rahe, bahut bekar service hai"
    )
    assert guess.language == "hi-Latn"


def test_evidence_names_the_words_that_decided() -> None:
    guess = detect_language("the box is broken and my charger is missing")
    assert guess.evidence[0] == "Latin script 100% of letters"
    assert guess.evidence[1].startswith("English function words: ")
    assert {"the", "is", "and", "my"} <= set(words_in(guess))


def test_tell_tale_letters_are_evidence() -> None:
    guess = detect_language("Não recebi o meu pedido e ninguém responde")
    assert guess.language == "pt"
    assert "letters: ã" in guess.evidence


def test_turkish_dotted_capital_i_does_not_split_words() -> None:
    guess = detect_language("İÇİN DEĞİL, BU ÇOK KÖTÜ")
    assert guess.language == "tr"
    assert {"için", "değil", "bu", "çok"} <= set(words_in(guess))


def test_fancy_font_letters_are_read_as_latin() -> None:
    guess = detect_language("𝐓𝐡𝐞 𝐛𝐞𝐬𝐭 𝐝𝐚𝐲 𝐨𝐟 𝐦𝐲 𝐥𝐢𝐟𝐞 𝐰𝐚𝐬 𝐲𝐞𝐬𝐭𝐞𝐫𝐝𝐚𝐲")
    assert (guess.script, guess.language) == ("Latin", "en")


def test_a_script_without_a_mapped_language_is_named_but_undecided() -> None:
    guess = detect_language("ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ")  # Mongolian script
    assert guess.script == "Mongolian"
    assert guess.language is None


def test_very_long_text_only_reads_the_start() -> None:
    # Bengali first, then a megabyte of English: read whole, the English would win.
    text = "আমার অর্ডার এখনো আসেনি। " * 50 + "and the rest of it is in English. " * 30_000
    assert len(text) > 1_000_000
    assert len(text[:MAX_CHARS]) == MAX_CHARS < 50 * len("আমার অর্ডার এখনো আসেনি। ")
    guess = detect_language(text)
    assert (guess.script, guess.language) == ("Bengali", "bn")


@pytest.mark.parametrize(
    "text",
    [
        "this is the one and only",
        "I can't wait, it's the best",
        "lol ok",
        "el perro y la casa de mi madre",
        "ich bin nicht sicher, ob das stimmt",
        "yeh kya hai yaar, bahut bura",
        "@user #tag https://t.co/x",
        "Castrohttps://t.co/xyz is the one and the best",
        "awww.example.com and the cat is on the mat",
        "don' l' qu'il est là",
        "",
        "12345 !!!",
        "OnePlus 5T এর review চাই",
        "Samsung এর সার্ভিস খুব খারাপ",
        "the one " * 400,
    ],
)
def test_script_and_language_agree_with_detect_language(text: str) -> None:
    # The judges' lean reading must name what the full guess names, whatever the text.
    guess = detect_language(text)
    assert script_and_language(text) == (guess.script, guess.language)


def test_guess_is_immutable() -> None:
    guess = detect_language("this is the one")
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.language = "fr"  # type: ignore[misc]


def test_bench_reads_the_datasets_and_skips_without_them(tmp_path: Path) -> None:
    xlmt = tmp_path / "xlmt_sentiment"
    (xlmt / "english").mkdir(parents=True)
    (xlmt / "english" / "test_text.txt").write_text("this is the one\nlol\n", encoding="utf-8")
    (tmp_path / "bangla_sentiment").mkdir()
    (tmp_path / "bangla_sentiment" / "bn_all_test.tsv").write_text(
        'id\ttext\tclass_label\n1\tসেবা খুব "খারাপ\tnegative\n', encoding="utf-8"
    )
    results = measure(tmp_path)
    assert set(results) == {"xlmt english", "bangla_sentiment"}
    english = results["xlmt english"]
    assert (english.texts, english.correct, english.undecided, english.wrong) == (2, 0.5, 0.5, 0)
    assert results["bangla_sentiment"].correct == 1.0
    assert measure(tmp_path / "absent") == {}


def test_bench_splits_the_combined_xlmt_file_by_language(tmp_path: Path) -> None:
    (tmp_path / "xlmt_sentiment" / "all").mkdir(parents=True)
    lines = [f"{name} tweet {i}" for name in XLMT_LANGUAGES for i in range(3)]
    (tmp_path / "xlmt_sentiment" / "all" / "test_text.txt").write_text("\n".join(lines) + "\n")
    sets = xlmt_sets(tmp_path)
    assert sets["xlmt french"] == ("fr", ["french tweet 0", "french tweet 1", "french tweet 2"])
    assert sets["xlmt hindi"][0] == "hi-Latn"
