"""Pipeline stage 1: a source's ``RawItem`` becomes a ``Mention`` of plain, capped, UTC data.

Brands, matched terms and judgments are filled by the later stages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from listener.clock import ensure_utc
from listener.models import Author, Mention, RawItem
from listener.query.text import normalize_language
from listener.text import canonical_url, cap, content_hash, html_to_text, valid_unicode

MAX_TITLE_CHARS = 500
# What a profile says of its author (issue 18) is shown beside every mention and read for
# "maybe the same person" suggestions: a bio longer than this is not a bio.
MAX_BIO_CHARS = 1_000
MAX_PROFILE_LINKS = 8
MAX_LINK_CHARS = 500
# Raw markup is kept for display and re-processing, but never unbounded: a 50 MB post
# would otherwise be copied through every stage and into the database.
RAW_HTML_FACTOR = 4


def scrub_item(item: RawItem) -> RawItem:
    """``item`` with every text field valid Unicode (see ``text.valid_unicode``): run before
    anything reads the item, so one post with a stray surrogate cannot fail its batch — the
    id lookup would raise for the whole batch, every poll."""
    author = item.author
    fields = (item.native_id, item.url, item.title, item.html, item.language, item.parent_id,
              item.thread_id, author.handle, author.name, author.url, author.bio,
              *author.links)  # fmt: skip
    if all(value is None or value.isascii() or _encodes(value) for value in fields):
        return item  # the common case: nothing to copy

    def clean(value: str | None) -> str | None:
        return None if value is None else valid_unicode(value)

    return replace(
        item,
        native_id=valid_unicode(item.native_id),
        url=clean(item.url),
        title=clean(item.title),
        html=valid_unicode(item.html),
        language=clean(item.language),
        parent_id=clean(item.parent_id),
        thread_id=clean(item.thread_id),
        author=replace(
            author,
            handle=clean(author.handle),
            name=clean(author.name),
            url=clean(author.url),
            bio=clean(author.bio),
            links=tuple(valid_unicode(link) for link in author.links),
        ),
    )


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def mention_id(source: str, native_id: str) -> str:
    """A mention's id: its source's name and the source's own id for the post."""
    return f"{source}:{native_id}"


def normalize(
    item: RawItem,
    *,
    source: str,
    source_type: str,
    fetched_at: datetime,
    max_text_chars: int,
) -> Mention | None:
    """The item as a brand-less ``Mention``; ``None`` when it carries no text at all."""
    raw_html = item.html[: max_text_chars * RAW_HTML_FACTOR]
    title = cap(html_to_text(item.title[: MAX_TITLE_CHARS * RAW_HTML_FACTOR] if item.title else ""),
                MAX_TITLE_CHARS)  # fmt: skip
    text = cap(html_to_text(raw_html), max_text_chars)
    if not title and not text:
        return None
    published = ensure_utc(item.published_at) if item.published_at else fetched_at
    return Mention(
        id=mention_id(source, item.native_id),
        source=source,
        source_type=source_type,
        native_id=item.native_id,
        url=item.url,
        canonical_url=canonical_url(item.url),
        author=_clean_author(item.author),
        title=title,
        text=text,
        html=raw_html,
        language=normalize_language(item.language) if item.language else None,
        # A date in the future is a feed's clock error; it would sort above everything forever.
        published_at=min(published, fetched_at),
        fetched_at=fetched_at,
        engagement=item.engagement,
        rating=item.rating,
        parent_id=item.parent_id,
        thread_id=item.thread_id,
        brands=(),
        matched_terms=(),
        content_hash=content_hash(title, text),
        # Not capped at fetch time like published_at: edits are only ever compared with
        # later edits from the same source, so its clock's skew cancels out, while a capped
        # future time would look like a new edit on every poll.
        edited_at=ensure_utc(item.edited_at) if item.edited_at else None,
    )


def _clean_author(author: Author) -> Author:
    handle = author.handle.strip().lstrip("@") if author.handle else None
    name = html_to_text(author.name) if author.name else None
    handle, name = handle or None, name or None
    bio = _clean_bio(author.bio)
    links = _clean_links(author.links)
    if (handle, name, bio, links) == (author.handle, author.name, author.bio, author.links):
        return author  # the common case: frozen, so the same one serves
    return replace(author, handle=handle, name=name, bio=bio, links=links)


def _clean_bio(bio: str | None) -> str | None:
    """Plain text like the name, cut before the HTML is parsed (a 1 MB bio is hostile)."""
    if not bio:
        return bio  # None: not given; "": the profile has none (the store clears a kept bio)
    return cap(html_to_text(bio[: MAX_BIO_CHARS * RAW_HTML_FACTOR]), MAX_BIO_CHARS) or None


def _clean_links(links: tuple[str, ...]) -> tuple[str, ...]:
    """At most ``MAX_PROFILE_LINKS`` http(s) addresses without spaces or control characters:
    a link is shown as a link and compared by its host, so anything else is dropped."""
    if not links:
        return links
    kept: dict[str, None] = {}
    for link in links[: MAX_PROFILE_LINKS * 4]:
        if not isinstance(link, str):
            continue
        link = link.strip()
        if (
            not link.lower().startswith(("http://", "https://"))
            or len(link) > MAX_LINK_CHARS
            or not link.isprintable()
            or " " in link
        ):
            continue
        kept.setdefault(link, None)
        if len(kept) == MAX_PROFILE_LINKS:
            break
    cleaned = tuple(kept)
    return links if cleaned == links else cleaned
