"""Settings of the alert channels (``alerts.channels``): where alerts go, each channel's
keys, and what every channel shares — quiet hours and an hourly limit.

Also the small value types the other alert and reply settings share (names, time zones,
URLs). Nothing here touches the network.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
)

from listener.models import Severity
from listener.units import MAX_COUNT, PositiveDuration

Secret = Annotated[SecretStr, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _name(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", value):
        raise ValueError(
            f"{value!r} is not a valid name: use lowercase letters, digits, '_', '.', '-'"
        )
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a time zone: use an IANA name like 'UTC' or 'Europe/London'"
        ) from None
    return value


def _http_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("must be an http(s) URL")
    return value


Name = Annotated[str, AfterValidator(_name)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
SecretUrl = Annotated[SecretStr, Field(min_length=1)]  # webhook URLs carry their secret


# ---- channels --------------------------------------------------------------------------


class QuietHours(_Strict):
    """Hold deliveries between ``start`` and ``end`` (local time in ``timezone``) until the end.

    ``start`` after ``end`` spans midnight (22:00–07:00). Alerts of ``bypass`` severity
    or above are sent anyway.
    """

    start: time
    end: time
    timezone: TimeZone = "UTC"
    bypass: Severity = Severity.CRITICAL


class ChannelBase(_Strict):
    name: Name
    enabled: bool = True
    # More alerts than this within an hour are not sent one by one: the overflow is
    # summarised in the next digest. null = no limit.
    max_per_hour: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    quiet_hours: QuietHours | None = None


class SlackChannel(ChannelBase):
    """Slack incoming webhook (https://api.slack.com/messaging/webhooks), Block Kit message."""

    type: Literal["slack"]
    webhook_url: SecretUrl


class TeamsChannel(ChannelBase):
    """Microsoft Teams workflow webhook ("Post to a channel when a webhook request is
    received"), Adaptive Card message."""

    type: Literal["teams"]
    webhook_url: SecretUrl


class DiscordChannel(ChannelBase):
    """Discord channel webhook, embed message."""

    type: Literal["discord"]
    webhook_url: SecretUrl
    username: str | None = Field(default=None, min_length=1, max_length=80)


class EmailChannel(ChannelBase):
    """Email over SMTP: HTML and plain-text parts."""

    type: Literal["email"]
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    # starttls: plain connection upgraded with STARTTLS (port 587); tls: TLS from the
    # first byte (port 465); none: no encryption (only for a relay on this machine).
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: Secret | None = None
    sender: str = Field(min_length=3)  # the From address
    to: list[str] = Field(min_length=1)
    timeout: PositiveDuration = timedelta(seconds=20)


class WebhookChannel(ChannelBase):
    """Any HTTP endpoint: a JSON POST, signed with HMAC-SHA256 when ``secret`` is set."""

    type: Literal["webhook"]
    url: HttpUrl
    secret: Secret | None = None
    headers: dict[str, str] = {}

    @field_validator("headers")
    @classmethod
    def _headers_sendable(cls, value: dict[str, str]) -> dict[str, str]:
        # HTTP sends header names as tokens and values as printable ASCII and tabs (RFC 9110
        # 5.5): anything else fails every delivery, so it is refused here instead. The value
        # is not echoed: headers carry tokens.
        for name, text in value.items():
            if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
                raise ValueError(f"{name!r} is not a header name: letters, digits and '-'")
            if not re.fullmatch(r"[\t\x20-\x7e]*", text):
                raise ValueError(
                    f"the value of header {name!r} must be printable ASCII (no line breaks,"
                    " no accented letters): percent-encode it"
                )
        return value


class ConsoleChannel(ChannelBase):
    """Print alerts on the daemon's standard output (for trying things out)."""

    type: Literal["console"]


class AppriseChannel(ChannelBase):
    """Any service apprise knows (https://github.com/caronc/apprise/wiki): Telegram,
    Pushover, Matrix, ntfy, … one URL each."""

    type: Literal["apprise"]
    urls: list[SecretStr] = Field(min_length=1)


ChannelSettings = Annotated[
    SlackChannel
    | TeamsChannel
    | DiscordChannel
    | EmailChannel
    | WebhookChannel
    | ConsoleChannel
    | AppriseChannel,
    Field(discriminator="type"),
]
