"""Source types by name.

Built-in types register here as plain entries; third-party packages add theirs through
the ``listener.sources`` entry-point group, each entry point naming a module that
exposes ``Options`` and ``poll`` (or ``stream``) like the built-in ones.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from types import ModuleType

from listener.sources.base import SourceInfo, SourceType
from listener.sources.streaming import DEFAULT_RECONNECT

# type name -> module path. Modules are imported on first use so that `listener check`
# stays fast and a broken optional source cannot stop the others from loading.
BUILTIN_SOURCE_MODULES: dict[str, str] = {
    "rss": "listener.sources.rss",
    "hackernews": "listener.sources.hackernews",
    "googleplay": "listener.sources.googleplay",
    "yelp": "listener.sources.yelp",
    "trustpilot": "listener.sources.trustpilot",
    "appstore": "listener.sources.appstore",
    "youtube": "listener.sources.youtube",
    "bluesky": "listener.sources.bluesky",
    "x": "listener.sources.x",
    "mastodon": "listener.sources.mastodon",
    "reddit": "listener.sources.reddit",
    "lemmy": "listener.sources.lemmy",
    "stackexchange": "listener.sources.stackexchange",
    "github": "listener.sources.github",
    "discourse": "listener.sources.discourse",
    # Streams: a long-lived connection each (listener.sources.streaming).
    "jetstream": "listener.sources.jetstream",
    "mastodon_stream": "listener.sources.mastodon_stream",
    "x_stream": "listener.sources.x_stream",
}

ENTRY_POINT_GROUP = "listener.sources"


def _source_type_from_module(name: str, module: ModuleType) -> SourceType:
    info = getattr(module, "INFO", None)
    if not isinstance(info, SourceInfo):
        info = SourceInfo(summary=f"plugin module {module.__name__}")
    stream = getattr(module, "stream", None)
    poll = getattr(module, "poll", None)
    if (stream is None) == (poll is None):
        raise TypeError(f"source module {module.__name__} must define exactly one of poll, stream")
    reconnect = getattr(module, "RECONNECT", DEFAULT_RECONNECT) if stream else None
    return SourceType(
        name=name,
        options_model=module.Options,
        poll=poll,
        info=info,
        stream=stream,
        reconnect=reconnect,
        enrich=getattr(module, "enrich", None) if stream else None,
        uses_brand_queries=bool(stream and getattr(module, "USES_BRAND_QUERIES", False)),
    )


@cache
def source_types() -> dict[str, SourceType]:
    """Every known source type, built-in first; a plugin cannot replace a built-in name."""
    types = {
        name: _source_type_from_module(name, import_module(path))
        for name, path in BUILTIN_SOURCE_MODULES.items()
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in types:
            types[ep.name] = _source_type_from_module(ep.name, ep.load())
    return types


def get_source_type(name: str) -> SourceType:
    """The source type called ``name``; ``KeyError`` lists the known ones."""
    types = source_types()
    try:
        return types[name]
    except KeyError:
        known = ", ".join(sorted(types))
        raise KeyError(f"unknown source type {name!r}; known types: {known}") from None


def network_of(source_type: str) -> str:
    """The network ``source_type`` reads (``SourceInfo.network``, else the type's own name):
    what "the same platform" and "the same author" compare. A type that is not registered
    (a plugin since removed, as a stored mention may still name) is its own network."""
    return _networks().get(source_type, source_type)


def same_network_types(source_type: str) -> tuple[str, ...]:
    """``source_type`` and every other registered type of its network, in that order: the
    stored ``source_type`` values one author's mentions on that network may carry."""
    group = _types_by_network().get(network_of(source_type), ())
    return (source_type, *(name for name in group if name != source_type))


def byline_parts(source_type: str, handle: str | None) -> tuple[str, str] | None:
    """(name slug, site) when ``source_type`` stores feed bylines as handles
    (``SourceInfo.byline_handles``; ``profiles.feed_handle`` builds them as ``slug@site``),
    so a page or message can say "Jane Doe · example.com" rather than show what reads as
    an address; ``None`` for an account's handle (or an unregistered type)."""
    if not handle or source_type not in _byline_types():
        return None
    slug, at, site = handle.removeprefix("@").rpartition("@")
    return (slug, site) if at and slug and site else None


@cache
def _byline_types() -> frozenset[str]:
    return frozenset(name for name, t in source_types().items() if t.info.byline_handles)


@cache
def _networks() -> dict[str, str]:
    # Built once: the alert rules ask at every complaint and draft.
    return {name: source_type.network for name, source_type in source_types().items()}


@cache
def _types_by_network() -> dict[str, tuple[str, ...]]:
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for name, network in _networks().items():
        grouped[network].append(name)
    return {network: tuple(names) for network, names in grouped.items()}
