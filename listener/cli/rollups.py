"""``listener rollups rebuild`` and ``listener rollups check``: the dashboard's counts.

The rollups are kept as mentions are stored, edited, tombstoned and labelled
(``listener.store.rollups``); these commands recount them from the mentions. Both run
beside a running daemon (WAL): the check reads one snapshot without the write lock; the
rebuild writes a week of mentions' counts per transaction, and the daemon stores between.
Exit codes: 0 done / the counts match, 1 they differ (or there is no store), 2 bad settings.
"""

from __future__ import annotations

import sys

import click

from listener.cli.common import config_option, load_or_exit, no_store_yet
from listener.store import open_store
from listener.store.rollup_rebuild import check_store_rollups, rebuild_store_rollups

SHOWN_DIFFERENCES = 20


@click.group()
def rollups() -> None:
    """The dashboard's counts: recount them from the mentions, or check them."""


def _store_path(config_path: str | None) -> str:
    settings = load_or_exit(config_path, polls=False)
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing, err=True)
        sys.exit(1)
    return str(settings.storage.sqlite)


@rollups.command("rebuild")
@config_option
def rebuild(config_path: str | None) -> None:
    """Count the rollups again from the mentions, replacing the stored counts."""
    with open_store(_store_path(config_path)) as store:
        rebuilt = rebuild_store_rollups(store)
    click.echo(f"rollups rebuilt: {rebuilt.rows:,} rows in {rebuilt.seconds:.2f} s")
    if rebuilt.kept:
        # Retention and erasure delete posts but not their counts: say the recount kept them.
        click.echo(
            f"  including the kept counts of {rebuilt.kept:,} pruned or erased mentions"
            " (docs/privacy.md)"
        )


@rollups.command("check")
@config_option
def check(config_path: str | None) -> None:
    """Recount the rollups from the mentions and compare; exit 1 when they differ."""
    with open_store(_store_path(config_path)) as store:
        # One more than shown, to know whether there are more.
        found = check_store_rollups(store, limit=SHOWN_DIFFERENCES + 1)
    if not found:
        click.echo("rollups match the mentions (and the kept counts of pruned or erased ones)")
        return
    for difference in found[:SHOWN_DIFFERENCES]:
        click.echo(difference.describe())
    how_many = (
        f"more than {SHOWN_DIFFERENCES} keys differ (the first {SHOWN_DIFFERENCES} above)"
        if len(found) > SHOWN_DIFFERENCES
        else f"{len(found)} key{'s' if len(found) > 1 else ''} differ"
    )
    click.echo(
        f"rollups do not match the mentions: {how_many}; run `listener rollups rebuild`",
        err=True,
    )
    sys.exit(1)
