"""The ``storage`` section: where the SQLite file lives (it keeps source state, alerts and the
outbox whatever the engine), the Elasticsearch URL, and how long mentions are kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from listener.config.store_path import store_path_problem
from listener.units import Duration


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _retention_at_least_a_day(value: timedelta) -> timedelta:
    # "0" reads as "keep nothing" to some and "no limit" to others: say how to keep all.
    if value < timedelta(days=1):
        raise ValueError("must be at least 1d (or null to keep everything)")
    return value


class StorageSettings(_Strict):
    # Relative to the settings file's folder (given as validation context), not the CWD.
    # Always set: even with Elasticsearch, SQLite keeps source state and the outbox.
    sqlite: Path = Field(default=Path("data/listener.db"), validate_default=True)
    elasticsearch: str | None = None  # for scale-out
    # Mentions published longer ago than this are pruned daily (issue 18), their index rows
    # with them; the dashboard's counts stay. Off unless set; under a day is refused: the
    # alert rules and the dedupe window read the last hours' mentions.
    retention: Annotated[Duration, AfterValidator(_retention_at_least_a_day)] | None = None

    @field_validator("sqlite", mode="before")
    @classmethod
    def _require_sqlite(cls, value: object) -> object:
        if value is None or value == "":
            raise ValueError("must be a file path, like 'data/listener.db' (SQLite keeps state)")
        return value

    @field_validator("sqlite")
    @classmethod
    def _resolve_sqlite(cls, value: Path, info: ValidationInfo) -> Path:
        if value == Path():
            raise ValueError("must be a file path, like 'data/listener.db'")
        base = (info.context or {}).get("base_dir") or Path.cwd()
        resolved = Path(base) / value.expanduser()
        problem = store_path_problem(resolved)
        if problem is not None:
            raise ValueError(problem)
        return resolved

    @field_validator("elasticsearch")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # The URL may carry a password, so the message does not repeat it.
        try:
            parts = urlsplit(value)
            ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:
            ok = False
        if not ok:
            raise ValueError("must be an http(s) URL, like 'http://localhost:9200'")
        return value
