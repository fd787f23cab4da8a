"""Reading the settings must not cost the process its store's locks.

The settings check looks at ``storage.sqlite``'s file. It used to read the first bytes with
open(): closing that descriptor dropped every POSIX lock the process held on the file, so
after a daemon re-read its settings, the next process to close the store deleted the WAL
under it and the daemon's later writes were gone when it stopped.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from listener.config.settings import load_settings

COUNT = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('SELECT count(*) FROM t').fetchone()[0]); c.close()"  # noqa: E501


def count_elsewhere(db: Path) -> int:
    """The rows another process sees (it opens and closes the database, as a CLI does)."""
    done = subprocess.run([sys.executable, "-c", COUNT, str(db)], capture_output=True, text=True)
    return int(done.stdout)


def test_loading_settings_keeps_the_store_locks(tmp_path: Path) -> None:
    db = tmp_path / "listener.db"
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        f"brands: [{{name: Acme, query: acme}}]\nstorage: {{sqlite: {db}}}\n", encoding="utf-8"
    )
    daemon = sqlite3.connect(db, isolation_level=None)
    daemon.execute("PRAGMA journal_mode=WAL")
    daemon.execute("CREATE TABLE t (x)")
    daemon.execute("INSERT INTO t VALUES (1)")
    try:
        load_settings(settings, environ={})  # a reload, in the process holding the store
        assert count_elsewhere(db) == 1
        daemon.execute("INSERT INTO t VALUES (2)")
        assert count_elsewhere(db) == 2, "the WAL was deleted under the daemon"
        assert Path(f"{db}-wal").exists()
    finally:
        daemon.close()


def test_a_file_that_is_not_sqlite_is_still_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("shopping list: milk, eggs, and a database that is not one", encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        f"brands: [{{name: Acme, query: acme}}]\nstorage: {{sqlite: {db}}}\n", encoding="utf-8"
    )
    import pytest

    from listener.config.errors import ConfigError

    with pytest.raises(ConfigError, match="is not a SQLite database"):
        load_settings(settings, environ={})
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
