"""The mention index's line on the sources page (issue 19): with ``storage.elasticsearch``
set, which cluster this daemon sends its mentions to, how many are still waiting in its own
outbox, how many the cluster refused for good, and the last failure to send. Read from this
daemon's SQLite file and the connection's ``GET /`` (no request per refresh)."""

from __future__ import annotations

from pydantic import BaseModel

from listener.config.storage import without_credentials
from listener.redaction import redact, redact_values, secret_forms
from listener.store.elasticsearch.store import ElasticStore
from listener.web.context import WebContext

_ERROR_CHARS = 300  # a cluster's reason can quote a whole document


class IndexStatus(BaseModel):
    engine: str  # "opensearch 3.8.0", "elasticsearch 8.15.0", or the flavour set
    urls: list[str]  # without credentials
    pending: int
    refused: int
    last_error: str | None


def index_status(context: WebContext) -> IndexStatus | None:
    """None on the embedded engine: then there is no cluster to speak of."""
    store = context.store
    if not isinstance(store, ElasticStore):
        return None
    cluster = store.cluster
    info = cluster.info
    engine = f"{info.distribution} {info.version}" if info is not None else cluster.flavour
    error = store.index_last_error()
    if error:
        forms = secret_forms(context.settings.secrets)
        error = redact_values(redact(error), forms)[:_ERROR_CHARS]
    return IndexStatus(
        engine=engine,
        urls=[without_credentials(url) for url in cluster.settings.urls],
        pending=store.index_pending(),
        refused=store.index_rejected_count(),
        last_error=error or None,
    )
