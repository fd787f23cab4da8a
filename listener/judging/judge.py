"""The judge: every judgment of a mention, from the mention plus settings (plus learned models).

Order matters and is fixed: language first (ours; py3langid's where ours is undecided and
``judgments.language_id`` asks for it; it decides whether the sentiment model can read the
text and which cue lists apply), then one pass of the English cue lists (what a
phrase explains away taken out: ``complaint.tidy_cues``), sarcasm, sentiment, complaint
(rules, blended with the brand's learned model; press is never a customer's complaint, harm
always is), feelings, topics, flags, reach and urgency last (it weighs all the others).

A ``Judge`` compiles the cue lists once (the user's topics included); judging is then a
pure function of the mention. ``with_models`` gives a judge that shares those compiled
lists but uses newer learned models, so the daemon can swap models without recompiling.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from listener.config.judgments import JudgmentSettings
from listener.config.settings import BrandSettings
from listener.judging.abuse import abuse_flags
from listener.judging.bots import AccountActivity
from listener.judging.complaint import (
    ComplaintSignals,
    ComplaintVerdict,
    inquiry_opening,
    judge_complaint,
    negated_action,
    tidy_cues,
)
from listener.judging.cue_reading import by_namespace, script_cues, with_hashtag_words
from listener.judging.cues import CueSet, prepare, words_of
from listener.judging.danger import read_danger
from listener.judging.feelings import judge_feelings
from listener.judging.indic_judgments import indic_found
from listener.judging.learning import ComplaintModel, blend
from listener.judging.press import press_evidence
from listener.judging.sarcasm import SARCASM_CUES, sarcasm_evidence
from listener.judging.signals import reach, spam_flags, urgency
from listener.models import (
    Author,
    Engagement,
    Finding,
    Flag,
    Judgments,
    Mention,
    SentimentLabel,
    Urgency,
)
from listener.query import extract_handles
from listener.reading.langid_extra import StatisticalLanguageID, shared_identifier
from listener.reading.language import script_and_language
from listener.reading.language_tags import reading_language
from listener.reading.lexicon.english import COMPLAINT_CUES, FEELING_CUES, TOPIC_CUES
from listener.sentiment import (
    MODEL_NAME,
    Sentiment,
    judge_sentiment,
)
from listener.sentiment import load as load_sentiment

# Handles of customer-care desks, whoever the brand: "@acme_support", "@AcmeCares", "@acmehelp".
_CARE_HANDLE = re.compile(r"support|care|help|service|custserv|_cs$|desk", re.IGNORECASE)
# "@" not preceded by a word character or "@". The look-behind comes after the "@" so the
# engine can skip to each "@" at C speed instead of testing the look-behind everywhere.
_HANDLE = re.compile(r"@(?<![\w@]@)(\w{1,30})")


# Shared defaults: both are frozen, and building one per mention costs more than the rest of
# what reads it.
_NO_AUTHOR = Author()
_NO_ENGAGEMENT = Engagement()
# A post reporting harm is a complaint about safety whatever its tone: its score is at least this.
SAFETY_SCORE = 0.9
# A press item's complaint score is at most this: it reads as "not a complaint".
PRESS_SCORE = 0.1
# The topic of racism, slurs and harassment (lexicon.english.TOPIC_CUES): it leads the
# topics and makes a complaint urgent.
DISCRIMINATION = "discrimination"


class _Reading(NamedTuple):  # a tuple: built per mention, and cheaper than a frozen dataclass
    language: str | None
    script: str | None
    found: dict[str, dict[str, tuple[str, ...]]]  # namespace → cue family → words
    sarcasm: tuple[str, ...]
    sentiment: Sentiment
    rules: ComplaintVerdict
    language_by: tuple[str, ...]  # who named the language, when not our own rules (py3langid)

    @property
    def extras(self) -> dict[str, float]:
        return self.rules.features | {"rule_score": self.rules.score}


class Judge:
    """Judges mentions with compiled cue lists, the brands' handles and learned models."""

    def __init__(
        self,
        settings: JudgmentSettings | None = None,
        brands: Sequence[BrandSettings] = (),
        models: Mapping[str, ComplaintModel] | None = None,
    ) -> None:
        self._settings = settings or JudgmentSettings()
        families: dict[str, tuple[str, ...]] = {}
        families |= {f"complaint:{k}": v for k, v in COMPLAINT_CUES.items()}
        families |= {f"feeling:{k}": v for k, v in FEELING_CUES.items()}
        families |= {f"sarcasm:{k}": v for k, v in SARCASM_CUES.items()}
        topics = {k: tuple(v) for k, v in TOPIC_CUES.items()}
        for name, terms in self._settings.topics.items():
            topics[name] = topics.get(name, ()) + tuple(terms)  # extends a built-in topic
        families |= {f"topic:{k}": v for k, v in topics.items()}
        self._cues = CueSet(families)
        self._brand_handles = {
            brand.name: frozenset(brand.own_handles) | {h.lower() for h in _query_handles(brand)}
            for brand in brands
        }
        self._models = dict(models or {})
        # Raises LanguageIDUnavailable, naming the setting, when the extra cannot be used:
        # a setting honoured or refused (`listener check` says so first), never ignored.
        self._language_id: StatisticalLanguageID | None = (
            shared_identifier() if self._settings.language_id == "py3langid" else None
        )
        load_sentiment()  # once per process: ready to judge, the first mention waits for nothing

    def with_models(self, models: Mapping[str, ComplaintModel]) -> Judge:
        judge = object.__new__(Judge)
        judge.__dict__.update(self.__dict__)  # no __slots__: share the compiled cue lists
        judge._models = dict(models)
        return judge

    def judge(self, mention: Mention, activity: AccountActivity | None = None) -> Judgments:
        """Every judgment of ``mention``, each with its evidence; ``activity`` (the
        account's recent posting, when the pipeline read it) feeds the bot judge."""
        text = f"{mention.title}\n{mention.text}".strip()
        return self.judge_text(
            text,
            language=mention.language,
            rating=mention.rating,
            author=mention.author,
            engagement=mention.engagement,
            brands=mention.brands,
            title=mention.title,
            source_type=mention.source_type,
            url=mention.url,
            activity=activity,
            posted_at=mention.published_at,
        )

    def judge_text(
        self,
        text: str,
        *,
        language: str | None = None,
        rating: float | None = None,
        author: Author | None = None,
        engagement: Engagement | None = None,
        brands: Sequence[str] = (),
        title: str = "",
        source_type: str | None = None,
        url: str | None = None,
        activity: AccountActivity | None = None,
        posted_at: datetime | None = None,
    ) -> Judgments:
        """Judge a bare text (with whatever is known about it): the bench and drafts use this.

        ``title``, ``source_type`` and ``url`` tell a news item from a customer's post;
        ``activity`` and ``posted_at`` (the account's recent posting, the post's time) feed
        the bot judge."""
        reading = self._read(text, language, rating, brands)
        sentiment, rules = reading.sentiment, reading.rules
        model = self._model_for(brands) if brands else None
        if model is None:  # what blend() says without a model, without the call
            score, by, cut = rules.score, "rules", self._settings.complaint_threshold
        else:
            score, by, cut = blend(
                rules.score,
                model,
                text,
                reading.extras,
                min_labels=self._settings.learning.min_labels,
                full_labels=self._settings.learning.full_labels,
                rules_cut=self._settings.complaint_threshold,
            )
        danger = read_danger(text, reading.language)
        complaint_evidence = rules.evidence
        press = press_evidence(
            text, title=title, source_type=source_type, url=url, language=reading.language
        )
        if press:
            # An article about the brand is no customer asking it for anything, whatever
            # its words (a news item about a fire keeps its safety topic and urgency).
            score = min(score, PRESS_SCORE)
            complaint_evidence += ("press: a news item about the brand, not a customer's post",)
        elif danger:
            score = max(score, SAFETY_SCORE)
            complaint_evidence += (f"safety: {', '.join(repr(w) for w in danger.safety)}",)
        is_complaint = score >= cut and not press
        negative = sentiment.label is SentimentLabel.NEGATIVE or is_complaint
        feelings = judge_feelings(
            reading.found.get("feeling", {}),
            text=text,
            negative=negative,
            sarcasm=reading.sarcasm,
            complaint_cues=reading.found.get("complaint"),
        )
        topic_words = reading.found.get("topic", {})
        topics = (
            tuple(
                Finding(name, words)
                for name, words in sorted(topic_words.items(), key=lambda item: -len(item[1]))
            )
            if topic_words
            else ()
        )
        discrimination = topic_words.get(DISCRIMINATION, ())
        if discrimination:  # the gravest matter named leads, whatever else is counted
            topics = (
                Finding(DISCRIMINATION, discrimination),
                *(t for t in topics if t.name != DISCRIMINATION),
            )
        if danger:
            topics = (Finding("safety", danger.safety), *topics)
        author = author or _NO_AUTHOR
        flags = spam_flags(text, author, activity, posted_at=posted_at) + abuse_flags(text)
        if press:
            flags += (Finding(Flag.PRESS, press),)
        reach_evidence: tuple[str, ...] = ()
        if author is _NO_AUTHOR and engagement is None:
            audience = 0  # what reach() says when nothing is known
        else:
            audience, reach_evidence = reach(author, engagement or _NO_ENGAGEMENT)
        level, urgency_evidence = urgency(
            text,
            complaint=is_complaint,
            feelings=[f.name for f in feelings] if feelings else (),
            reach=audience,
            flags=[f.name for f in flags] if flags else (),
            safety=danger.safety,
        )
        if discrimination and is_complaint:
            # Racism or harassment reported is seen at once, like harm (signals.urgency).
            level = Urgency.HIGH
            urgency_evidence = (
                f"discrimination '{discrimination[0]}'",
                *urgency_evidence,
            )
        if by != "rules" and model is not None:
            complaint_evidence += (f"brand model from {model.labels} labels ({by})",)
        sentiment_label, sentiment_evidence = sentiment.label, sentiment.evidence
        if sentiment_label is SentimentLabel.POSITIVE and any(f.name == Flag.THREAT for f in flags):
            # "hope the CEO gets hit by a bus" scores "hope" as warmth; a threat is never that.
            sentiment_label, sentiment_evidence = (
                SentimentLabel.NEGATIVE,
                (*sentiment_evidence, "threat"),
            )
        return Judgments(
            sentiment=sentiment.score,
            sentiment_label=sentiment_label,
            model=MODEL_NAME,
            sentiment_evidence=(
                (*reading.language_by, *sentiment_evidence)
                if reading.language_by
                else sentiment_evidence
            ),
            language=reading.language,
            script=reading.script,
            complaint=is_complaint,
            complaint_score=round(score, 4),
            complaint_evidence=complaint_evidence,
            complaint_by=by,
            feelings=feelings,
            topics=topics,
            urgency=level,
            urgency_evidence=urgency_evidence,
            flags=flags,
            reach=audience,
            reach_evidence=reach_evidence,
        )

    def rule_features(
        self,
        text: str,
        *,
        language: str | None = None,
        rating: float | None = None,
        brands: Sequence[str] = (),
    ) -> dict[str, float]:
        """The complaint rules' named features: the learning path's inputs beside the words."""
        return self._read(text, language, rating, brands).extras

    def _read(
        self, text: str, language: str | None, rating: float | None, brands: Sequence[str]
    ) -> _Reading:
        """Language, cues, sarcasm, sentiment and the complaint rules: what the rest builds on."""
        guess = script_and_language(text)
        lang = reading_language(language, guess)
        language_by: tuple[str, ...] = ()
        if lang is None and guess.script is not None and self._language_id is not None:
            # Only where ours is undecided (and the source named none): ours stands where
            # it has an answer, and the statistical model costs ~0.1 ms a text.
            named = self._language_id.guess(text)
            if named is not None:
                lang = named[0]
                language_by = (f"language {lang} named by py3langid ({named[1]:.2f})",)
        english = lang in (None, "en")
        prepared = prepare(text)
        words = words_of(prepared)  # read once: the cue pass and the negation check share them
        found = by_namespace(self._cues.find_words(with_hashtag_words(words, prepared)))
        cues = dict(found.get("complaint", {})) if english else {}  # gets "problem" added
        negated = negated_action(prepared, words) if english else None
        if negated and not any(negated in word for word in cues.get("problem", ())):
            cues["problem"] = (*cues.get("problem", ()), negated)
        if cues:
            cues = tidy_cues(cues)
        indic = script_cues(text, lang)
        sarcasm = (
            sarcasm_evidence(found.get("sarcasm", {}), cues, prepared, rating) if english else ()
        )
        sentiment = judge_sentiment(
            text, language=lang, rating=rating, sarcasm=sarcasm, cue_families=indic
        )
        rules = judge_complaint(
            ComplaintSignals(
                cues=cues,
                sentiment=sentiment,
                addressed_to=self._addressed_to(text, brands),
                question="?" in text,
                sarcasm=sarcasm,
                indic_cues=indic,
                rating=rating,
                topics=found.get("topic", {}).keys() if english else (),
                words=frozenset(words) if english else (),
                link="http" in text,
                inquiry=inquiry_opening(prepared) if english and negated is None else None,
            )
        )
        # Topic and feeling words are English; they also serve code-mixed Latin-script text.
        latin = english or guess.script == "Latin"
        if not latin:
            found = {}
        for space, families in indic_found(text, lang).items():
            found[space] = found.get(space, {}) | dict(families)
        return _Reading(lang, guess.script, found, sarcasm, sentiment, rules, language_by)

    def _addressed_to(self, text: str, brands: Sequence[str]) -> str | None:
        if "@" not in text:
            return None  # the pattern, which stops at every character, cannot match
        handles = _HANDLE.findall(text[:2_000])
        if not handles:
            return None
        wanted = set().union(*(self._brand_handles.get(b, frozenset()) for b in brands))
        for handle in handles:
            if handle.lower() in wanted or _is_care_handle(handle):
                return str(handle)
        return None

    def _model_for(self, brands: Sequence[str]) -> ComplaintModel | None:
        # A mention of several brands uses the model that learned from the most labels.
        models = [self._models[b] for b in brands if b in self._models]
        return max(models, key=lambda m: m.labels) if models else None


@lru_cache(maxsize=4_096)
def _is_care_handle(handle: str) -> bool:
    # Remembered: the same handles ("@AcmeSupport") come back in mention after mention.
    return _CARE_HANDLE.search(handle) is not None


def _query_handles(brand: BrandSettings) -> tuple[str, ...]:
    return tuple(extract_handles(brand.query))
