"""Settings' ``people:`` list: known people (VIPs, press, loyal customers) and their accounts.

    people:
      - name: Jane Doe
        tags: [vip]
        note: Runs the Acme fan club
        accounts: ["x:@jane", "reddit:jane", "mastodon:@jane@mastodon.social"]

Validated at load, each problem at its own line: an account is ``TYPE:HANDLE`` with a known
source type and a non-empty handle; one account (on any type of its network: ``x:jane`` and
``x_stream:jane`` are one account) in two people is an error naming both; two people of one
name are an error, as the store matches settings people by name. The daemon syncs the list
into the store at start and on every reload (``listener.service.people``).
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from listener.config.errors import combine_errors
from listener.config.text_fields import stripped_non_empty
from listener.sources.registry import network_of, source_types

__all__ = ["PersonSettings", "checked_people", "parse_account"]

PersonTag = Literal["vip", "loyal", "press"]


def parse_account(value: str) -> tuple[str, str]:
    """``TYPE:HANDLE`` as (type, handle without a leading '@'); a ValueError says what is wrong."""
    source_type, sep, handle = value.strip().partition(":")
    source_type = source_type.strip().lower()
    handle = handle.strip().removeprefix("@")
    if not sep:
        raise ValueError(f"{value!r} is not TYPE:HANDLE (write it like 'x:@jane')")
    known = sorted(source_types())
    if source_type not in known:
        close = get_close_matches(source_type, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown source type {source_type!r}{hint} in {value!r}")
    if not handle or any(char.isspace() for char in handle):
        raise ValueError(f"{value!r} names no handle after the type (write it like 'x:@jane')")
    return source_type, handle


def _account(value: str) -> str:
    source_type, handle = parse_account(value)
    return f"{source_type}:{handle}"


class PersonSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    tags: list[PersonTag] = []
    note: Annotated[str | None, Field(max_length=2000)] = None
    accounts: Annotated[list[Annotated[str, AfterValidator(_account)]], Field(min_length=1)]

    @field_validator("name")
    @classmethod
    def _name_given(cls, value: str) -> str:
        return stripped_non_empty(
            value, "a person needs a name: the store matches settings people by it"
        )

    @property
    def account_pairs(self) -> list[tuple[str, str]]:
        """The accounts as (source type, handle)."""
        return [parse_account(account) for account in self.accounts]


def _account_key(value: Any) -> tuple[str, str] | None:
    try:
        source_type, handle = parse_account(str(value))
    except ValueError:
        return None  # reported by the entry's own validation
    return network_of(source_type), handle.lower()


def checked_people(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """The people list's wrap validator: the entries' own problems, plus an account given to
    two people and a name used twice, each at its own line."""
    if value is None:
        value = []
    owner: dict[tuple[str, str], tuple[int, str]] = {}
    names: dict[str, int] = {}
    extra: list[tuple[tuple[str | int, ...], str]] = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        if not isinstance(item, Mapping):
            continue
        name = str(item.get("name") or "").strip()
        if name and name in names:
            extra.append(((index, "name"), f"{name!r} is already people[{names[name]}]'s name"))
        names.setdefault(name, index)
        accounts = item.get("accounts")
        for at, account in enumerate(accounts if isinstance(accounts, list) else []):
            key = _account_key(account)
            if key is None:
                continue
            if key in owner and owner[key][0] != index:
                first, first_name = owner[key]
                extra.append(
                    (
                        (index, "accounts", at),
                        f"account {account!r} is in two people: {name!r} here and"
                        f" {first_name!r} (people[{first}]); an account is one person's",
                    )
                )
            owner.setdefault(key, (index, name))
    caught: ValidationError | None = None
    result = None
    try:
        result = handler(value)
    except ValidationError as exc:
        caught = exc
    if caught is not None or extra:
        raise combine_errors(caught, extra)
    return result
