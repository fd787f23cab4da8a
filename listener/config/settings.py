"""Settings: the strict models of ``settings.yaml``, read and validated once at start.

Every model forbids unknown keys, so a typo stops the start with the key path and the line
(``settings.yaml:14: sources[1].intervall: unknown key (did you mean 'interval'?)``), reported
together with every other problem in the file. Nothing here touches the network. Secrets stay
out of the file: string values may say ``${VAR}`` or ``${VAR:-default}`` (``yamlfile``).

A source entry is written flat — ``{name, type, interval, enabled, url: ...}`` — and every key
that is not one of those four belongs to that source type's ``Options`` model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from listener.config.alerts import AlertsSettings, RuleBase, unknown_names
from listener.config.channels import ChannelBase
from listener.config.errors import combine_errors, load_model
from listener.config.judgments import JudgmentSettings
from listener.config.people import PersonSettings, checked_people
from listener.config.replies import RepliesSettings
from listener.config.storage import StorageSettings
from listener.config.text_fields import stripped_non_empty
from listener.config.web import WebSettings
from listener.query import valid_query
from listener.sources.base import SourceOptions
from listener.sources.registry import get_source_type, source_types
from listener.units import (
    MAX_COUNT,
    ByteSize,
    Duration,
    PositiveDuration,
    at_least,
    format_duration,
)

DEFAULT_CONFIG = Path("settings.yaml")
CONFIG_ENV = "LISTENER_CONFIG"
# Polling a server more often than this is impolite: feeds rarely change that fast, and
# hammering them gets the source rate-limited or blocked for everyone on the machine.
MIN_INTERVAL = timedelta(seconds=30)

# ---- the models ----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _handle(value: str) -> str:
    handle = value.strip().removeprefix("@").lower()
    if not handle or any(char.isspace() for char in handle):
        raise ValueError(f"{value!r} is not an account handle (write it like '@acme')")
    return handle


def _language(value: str) -> str:
    tag = value.strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", tag):
        raise ValueError(
            f"{value!r} is not a primary language tag:"
            " use two- or three-letter codes like 'en' or 'bn' (not 'en-US')"
        )
    return tag


class BrandSettings(_Strict):
    """A brand to listen for: mentions matching ``query`` are kept, judged and stored."""

    name: str
    query: str
    own_handles: list[Annotated[str, AfterValidator(_handle)]] = []  # their posts are ignored
    languages: list[Annotated[str, AfterValidator(_language)]] = []  # empty: every language

    @field_validator("name")
    @classmethod
    def _name_not_empty(cls, value: str) -> str:
        return stripped_non_empty(value, "must not be empty")

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        return valid_query(value)


_SOURCE_KEYS = frozenset({"name", "type", "interval", "enabled"})


class SourceSettings(_Strict):
    """One place to read. ``options`` is the type's own model (``listener.sources.<type>``)."""

    name: str
    type: str
    # How often a polled source is read; a stream source has none (it listens all the time).
    interval: Duration | None = Field(default=None, validate_default=True)
    enabled: bool = True
    options: SerializeAsAny[SourceOptions]  # validated last: which model applies depends on `type`

    @model_validator(mode="before")
    @classmethod
    def _gather_options(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or isinstance(data.get("options"), SourceOptions):
            return data  # built in code with a ready Options value
        common = {key: value for key, value in data.items() if key in _SOURCE_KEYS}
        options = {key: value for key, value in data.items() if key not in _SOURCE_KEYS}
        return {**common, "options": options}

    @field_validator("name")
    @classmethod
    def _name_fits_ids(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", value):
            raise ValueError(
                f"{value!r} is not a valid source name: use lowercase letters, digits, '_', '.'"
                " and '-', starting with a letter or digit, because the name becomes part of"
                " every mention id ('<source>:<id>')"
            )
        return value

    @field_validator("type")
    @classmethod
    def _type_registered(cls, value: str) -> str:
        known = sorted(source_types())
        if value not in known:
            close = get_close_matches(value, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown source type {value!r}{hint}; known types: {', '.join(known)}"
            )
        return value

    @property
    def is_stream(self) -> bool:
        return get_source_type(self.type).is_stream

    @property
    def expected_interval(self) -> timedelta:
        """The longest a healthy source goes between successes: the poll interval, or a
        stream's idle timeout (a live stream brings something, if only a heartbeat)."""
        if self.interval is not None:
            return self.interval
        idle: timedelta = getattr(self.options, "idle_timeout", MIN_INTERVAL)
        return idle

    @field_validator("interval", mode="after")
    @classmethod
    def _interval_fits_type(cls, value: timedelta | None, info: ValidationInfo) -> timedelta | None:
        type_name = info.data.get("type")
        if type_name is None:
            return value  # `type` is wrong or missing, already reported
        source_type = get_source_type(type_name)
        if source_type.is_stream:
            if value is not None:
                raise ValueError(
                    f"{type_name} is a stream source: it listens all the time and has no"
                    " interval; remove `interval`"
                )
            return None
        if value is None:
            raise ValueError(
                f"required key is missing: {type_name} sources are polled; say how often,"
                " like `interval: 5m`"
            )
        minimum = source_type.info.min_interval or MIN_INTERVAL
        if value < minimum:
            raise ValueError(
                f"must be at least {format_duration(minimum)} for {type_name} sources: checking"
                " a server more often is impolite and gets the source rate-limited or blocked"
            )
        return value

    @field_validator("options", mode="before")
    @classmethod
    def _options_for_type(cls, value: Any, info: ValidationInfo) -> SourceOptions:
        type_name = info.data.get("type")
        if type_name is None:
            return SourceOptions()  # `type` is wrong or missing, already reported
        return get_source_type(type_name).options_model.model_validate(value)


class PipelineSettings(_Strict):
    # Content-hash duplicates of a mention, per brand, within this window are dropped.
    dedupe_window: Annotated[Duration, at_least(timedelta(0))] = timedelta(days=7)
    # Text is capped before any slow work (judges, FTS): internet text is data, not a payload.
    max_text_chars: int = Field(default=20000, ge=100, le=MAX_COUNT)


class SchedulerSettings(_Strict):
    jitter: float = Field(default=0.1, ge=0.0, le=0.5)  # fraction of the interval
    backoff_base: PositiveDuration = timedelta(minutes=1)
    backoff_max: PositiveDuration = timedelta(hours=6)
    # Server hints (feed TTL, Cache-Control, Retry-After) may stretch a check up to this.
    max_interval: PositiveDuration = timedelta(hours=24)
    http_timeout: PositiveDuration = timedelta(seconds=20)
    # Fetching one source (all its requests) taking longer is abandoned as a transient error,
    # so a hung server cannot hold a concurrency slot forever. Storing is ours and not cut off.
    poll_timeout: Annotated[Duration, at_least(timedelta(seconds=10))] = timedelta(minutes=5)
    max_response_bytes: ByteSize = 10 * 2**20
    concurrency: int = Field(default=4, ge=1, le=256)
    user_agent: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _backoff_order(self) -> SchedulerSettings:
        if self.backoff_max < self.backoff_base:
            raise ValueError("backoff_max must not be shorter than backoff_base")
        return self


_SECTIONS = ("storage", "alerts", "replies", "web", "pipeline", "judgments", "scheduler")


class Settings(_Strict):
    brands: list[BrandSettings]
    sources: list[SourceSettings] = []
    storage: StorageSettings = Field(default_factory=StorageSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    replies: RepliesSettings = Field(default_factory=RepliesSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    judgments: JudgmentSettings = Field(default_factory=JudgmentSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    people: Annotated[list[PersonSettings], WrapValidator(checked_people)] = []
    config_path: Path = Field(default=DEFAULT_CONFIG, exclude=True)  # set by load_settings
    # The values ${VAR} references were replaced with (set by load_settings): secrets in
    # every output. A command puts them in force with listener.redaction.
    secrets: frozenset[str] = Field(default=frozenset(), exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # An absent or empty section (`storage:` with every line commented out) is validated
        # from {} so its defaults see the context — the settings file's folder.
        if not isinstance(data, Mapping):
            return data
        filled = dict(data)
        for name in _SECTIONS:
            if filled.get(name) is None:
                filled[name] = {}
        if "sources" in filled and filled["sources"] is None:
            filled["sources"] = []
        return filled

    @model_validator(mode="after")
    def _alert_names_known(self) -> Settings:
        # Reported at each entry's own line: "alerts.rules[1].brands[0]: no brand is named …".
        unknown = unknown_names(
            self.alerts,
            brands=[brand.name for brand in self.brands],
            sources=[source.name for source in self.sources],
        )
        if unknown:
            raise combine_errors(None, unknown)
        return self

    @field_validator("brands", "sources", mode="wrap")
    @classmethod
    def _unique_names(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        # A wrap validator, so a duplicate name is reported together with the entries' own
        # problems instead of only once everything else is fixed.
        kind = "brand" if info.field_name == "brands" else "source"
        if kind == "brand" and value == []:
            raise ValueError("at least one brand is needed: it is what the daemon listens for")
        duplicates: list[tuple[int, str, int]] = []
        first: dict[str, int] = {}
        for index, item in enumerate(value if isinstance(value, list) else []):
            name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)
            if isinstance(name, str):
                name = name.strip() if kind == "brand" else name
                if name in first:
                    duplicates.append((index, name, first[name]))
                first.setdefault(name, index)
        caught: ValidationError | None = None
        result = None
        try:
            result = handler(value)
        except ValidationError as exc:
            caught = exc
        messages = [
            (
                (index, "name"),
                f"duplicate {kind} name {name!r}, already used by {info.field_name}[{at}]",
            )
            for index, name, at in duplicates
        ]
        if caught is not None or messages:
            raise combine_errors(caught, messages)
        return result


# ---- loading -------------------------------------------------------------------------


def resolve_config_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """Where the settings are: ``--config``, else ``$LISTENER_CONFIG``, else ``./settings.yaml``."""
    env = os.environ if environ is None else environ
    chosen = cli_value or env.get(CONFIG_ENV) or str(DEFAULT_CONFIG)
    return Path(chosen).expanduser()


def load_settings(path: Path, *, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, interpolate and validate the settings file; ``ConfigError`` lists every problem."""
    return load_model(
        path,
        Settings,
        environ=os.environ if environ is None else environ,
        missing_hint=f"pass --config PATH or set {CONFIG_ENV}"
        " (the repository's settings.yaml is a working example)",
        injected={"config_path": path.absolute()},
        file_loc=_file_loc,
        allowed_keys=_allowed_keys,
        secrets_key="secrets",
    )


def _file_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    # A source's options are written flat in the file: sources[0].options.url → sources[0].url
    if len(loc) >= 3 and loc[0] == "sources" and loc[2] == "options":
        return loc[:2] + loc[3:]
    # A channel's or rule's model is picked by its `type`, which pydantic puts in the path:
    # alerts.rules[0].spike.window → alerts.rules[0].window
    if len(loc) >= 4 and loc[:2] in (("alerts", "channels"), ("alerts", "rules")):
        return loc[:3] + loc[4:]
    return loc


def _allowed_keys(model: type[BaseModel], raw: Any) -> list[str]:
    keys = [name for name, info in model.model_fields.items() if not info.exclude]
    if model is SourceSettings:
        keys.remove("options")
        type_name = raw.get("type") if isinstance(raw, Mapping) else None
        if isinstance(type_name, str) and type_name in source_types():
            keys += list(get_source_type(type_name).options_model.model_fields)
    if issubclass(model, (ChannelBase, RuleBase)) and isinstance(raw, Mapping):
        # The path walk picks the union's first model; the entry's `type` names the real one.
        union = ChannelBase if issubclass(model, ChannelBase) else RuleBase
        for candidate in union.__subclasses__():
            if raw.get("type") in get_args(candidate.model_fields["type"].annotation):
                return list(candidate.model_fields)
    return keys
