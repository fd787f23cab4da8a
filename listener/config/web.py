"""The ``web:`` section: where the daemon serves the web app, which Host names it answers,
who may scrape ``/metrics``, whether a proxy in front is believed, and how long sessions last.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator

from listener.units import Duration, at_least


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _host_name(value: str) -> str:
    name = value.strip().lower()
    if not re.fullmatch(r"(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:[0-9]{1,5})?", name):
        raise ValueError(
            f"{value!r} is not a host name: write it as a browser sends it in the Host header,"
            " like 'listener.example.org' or 'listener.example.org:8443' (no scheme, no path)"
        )
    return name


class WebSettings(_Strict):
    # The daemon serves the web app unless this is false (`listener web` serves it alone).
    enabled: bool = True
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8650, ge=1, le=65535)
    # The Host header is checked on every request (DNS rebinding): loopback names, web.host
    # and the host of alerts.base_url are allowed; a reverse proxy's public name goes here.
    # A name without a port matches any port.
    allowed_hosts: list[Annotated[str, AfterValidator(_host_name)]] = []
    # /metrics wants `Authorization: Bearer <this>` when set (write it as ${VAR}); without it
    # /metrics is open, but only when web.host is a loopback address.
    metrics_token: Annotated[SecretStr, Field(min_length=16)] | None = None
    # A reverse proxy in front says the browser's request was https (X-Forwarded-Proto) and
    # who sent it (X-Forwarded-For): believed only when set, since anyone can send them.
    trust_proxy: bool = False
    # A browser session ends after this long without a request, and this long after sign-in.
    session_idle: Annotated[Duration, at_least(timedelta(minutes=5))] = timedelta(days=14)
    session_max: Annotated[Duration, at_least(timedelta(minutes=5))] = timedelta(days=30)

    @model_validator(mode="after")
    def _session_order(self) -> WebSettings:
        if self.session_max < self.session_idle:
            raise ValueError("session_max must not be shorter than session_idle")
        return self
