"""Sentiment judgment: VADER with a length cap and an honest "unknown" for unreadable scripts.

This is the baseline the judgments issue replaces (emoji, stars, sarcasm, language
detection). What it already gets right:

- text is capped before scoring, because VADER's time grows quadratically with the number
  of sentiment words (100,000 characters take ~11 s);
- VADER only reads English-like Latin text; for text mostly in other scripts (Bengali,
  Telugu, Devanagari…) it would always answer 0, which is not "neutral" but "cannot tell",
  so such text is labelled ``unknown``.
"""

from __future__ import annotations

from functools import cache

import regex
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.models import Judgments, SentimentLabel

MODEL_NAME = "vader-3.3"
MAX_SCORED_CHARS = (
    2_000  # a long post's first 2,000 characters carry its tone; scoring stays < 1 ms
)
NEUTRAL_BAND = 0.05  # VADER authors' recommended thresholds

_LETTER = regex.compile(r"\p{L}")
_LATIN_LETTER = regex.compile(r"\p{Script=Latin}")


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Loading the lexicon takes ~50 ms; share one analyzer (it is read-only after load).
    return SentimentIntensityAnalyzer()


def is_mostly_latin(text: str) -> bool:
    """Whether at least half of the letters in ``text`` are Latin script (or there are none)."""
    letters = len(_LETTER.findall(text))
    return letters == 0 or len(_LATIN_LETTER.findall(text)) * 2 >= letters


def label_for(compound: float) -> SentimentLabel:
    if compound >= NEUTRAL_BAND:
        return SentimentLabel.POSITIVE
    if compound <= -NEUTRAL_BAND:
        return SentimentLabel.NEGATIVE
    return SentimentLabel.NEUTRAL


def judge_sentiment(text: str) -> Judgments:
    """Score ``text``; ``unknown`` (with no score) when the model cannot read its script."""
    sample = text[:MAX_SCORED_CHARS]
    if not sample.strip() or not is_mostly_latin(sample):
        return Judgments(sentiment=None, sentiment_label=SentimentLabel.UNKNOWN, model=MODEL_NAME)
    compound = float(_analyzer().polarity_scores(sample)["compound"])
    return Judgments(sentiment=compound, sentiment_label=label_for(compound), model=MODEL_NAME)
