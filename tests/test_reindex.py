"""``listener reindex``: a store's mentions into the cluster and back, on a real cluster
(osmem-server, or ``LISTENER_TEST_ES_URL``) through the real command: every mention and
tombstone arrives whole, an interrupted copy resumes where it stopped, a second run copies
nothing, and a difference between the two sides is found and exits 1."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from listener.cli.main import main
from listener.models import Finding, Judgments, Mention, SentimentLabel
from listener.store import SQLiteStore, open_store
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import document_of, mention_of
from listener.store.elasticsearch.mapping import index_names, mentions_template
from listener.store.elasticsearch.reindex_to_cluster import ToCluster
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.elasticsearch.template import ensure_indices
from listener.store.stats.counts import DIMENSIONS, breakdown, share_of_voice, volume
from listener.store.stats.scope import scope_for
from tests.daemon_process import LISTENER
from tests.store_helpers import T0, make_mention

MENTIONS = 25
TOMBSTONED = ("news:4", "news:17")


def settings_file(folder: Path, cluster: ClusterSettings, sqlite: str = "data/listener.db") -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        f"""\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {sqlite}
  elasticsearch:
    urls: [{cluster.urls[0]}]
    index_prefix: {cluster.index_prefix}
    replicas: 0
""",
        encoding="utf-8",
    )
    return path


def reindex(settings: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["reindex", *args, "--config", str(settings)])


def fill_local_store(path: Path) -> list[Mention]:
    """25 mentions, two of them tombstoned (one a near-copy of another), one revised (its
    edit must travel too)."""
    with open_store(path) as store:
        store.insert_mentions(
            [
                make_mention(n, copy_of="news:16" if n == 17 else None)
                for n in range(1, MENTIONS + 1)
            ]
        )
        store.tombstone_mentions(TOMBSTONED, T0 + timedelta(days=1))
        edited = make_mention(9, text="Edited: acme kettle", edited_at=T0 + timedelta(hours=2))
        store.revise_mentions([edited])
        found = [store.get_mention(f"news:{n}") for n in range(1, MENTIONS + 1)]
    return [m for m in found if m is not None]


def index_documents(cluster: ClusterSettings, size: int = 1000) -> dict[str, dict[str, object]]:
    """Every document of the test's mentions index, by id, with its version."""
    mentions, _ = index_names(cluster.index_prefix)
    connection = Cluster(cluster)
    try:
        body = connection.call(
            lambda es: es.search(index=mentions, size=size, query={"match_all": {}}, version=True)
        ).body
    finally:
        connection.close()
    return {h["_id"]: {**h["_source"], "_version": h["_version"]} for h in body["hits"]["hits"]}


def assert_index_holds(cluster: ClusterSettings, expected: Sequence[Mention]) -> None:
    documents = index_documents(cluster)
    assert sorted(documents) == sorted(m.id for m in expected)
    for m in expected:
        assert mention_of(documents[m.id]) == m
        assert documents[m.id]["live"] is (m.deleted_at is None)


def test_to_elasticsearch_copies_every_mention_with_its_tombstones_and_edits(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    local = fill_local_store(tmp_path / "data" / "listener.db")

    result = reindex(settings, "--to", "elasticsearch", "--page-size", "7")

    assert result.exit_code == 0, result.output
    assert "copied 25 mentions to the cluster in this run (25 since the copy began)" in (
        result.output
    )
    assert "this file: 23 live, 2 tombstones" in result.output
    assert "the index (the same ids): 23 live, 2 tombstones" in result.output
    assert "counts match" in result.output
    assert_index_holds(es_settings, local)
    edited = mention_of(index_documents(es_settings)["news:9"])
    assert edited.text == "Edited: acme kettle" and edited.edited_at is not None


def test_a_second_run_to_elasticsearch_sends_nothing_and_still_compares(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    fill_local_store(tmp_path / "data" / "listener.db")
    assert reindex(settings, "--to", "elasticsearch").exit_code == 0
    versions = {i: d["_version"] for i, d in index_documents(es_settings).items()}

    again = reindex(settings, "--to", "elasticsearch")

    assert again.exit_code == 0, again.output
    assert "copied 0 mentions to the cluster in this run (25 since the copy began)" in (
        again.output
    )
    assert "counts match" in again.output
    # Nothing was written again: every document kept its version.
    assert {i: d["_version"] for i, d in index_documents(es_settings).items()} == versions


def test_an_interrupted_copy_to_elasticsearch_resumes_after_its_last_page(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    local = fill_local_store(tmp_path / "data" / "listener.db")

    first = reindex(settings, "--to", "elasticsearch", "--page-size", "4", "--stop-after", "10")

    assert first.exit_code == 0, first.output
    assert "copied 10 mentions to the cluster in this run" in first.output
    assert "stopped as asked (--stop-after)" in first.output
    assert "counts match" not in first.output
    assert_index_holds(es_settings, local[:10])  # the first ten by local seq, no more

    rest = reindex(settings, "--to", "elasticsearch", "--page-size", "4")

    assert rest.exit_code == 0, rest.output
    assert "copied 15 mentions to the cluster in this run (25 since the copy began)" in (
        rest.output
    )
    assert "counts match" in rest.output
    assert_index_holds(es_settings, local)
    # The first run's documents were not sent again.
    assert {d["_version"] for i, d in index_documents(es_settings).items()} == {1}


def test_a_document_missing_from_the_index_is_named_and_exits_1_until_restart(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    local = fill_local_store(tmp_path / "data" / "listener.db")
    assert reindex(settings, "--to", "elasticsearch").exit_code == 0
    mentions, _ = index_names(es_settings.index_prefix)
    connection = Cluster(es_settings)
    try:
        connection.call(lambda es: es.delete(index=mentions, id="news:3"))
        connection.call(lambda es: es.delete(index=mentions, id="news:17"))
    finally:
        connection.close()

    checked = reindex(settings, "--to", "elasticsearch")

    assert checked.exit_code == 1, checked.output
    assert "the index (the same ids): 22 live, 1 tombstones" in checked.output
    assert "differs: news:3: live here, missing there" in checked.output
    assert "differs: news:17: a tombstone here, missing there" in checked.output
    assert "counts differ" in checked.output

    restarted = reindex(settings, "--to", "elasticsearch", "--restart")

    assert restarted.exit_code == 0, restarted.output
    assert "copied 25 mentions to the cluster in this run (25 since the copy began)" in (
        restarted.output
    )
    assert_index_holds(es_settings, local)


def other_daemons_mention(cluster: ClusterSettings) -> Mention:
    """A mention another daemon stored: in the index only."""
    theirs = make_mention(1, source="forum", brands=("Acme",), fetched_at=T0 + timedelta(hours=5))
    mentions, _ = index_names(cluster.index_prefix)
    connection = Cluster(cluster)
    try:
        ensure_indices(connection)
        document = document_of(theirs, seq=1)
        connection.call(lambda es: es.index(index=mentions, id=theirs.id, document=document))
    finally:
        connection.close()
    return theirs


def test_to_sqlite_brings_every_daemons_mentions_into_a_new_file_without_alerts(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    local = fill_local_store(first / "data" / "listener.db")
    assert reindex(settings_file(first, es_settings), "--to", "elasticsearch").exit_code == 0
    theirs = other_daemons_mention(es_settings)
    back = tmp_path / "back"
    back.mkdir()
    settings = settings_file(back, es_settings)

    result = reindex(settings, "--to", "sqlite", "--page-size", "6")

    assert result.exit_code == 0, result.output
    assert "copied 26 mentions to the SQLite file in this run (26 since the copy began)" in (
        result.output
    )
    assert "the index: 24 live, 2 tombstones" in result.output
    assert "this file: 24 live, 2 tombstones" in result.output
    assert "counts match" in result.output
    with open_store(back / "data" / "listener.db") as store:
        assert [store.get_mention(m.id) for m in [*local, theirs]] == [*local, theirs]
        assert store.count_mentions() == 24
        with store._read() as conn:  # history is history: no alert was raised
            assert conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 0


def test_an_interrupted_copy_to_sqlite_resumes_and_a_second_run_is_a_no_op(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    local = fill_local_store(first / "data" / "listener.db")
    assert reindex(settings_file(first, es_settings), "--to", "elasticsearch").exit_code == 0
    settings = settings_file(tmp_path, es_settings, sqlite="back.db")

    part = reindex(settings, "--to", "sqlite", "--page-size", "4", "--stop-after", "9")

    assert part.exit_code == 0, part.output
    assert "copied 9 mentions to the SQLite file in this run" in part.output
    assert "stopped as asked (--stop-after)" in part.output
    with open_store(tmp_path / "back.db") as store:
        # Oldest first by fetch time: the first nine the daemon fetched.
        assert [m.id for m in local if store.get_mention(m.id) is not None] == [
            m.id for m in local[:9]
        ]

    rest = reindex(settings, "--to", "sqlite", "--page-size", "4")

    assert rest.exit_code == 0, rest.output
    assert "copied 16 mentions to the SQLite file in this run (25 since the copy began)" in (
        rest.output
    )
    assert "counts match" in rest.output

    again = reindex(settings, "--to", "sqlite")

    assert again.exit_code == 0, again.output
    assert "copied 0 mentions to the SQLite file in this run (25 since the copy began)" in (
        again.output
    )
    assert "counts match" in again.output


def test_to_sqlite_leaves_the_mentions_this_file_has_as_they_are(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    local = fill_local_store(tmp_path / "data" / "listener.db")
    settings = settings_file(tmp_path, es_settings)
    assert reindex(settings, "--to", "elasticsearch").exit_code == 0

    result = reindex(settings, "--to", "sqlite")

    assert result.exit_code == 0, result.output
    assert "25 of them were here already (stored, erased or pruned)" in result.output
    assert "counts match" in result.output
    with open_store(tmp_path / "data" / "listener.db") as store:
        assert [store.get_mention(m.id) for m in local] == local


def test_without_a_cluster_in_the_settings_reindex_says_what_to_set(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("brands:\n  - name: Acme\n    query: acme\n", encoding="utf-8")

    result = reindex(path, "--to", "elasticsearch")

    assert result.exit_code == 2
    assert "storage.elasticsearch is not set" in result.output


def test_an_unreachable_cluster_is_one_line_naming_it(tmp_path: Path) -> None:
    dead = ClusterSettings(urls=("http://127.0.0.1:9",), index_prefix="dead", max_retries=0)
    settings = settings_file(tmp_path, dead)
    fill_local_store(tmp_path / "data" / "listener.db")

    result = reindex(settings, "--to", "elasticsearch")

    assert result.exit_code == 1
    assert "listener reindex: cannot use the cluster: nothing answers at http://127.0.0.1:9" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_document_the_index_refuses_is_reported_with_its_reason_and_exits_1(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    # An operator's own limit on the index: at most two nested judgments a document (the
    # sentiment and the urgency), so a mention with a topic is refused for good.
    mentions, _ = index_names(es_settings.index_prefix)
    template = mentions_template(es_settings.index_prefix, shards=1, replicas=0, icu=False)
    limited = {**template["template"]["settings"], "index.mapping.nested_objects.limit": 2}
    connection = Cluster(es_settings)
    try:
        connection.call(
            lambda es: es.indices.create(
                index=mentions, settings=limited, mappings=template["template"]["mappings"]
            )
        )
    finally:
        connection.close()
    topical = make_mention(2, judgments=Judgments(topics=(Finding("shipping", ("late",)),)))
    with open_store(tmp_path / "data" / "listener.db") as store:
        store.insert_mentions([make_mention(1), topical, make_mention(3)])
    settings = settings_file(tmp_path, es_settings)

    result = reindex(settings, "--to", "elasticsearch")

    assert result.exit_code == 1, result.output
    assert "refused: news:2: 400 " in result.output
    assert "nested" in result.output  # the cluster's reason, as it gave it
    assert "differs: news:2: live here, missing there" in result.output
    assert "counts differ" in result.output
    assert sorted(index_documents(es_settings)) == ["news:1", "news:3"]


def test_after_the_copy_another_daemon_does_not_store_the_copied_posts_again(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    local = fill_local_store(tmp_path / "data" / "listener.db")
    assert reindex(settings, "--to", "elasticsearch").exit_code == 0
    # The same posts served anew to a second daemon: a live one, a tombstoned one (deleted
    # posts stay out), and a new one, which it stores.
    served = [make_mention(5), make_mention(4), make_mention(MENTIONS + 1)]

    with ElasticStore(tmp_path / "other.db", es_settings) as other:
        stored = other.insert_mentions(served)

    assert [m.id for m in stored] == [f"news:{MENTIONS + 1}"]
    assert sorted(index_documents(es_settings)) == sorted([*(m.id for m in local), stored[0].id])


def copied_so_far(db: Path) -> int:
    """What the running copy's checkpoint says (read beside it, as an operator would)."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT copied FROM reindex_checkpoints").fetchone()
    return 0 if row is None else int(row[0])


def test_a_killed_copy_resumes_from_its_checkpoint_and_ends_with_equal_counts(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = settings_file(tmp_path, es_settings)
    db = tmp_path / "data" / "listener.db"
    total = 400
    with open_store(db) as store:
        store.insert_mentions([make_mention(n) for n in range(1, total + 1)])
    command = [str(LISTENER), "reindex", "--to", "elasticsearch", "--page-size", "2"]
    process = subprocess.Popen(
        [*command, "--config", str(settings)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while copied_so_far(db) < 20:  # some pages acknowledged: the copy is under way
            assert process.poll() is None, "the copy ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
    interrupted_at = copied_so_far(db)
    assert 20 <= interrupted_at < total

    resumed = reindex(settings, "--to", "elasticsearch", "--page-size", "500")

    assert resumed.exit_code == 0, resumed.output
    assert f"copied {total - interrupted_at:,} mentions to the cluster in this run" in (
        resumed.output
    )
    assert f"this file: {total:,} live, 0 tombstones" in resumed.output
    assert "counts match" in resumed.output
    assert len(index_documents(es_settings, size=total + 10)) == total


def test_a_row_changed_or_deleted_while_its_page_was_sent_ends_in_its_newest_state(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    # The page is read, then (as a running daemon would, between the read and the send) one
    # row is tombstoned and one pruned by retention: the index must not keep the old state.
    connection = Cluster(es_settings)
    try:
        ensure_indices(connection)
        with open_store(tmp_path / "listener.db") as store:
            store.insert_mentions([make_mention(n) for n in range(1, 5)])
            copier = ToCluster(store, connection, page_size=10)
            page = copier.local_page(10)
            store.tombstone_mentions(["news:3"], T0 + timedelta(days=1))
            store.prune_published_before(T0 + timedelta(minutes=1, seconds=30))  # news:1

            copier.send_page(page, resume="(test)")

            current = [store.get_mention(f"news:{n}") for n in (2, 3, 4)]
    finally:
        connection.close()
    documents = index_documents(es_settings)
    assert sorted(documents) == ["news:2", "news:3", "news:4"]
    assert [mention_of(documents[m.id]) for m in current if m] == current
    assert documents["news:3"]["live"] is False


def varied_mentions() -> list[Mention]:
    """Two brands, three sources, four languages, every feeling of the sentiment, topics,
    over two days of hours."""
    labels = list(SentimentLabel)
    found = []
    for n in range(1, 61):
        topics = (Finding("shipping"),) if n % 4 == 0 else (Finding("price"),) if n % 7 == 0 else ()
        found.append(
            make_mention(
                n,
                source=("news", "forum", "reviews")[n % 3],
                language=("en", "de", "pt-BR", None)[n % 4],
                brands=("Acme",) if n % 5 else ("Acme", "Globex"),
                published_at=T0 + timedelta(hours=n % 40, minutes=n),
                judgments=Judgments(sentiment_label=labels[n % 4], topics=topics),
            )
        )
    return found


def panels(store: SQLiteStore) -> list[object]:
    scope = scope_for(None, T0 - timedelta(days=1), T0 + timedelta(days=3), "hour")
    acme = scope_for("Acme", T0 - timedelta(days=1), T0 + timedelta(days=3), "day")
    return [
        store.count_mentions(),
        volume(store, scope),
        volume(store, acme),
        share_of_voice(store, scope),
        *(breakdown(store, acme, dimension) for dimension in DIMENSIONS),
    ]


def test_the_dashboard_reads_the_same_from_the_copy_both_ways(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    with open_store(first / "data" / "listener.db") as store:
        store.insert_mentions(varied_mentions())
        store.tombstone_mentions(["news:6", "forum:10"], T0 + timedelta(days=1))
        on_sqlite = panels(store)
    assert on_sqlite[0] == 58  # the tombstones are counted nowhere

    assert reindex(settings_file(first, es_settings), "--to", "elasticsearch").exit_code == 0
    with ElasticStore(tmp_path / "reader.db", es_settings) as reader:
        assert panels(reader) == on_sqlite

    back = tmp_path / "back"
    back.mkdir()
    assert reindex(settings_file(back, es_settings), "--to", "sqlite").exit_code == 0
    with open_store(back / "data" / "listener.db") as store:
        assert panels(store) == on_sqlite


def test_to_sqlite_says_which_side_has_more_when_the_counts_differ(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    db = tmp_path / "data" / "listener.db"
    fill_local_store(db)
    settings = settings_file(tmp_path, es_settings)
    assert reindex(settings, "--to", "elasticsearch").exit_code == 0
    with open_store(db) as store:  # stored on SQLite after the copy: the index lacks it
        store.insert_mentions([make_mention(MENTIONS + 1)])

    result = reindex(settings, "--to", "sqlite")

    assert result.exit_code == 1, result.output
    assert "the index: 23 live, 2 tombstones" in result.output
    assert "this file: 24 live, 2 tombstones" in result.output
    assert "this file has 1 live mention the index lacks: not sent yet?" in result.output
    assert "counts differ" in result.output


def test_a_cluster_refusing_the_credentials_is_one_line_without_the_password(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/").respond_with_json(
        {"error": {"type": "security_exception", "reason": "unable to authenticate"}},
        status=401,
    )
    url = httpserver.url_for("/").rstrip("/")
    settings = settings_file(tmp_path, ClusterSettings(urls=(url,), index_prefix="locked"))
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text + "    username: listener\n    password: ${ES_PASSWORD}\n", encoding="utf-8"
    )
    fill_local_store(tmp_path / "data" / "listener.db")

    result = CliRunner().invoke(
        main,
        ["reindex", "--to", "elasticsearch", "--config", str(settings)],
        env={"ES_PASSWORD": "hunter2-long"},
    )

    assert result.exit_code == 1
    assert f"{url} refused the credentials (401)" in result.output
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output
