"""Near-copies on the web app and API (issue 18): a story's head lists where else it ran
("also on N sources", each copy linking its own mention page); a copy names its head.

Source names are settings text and titles internet text: the models carry them raw (JSON is
data) and the pages escape them through autoescape. ``link`` is a copy's URL only when a
browser may follow it (http(s)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel

from listener.models import Mention
from listener.store import Store
from listener.store.near_prints import CopyRef, other_sources
from listener.web.display import link_or_none

# A page lists this many copies under a story, then "and N more"; a list row only counts.
COPIES_SHOWN = 10
COPY_TITLE_CHARS = 200


class CopyOut(BaseModel):
    """One near-copy of a story, on another source (or another post of the same one)."""

    id: str
    source: str
    source_type: str
    url: str | None
    link: str | None  # ``url`` when it is safe to follow
    title: str
    published_at: datetime
    page: str  # its mention page here


class CopyHeadOut(BaseModel):
    """The story a copy belongs to: its cluster's head."""

    id: str
    source: str
    title: str
    page: str
    held: bool  # False when the head is gone (erased): only its id is known


class CopiesOut(BaseModel):
    """Where else a story ran: ``count`` copies in all, the first ``COPIES_SHOWN`` listed,
    on ``sources`` distinct sources."""

    count: int
    sources: int
    shown: list[CopyOut]

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


def _page(mention_id: str) -> str:
    # As mention_views.mention_page_path (not imported: that module imports this one).
    return "/mentions/" + quote(mention_id, safe=":@")


def _title(text: str) -> str:
    return text if len(text) <= COPY_TITLE_CHARS else text[: COPY_TITLE_CHARS - 1] + "…"


def copy_out(ref: CopyRef) -> CopyOut:
    return CopyOut(
        id=ref.mention_id,
        source=ref.source,
        source_type=ref.source_type,
        url=ref.url,
        link=link_or_none(ref.url),
        title=_title(ref.title),
        published_at=ref.published_at,
        page=_page(ref.mention_id),
    )


def copies_out(refs: Sequence[CopyRef]) -> CopiesOut:
    return CopiesOut(
        count=len(refs),
        sources=other_sources(refs),
        shown=[copy_out(ref) for ref in refs[:COPIES_SHOWN]],
    )


def copies_of(store: Store, head_ids: Iterable[str]) -> dict[str, CopiesOut]:
    """Each head's copies, in one read for a whole page of rows."""
    return {head: copies_out(refs) for head, refs in store.copies_of(head_ids).items()}


def copy_sources(store: Store, head_ids: Iterable[str]) -> dict[str, int]:
    """On how many other sources each of ``head_ids`` ran (a list row shows the count only)."""
    return {head: other_sources(refs) for head, refs in store.copies_of(head_ids).items()}


def head_of(store: Store, m: Mention) -> CopyHeadOut | None:
    """The head of the cluster ``m`` is a copy in; ``None`` when ``m`` is no copy."""
    if m.copy_of is None:
        return None
    head = store.get_mention(m.copy_of)
    return CopyHeadOut(
        id=m.copy_of,
        source=head.source if head else "",
        title=_title(head.title or head.text) if head and head.deleted_at is None else "",
        page=_page(m.copy_of),
        held=head is not None,
    )
