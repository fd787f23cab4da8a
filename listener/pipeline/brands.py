"""Pipeline stage 2: which brands a mention is about.

Each brand's query is compiled once at start; each mention's text is prepared once and
matched against every brand. A mention can be about several brands (a comparison with a
competitor counts for both, which share-of-voice needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from listener.config.settings import BrandSettings
from listener.models import Mention
from listener.pipeline.types import DropReason
from listener.query import Matcher, compile_query, prepare


@dataclass(frozen=True)
class BrandMatcher:
    name: str
    matcher: Matcher
    own_handles: frozenset[str]  # lowercase, without '@'
    languages: frozenset[str]  # primary language tags; empty means every language


def compile_brands(brands: Sequence[BrandSettings]) -> list[BrandMatcher]:
    return [
        BrandMatcher(
            name=brand.name,
            matcher=compile_query(brand.query),
            own_handles=frozenset(h.lower().lstrip("@") for h in brand.own_handles),
            languages=frozenset(lang.lower() for lang in brand.languages),
        )
        for brand in brands
    ]


def match_brands(mention: Mention, brands: Sequence[BrandMatcher]) -> Mention | DropReason:
    """The mention with its brands and matched terms, or why no brand keeps it."""
    doc = prepare(
        f"{mention.title}\n{mention.text}",
        language=mention.language,
        source=mention.source,
        source_type=mention.source_type,
    )
    author = (mention.author.handle or "").lower()
    primary_language = mention.language.split("-")[0] if mention.language else None
    matched: list[str] = []
    terms: list[str] = []
    rejection = DropReason.NOT_MATCHED
    for brand in brands:
        found = brand.matcher.match(doc)
        if found is None:
            continue
        if author and author in brand.own_handles:
            rejection = DropReason.OWN_ACCOUNT
            continue
        # An unknown language is kept: dropping it would silently lose mentions.
        if brand.languages and primary_language and primary_language not in brand.languages:
            if rejection is DropReason.NOT_MATCHED:
                rejection = DropReason.LANGUAGE
            continue
        matched.append(brand.name)
        terms.extend(term for term in found if term not in terms)
    if not matched:
        return rejection
    return replace(mention, brands=tuple(matched), matched_terms=tuple(terms))
