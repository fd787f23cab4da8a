"""Chinese and Japanese complaints reach a person: cue lists (lexicon.cjk) read what VADER cannot.

The three complaints and two praises are the cases of the trial quoted in the issue; the rest
are hand-written.
"""

from __future__ import annotations

import pytest

from listener.judging.indic_judgments import indic_found
from listener.judging.judge import Judge
from listener.models import SentimentLabel
from listener.reading.indic_cues import find_cues, matching_form
from listener.reading.lexicon.cjk import CJK_CUES, CJK_JUDGMENT_CUES
from listener.sentiment import judge_sentiment

NEGATIVE = SentimentLabel.NEGATIVE

_JUDGE = Judge()

TRIAL_COMPLAINTS = [
    (
        "我买的Acme rocket充电器坏了，客服也一直不回复，太失望了。",
        "zh",
        ("defect: 坏了", "service: 不回复", "negative: 失望"),
    ),
    ("Acme Corp的客服太差了…", "zh", ("service: 客服太差",)),
    (
        "Acme rocketを買ったのに、Acmeの新製品が壊れた。…返金してほしい。",
        "ja",
        ("defect: 壊れ", "refund: 返金"),
    ),
]


@pytest.mark.parametrize(("text", "language", "evidence"), TRIAL_COMPLAINTS)
def test_the_trials_chinese_and_japanese_complaints_are_complaints(
    text: str, language: str, evidence: tuple[str, ...]
) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.language == language
    assert judged.complaint is True
    assert judged.complaint_evidence == ("negative tone (cue words)", *evidence)
    assert judged.sentiment is None  # VADER read nothing: the cue lists speak, unscored
    assert judged.sentiment_label is NEGATIVE
    assert judged.sentiment_evidence[0].startswith(f"{language} cue words (not scored): ")


@pytest.mark.parametrize(
    ("text", "language"),
    [("这个充电器很好用，谢谢Acme", "zh"), ("Acmeの新製品、最高です！", "ja")],
)
def test_the_trials_praise_is_neither_a_complaint_nor_negative(text: str, language: str) -> None:
    judged = _JUDGE.judge_text(text)
    assert judged.language == language
    assert judged.complaint is False
    assert judged.sentiment_label is SentimentLabel.POSITIVE


def test_traditional_characters_read_as_the_simplified_cues() -> None:
    # The first trial complaint as written in Taiwan or Hong Kong.
    judged = _JUDGE.judge_text("我買的Acme充電器壞了，客服一直沒回覆，太失望了。")
    assert judged.complaint is True
    assert judged.complaint_evidence[1:] == ("defect: 坏了", "service: 没回复", "negative: 失望")
    assert find_cues("退錢！這是騙子", "zh") == {"refund": ("退钱",), "fraud": ("骗子",)}


def test_half_width_katakana_read_as_full_width() -> None:
    assert find_cues("ｷｬﾝｾﾙしたのに返金がない", "ja") == {"refund": ("キャンセル", "返金")}


@pytest.mark.parametrize(
    ("text", "language", "families"),
    [
        # "不错" (good) holds "不" and "错": read as praise only.
        ("这个耳机不错", "zh", {"positive": ("不错",)}),
        # "不好意思" is "excuse me", not "不好" (bad).
        ("不好意思，请问这个怎么用？", "zh", {}),
        ("用了一个月，完全没问题", "zh", {}),
        # a negated praise word is negative, not the praise it holds
        ("不太满意，不推荐", "zh", {"negative": ("不太满意", "不推荐")}),
        ("又便宜又好用", "zh", {"positive": ("好用",)}),  # "又…又…" is "both…and", no repeat
        ("問題ないです。悪くない", "ja", {}),
        ("このケースは壊れにくい", "ja", {}),  # sturdy, not broken
        ("また買います！", "ja", {}),  # "again" as praise, no repeat
        ("また壊れた", "ja", {"repeat": ("また壊れ",)}),
        ("Acme new charger, great", "zh", {}),  # ASCII: nothing to find
    ],
)
def test_short_cues_do_not_fire_inside_longer_words(
    text: str, language: str, families: dict[str, tuple[str, ...]]
) -> None:
    assert find_cues(text, language) == families


def test_a_mixed_post_declared_english_is_read_by_its_chinese_words() -> None:
    # A feed says "en"; VADER reads only "Acme" and scores 0, which would be a false neutral.
    sentiment = judge_sentiment("Acme 充电器坏了，太失望了", language="en")
    assert sentiment.label is NEGATIVE
    assert sentiment.evidence == ("zh cue words (not scored): 坏了, 失望",)


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        (
            "快递一个星期了还没到，气死了",
            "zh",
            {
                "topic": {"delivery": ("快递", "还没到")},
                "feeling": {"angry": ("气死",)},
            },
        ),
        (
            "サポートに返信がない。本当にがっかりです。",
            "ja",
            {
                "topic": {"support": ("サポート", "返信が")},
                "feeling": {"disappointed": ("がっかり",)},
            },
        ),
        ("我一点也不失望", "zh", {}),  # a feeling said not to be felt
    ],
)
def test_topics_and_feelings_of_chinese_and_japanese(
    text: str, language: str, found: dict[str, dict[str, tuple[str, ...]]]
) -> None:
    assert indic_found(text, language) == found


def test_the_judge_gives_topics_and_feelings_with_their_words() -> None:
    judged = _JUDGE.judge_text("我买的Acme rocket充电器坏了，客服也一直不回复，太失望了。")
    assert {f.name: f.evidence for f in judged.topics} == {
        "support": ("客服", "不回复"),
        "product_quality": ("坏了",),
    }
    assert {f.name: f.evidence for f in judged.feelings} == {"disappointed": ("失望",)}


@pytest.mark.parametrize("lists", [CJK_CUES, CJK_JUDGMENT_CUES])
def test_cues_are_two_characters_or_more_and_chinese_ones_simplified(
    lists: dict[str, dict[str, tuple[str, ...]]],
) -> None:
    # A one-character cue hides in too many words; a traditional character in a cue would
    # never match, as the text is folded to simplified before matching.
    for language, families in lists.items():
        for cues in families.values():
            for cue in cues:
                assert len(cue) >= 2, cue
                assert matching_form(cue, language) == cue, cue
