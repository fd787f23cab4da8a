"""Reddit listing children (t3 submissions, t1 comments) as ``RawItem`` values; the traps
are listed in ``listener.sources.reddit``'s docstring."""

from __future__ import annotations

import html
from typing import Any

from listener.models import Author, Engagement, RawItem
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import as_count, as_text

WEB = "https://www.reddit.com"
# What Reddit puts in place of text (and author) that is gone.
GONE = frozenset({"[deleted]", "[removed]"})


def map_child(child: Any) -> tuple[RawItem, int]:
    """A listing child (t3 submission or t1 comment) and its ``created_utc`` in seconds."""
    kind, data = child["kind"], child["data"]
    if kind not in ("t3", "t1"):
        raise ValueError(f"kind {kind!r} is neither a submission nor a comment")
    name = str(data["name"])
    if not name.startswith(kind + "_"):
        raise ValueError(f"name {name!r} is not a {kind} fullname")
    created = parse_timestamp(data["created_utc"])
    if created is None:
        raise ValueError(f"created_utc {data['created_utc']!r} is not a time")
    is_post = kind == "t3"
    text = str(data.get("selftext" if is_post else "body") or "")
    author = data.get("author")
    handle = str(author) if isinstance(author, str) and author not in GONE else None
    link_id = as_text(data.get("link_id"))
    extra = {
        k: data[k]
        for k in (
            "subreddit",
            "subreddit_id",
            "author_fullname",
            "link_title",
            "ups",
            "upvote_ratio",
            "controversiality",
            "over_18",
            "link_flair_text",
        )
        if data.get(k) is not None
    }
    if is_post and not data.get("is_self") and data.get("url"):
        extra["link_url"] = data["url"]  # a link post's url is its target, not the post
    item = RawItem(
        native_id=name,
        url=_permalink(data, link_id),
        # A comment has no title: its post's (link_title, in extra) is not its words.
        title=html.escape(str(data["title"]), quote=False) if is_post else None,
        html=_html(data.get("selftext_html" if is_post else "body_html"), text),
        author=Author(handle=handle, url=f"{WEB}/user/{handle}" if handle else None),
        published_at=created,
        engagement=Engagement(
            likes=as_count(data.get("score")),
            replies=as_count(data.get("num_comments")) if is_post else None,
        ),
        parent_id=None if is_post else as_text(data.get("parent_id")),
        thread_id=name if is_post else link_id,
        edited_at=parse_timestamp(data.get("edited")),
        deleted=text.strip() in GONE or bool(data.get("removed_by_category")),
        extra=extra,
    )
    return item, int(created.timestamp())


def _permalink(data: dict[str, Any], link_id: str | None) -> str | None:
    # Search results' permalinks end in "?ref=search_posts": the same post, a different URL.
    permalink = (as_text(data.get("permalink")) or "").partition("?")[0]
    if permalink:
        return WEB + permalink if permalink.startswith("/") else permalink
    # Older comment listings (/api/info in 2016) carry no permalink: build the same one.
    subreddit, comment = as_text(data.get("subreddit")), as_text(data.get("id"))
    if link_id and subreddit and comment:
        return f"{WEB}/r/{subreddit}/comments/{link_id.removeprefix('t3_')}/_/{comment}/"
    return None


def _html(value: Any, text: str) -> str:
    """The rendered HTML, unescaped once when it came entity-escaped (no ``raw_json=1``);
    a link post has none, and the Markdown source is escaped when the HTML is missing."""
    if isinstance(value, str) and value:
        return html.unescape(value) if value.lstrip().startswith("&lt;") else value
    return html.escape(text, quote=False)


def child_name(child: Any, position: int) -> str:
    """How a problem names a child: its fullname, else its position."""
    data = child.get("data") if isinstance(child, dict) else None
    name = data.get("name") if isinstance(data, dict) else None
    return repr(name) if isinstance(name, str) else f"#{position + 1}"
