"""``listener reindex --to sqlite``: the cluster's mentions into a SQLite file (see
``reindex``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from elasticsearch import ApiError, TransportError

from listener.clock import utcnow
from listener.store.elasticsearch.documents import mention_of
from listener.store.elasticsearch.local_copies import store_as_indexed
from listener.store.elasticsearch.reindex import (
    TO_SQLITE,
    CopyJob,
    CopyReport,
    Tally,
    cluster_failure,
    save_checkpoint,
)
from listener.store.schema_reindex import Checkpoint


class ToSQLite(CopyJob):
    """Copies ``cluster``'s mentions into ``store`` (a plain SQLite store: no outbox)."""

    direction = TO_SQLITE

    def remaining(self) -> int:
        """About how many index documents are left (the index may grow meanwhile)."""
        done = self.checkpoint.copied if self.checkpoint else 0
        return max(0, self.index_counts().total - done)

    def run(
        self, *, stop_after: int | None = None, on_page: Callable[[int], None] = lambda n: None
    ) -> CopyReport:
        report = CopyReport(copied_total=self.checkpoint.copied if self.checkpoint else 0)
        started = self.checkpoint.started_at if self.checkpoint else utcnow()
        after = self.checkpoint.position if self.checkpoint else None
        while True:
            room = self.page_size if stop_after is None else stop_after - report.copied_now
            if room <= 0:
                if self._index_page(after, 1):
                    return report
                break
            hits = self._index_page(after, min(room, self.page_size))
            if not hits:
                break
            known = store_as_indexed(self.store, [mention_of(h["_source"]) for h in hits])
            report.already_there += len(known)
            report.copied_now += len(hits)
            report.copied_total += len(hits)
            after = hits[-1]["sort"]
            self.checkpoint = Checkpoint(after, report.copied_total, started, utcnow())
            save_checkpoint(self.store, TO_SQLITE, self.target, self.checkpoint)
            on_page(len(hits))
        report.finished = True
        report.source = self.index_counts()
        with self.store._read() as conn:
            live, dead = conn.execute(
                "SELECT count(*) FILTER (WHERE deleted_at IS NULL),"
                " count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM mentions"
            ).fetchone()
        report.target = Tally(int(live), int(dead))
        return report

    def _index_page(self, after: Any, size: int) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "index": self.mentions_index,
            "size": size,
            "query": {"match_all": {}},
            # order_key is unique per daemon only: the id breaks ties across daemons.
            "sort": [{"order_key": "asc"}, {"id": "asc"}],
            "source": ["stored"],
            "track_total_hits": False,
        }
        if after is not None:
            request["search_after"] = after
        try:
            body = self.cluster.call(lambda es: es.search(**request)).body
        except (ApiError, TransportError) as exc:
            raise cluster_failure(exc, "run `listener reindex` again: it resumes") from exc
        hits: list[dict[str, Any]] = body["hits"]["hits"]
        return hits

    def index_counts(self) -> Tally:
        def count(live: bool) -> int:
            query = {"term": {"live": live}}
            try:
                answer = self.cluster.call(
                    lambda es: es.count(index=self.mentions_index, query=query)
                ).body
            except (ApiError, TransportError) as exc:
                raise cluster_failure(exc, "run `listener reindex` again") from exc
            return int(answer["count"])

        return Tally(count(True), count(False))
