"""The dashboard bench's store: 1,000,000 mentions over 180 days and five brands, of the
varied shape (``bench/store_shape.py``), and 10,000 alerts with a life, built once and cached.

    python bench/dashboard_store.py [--size 1000000] [--alerts 10000]   # build ahead

    from dashboard_store import DASHBOARD, cached_dashboard_store
    path = cached_dashboard_store(1_000_000, 10_000)
    # data/bench/dashboard-1000000-a10000-d1-180d-5b-…-v12-….db

The mentions go in through ``bench/stores.py``'s builder (``insert_mentions`` in batches),
then the rollups are recounted from them (``rebuild_rollups``: the migration's own fill, so
the counts are right whether or not the write path keeps them up). The alerts go in through
the store's alert transaction, as the rules raise them, each a few minutes after the
mention it is about: complaint alerts about complaint mentions of their brand, every 20th an
incident (a spike alert) holding 50 of them, and one incident at each spike of the
timeline. Their life is as a team lives it, in the store's own calls, timed from each
alert's creation: most are acknowledged within minutes to hours (some never), a third of
those replied to, most closed hours to days later; most are assigned; alerts of the last
days are still open more often, since their time has not come.

Cost (two shared cores, ``nice``): about as long as ``bench/stores.py``'s 1M store plus
the rollup count and a minute or two of alerts; about 2 GB.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from store_shape import Shape, timeline
from stores import DEFAULT_ROOT, END, build_once, build_store, schema_tag

from listener.models import AlertKind, AlertState, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.rollup_rebuild import rebuild_rollups
from listener.store.rows import parse_ts

FILL = "d1"  # bumped when what this file writes changes
DASHBOARD = Shape(
    days=180,
    brand_by_tenth=("Acme",) * 4 + ("Globex",) * 2 + ("Initech",) * 2 + ("Umbrella", "Hooli"),
    second_brand="Globex",
    sources=(
        ("x-search", "x"),
        ("reddit-brand", "reddit"),
        ("news-feeds", "rss"),
        ("mastodon-brand", "mastodon"),
        ("trustpilot-reviews", "trustpilot"),
        ("youtube-comments", "youtube"),
    ),
    source_weights=(35, 20, 15, 10, 10, 10),
    varied=True,
)
PEOPLE = ("ann", "bo", "cy", "dee", None)
INCIDENT_MENTIONS = 50


def dashboard_store_path(size: int, alerts: int, root: Path = DEFAULT_ROOT) -> Path:
    return root / f"dashboard-{size}-a{alerts}-{FILL}{DASHBOARD.tag}-{schema_tag()}.db"


def cached_dashboard_store(size: int, alerts: int, *, root: Path = DEFAULT_ROOT) -> Path:
    """The path of a complete dashboard store under ``root``, built on first use."""
    if size < 1 or alerts < 1:
        raise ValueError("a dashboard bench store needs at least one mention and one alert")

    def build(partial: Path) -> str:
        build_store(partial, size, shape=DASHBOARD)
        with open_store(partial) as store:
            with store._write() as conn:
                rebuild_rollups(conn)
            made = add_alerts(store, alerts)
        return f"{size:,} mentions over {DASHBOARD.days} days, {len(made):,} alerts"

    return build_once(dashboard_store_path(size, alerts, root), f"dashboard-{size}-a{alerts}-*",
                      build)  # fmt: skip


def _complaints(store: SQLiteStore) -> list[tuple[str, datetime, str]]:
    """(id, published, first brand) of every live complaint mention, oldest first."""
    with store._read() as conn:
        rows = conn.execute(
            "SELECT id, published_at, json_extract(brands, '$[0]') FROM mentions"
            " WHERE complaint = 1 AND deleted_at IS NULL ORDER BY published_at"
        ).fetchall()
    return [(r[0], parse_ts(r[1]), r[2]) for r in rows]


def add_alerts(store: SQLiteStore, count: int, seed: int = 7) -> list[int]:
    """``count`` alerts about the store's complaints (plus one per spike), then their life."""
    rng = random.Random(seed)
    found = _complaints(store)
    if not found:
        raise ValueError("the store holds no complaint to raise an alert about")
    stride = max(1, len(found) // count)
    severities = list(Severity)
    made: list[int] = []
    wanted: list[NewAlert] = []
    for n in range(count):
        at = (n * stride) % len(found)
        mention_id, published, brand = found[at]
        incident = n % 20 == 0
        mentions = (
            tuple(m[0] for m in found[at : at + INCIDENT_MENTIONS]) if incident else (mention_id,)
        )
        created = published + timedelta(minutes=rng.randint(1, 20))
        severity = severities[rng.randrange(4)]
        wanted.append(_alert(f"dash:{n}", incident, brand, severity, created, mentions))
    for k, (start, end) in enumerate(timeline(DASHBOARD, END).spikes):
        inside = [m for m in found if start <= m[1] < end][:INCIDENT_MENTIONS]
        if inside:
            ids = tuple(m[0] for m in inside)
            created = start + timedelta(minutes=40)
            brand = inside[0][2]
            wanted.append(_alert(f"dash:spike:{k}", True, brand, Severity.HIGH, created, ids))
    for first in range(0, len(wanted), 500):
        with store.alert_transaction() as tx:
            for new in wanted[first : first + 500]:
                alert = tx.add_alert(new)
                assert alert is not None, f"alert {new.key} was not raised"
                made.append(alert.id)
    _live(store, made, random.Random(seed + 1))
    return made


def _alert(
    key: str,
    incident: bool,
    brand: str,
    severity: Severity,
    created: datetime,
    mentions: tuple[str, ...],
) -> NewAlert:
    return NewAlert(
        key=key,
        kind=AlertKind.INCIDENT if incident else AlertKind.COMPLAINT,
        rule="spike" if incident else "complaint",
        brand=brand,
        severity=severity,
        title=f"{'Spike' if incident else 'Complaint'} about {brand}",
        created_at=min(created, END - timedelta(minutes=1)),
        mention_ids=mentions,
    )


def _after(rng: random.Random, typical: timedelta, spread: float) -> timedelta:
    """A log-normal delay around ``typical``: most near it, a long tail of slow ones."""
    return typical * math.exp(rng.gauss(0, spread))


def _live(store: SQLiteStore, made: list[int], rng: random.Random) -> None:
    """Acknowledge, reply to, assign and close the alerts as a team would, each step at
    its own time after the alert's creation, none after ``END``."""
    for alert_id in made:
        alert = store.get_alert(alert_id)
        assert alert is not None
        roll = rng.random()
        person = PEOPLE[alert_id % len(PEOPLE)]
        responded = alert.created_at + _after(rng, timedelta(minutes=40), 1.3)
        if person and roll < 0.85:
            store.assign_alert(alert_id, person, at=alert.created_at + timedelta(minutes=2),
                               by="ann")  # fmt: skip
        if roll >= 0.9 or responded >= END:
            continue  # never answered (yet)
        who = person or "ann"
        store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=responded, by=who)
        if roll < 0.3:
            responded += _after(rng, timedelta(minutes=15), 0.8)
            if responded >= END:
                continue
            store.set_alert_state(alert_id, AlertState.REPLIED, at=responded, by=who)
        closed = responded + _after(rng, timedelta(hours=8), 1.2)
        if roll < 0.75 and closed < END:
            state = AlertState.RESOLVED if roll < 0.65 else AlertState.IGNORED
            store.set_alert_state(alert_id, state, at=closed, by=who)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="mentions")
    parser.add_argument("--alerts", type=int, default=10_000, help="alerts")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="cache folder")
    args = parser.parse_args()
    print(cached_dashboard_store(args.size, args.alerts, root=args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
