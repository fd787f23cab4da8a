"""Settings of the ``replies:`` section: what reply drafts may say and how they sign off.

Drafts are only ever suggestions a person sends (or not), but they must never offer what the
brand does not do: a refund or compensation is promised only when ``policy`` allows it, and
a draft moves a conversation to a private channel only when one is configured here — a
"please DM us" with DMs closed is a deflection, not a next step.

Per-brand overrides (``brands: {Acme: {...}}``) replace the keys they set; ``fixes`` are
merged, the brand's fix winning for a topic both name. Nothing here touches the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from listener.config.channels import HttpUrl, Secret


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError(f"{value!r} is not an email address, e.g. support@example.org")
    return value


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ().-]{4,24}", value):
        raise ValueError(f"{value!r} is not a phone number, e.g. '+44 20 7946 0000'")
    return value


def _topic(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
        raise ValueError(f"{value!r} is not a topic name: lowercase letters, digits and '_'")
    return value


Email = Annotated[str, AfterValidator(_email)]
Phone = Annotated[str, AfterValidator(_phone)]
Topic = Annotated[str, AfterValidator(_topic)]
Platform = Literal["x", "bluesky", "mastodon", "reddit", "review", "email", "forum"]
TemplateLanguage = Literal["en", "bn", "te", "hi"]


class PrivateChannels(_Strict):
    """Where a conversation can move off the public page. Only what is set is offered."""

    dm: bool = False  # the brand's accounts accept direct messages (X, Bluesky, Mastodon, Reddit)
    email: Email | None = None
    phone: Phone | None = None
    url: HttpUrl | None = None  # a contact form or help-desk page


class Fix(_Strict):
    """A known answer for a topic: one sentence, and where to read more."""

    text: str = Field(min_length=3, max_length=200)
    url: HttpUrl | None = None
    # The same sentence in Bengali, Telugu, Hindi: without one, those drafts point to the
    # url alone (and skip this fix when there is none).
    translations: dict[TemplateLanguage, Annotated[str, Field(min_length=3, max_length=200)]] = {}


class ReplyPolicy(_Strict):
    """What a draft may offer. Both false by default: a public promise binds the brand."""

    refunds: bool = False
    compensation: bool = False


class BrandReplies(_Strict):
    """One brand's overrides; a key left out keeps the section's value."""

    sign_off: str | None = Field(default=None, max_length=80)
    private_channels: PrivateChannels | None = None
    fixes: dict[Topic, Fix] = {}
    policy: ReplyPolicy | None = None


class LlmDrafts(_Strict):
    """Drafts from a local model server: any OpenAI-compatible ``/v1/chat/completions``
    (Ollama's ``http://localhost:11434/v1``, llama.cpp's server, vLLM, LM Studio).

    Off unless ``enabled``. Made on demand (``listener draft --llm``, the alert page's
    button), never while an alert is being raised: the alert must not wait for a model.
    Every draft it returns passes the template drafts' linter or is dropped.
    """

    enabled: bool = False
    url: HttpUrl | None = None  # the base URL, ending in /v1 as the servers document it
    model: str | None = Field(default=None, min_length=1, max_length=200)
    api_key: Secret | None = None  # ${VAR}; local servers usually need none
    timeout: float = Field(default=20.0, gt=0, le=120)  # seconds for the whole answer
    drafts: int = Field(default=2, ge=1, le=3)
    temperature: float = Field(default=0.4, ge=0, le=2)
    max_tokens: int = Field(default=400, ge=50, le=4000)

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> LlmDrafts:
        # An enabled section that cannot reach a model would only fail at the first draft.
        if self.enabled and (self.url is None or self.model is None):
            missing = " and ".join(k for k in ("url", "model") if getattr(self, k) is None)
            raise ValueError(f"replies.llm is enabled but has no {missing}")
        return self


class RepliesSettings(_Strict):
    enabled: bool = True
    # How many drafts an alert carries: 2 or 3 (fewer approaches apply → a second phrasing).
    drafts: int = Field(default=3, ge=2, le=3)
    sign_off: str | None = Field(default=None, max_length=80)  # "— Dana, Acme support"
    private_channels: PrivateChannels = Field(default_factory=PrivateChannels)
    fixes: dict[Topic, Fix] = {}  # topic → the known fix, e.g. website_app: {text, url}
    policy: ReplyPolicy = Field(default_factory=ReplyPolicy)
    banned_phrases: list[Annotated[str, Field(min_length=3)]] = []  # beside the built-in list
    # A detected language → the template set to reply in. Romanised Hindi ("hi-Latn") gets
    # English by default: its writers chose Latin letters, and Hinglish threads are answered
    # in English far more often than in Devanagari. Map it to "hi" to answer in Hindi.
    languages: dict[str, TemplateLanguage] = {"hi-Latn": "en", "bn-Latn": "en", "te-Latn": "en"}
    # Your edited copies of templates/ — replies/… and alerts/… (same layout) — searched
    # before the built-in ones. Relative to the settings file's folder.
    templates_dir: Path | None = None
    brands: dict[str, BrandReplies] = {}
    llm: LlmDrafts = Field(default_factory=LlmDrafts)

    @field_validator("templates_dir")
    @classmethod
    def _resolve_templates_dir(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        base = (info.context or {}).get("base_dir") or Path.cwd()
        path = Path(base) / value.expanduser()
        if not path.is_dir():
            raise ValueError(f"{path} is not a folder: create it or remove templates_dir")
        return path

    @model_validator(mode="after")
    def _llm_needs_drafts(self) -> RepliesSettings:
        # Drafts off means no drafts at all: a model asked anyway would be a setting ignored.
        if self.llm.enabled and not self.enabled:
            raise ValueError("replies.llm is enabled but replies.enabled is false")
        return self

    def for_brand(self, brand: str | None) -> RepliesSettings:
        """These settings with ``brand``'s overrides applied (unchanged for an unknown brand)."""
        override = self.brands.get(brand) if brand else None
        if override is None:
            return self
        return self.model_copy(
            update={
                "sign_off": override.sign_off if override.sign_off is not None else self.sign_off,
                "private_channels": override.private_channels or self.private_channels,
                "fixes": {**self.fixes, **override.fixes},
                "policy": override.policy or self.policy,
            }
        )
