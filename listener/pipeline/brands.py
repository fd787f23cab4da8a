"""Pipeline stage 2: which brands a mention is about.

Each brand's query is compiled once at start (and again when settings are reloaded, as the
pipeline is rebuilt), and all of them go behind one inverted index (``QueryIndex``); each
mention's text is prepared once and runs only the brands whose words, prefixes, handles or
hashtags it holds, plus the brands whose query needs none (``-spam``, ``lang:en``). A
mention can be about several brands (a comparison with a competitor counts for both, which
share-of-voice needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from listener.config.settings import BrandSettings
from listener.models import Mention
from listener.pipeline.types import DropReason, with_changes
from listener.query import Matcher, QueryIndex, compile_query, prepare


@dataclass(frozen=True)
class BrandMatcher:
    name: str
    matcher: Matcher
    own_handles: frozenset[str]  # lowercase, without '@'
    languages: frozenset[str]  # primary language tags; empty means every language


@dataclass(frozen=True)
class CompiledBrands:
    """The brands of one settings file, in their order, and one index over their queries."""

    brands: tuple[BrandMatcher, ...]
    index: QueryIndex


def compile_brands(brands: Sequence[BrandSettings]) -> CompiledBrands:
    compiled = tuple(
        BrandMatcher(
            name=brand.name,
            matcher=compile_query(brand.query),
            own_handles=frozenset(h.lower().lstrip("@") for h in brand.own_handles),
            languages=frozenset(lang.lower() for lang in brand.languages),
        )
        for brand in brands
    )
    return CompiledBrands(compiled, QueryIndex([brand.matcher for brand in compiled]))


def match_brands(mention: Mention, brands: CompiledBrands) -> Mention | DropReason:
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
    # The brands that match, in settings order, each with the leaves its Matcher.match gives.
    for position, found in brands.index.match(doc):
        brand = brands.brands[position]
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
    return with_changes(mention, brands=tuple(matched), matched_terms=tuple(terms))
