"""Pipeline stage 0: edited and deleted posts, sorted out before anything else runs.

A source may send a post we stored again, changed (``RawItem.edited_at``) or deleted
(``RawItem.deleted``). This runs before normalize and brand matching: a deleted Reddit
comment reads "[deleted]", which would otherwise be dropped as not matching and its
stored mention would keep showing words the author withdrew. Each item goes one way:

- deleted, and its mention is stored and live → tombstone it;
- deleted otherwise (never stored, already a tombstone) → dropped as ``DELETED``; so is a
  live copy in the same batch (the deletion wins: we never store what is already gone);
- edited later than the edit its stored, live mention holds → revise it;
- anything else → the usual stages (where a stored id, tombstones included, is dropped
  as ``ALREADY_STORED``: a tombstone never comes back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from listener.models import Mention, RawItem
from listener.pipeline.normalize import mention_id
from listener.pipeline.types import BatchReport, DropReason
from listener.store import Revision


@dataclass
class Sorted:
    """One batch's items by what they do."""

    tombstones: list[str] = field(default_factory=list)  # ids of live mentions deleted
    edits: list[RawItem] = field(default_factory=list)  # newer edits of live mentions
    fresh: list[RawItem] = field(default_factory=list)  # for normalize → … → store


def _is_newer(item: RawItem, held: Revision) -> bool:
    return item.edited_at is not None and (
        held.edited_at is None or item.edited_at > held.edited_at
    )


def sort_items(
    items: Sequence[RawItem], *, source: str, known: Mapping[str, Revision], report: BatchReport
) -> Sorted:
    """Sort ``items`` of ``source``; ``known`` holds the stored ones' revisions by id.

    Items dropped here are counted in ``report``.
    """
    deleted = {mention_id(source, i.native_id) for i in items if i.deleted}
    out = Sorted()
    newest: dict[str, RawItem] = {}  # one edit per id: the latest a batch carries
    for item in items:
        item_id = mention_id(source, item.native_id)
        held = known.get(item_id)
        if item_id in deleted:
            live = held is not None and held.deleted_at is None
            if item.deleted and live and item_id not in out.tombstones:
                out.tombstones.append(item_id)
            else:
                report.drop(DropReason.DELETED)
        elif held is not None and held.deleted_at is None and _is_newer(item, held):
            earlier = newest.get(item_id)
            if earlier is not None:
                report.drop(DropReason.ALREADY_STORED)
                if not _is_newer(item, Revision(earlier.edited_at, None)):
                    continue
            newest[item_id] = item
        else:
            out.fresh.append(item)
    out.edits = list(newest.values())
    return out


def revision_of(stored: Mention, edited: Mention, *, matched: bool) -> Mention:
    """``stored`` with the words of its ``edited`` post, judgments to be made again.

    The id, author, publication time and thread stay: it is the same post. Brands and
    matched terms follow the new words when they still match a brand query; when they do
    not (the author took the brand's name out), the mention keeps its brands, since it
    stays part of that brand's history, but shows the words as they now are.
    """
    source = edited if matched else stored
    return replace(
        stored,
        title=edited.title,
        text=edited.text,
        html=edited.html,
        language=edited.language,  # None lets the judge detect the new words' language
        fetched_at=edited.fetched_at,
        engagement=edited.engagement,
        rating=edited.rating,
        brands=source.brands,
        matched_terms=source.matched_terms,
        content_hash=edited.content_hash,
        edited_at=edited.edited_at,
    )
