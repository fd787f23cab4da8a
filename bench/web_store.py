"""The web bench's store: ``bench/stores.py``'s mentions plus alerts, built once and cached.

    from web_store import cached_web_store, open_copy
    path = cached_web_store(1_000_000, 10_000)   # data/bench/web-1000000-a10000-f1-v11-….db

The mentions come from ``bench/stores.py``'s cached store of that size. When the cache holds
only a store of an older schema version, that one is copied (opening the copy migrates it):
a rebuild of 1M mentions takes minutes. The alerts go in through the store's own alert
transaction, as the rules raise them: mostly complaints about one mention, every 20th an
incident holding 50, four brands, every severity, 40 % closed, some assigned, some snoozed,
spread over the store's 60 days.

The file name carries the alerts' count, ``FILL`` (bumped when what ``add_alerts`` writes
changes) and the schema tag of ``stores.schema_tag``. A web store of an older schema version
but the same fill is copied and migrated rather than rebuilt; superseded ones are then
deleted. One of today's version but another fingerprint (a migration of today's version was
edited since) is rebuilt from the mentions: opening it would not run the edited migration. As in
``stores.py``, a build writes to a ``.partial-<pid>`` name and a lock file makes a second
process wait for the first build.

A bench never writes to the cached file: ``open_copy`` copies it into a folder of the run's
own, with a settings file naming the copy.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import timedelta
from pathlib import Path

from stores import DEFAULT_ROOT, END, SOURCES, build_once, cached_store, schema_tag, store_path

from listener.config.settings import Settings, load_settings
from listener.models import AlertKind, AlertState, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.inbox_writes import snooze
from listener.store.schema import MIGRATIONS

FILL = "f1"
BRANDS = ("Acme", "Globex", "Initech", "Umbrella")
PEOPLE = ("local", "ann", "bo", "cy", None, None)
INCIDENT_MENTIONS = 50
SETTINGS = """\
brands:
{brands}
sources:
{sources}
storage:
  sqlite: {db}
alerts:
  channels:
    - name: hooks
      type: webhook
      url: http://127.0.0.1:9/hook
  sla:
    ack_within: 30m
    escalate_to: [hooks]
"""


def web_store_path(size: int, alerts: int, root: Path = DEFAULT_ROOT) -> Path:
    return root / f"web-{size}-a{alerts}-{FILL}-{schema_tag()}.db"


def _version(path: Path) -> int:
    """The schema version in a cached store's name (``…-v11-3f2a91c0.db``: 11)."""
    match = re.search(r"-v(\d+)-[0-9a-f]+\.db$", path.name)
    return int(match.group(1)) if match else 0


def _migratable(pattern: str, root: Path) -> Path | None:
    """The newest cached store matching ``pattern`` whose schema is older than today's.

    Only an older *version* is migrated: a store of today's version but another fingerprint
    was built before a migration of today's version was edited, and opening it would not
    run that migration again (its version says it is done)."""
    today = max(v for v, _ in MIGRATIONS)
    found = [p for p in root.glob(pattern) if _version(p) < today]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def mention_store(size: int, root: Path = DEFAULT_ROOT) -> Path:
    """The cached store of ``size`` mentions: today's schema if there is one, else one of
    an older version (opening a copy migrates it), else built now (minutes at 1M)."""
    today = store_path(size, root)
    if today.exists():
        return today
    return _migratable(f"store-{size}-v*.db", root) or cached_store(size, root=root)


def cached_web_store(size: int, alerts: int, *, root: Path = DEFAULT_ROOT) -> Path:
    """The path of a complete web store (``size`` mentions, ``alerts`` alerts) under
    ``root``, built or migrated on first use."""
    if size < 1 or alerts < 1:
        raise ValueError("a web bench store needs at least one mention and one alert")

    def build(partial: Path) -> str:
        older = _migratable(f"web-{size}-a{alerts}-{FILL}-v*.db", root)
        if older is not None:
            shutil.copyfile(older, partial)
            open_store(partial).close()  # opening migrates it to today's schema
            return f"migrated from {older.name}"
        shutil.copyfile(mention_store(size, root), partial)
        with open_store(partial) as store:
            made = add_alerts(store, alerts)
        return f"{len(made):,} alerts added"

    return build_once(web_store_path(size, alerts, root), f"web-{size}-a{alerts}-*", build)


def mention_ids(store: SQLiteStore, count: int) -> list[str]:
    """``count`` mention ids spread evenly over the store (fewer when it holds fewer)."""
    with store._read() as conn:
        top = conn.execute("SELECT max(seq) FROM mentions").fetchone()[0] or 0
        stride = max(1, top // max(1, count))
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM mentions WHERE seq % ? = 0 LIMIT ?", (stride, count * 2)
            )
        ]


def raise_alerts(
    store: SQLiteStore,
    count: int,
    ids: list[str],
    *,
    prefix: str,
    seed: int = 7,
    incidents: bool = True,
) -> list[int]:
    """``count`` alerts through the store's alert transaction, in batches of 500: complaints
    about ``ids[n]`` and, with ``incidents``, every 20th an incident holding up to 50 of
    ``ids``."""
    rng = random.Random(seed)
    made: list[int] = []
    severities = list(Severity)
    for start in range(0, count, 500):
        with store.alert_transaction() as tx:
            for n in range(start, min(count, start + 500)):
                incident = incidents and n % 20 == 0
                if incident:
                    mentions = tuple(rng.sample(ids, min(INCIDENT_MENTIONS, len(ids))))
                else:
                    mentions = (ids[n % len(ids)],)
                alert = tx.add_alert(
                    NewAlert(
                        key=f"{prefix}:{n}",
                        kind=AlertKind.INCIDENT if incident else AlertKind.COMPLAINT,
                        rule="spike" if incident else "complaint",
                        brand=BRANDS[n % 4],
                        severity=severities[rng.randrange(4)],
                        title=f"Bench alert {n}",
                        created_at=END - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                        mention_ids=mentions,
                    )
                )
                assert alert is not None, f"alert {prefix}:{n} was not raised"
                made.append(alert.id)
    return made


def add_alerts(store: SQLiteStore, count: int, seed: int = 7) -> list[int]:
    """The bench's alerts, then their life: closed, acknowledged, assigned, snoozed."""
    made = raise_alerts(store, count, mention_ids(store, count), prefix="bench", seed=seed)
    rng = random.Random(seed + 1)
    at = END
    for alert_id in made:
        roll = rng.random()
        if roll < 0.4:
            state = AlertState.RESOLVED if roll < 0.3 else AlertState.IGNORED
            store.set_alert_state(alert_id, state, at=at, by="ann")
        elif roll < 0.55:
            store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=at, by="bo")
        person = PEOPLE[alert_id % len(PEOPLE)]
        if person:
            store.assign_alert(alert_id, person, at=at, by="ann")
        if 0.9 < roll < 0.95:
            snooze(store, alert_id, at + timedelta(days=1), at=at, by="cy")
    return made


def write_settings(
    folder: Path,
    db: Path,
    brands: tuple[str, ...] = BRANDS,
    sources: tuple[tuple[str, str], ...] = SOURCES,
) -> Settings:
    """A settings file for the copy at ``db``: the brands and the sources of the bench's
    store (the web store's four brands and three sources unless told), each source read
    as a feed (a source's name, not its type, is what the store's rows and filters hold)."""
    path = folder / "settings.yaml"
    path.write_text(
        SETTINGS.format(
            brands="\n".join(f"  - name: {b}\n    query: {b.lower()}" for b in brands),
            sources="\n".join(
                f"  - name: {name}\n    type: rss\n    interval: 10m\n"
                f"    url: http://127.0.0.1:9/{name}.xml"
                for name, _type in sources
            ),
            db=db,
        ),
        encoding="utf-8",
    )
    return load_settings(path, environ={})


def open_copy(
    cached: Path,
    folder: Path,
    brands: tuple[str, ...] = BRANDS,
    sources: tuple[tuple[str, str], ...] = SOURCES,
) -> tuple[SQLiteStore, Settings]:
    """A copy of the cached store in ``folder`` (the bench may write to it), opened, and
    settings that name it and its brands and sources."""
    db = folder / "listener.db"
    shutil.copyfile(cached, db)
    return open_store(db), write_settings(folder, db, brands, sources)
