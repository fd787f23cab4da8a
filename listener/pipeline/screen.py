"""The brand screen: a cheap look at a stream's raw items before ``Pipeline.process``.

A firehose (Jetstream carries every Bluesky post, hundreds a second) is almost all posts
about no brand. Preparing each one for the matcher (tokens, sets, handles) costs more than
matching it, so the screen first looks for the brands' *anchors* (``QueryIndex.anchors``:
the words, prefixes, handles, hashtags and spaceless words of which a post must hold one for
some brand's query to match) with one regex search over the post's normalised text, and
only the posts holding one go on to be processed.

It must never drop a post the pipeline would store, so the text it searches is the text the
matcher tokenises: entities decoded and tags read the way ``html_to_text`` reads them
(markup it does not know how to read exactly goes through ``html_to_text`` itself), control
characters dropped (which joins the letters either side), then ``query.normalize`` (NFKC,
case, diacritics). A post long enough that the pipeline would cut it, raw or read, passes
(the cut can make a word of a longer one). Deletions and edits always
pass: they may concern a stored mention whatever their words now. When some brand's query
needs no word at all (``-spam``, ``lang:en``), every post passes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from listener.models import RawItem
from listener.pipeline.normalize import MAX_TITLE_CHARS, RAW_HTML_FACTOR
from listener.query import Anchors, QueryIndex, normalize, spaced_word_class
from listener.reading.trie import trie
from listener.text import html_to_text, valid_unicode

# The characters html_to_text drops (C0/C1 controls but tab, newline and carriage return).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# The tags sources write around a post's words (Bluesky's links, Mastodon's paragraphs and
# mentions), as html_to_text reads them: an inline tag joins the text either side, a
# breaking one separates it. Any other tag (script, style, comments...) is left to
# html_to_text, which knows what to skip.
_INLINE = frozenset(
    {"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "mark", "q", "s", "small",
     "span", "strong", "sub", "sup", "u"}
)  # fmt: skip
_BREAKING = frozenset({"blockquote", "br", "div", "li", "ol", "p", "pre", "ul"})
# Only well-formed tags (quoted values hold no '<' or '>'): the HTML parser reads these as
# tags, where a malformed one may be read as text.
_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)"""
    r"""((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*)"""
    r"""\s*(/?)>"""
)

# Normalisation can lengthen non-ASCII text (NFC expands a character to at most three), so
# such text that long might be cut by the pipeline even when the raw text is not.
_MOST_EXPANSION = 3


def _read_tags(markup: str) -> str | None:
    """The words of ``markup`` as html_to_text reads them (up to whitespace), or ``None``
    when it holds a '<' or '>' that is not one of the known, well-formed tags."""
    parts: list[str] = []
    done = tags = 0
    for tag in _TAG.finditer(markup):
        closing, name, attributes, self_closing = tag.groups()
        name = name.lower()
        if closing and (attributes or self_closing):
            return None
        if name in _INLINE:
            gap = ""
        elif name in _BREAKING:
            gap = " "
        else:
            return None
        # The parser decodes the text between two tags on its own, so must this.
        parts.append(html.unescape(markup[done : tag.start()]))
        parts.append(gap)
        done = tag.end()
        tags += 1
    if markup.count("<") != tags or markup.count(">") != tags:
        return None
    parts.append(html.unescape(markup[done:]))
    return "".join(parts)


def _plain(markup: str, limit: int) -> str | None:
    """The text of ``markup`` (a raw item's title or html), or ``None`` when the pipeline
    might cut it: past ``limit`` characters of text, or of raw markup by its own slice."""
    if len(markup) > limit * RAW_HTML_FACTOR:
        return None
    if not markup.isascii():
        markup = valid_unicode(markup)  # a surrogate pair becomes its character, as there
    if "<" in markup:
        text = _read_tags(markup)
        if text is None:
            text = html_to_text(markup)
    else:  # without a '<' the parser only decodes the entities
        text = html.unescape(markup) if "&" in markup else markup
    reach = len(text) if text.isascii() else len(text) * _MOST_EXPANSION
    return None if reach > limit else text


def _anchor_pattern(anchors: Anchors) -> re.Pattern[str] | None:
    """One alternation of every anchor; ``None`` when there is none (no post can match).

    Each kind's anchors are factored as a trie. Measured on the tweets with 100 brands
    (µs a post, same run): this 3.1; every alternative led by its literal, to let the engine
    skip ahead, 4.3; tokens and set probes as ``prepare`` makes them, 7.6; ``regex``'s named
    lists, 25.
    """
    # A word is a whole token: no letter of a spaced script on either side (a spaceless
    # run next to it is cut off by the tokenizer, so it is a boundary here too).
    letter = f"[{spaced_word_class()}]"
    branches: list[str] = []
    whole = [f"(?:{trie(anchors.words)})(?!{letter})"] if anchors.words else []
    starts = [trie(anchors.prefixes)] if anchors.prefixes else []
    if whole or starts:
        branches.append(f"(?<!{letter})(?:{'|'.join(whole + starts)})")
    if anchors.handles:
        # The local part only: '@acme.@server' is the handle 'acme@server' without holding
        # that string, and any handle needs its local part after an '@'.
        branches.append("@" + trie({handle.partition("@")[0] for handle in anchors.handles}))
    if anchors.hashtags:
        branches.append("#" + trie(anchors.hashtags))
    if anchors.inside:
        branches.append(trie(anchors.inside))
    return re.compile("|".join(branches)) if branches else None


class BrandScreen:
    """Built once per pipeline from its brands' index; ``keeps`` says whether an item
    might be stored, ``__call__`` keeps those of a batch in their order."""

    def __init__(self, index: QueryIndex, *, max_text_chars: int) -> None:
        self._max_text_chars = max_text_chars
        anchors = index.anchors()
        self.passes_everything = anchors is None
        self._pattern = None if anchors is None else _anchor_pattern(anchors)

    def __call__(self, items: Sequence[RawItem]) -> list[RawItem]:
        if self.passes_everything:
            return list(items)
        return [item for item in items if self.keeps(item)]

    def keeps(self, item: RawItem) -> bool:
        if self.passes_everything or item.deleted or item.edited_at is not None:
            return True
        title = _plain(item.title or "", MAX_TITLE_CHARS)
        body = _plain(item.html, self._max_text_chars)
        if title is None or body is None:
            return True
        if self._pattern is None:
            return False
        # The matcher reads "title\nbody"; a line break is a boundary like the start.
        text = f"{title}\n{body}" if title else body
        # Most posts that are not printable only hold line breaks: skip the regex for them.
        if not text.isprintable() and not text.replace("\n", "").isprintable():
            text = _CONTROL.sub("", text)
        return self._pattern.search(normalize(text)) is not None
