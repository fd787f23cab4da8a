"""SQLite schema: ordered migrations, applied at open, version kept in ``PRAGMA user_version``.

A migration is ``(version, step)`` where ``step`` is a tuple of SQL statements or a
callable taking the connection. Each runs in its own ``BEGIN IMMEDIATE`` transaction
together with the ``user_version`` bump (the header field is transactional), so a crash
mid-migration leaves the database at the previous version, never half-migrated. Append
new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from listener.store.base import SchemaTooNewError
from listener.store.letters import LETTERS_MIGRATIONS
from listener.store.schema_copies import COPIES_MIGRATIONS
from listener.store.schema_erasure import ERASURE_LATE_MIGRATIONS, ERASURE_MIGRATIONS
from listener.store.schema_index import INDEX_MIGRATIONS
from listener.store.schema_people import PEOPLE_LATE_MIGRATIONS, PEOPLE_MIGRATIONS
from listener.store.schema_reindex import REINDEX_MIGRATIONS
from listener.store.schema_scale import SCALE_MIGRATIONS
from listener.store.schema_stats import STATS_MIGRATIONS
from listener.store.schema_web import WEB_MIGRATIONS
from listener.store.stream_rows import STREAMS_MIGRATIONS

MigrationStep = tuple[str, ...] | Callable[[sqlite3.Connection], None]
Migration = tuple[int, MigrationStep]

# unicode61 splits words at every character outside its token categories. Its default
# (L* N* Co) leaves out combining marks, so Bengali/Devanagari/Telugu vowel signs (Mc/Mn)
# would cut words apart; M* keeps them inside, Pc keeps snake_case tags whole.
# remove_diacritics 2 makes "cafe" find "Café". https://sqlite.org/fts5.html#unicode61_tokenizer
FTS_TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co M* Pc'"

_V1: tuple[str, ...] = (
    # seq is an INTEGER PRIMARY KEY, i.e. an alias of rowid: the external-content FTS index
    # refers to mentions by rowid, and VACUUM may renumber rowids that are not aliased.
    """CREATE TABLE mentions (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL COLLATE NOCASE,
        source_type TEXT NOT NULL COLLATE NOCASE,
        native_id TEXT NOT NULL,
        url TEXT,
        canonical_url TEXT,
        author_handle TEXT,
        author_name TEXT,
        author_url TEXT,
        author_followers INTEGER,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        html TEXT NOT NULL,
        lang TEXT COLLATE NOCASE,
        published_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        engagement TEXT NOT NULL,
        rating REAL,
        parent_id TEXT,
        thread_id TEXT,
        brands TEXT NOT NULL,
        matched_terms TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        judgments TEXT NOT NULL,
        sentiment REAL,
        sentiment_label TEXT NOT NULL,
        author TEXT NOT NULL,
        handles TEXT NOT NULL,
        hashtags TEXT NOT NULL
    )""",
    "CREATE INDEX mentions_published ON mentions(published_at)",
    "CREATE INDEX mentions_source ON mentions(source, published_at)",
    "CREATE INDEX mentions_source_type ON mentions(source_type, published_at)",
    "CREATE INDEX mentions_lang ON mentions(lang)",
    "CREATE INDEX mentions_sentiment ON mentions(sentiment_label, published_at)",
    "CREATE INDEX mentions_canonical_url ON mentions(canonical_url)",
    "CREATE INDEX mentions_content_hash ON mentions(content_hash)",
    """CREATE TABLE mention_brands (
        brand TEXT NOT NULL COLLATE NOCASE,
        mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        PRIMARY KEY (brand, mention_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX mention_brands_mention ON mention_brands(mention_id)",
    """CREATE TABLE content_hashes (
        brand TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (brand, content_hash)
    ) WITHOUT ROWID""",
    "CREATE INDEX content_hashes_seen ON content_hashes(seen_at)",
    """CREATE TABLE authors (
        source_type TEXT NOT NULL,
        handle_key TEXT NOT NULL,
        handle TEXT NOT NULL,
        name TEXT,
        url TEXT,
        followers INTEGER,
        followers_at TEXT,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        mention_count INTEGER NOT NULL,
        PRIMARY KEY (source_type, handle_key)
    ) WITHOUT ROWID""",
    """CREATE TABLE source_state (
        source TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        cursor TEXT,
        next_check_at TEXT,
        last_attempt_at TEXT,
        last_success_at TEXT,
        error_count INTEGER NOT NULL,
        last_error TEXT,
        parked_reason TEXT,
        items_total INTEGER NOT NULL,
        last_new_items INTEGER NOT NULL
    )""",
    # External content: the index stores no copy of the text, mentions does.
    # https://sqlite.org/fts5.html#external_content_tables
    f"""CREATE VIRTUAL TABLE mentions_fts USING fts5(
        title, body, author, handles, hashtags,
        content='mentions', content_rowid='seq',
        tokenize="{FTS_TOKENIZE}"
    )""",
    # The trigger recipe from the same section of the FTS5 docs. A 'delete' must carry the
    # OLD values exactly as indexed, or the index keeps stale tokens; the update trigger
    # fires only when an indexed column changes, so re-judging a mention does not reindex it.
    """CREATE TRIGGER mentions_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, title, body, author, handles, hashtags)
        VALUES (new.seq, new.title, new.body, new.author, new.handles, new.hashtags);
    END""",
    """CREATE TRIGGER mentions_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, body, author, handles, hashtags)
        VALUES ('delete', old.seq, old.title, old.body, old.author, old.handles, old.hashtags);
    END""",
    """CREATE TRIGGER mentions_au AFTER UPDATE OF title, body, author, handles, hashtags
    ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, body, author, handles, hashtags)
        VALUES ('delete', old.seq, old.title, old.body, old.author, old.handles, old.hashtags);
        INSERT INTO mentions_fts(rowid, title, body, author, handles, hashtags)
        VALUES (new.seq, new.title, new.body, new.author, new.handles, new.hashtags);
    END""",
)

# existing_canonical_urls(exclude_source=...) reads source next to canonical_url: with both
# in one index the lookup never touches the (wide) mentions rows. It also serves every
# lookup by canonical_url alone, so the one-column index goes.
_V2: tuple[str, ...] = (
    "CREATE INDEX mentions_canonical_url_source ON mentions(canonical_url, source)",
    "DROP INDEX mentions_canonical_url",
)

# Judgments beyond sentiment. The searchable ones get columns (complaint, urgency, reach) or
# tag rows (feelings, topics, flags: several per mention); the JSON keeps the evidence.
# People's complaint labels and each brand's model learned from them live beside mentions.
_V3: tuple[str, ...] = (
    "ALTER TABLE mentions ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE mentions ADD COLUMN complaint_score REAL",
    "ALTER TABLE mentions ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal'",
    "ALTER TABLE mentions ADD COLUMN reach INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX mentions_complaint ON mentions(complaint, published_at)",
    # kind first: "every mention with topic X" is a prefix scan, and so is the EXISTS of a
    # search filter; the mention_id index serves rewriting one mention's tags.
    """CREATE TABLE mention_tags (
        mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, value, mention_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX mention_tags_mention ON mention_tags(mention_id)",
    """CREATE TABLE complaint_labels (
        mention_id TEXT PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
        is_complaint INTEGER NOT NULL,
        labeled_at TEXT NOT NULL,
        labeled_by TEXT NOT NULL
    )""",
    """CREATE TABLE complaint_models (
        brand TEXT PRIMARY KEY,
        trained_at TEXT NOT NULL,
        labels INTEGER NOT NULL,
        positives INTEGER NOT NULL,
        model BLOB NOT NULL
    )""",
    # Rows written before this version carry only sentiment in their JSON, so the defaults
    # above are already right for them; rows that do carry more are filled in from it.
    # json_extract turns JSON true/false into 1/0.
    """UPDATE mentions SET
        complaint = coalesce(json_extract(judgments, '$.complaint'), 0),
        complaint_score = json_extract(judgments, '$.complaint_score'),
        urgency = coalesce(json_extract(judgments, '$.urgency'), 'normal'),
        reach = coalesce(json_extract(judgments, '$.reach'), 0)
    WHERE json_extract(judgments, '$.complaint') IS NOT NULL
       OR json_extract(judgments, '$.complaint_score') IS NOT NULL
       OR json_extract(judgments, '$.urgency') IS NOT NULL
       OR json_extract(judgments, '$.reach') IS NOT NULL""",
    # json_each over a missing path yields no rows, so old JSON adds no tags. Names are
    # stored lowercase, as the store writes them (ASCII: topic names are [a-z0-9_]).
    """INSERT OR IGNORE INTO mention_tags (mention_id, kind, value)
    SELECT m.id, k.kind, lower(json_extract(f.value, '$.name'))
    FROM mentions m
    JOIN (SELECT 'feeling' AS kind, '$.feelings' AS path
          UNION ALL SELECT 'topic', '$.topics'
          UNION ALL SELECT 'flag', '$.flags') k
    JOIN json_each(m.judgments, k.path) f
    WHERE json_extract(f.value, '$.name') IS NOT NULL""",
)

# Posts change after we store them. edited_at is the source's own time of the last edit we
# applied (compared only with later times from the same source); deleted_at marks a
# tombstone: the author or a moderator removed the post, so its words are cleared and the
# row stays only so its id is never stored (nor alerted on) again. Existing rows are
# neither edited nor deleted, which NULL says.
_V4: tuple[str, ...] = (
    "ALTER TABLE mentions ADD COLUMN edited_at TEXT",
    "ALTER TABLE mentions ADD COLUMN deleted_at TEXT",
)

# Alerts and the outbox live beside the mentions they are about, so a mention, its alert and
# its outbox rows commit in one transaction (DESIGN.md, invariants). Times are ts() text
# like every other column, so comparisons and ORDER BY in SQL are time order.
# alert_mentions holds mention ids without a foreign key: mentions are never deleted (only
# tombstoned), and a rule that named a mention id not (yet) stored must not make the whole
# batch fail on every retry; the alert keeps the id it was about either way.
_V5: tuple[str, ...] = (
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        rule TEXT NOT NULL,
        brand TEXT COLLATE NOCASE,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        severity_reasons TEXT NOT NULL,
        details TEXT NOT NULL,
        drafts TEXT NOT NULL,
        assignee TEXT,
        acknowledged_at TEXT,
        replied_at TEXT,
        closed_at TEXT,
        escalated_at TEXT,
        folded INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX alerts_state_created ON alerts(state, created_at)",
    "CREATE INDEX alerts_brand_kind_state ON alerts(brand, kind, state)",
    # list_alerts without a state filter, and alerts_between, read by creation time alone.
    "CREATE INDEX alerts_created ON alerts(created_at)",
    """CREATE TABLE alert_mentions (
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        mention_id TEXT NOT NULL,
        PRIMARY KEY (alert_id, position),
        UNIQUE (alert_id, mention_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX alert_mentions_mention ON alert_mentions(mention_id)",
    # "by" is an SQL keyword: the column is actor.
    """CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        what TEXT NOT NULL,
        actor TEXT,
        detail TEXT
    )""",
    "CREATE INDEX alert_events_alert ON alert_events(alert_id, id)",
    """CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        event TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        not_before TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        sent_at TEXT,
        reason TEXT
    )""",
    # due_deliveries: the pending rows in send order; suppressed_between shares the prefix.
    "CREATE INDEX deliveries_due ON deliveries(status, channel, id)",
    # deliveries_since (a channel's rate limit) and list_deliveries by alert.
    "CREATE INDEX deliveries_channel_created ON deliveries(channel, created_at)",
    "CREATE INDEX deliveries_alert ON deliveries(alert_id)",
    # An author's earlier mentions (shown on every alert, matched for follow-ups): without it
    # author_mentions reads every mention of the source type. Handles compare without case.
    "CREATE INDEX mentions_author ON mentions("
    "source_type, author_handle COLLATE NOCASE, published_at)",
    "ALTER TABLE source_state ADD COLUMN empty_polls INTEGER NOT NULL DEFAULT 0",
)

MIGRATIONS: tuple[Migration, ...] = (
    (1, _V1), (2, _V2), (3, _V3), (4, _V4), (5, _V5), *SCALE_MIGRATIONS, *WEB_MIGRATIONS,
    *STATS_MIGRATIONS, *LETTERS_MIGRATIONS, *STREAMS_MIGRATIONS, *PEOPLE_MIGRATIONS,
    *ERASURE_MIGRATIONS, *COPIES_MIGRATIONS, *PEOPLE_LATE_MIGRATIONS, *ERASURE_LATE_MIGRATIONS,
    *INDEX_MIGRATIONS, *REINDEX_MIGRATIONS,
)  # fmt: skip


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to the last migration's version; return that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so the transactions
    here are the only ones. Raises ``SchemaTooNewError`` for a database from the future.
    """
    known = migrations[-1][0] if migrations else 0
    current = schema_version(conn)
    for version, step in migrations:
        if current >= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = schema_version(conn)
            if current < version:
                if callable(step):
                    step(conn)
                else:
                    for statement in step:
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(version)}")
                current = version
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    if current > known:
        raise SchemaTooNewError(current, known)
    return current
