"""Pipeline stage 3b: near-copies. A syndicated article under another headline, a quote of a
post, a cross-post with a word changed: the same words, not the same bytes, so the
exact-content check in ``dedupe`` lets them through. Each new mention whose words are close
enough to a mention stored within the dedupe window (or earlier in the batch) joins that
mention's cluster: it is stored and searchable, marked ``copy_of`` the cluster's head, and
alerts on its own only where the head has not already (``alerts.decide``).

Candidates come from an index lookup on the sketches' LSH band keys (``listener.fingerprint``,
``near_bands`` in the store), across every source; a candidate is a copy when the estimated
similarity of the two texts reaches ``THRESHOLD``. Texts under ``MIN_SHINGLES`` shingles are
never clustered. docs/near-copies.md says how both were chosen (``bench/copies.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from listener.fingerprint import Print, fingerprint, numbers_agree, similarity, template_print
from listener.models import Mention
from listener.pipeline.types import with_changes
from listener.sources.registry import network_of
from listener.store.near_prints import NearCandidate

__all__ = [
    "TEMPLATE_THRESHOLD",
    "THRESHOLD",
    "CopyOf",
    "NearCopies",
    "NearCopyLookups",
    "marked",
    "template_accounts",
]

# Estimated Jaccard similarity of the word shingles from which a text is a copy: chosen on
# one half of bench/copies_cases.json and checked on the other (docs/near-copies.md).
THRESHOLD = 0.45
# For the bot judge's "the same words as N other accounts": near-identical templates (their
# figures masked, ``fingerprint.template_print``), well above a copy's 0.45 so people
# quoting one headline with words of their own stay apart (docs/bots.md).
TEMPLATE_THRESHOLD = 0.7


@dataclass(frozen=True, slots=True)
class CopyOf:
    """What a new mention is a near-copy of."""

    head_id: str  # the cluster's head: the first of the copies stored
    similarity: float  # how alike the words are, 0…1 (estimated Jaccard of word shingles)
    authors: int  # distinct accounts in the cluster, this one included (a bot-farm signal)
    sources: int  # distinct sources in the cluster, this one included


@runtime_checkable
class NearCopyLookups(Protocol):
    """The store reads this stage needs (a subset of ``listener.store.Store``)."""

    def near_candidates(
        self, band_keys: Sequence[int], since: datetime
    ) -> Sequence[NearCandidate]: ...


@dataclass(frozen=True, slots=True)
class _Member:
    """A mention a later one may copy: stored (a candidate) or earlier in the batch."""

    mention_id: str
    head_id: str
    source: str
    author_key: str
    sketch: Print
    keys: frozenset[int]


def _author_key(m: Mention) -> str:
    return f"{m.source_type}:{(m.author.handle or '').lower()}"


class NearCopies:
    """Finds near-copies; holds what is set up once."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self._threshold = threshold

    def find(
        self, mentions: Sequence[Mention], lookups: NearCopyLookups, *, since: datetime
    ) -> dict[str, CopyOf]:
        """The near-copies among ``mentions`` (by mention id), of a mention stored since
        ``since`` or of one earlier in ``mentions``."""
        return self.find_with_templates(mentions, lookups, since=since, templates=False)[0]

    def find_with_templates(
        self,
        mentions: Sequence[Mention],
        lookups: NearCopyLookups,
        *,
        since: datetime,
        templates: bool = True,
    ) -> tuple[dict[str, CopyOf], dict[str, int]]:
        """``find``'s near-copies and, from the same candidates, each mention's count of
        other accounts posting its template (``template_accounts``) for the bot judge."""
        sketches = {
            m.id: s
            for m in mentions
            if m.deleted_at is None and (s := fingerprint(m.title, m.text)).clusterable
        }
        if not sketches:
            return {}, {}
        keys = {m_id: frozenset(s.band_keys()) for m_id, s in sketches.items()}
        stored = lookups.near_candidates(sorted(set().union(*keys.values())), since)
        copies = self._copies(mentions, sketches, keys, stored)
        if not templates:
            return copies, {}
        return copies, template_accounts(
            [m for m in mentions if m.id in sketches], stored, threshold=TEMPLATE_THRESHOLD
        )

    def _copies(
        self,
        mentions: Sequence[Mention],
        sketches: Mapping[str, Print],
        keys: Mapping[str, frozenset[int]],
        stored: Sequence[NearCandidate],
    ) -> dict[str, CopyOf]:
        members = [
            _Member(
                c.mention_id,
                c.head_id,
                c.source,
                c.author_key,
                c.sketch,
                frozenset(c.sketch.band_keys()),
            )
            for c in stored
        ]
        found: dict[str, CopyOf] = {}
        for m in mentions:
            sketch = sketches.get(m.id)
            if sketch is None:
                continue
            own = keys[m.id]
            best: tuple[float, _Member] | None = None
            for other in members:
                if other.mention_id == m.id or not own & other.keys:
                    continue
                if not numbers_agree(sketch, other.sketch):
                    continue  # the same template about another event
                score = similarity(sketch, other.sketch)
                # The most alike wins; on a tie the older (listed first) stays.
                if score >= self._threshold and (best is None or score > best[0]):
                    best = (score, other)
            head = m.id
            if best is not None:
                score, other = best
                head = other.head_id
                cluster = [c for c in members if c.head_id == head]
                found[m.id] = CopyOf(
                    head_id=head,
                    similarity=score,
                    authors=len({c.author_key for c in cluster} | {_author_key(m)}),
                    sources=len({c.source.lower() for c in cluster} | {m.source.lower()}),
                )
            members.append(_Member(m.id, head, m.source, _author_key(m), sketch, own))
        return found

    def recheck(
        self, mentions: Sequence[Mention], lookups: object, *, since: datetime
    ) -> Sequence[Mention]:
        """Inside the store's write transaction (``lookups`` on the writer): ``mentions``
        with ``copy_of`` set or corrected from what is stored now, so two sources storing
        one story at the same moment still make one head and one copy."""
        if not mentions:
            return mentions
        if not isinstance(lookups, NearCopyLookups):
            raise TypeError("recheck needs the store's near_candidates lookup")
        copies = self.find(mentions, lookups, since=since)
        out: list[Mention] = []
        for m in mentions:
            found = copies.get(m.id)
            head = found.head_id if found else None
            out.append(m if m.copy_of == head else with_changes(m, copy_of=head))
        return out


def template_accounts(
    mentions: Sequence[Mention], stored: Sequence[NearCandidate], *, threshold: float
) -> dict[str, int]:
    """For each of ``mentions`` with an author handle, how many other accounts posted its
    template: among the stored candidates (found by the copies' band lookup) and the rest
    of the batch, those whose ``template_print`` shares a band with it and whose estimated
    similarity reaches ``threshold`` — with no figures rule, the code a farm changes in each
    post masked. Posts without a handle cannot be told apart as accounts and count none."""
    pool: list[tuple[str, frozenset[int], Print]] = []
    for c in stored:
        source_type, _, handle = c.author_key.partition(":")
        if handle and c.text and (sketch := template_print(c.title, c.text)).clusterable:
            account = _account(source_type, handle)
            pool.append((account, frozenset(sketch.band_keys()), sketch))
    mine: dict[str, tuple[str, frozenset[int], Print]] = {}
    for m in mentions:
        handle = (m.author.handle or "").strip().lstrip("@")
        if handle and (sketch := template_print(m.title, m.text)).clusterable:
            account = _account(m.source_type, handle)
            mine[m.id] = (account, frozenset(sketch.band_keys()), sketch)
    pool.extend(mine.values())
    found: dict[str, int] = {}
    for mention_id, (author, bands, sketch) in mine.items():
        others = {
            other
            for other, other_bands, other_sketch in pool
            if other != author
            and bands & other_bands
            and similarity(sketch, other_sketch) >= threshold
        }
        if others:
            found[mention_id] = len(others)
    return found


def _account(source_type: str, handle: str) -> str:
    # A polled type and its stream are one network: one account posts on both.
    return f"{network_of(source_type)}:{handle.lower()}"


def marked(mention: Mention, copies: Mapping[str, CopyOf]) -> Mention:
    """``mention`` with ``copy_of`` set when it is a near-copy."""
    found = copies.get(mention.id)
    return with_changes(mention, copy_of=found.head_id) if found else mention
