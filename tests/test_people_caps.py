"""Profile caps in one order (issue 18 review, finding 15): normalize's caps are the real
ones; the sources' (what their caches hold) and the store's (a backstop for callers that
bypass the pipeline) sit above them, so neither cuts what normalize keeps. And the profile
keys' cache holds digests, not 4,096 bios."""

from __future__ import annotations

from listener.pipeline import normalize
from listener.sources import profiles
from listener.store import profile_keys as store_caps
from listener.store.profile_keys import profile_keys


def test_the_sources_and_the_store_sit_above_normalize() -> None:
    assert profiles.MAX_SOURCE_BIO_CHARS == normalize.MAX_BIO_CHARS * normalize.RAW_HTML_FACTOR
    assert profiles.MAX_SOURCE_LINKS >= normalize.MAX_PROFILE_LINKS
    assert profiles.MAX_SOURCE_LINK_CHARS >= normalize.MAX_LINK_CHARS
    assert store_caps.BIO_CAP >= normalize.MAX_BIO_CHARS
    assert store_caps.LINKS_CAP >= normalize.MAX_PROFILE_LINKS
    assert store_caps.LINK_CAP >= normalize.MAX_LINK_CHARS


def test_the_keys_cache_holds_digests_and_reads_a_normalized_bio_whole() -> None:
    bio = "x " * 484 + "mail me at jane@acme-fan.example"  # ends at the 1,000th character
    assert len(bio) <= normalize.MAX_BIO_CHARS
    assert profile_keys(bio) == {("email", "acme-fan.example")}
    assert profile_keys(bio) is profile_keys(bio)  # cached
    assert all(isinstance(k, bytes) and len(k) == 16 for k in store_caps._cache)
    # Parts are kept apart: a bio is not read as a bio and a link.
    assert profile_keys("a", ("https://acme-fan.example",)) != profile_keys("a")
