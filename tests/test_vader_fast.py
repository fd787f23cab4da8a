"""FastVader must give exactly vaderSentiment's scores: ``listener.sentiment`` relies on it.

Hand-written cases exercise each VADER rule (negation, boosters, capitals, "but", idioms,
"kind of", emoticons, emoji names, "least", "never so", punctuation); when ``../shared`` is
beside the checkout, every text in its datasets is compared as well.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.reading.vader_fast import FastVader

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"

CASES = [
    "",
    "   ",
    "The package arrived.",
    "I love it",
    "I do not love it",
    "I don't love it at all",
    "It isn't really that bad",
    "It is VERY GOOD!!!",
    "GREAT service, terrible food",
    "The food was great but the service was horrible",
    "Not bad but not great either",
    "It was kind of okay",
    "She is kind of kind",
    "that was the bomb, a real badass show",
    "yeah right, the shit hit the fan",
    "never so happy in my life",
    "least helpful support ever",
    "at least it works",
    "without a doubt the best",
    ":) :( :D <3",
    "I'm 😡 with this 👎 service 🙄",
    "😂😂😂 so funny",
    "Nice work @UPS. Days late AND smashed. Awesome",
    "Wow!!!! Amazing??? Really???",
    "no no no no",
    "this sux, meh",
    "İstanbul güzel, çok iyi",
    "Ça va très bien, merci",
    "The app crashes and my refund has not arrived after three weeks. Terrible.",
    "hate hate hate love",
    "I don't think it's not good",
    "it's not the worst but it's far from the best",
    "LOL. Kinda sorta maybe fine.",
]


def _scores(texts: list[str]) -> Iterator[tuple[str, dict[str, float], dict[str, float]]]:
    reference = SentimentIntensityAnalyzer()
    fast = FastVader(reference.lexicon, reference.emojis)
    for text in texts:
        yield text, reference.polarity_scores(text), fast.polarity_scores(text)


@pytest.mark.parametrize("text", CASES)
def test_fast_vader_gives_vaders_scores(text: str) -> None:
    [(_, expected, got)] = list(_scores([text]))
    assert got == expected


def test_compound_is_the_compound_of_polarity_scores() -> None:
    reference = SentimentIntensityAnalyzer()
    fast = FastVader(reference.lexicon, reference.emojis)
    for text in CASES:
        assert fast.compound(text) == reference.polarity_scores(text)["compound"], text


def _dataset_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((DATASETS / "vader_groundtruth").glob("*_GroundTruth.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                texts.append(parts[2])
    tweets = DATASETS / "tweeteval_sentiment" / "test_text.txt"
    if tweets.exists():
        texts += tweets.read_text(encoding="utf-8").splitlines()
    complaints = DATASETS / "complaints" / "complaints-dev.csv"
    if complaints.exists():
        with complaints.open(encoding="utf-8", newline="") as handle:
            texts += [row[1] for row in csv.reader(handle) if len(row) > 1]
    return texts


def test_fast_vader_matches_vader_on_every_dataset_text() -> None:
    texts = _dataset_texts()
    if not texts:
        pytest.skip(f"no datasets at {DATASETS}")
    different = [text for text, expected, got in _scores(texts) if expected != got]
    assert different == [], f"{len(different)} of {len(texts)} differ, e.g. {different[:3]}"
