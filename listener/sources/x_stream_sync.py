"""Keeping the app's X filtered-stream rule set in step with the wanted rules, at each connect.

``GET /2/tweets/search/stream/rules`` lists the app's rules (``{"data": [{"id", "value",
"tag"}], "meta": {…, "next_token"?}}``); ``POST`` with ``{"delete": {"ids": […]}}`` or
``{"add": [{"value", "tag"}]}`` changes them. X reports a rule it would not take as an
``errors`` entry of an otherwise successful answer (``"Invalid Rule"`` with ``details``,
``"DuplicateRule"``…), or the whole request with a 400. Only rules tagged ``listener:…``
are ever deleted: a team's own rules on the same app stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from listener.sources.api import get_json
from listener.sources.base import PollContext
from listener.sources.errors import PermanentError, SourceError
from listener.sources.http import FailedResponse
from listener.sources.x_stream_rules import TAG_PREFIX, Rule, shown

RULES_PAGE = 1000  # GET rules' largest page
MAX_RULE_PAGES = 25  # 25,000 rules: Enterprise's ceiling
ACCESS_ADVICE = (
    "check bearer_token (an app's bearer token from https://developer.x.com) and that the "
    "app's access level includes the filtered stream (Pro or Enterprise)"
)


@dataclass(frozen=True)
class SyncResult:
    added: tuple[Rule, ...]
    deleted: tuple[Rule, ...]
    kept: int


def _explain_rules(failed: FailedResponse, default: SourceError) -> SourceError | None:
    if failed.status in (401, 403):
        return PermanentError(f"{default} — {ACCESS_ADVICE}")
    problems = _problems(failed.body)
    if problems and failed.status < 500 and failed.status != 429:
        return PermanentError(f"X refused the stream rules: {'; '.join(problems)}")
    return None


def _problems(body: Any) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else None
    out: list[str] = []
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        details = error.get("details") or error.get("detail") or error.get("message") or ""
        if isinstance(details, list):
            details = " ".join(str(d) for d in details)
        value = error.get("value")
        where = f" {shown(str(value))!r}" if value else ""
        out.append(shown(f"{error.get('title') or 'error'}{where}: {details}".rstrip(": ")))
    return out


async def current_rules(ctx: PollContext[Any], url: str, headers: dict[str, str]) -> list[Rule]:
    rules: list[Rule] = []
    params: dict[str, Any] = {"max_results": RULES_PAGE}
    for _ in range(MAX_RULE_PAGES):
        response = await get_json(ctx, url, params=params, headers=headers, explain=_explain_rules)
        data = response.data if isinstance(response.data, dict) else {}
        for rule in data.get("data") or []:
            if isinstance(rule, dict) and rule.get("id") is not None:
                value, tag = str(rule.get("value") or ""), str(rule.get("tag") or "")
                rules.append(Rule(value, tag, rule_id=str(rule["id"])))
        meta = data.get("meta")
        token = meta.get("next_token") if isinstance(meta, dict) else None
        if not isinstance(token, str) or not token:
            break
        params["pagination_token"] = token
    return rules


async def sync_rules(
    ctx: PollContext[Any], api_url: str, headers: dict[str, str], wanted: Sequence[Rule]
) -> SyncResult:
    """Delete our tagged rules no longer wanted, add the missing ones; never touch others'.

    Deleting first keeps the set under X's rule cap while it changes; the stream is not
    connected yet, so nothing is missed in between.
    """
    url = f"{api_url}/2/tweets/search/stream/rules"
    present = await current_rules(ctx, url, headers)
    ours = [r for r in present if r.tag.startswith(TAG_PREFIX)]
    wanted_keys = {r.key for r in wanted}
    stale = [r for r in ours if r.key not in wanted_keys]
    have = {r.key for r in ours}
    missing = [r for r in wanted if r.key not in have]
    if stale:
        body: dict[str, Any] = {"delete": {"ids": [r.rule_id for r in stale]}}
        response = await get_json(
            ctx, url, method="POST", json_body=body, headers=headers, explain=_explain_rules
        )
        # A rule that is already gone is what we wanted; one X keeps widens the stream,
        # and the pipeline's matching still decides: neither is worth stopping for.
        for problem in _problems(response.data):
            ctx.log.warning(
                "x_stream: X did not delete an old listener rule: %s",
                problem,
                extra={"source": ctx.source},
            )
    if missing:
        body = {"add": [{"value": r.value, "tag": r.tag} for r in missing]}
        response = await get_json(
            ctx, url, method="POST", json_body=body, headers=headers, explain=_explain_rules
        )
        refused = _refused(response.data, missing)
        if refused:
            raise PermanentError(f"X refused the stream rules: {'; '.join(refused)}")
    return SyncResult(added=tuple(missing), deleted=tuple(stale), kept=len(ours) - len(stale))


def _refused(body: Any, sent: Sequence[Rule]) -> list[str]:
    """X's reasons for the rules it did not add, each naming the brand it came from.

    A "DuplicateRule" is someone else's rule with the same value: X already streams what it
    finds, so it is not a failure.
    """
    origins = {r.value: r.origin for r in sent}
    errors = body.get("errors") if isinstance(body, dict) else None
    refused: list[str] = []
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict) or "duplicate" in str(error.get("title", "")).lower():
            continue
        [problem] = _problems({"errors": [error]}) or ["error"]
        origin = origins.get(str(error.get("value")))
        refused.append(f"{origin}: {problem}" if origin else problem)
    return refused
