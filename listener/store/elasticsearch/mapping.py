"""The mentions index's shape: one document per mention (its id the document id), explicit
mappings (no dynamic fields: a source's surprise key never becomes a field), and the index
template that gives every ``<prefix>-mentions*`` index this shape.

Fields, and what reads them:
- words the query language searches (``listener.store.elasticsearch.translate``): ``title``,
  ``text``, ``author_words`` (handle and name), ``handles`` and ``hashtags`` (from the words,
  as the FTS5 index has them). ``title`` and ``text`` are analysed by ``standard`` (Unicode
  word boundaries); their ``.cjk`` sub-field by the built-in ``cjk`` analyzer (bigrams, so
  Chinese, Japanese and Korean words match inside a run of characters); an ``.icu``
  sub-field is added where the cluster has the analysis-icu plugin (``icu_analyzer``).
- filters and facets, keywords as the SQLite engine compares them: ``source``,
  ``source_type``, ``language`` (lowercase; ``language_base`` its first subtag, so "hi"
  finds "hi-Latn"), ``brand_keys`` (lowercase brands), ``sentiment_label``, ``complaint``,
  ``urgency``, ``feelings``/``topics``/``flags`` (lowercase names), ``live`` (false on a
  tombstone), ``published_at`` (the time filters and charts), ``copy_of``.
- the order of the newest-first walk: ``order_key`` (see ``documents.order_key``).
- judgments with their evidence as ``judgments``, nested, so "a topic *and its* evidence"
  stay one object; the dashboard's authors: ``author.*``.
- ``stored``: the mention whole, as the SQLite engine keeps it (not indexed): a mention read
  back from the index equals the one written.
"""

from __future__ import annotations

from typing import Any

_KEYWORD = {"type": "keyword"}
_LONG = {"type": "long"}
_DATE = {"type": "date"}


def _words(icu: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"cjk": {"type": "text", "analyzer": "cjk"}}
    if icu:
        fields["icu"] = {"type": "text", "analyzer": "icu_analyzer"}
    return {"type": "text", "analyzer": FOLDED, "fields": fields}


# The words' analyzer: Unicode word boundaries, lowercase, and accents folded as the SQLite
# engine's unicode61 remove_diacritics does ("cafe" finds "Café"; the query side is
# listener.query.normalize). Defined in the template's settings below.
FOLDED = "folded"
_ANALYSIS = {
    "analyzer": {
        FOLDED: {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}
    }
}


def mention_properties(*, icu: bool = False) -> dict[str, Any]:
    """The mentions index's mapping properties."""
    return {
        "id": _KEYWORD,
        "source": _KEYWORD,
        "source_type": _KEYWORD,
        "native_id": _KEYWORD,
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "canonical_url": _KEYWORD,
        "author": {
            "properties": {
                "handle": _KEYWORD,
                "handle_key": _KEYWORD,  # lowercased: how the authors table keys a handle
                "name": _KEYWORD,
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "followers": _LONG,
            }
        },
        "author_words": {"type": "text", "analyzer": FOLDED},
        "handles": {"type": "text", "analyzer": "whitespace"},
        "hashtags": {"type": "text", "analyzer": "whitespace"},
        "title": _words(icu),
        "text": _words(icu),
        "language": _KEYWORD,
        "language_base": _KEYWORD,
        "published_at": _DATE,
        "fetched_at": _DATE,
        "edited_at": _DATE,
        "deleted_at": _DATE,
        "live": {"type": "boolean"},
        "engagement": {
            "properties": {"likes": _LONG, "shares": _LONG, "replies": _LONG, "views": _LONG}
        },
        "engagement_total": _LONG,
        "rating": {"type": "float"},
        "parent_id": _KEYWORD,
        "thread_id": _KEYWORD,
        "copy_of": _KEYWORD,
        "brands": _KEYWORD,
        "brand_keys": _KEYWORD,
        "matched_terms": _KEYWORD,
        "content_hash": _KEYWORD,
        "sentiment": {"type": "float"},
        "sentiment_label": _KEYWORD,
        "complaint": {"type": "boolean"},
        "complaint_score": {"type": "float"},
        "complaint_by": _KEYWORD,
        "urgency": _KEYWORD,
        "reach": _LONG,
        "feelings": _KEYWORD,
        "topics": _KEYWORD,
        "flags": _KEYWORD,
        "judgments": {
            "type": "nested",
            "properties": {
                "kind": _KEYWORD,  # sentiment, complaint, feeling, topic, urgency, flag, reach
                "name": _KEYWORD,
                "evidence": {"type": "text", "analyzer": FOLDED},
            },
        },
        "order_key": _LONG,
        "stored": {"type": "object", "enabled": False},
    }


def keys_properties() -> dict[str, Any]:
    """The ``<prefix>-keys`` index: one create-only document per dedupe key (a mention id, a
    canonical URL, a brand's content hash), naming the mention that claimed it."""
    return {
        "kind": _KEYWORD,  # "id", "url", "content"
        "mention_id": _KEYWORD,
        "source": _KEYWORD,
        "writer": _KEYWORD,  # the daemon's store id (documents.writer_id)
        "seen_at": _DATE,
    }


def mentions_template(prefix: str, *, shards: int, replicas: int, icu: bool) -> dict[str, Any]:
    """The body of ``PUT _index_template/<prefix>-mentions``."""
    return {
        "index_patterns": [f"{prefix}-mentions*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                # Search sees a write within a second without a refresh per document.
                "refresh_interval": "1s",
                "analysis": _ANALYSIS,
            },
            "mappings": {"dynamic": "strict", "properties": mention_properties(icu=icu)},
        },
        "_meta": {"managed_by": "listener", "version": TEMPLATE_VERSION},
    }


# Raised whenever the mapping changes: `listener check` says "template out of date" when the
# cluster's ``_meta.version`` is older, and the store re-puts it at start.
TEMPLATE_VERSION = 2  # 2: the folded analyzer (accents) on the words


def index_names(prefix: str) -> tuple[str, str]:
    """(mentions index, keys index)."""
    return f"{prefix}-mentions", f"{prefix}-keys"
