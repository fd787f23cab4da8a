"""The ``storage`` section: where the SQLite file lives (it keeps source state, alerts and the
outbox whatever the engine), the Elasticsearch cluster, and how long mentions are kept."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from listener.config.store_path import store_path_problem
from listener.units import ByteSize, Duration, PositiveDuration

Secret = Annotated[SecretStr, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _retention_at_least_a_day(value: timedelta) -> timedelta:
    # "0" reads as "keep nothing" to some and "no limit" to others: say how to keep all.
    if value < timedelta(days=1):
        raise ValueError("must be at least 1d (or null to keep everything)")
    return value


def _http_url_problem(value: str) -> str | None:
    # The URL may carry a password, so no message repeats it.
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        ok = ok and parts.path in ("", "/") and not parts.query and not parts.fragment
    except ValueError:
        ok = False
    if not ok:
        return "must be an http(s) URL of a node, like 'http://localhost:9200'"
    return None


def _node_url(value: str) -> str:
    if (problem := _http_url_problem(value)) is not None:
        raise ValueError(problem)
    return value


def without_credentials(url: str) -> str:
    """``url`` as it may be shown: a ``user:password@`` part removed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# Elasticsearch's index names: lowercase, no path or wildcard characters, not starting with
# '-', '_' or '+'; the engine appends "-mentions" and "-keys".
_INDEX_PREFIX = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


class ElasticsearchSettings(_Strict):
    """The cluster the mentions are indexed in (``listener.store.elasticsearch``).

    ``storage.elasticsearch: http://host:9200`` is short for ``{urls: [http://host:9200]}``.
    A URL may carry ``user:${PASSWORD}@``: it becomes ``username``/``password``, and the URL
    is kept (and shown) without it.
    """

    urls: list[Annotated[str, AfterValidator(_node_url)]] = Field(min_length=1)
    index_prefix: str = "listener"  # indices <prefix>-mentions and <prefix>-keys
    api_key: Secret | None = None  # ${VAR}; sent as "Authorization: ApiKey …"
    username: str | None = Field(default=None, min_length=1)
    password: Secret | None = None  # ${VAR}
    # A PEM bundle to trust for https (a self-signed cluster); relative to the settings file.
    ca_file: Path | None = None
    verify_certs: bool = True
    timeout: PositiveDuration = timedelta(seconds=10)  # per request
    # connection errors and 502/503/504 (a 429 is left to bulk.send, which backs off)
    max_retries: int = Field(default=3, ge=0, le=10)
    # auto: read GET / once (OpenSearch servers get plain JSON, not Elasticsearch's media type)
    flavour: Literal["auto", "elasticsearch", "opensearch"] = "auto"
    bulk_docs: int = Field(default=500, ge=1, le=10_000)  # documents per _bulk request
    bulk_bytes: ByteSize = 5_000_000  # and at most this many bytes per request
    shards: int = Field(default=1, ge=1, le=1024)  # the mentions index's primaries
    replicas: int = Field(default=1, ge=0, le=32)

    @field_validator("urls", mode="before")
    @classmethod
    def _one_url_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("index_prefix")
    @classmethod
    def _index_name(cls, value: str) -> str:
        if not _INDEX_PREFIX.fullmatch(value):
            raise ValueError(
                f"{value!r} is not usable in an index name: lowercase letters, digits,"
                " '_' and '-', starting with a letter or digit"
            )
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        base = (info.context or {}).get("base_dir") or Path.cwd()
        resolved = Path(base) / value.expanduser()
        if not resolved.is_file():
            raise ValueError(f"no file at {resolved}: give the CA bundle's path (PEM)")
        return resolved

    @model_validator(mode="before")
    @classmethod
    def _credentials_out_of_urls(cls, data: Any) -> Any:
        # user:password@ in a URL becomes basic auth: the client gets one way of saying it,
        # and the URLs can be shown in `listener check`, logs and the web without it.
        if not isinstance(data, dict) or not isinstance(data.get("urls", []), list | str):
            return data
        urls = data.get("urls", [])
        urls = [urls] if isinstance(urls, str) else urls
        found: set[tuple[str, str]] = set()
        plain: list[Any] = []
        for url in urls:
            if isinstance(url, str) and _http_url_problem(url) is None:
                parts = urlsplit(url)
                if parts.username is not None or parts.password is not None:
                    found.add((unquote(parts.username or ""), unquote(parts.password or "")))
                    url = without_credentials(url)
            plain.append(url)
        if not found:
            return data
        if len(found) > 1:
            raise ValueError("urls name different users or passwords: give one username/password")
        if data.get("username") is not None or data.get("password") is not None:
            raise ValueError("a URL carries user:password@ and username/password are set too")
        if data.get("api_key") is not None:
            raise ValueError("a URL carries user:password@ and api_key is set too: give one")
        username, password = found.pop()
        return {**data, "urls": plain, "username": username or None, "password": password or None}

    @model_validator(mode="after")
    def _one_way_in(self) -> ElasticsearchSettings:
        if self.api_key is not None and (self.username is not None or self.password is not None):
            raise ValueError("give api_key or username/password, not both")
        if (self.username is None) != (self.password is None):
            missing = "password" if self.password is None else "username"
            raise ValueError(f"basic auth needs both username and password: {missing} is missing")
        https = any(url.startswith("https:") for url in self.urls)
        if self.ca_file is not None and not https:
            raise ValueError("ca_file is for https URLs, and every URL here is http")
        if self.ca_file is not None and not self.verify_certs:
            raise ValueError(
                "ca_file is set but verify_certs is false: certificates are not"
                " checked at all then; remove one of the two"
            )
        return self


class StorageSettings(_Strict):
    # Relative to the settings file's folder (given as validation context), not the CWD.
    # Always set: even with Elasticsearch, SQLite keeps source state and the outbox.
    sqlite: Path = Field(default=Path("data/listener.db"), validate_default=True)
    elasticsearch: ElasticsearchSettings | None = None  # the shared mention index (scale-out)
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

    @field_validator("elasticsearch", mode="before")
    @classmethod
    def _url_shorthand(cls, value: object) -> object:
        # `elasticsearch: http://localhost:9200` is one node with every default; its problem
        # is reported at this key's line, as before the section existed.
        if not isinstance(value, str):
            return value
        if (problem := _http_url_problem(value)) is not None:
            raise ValueError(problem)
        return {"urls": [value]}
