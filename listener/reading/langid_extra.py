"""Optional statistical language ID beyond our own lists (``listener[langid]``: py3langid).

Our detector (``listener.reading.language``) reads the writing system first and, in Latin
script, votes with function words; it leaves ``language`` None when the evidence is thin or
the language is not on its lists. py3langid (BSD-3, a 4.6 MB wheel, 141 languages in 0.4.0,
a naive Bayes model over byte n-grams) fills those gaps only: our script-first answer always
stands where we have one, because it is right on what we know (Bengali by its script,
romanised Hindi, which py3langid was never taught) and explains itself. The judge asks it
only with ``judgments.language_id: py3langid``.

py3langid's probabilities are normalised over its 142 classes (141 languages and "zxx", no
language); a guess below ``MIN_PROBABILITY`` is not taken (short posts spread it thin).
Nothing is loaded unless this module is asked: the model takes ~0.3 s to load.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from dataclasses import replace
from functools import cache
from typing import Any

from listener.reading.language import MAX_CHARS, LanguageGuess, detect_language

__all__ = [
    "MIN_PROBABILITY",
    "LanguageIDUnavailable",
    "StatisticalLanguageID",
    "detect_with_fallback",
    "setting_problem",
    "shared_identifier",
    "unavailable_reason",
]

# Measured with bench/language.py on the posts ours leaves undecided (XLM-T test sets and
# TweetEval English): at 0.5 py3langid names 4-21% more of a set rightly but 1-2% wrongly
# (romanised Hindi, which it never learned, becomes Indonesian or English); at 0.7 it names
# 2.5-15% more and at most 1% wrongly; at 0.9, 0.5-8% more. A wrong language hides a post
# from the English judgments, so the stricter 0.7.
MIN_PROBABILITY = 0.7
# Not a language: py3langid's class for "no linguistic content" (codes, serials, "A1B2C3").
NO_LANGUAGE = "zxx"
INSTALL_HINT = "pip install 'listener[langid]'"


SETTING = "judgments.language_id"


class LanguageIDUnavailable(RuntimeError):
    """``judgments.language_id: py3langid`` where py3langid cannot be imported."""


def unavailable_reason() -> str | None:
    """Why py3langid cannot be used here (None when it is installed and imports)."""
    if importlib.util.find_spec("py3langid") is None:
        return f"not installed: py3langid ({INSTALL_HINT})"
    try:
        # Found is not enough: a broken install (its numpy missing) fails only on import,
        # which must happen at `listener check`, not at the first mention. ~0.15 s, once.
        importlib.import_module("py3langid.langid")
    except ImportError as error:
        return f"not importable: py3langid ({error}; {INSTALL_HINT})"
    return None


def setting_problem(language_id: str) -> str | None:
    """Why ``judgments.language_id`` cannot be honoured here (None when it can)."""
    if language_id != "py3langid":
        return None
    reason = unavailable_reason()
    return None if reason is None else f"{SETTING} is py3langid, but the extra is {reason}"


@cache
def shared_identifier() -> StatisticalLanguageID:
    """One loaded identifier per process: every Judge the daemon builds (one per reload
    and per retraining) shares it, so the model loads once (~0.3 s).

    Raises ``LanguageIDUnavailable`` (naming the setting) when py3langid cannot be used."""
    problem = setting_problem("py3langid")
    if problem is not None:
        raise LanguageIDUnavailable(problem)
    identifier = StatisticalLanguageID()
    identifier.guess("ready")  # loads the model now: the first mention waits for nothing
    return identifier


class StatisticalLanguageID:
    """py3langid's guess, loaded on first use; thread-safe."""

    def __init__(self, min_probability: float = MIN_PROBABILITY) -> None:
        self._min_probability = min_probability
        self._lock = threading.Lock()
        self._identifier: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._identifier is None:
                reason = unavailable_reason()
                if reason is not None:
                    raise RuntimeError(reason)
                from py3langid.langid import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
                    MODEL_FILE,
                    LanguageIdentifier,
                )

                self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            return self._identifier

    def guess(self, text: str) -> tuple[str, float] | None:
        """(ISO 639 code, probability), or None below the minimum probability or where
        py3langid finds no language at all."""
        # Capped as our own detector is: its cost grows with the text, and the first
        # few hundred letters name the language of a post or an article alike.
        language, probability = self._load().classify(text[:MAX_CHARS])
        if probability < self._min_probability or language == NO_LANGUAGE:
            return None
        return str(language), float(probability)


def detect_with_fallback(text: str, identifier: StatisticalLanguageID) -> LanguageGuess:
    """``detect_language(text)``, with py3langid's guess where ours is None."""
    ours = detect_language(text)
    if ours.language is not None or ours.script is None:
        return ours  # ours stands; a text without letters has no language to find
    found = identifier.guess(text)
    if found is None:
        return ours
    language, probability = found
    return replace(
        ours,
        language=language,
        confidence=probability,
        evidence=(*ours.evidence, f"py3langid: {language} ({probability:.2f})"),
    )
