"""Settings of the ``replies:`` section: what reply drafts may say and how they sign off."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepliesSettings(_Strict):
    enabled: bool = True
