"""Noticing edits to the settings file while the daemon runs.

An operator adds a feed or fixes a parked source's URL in ``settings.yaml``; the daemon
picks the change up at its next tick (or at once on SIGHUP) without a restart. A file
that no longer validates is reported with its key paths and lines, and the daemon keeps
running on the settings it has: a typo must never take the listening down.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from listener.config.errors import ConfigError
from listener.config.settings import Settings, load_settings
from listener.logs import fields
from listener.redaction import remember_secrets

log = logging.getLogger("listener.config.reload")

# Settings read once when the daemon starts; a change to them is noted, not applied.
RESTART_ONLY = ("storage", "web")
RESTART_ONLY_SCHEDULER = ("http_timeout", "user_agent")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


# What else keeps new settings from running, beyond their own validation (a ``saved:`` rule
# naming a search the store does not hold): one sentence per problem, none when they may run.
Vet = Callable[[Settings], list[str]]


class SettingsWatcher:
    def __init__(self, settings: Settings, *, vet: Vet | None = None) -> None:
        self._path = settings.config_path
        self._stamp = _stamp(self._path)
        self._forced = False
        self._vet = vet

    def request_reload(self) -> None:
        """Reload at the next check even if the file looks unchanged (SIGHUP)."""
        self._forced = True

    def changed(self) -> bool:
        """Whether the file changed since it was last read (cheap: one ``stat``)."""
        return self._forced or _stamp(self._path) != self._stamp

    def load(self, running: Settings) -> Settings | None:
        """The file's new settings, or ``None`` when they are invalid or the same as running."""
        self._forced = False
        self._stamp = _stamp(self._path)
        try:
            fresh = load_settings(self._path)
        except ConfigError as error:
            log.error(
                "settings file has problems; still running on the previous settings",
                extra=fields(config=str(self._path), problems=str(error)),
            )
            return None
        # Values new in the file are secrets from now on (the old ones stay: their errors
        # may still be shown).
        remember_secrets(fresh.secrets)
        if fresh == running:
            return None
        problems = self._vet(fresh) if self._vet else []
        if problems:
            log.error(
                "settings file has problems; still running on the previous settings",
                extra=fields(config=str(self._path), problems="; ".join(problems)),
            )
            return None
        self._note_restart_only(running, fresh)
        before = {s.name for s in running.sources}
        after = {s.name for s in fresh.sources}
        log.info(
            "settings reloaded",
            extra=fields(
                config=str(self._path),
                sources_added=",".join(sorted(after - before)) or None,
                sources_removed=",".join(sorted(before - after)) or None,
            ),
        )
        return fresh

    def _note_restart_only(self, running: Settings, fresh: Settings) -> None:
        changed = [name for name in RESTART_ONLY if getattr(running, name) != getattr(fresh, name)]
        changed += [
            f"scheduler.{name}"
            for name in RESTART_ONLY_SCHEDULER
            if getattr(running.scheduler, name) != getattr(fresh.scheduler, name)
        ]
        if changed:
            log.warning(
                "some changed settings take effect only after a restart",
                extra=fields(settings=",".join(changed)),
            )
