"""How deep a search may page on the shared index: each page past the cluster's 10,000
window costs a request per window skipped, so the deepest offset is kept to a few of them and
a deeper one is refused with what to do, as a query the index cannot answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from listener.query import QueryError
from listener.store.elasticsearch.search import MAX_DEEP_OFFSET, RESULT_WINDOW
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import make_mention


def test_a_page_past_the_deepest_kept_is_refused_with_what_to_do(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    assert MAX_DEEP_OFFSET <= 5 * RESULT_WINDOW  # at most five skip requests for one page
    with ElasticStore(tmp_path / "a.db", es_settings) as store:
        store.insert_mentions([make_mention(1, text="Acme broke my order")])
        store.shared_index.refresh()
        # The deepest kept page still answers (nothing there: an empty page, not an error).
        assert store.search("acme", offset=MAX_DEEP_OFFSET) == []
        with pytest.raises(QueryError, match="narrow the search") as refused:
            store.search("acme", offset=MAX_DEEP_OFFSET + 1)
        assert refused.value.query == "acme"
        assert store.search("acme", offset=0)  # the index itself still answers
