"""GitHub issues and pull requests, through the REST search API ``/search/issues``.

``query`` is GitHub search syntax (``acme in:title,body``, ``repo:acme/sdk``, ``is:pr``).
Each poll asks for ``<query> updated:>=<cursor>`` sorted by ``updated`` ascending, so the
cursor is simply the newest ``updated_at`` seen: a poll cut short by ``max_pages`` leaves the
rest to the next one and nothing is skipped. (``>=`` rather than ``>``: two issues can be
updated in the same second; the one already stored is dropped by the store.) The first poll
starts ``lookback`` ago. The first page is asked conditionally (``If-None-Match``): a 304 —
nothing changed since the last poll — costs no rate budget.

Caps and traps:

- Search serves at most 1,000 results per query (10 pages of 100; page 11 is a 422). With
  the ascending cursor the rest comes in the following polls; a window with more than 1,000
  matches is reported as a problem so a too-broad query is visible.
- Budget: 30 searches a minute with a token, 10 without (``x-ratelimit-*`` with an epoch
  reset, ``x-ratelimit-resource: search``), fed to the scheduler. An exhausted budget is a 403
  with ``x-ratelimit-remaining: 0`` (``RateLimited`` by the shared HTTP layer); the secondary
  limit is a 403 (or 429) whose message says so, with ``Retry-After``.
- ``updated_at`` moves on every comment, label or state change, so it is not an edit marker:
  ``edited_at`` stays empty and ``updated_at`` is kept in ``extra``. An issue is therefore
  fetched again whenever it is touched (the store keeps the first copy).
- Bodies are Markdown; they are passed on escaped as plain text. Deleted issues vanish from
  search (no tombstone); a deleted account shows as the user ``ghost``.
- Paging by page number can skip an issue that is updated while a poll pages through the
  results (everything behind it shifts one place); it shows up again with its new update.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from listener.models import Author, Engagement, RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
    Secret,
    dump_cursor,
    first_poll_since,
    get_json,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.errors import PermanentError, RateLimited, SourceError
from listener.sources.http import FailedResponse
from listener.sources.http_times import parse_retry_after
from listener.sources.ratelimit import pause_s
from listener.sources.timestamps import iso_z, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count, skipped

PAGE_SIZE = 100
RESULT_CAP = 1000  # search never serves more than this per query
MAX_SEARCH_PAGES = RESULT_CAP // PAGE_SIZE
SECONDARY_LIMIT_WAIT_S = 60.0  # GitHub: "wait at least one minute" when it sends no Retry-After
_NEXT = re.compile(r'<[^>]*>\s*;\s*rel="?next"?')
_REPO = re.compile(r"/repos/([^/]+/[^/]+)$")

INFO = SourceInfo(
    summary="GitHub issues and pull requests matching a search (REST /search/issues)",
    credentials=("token: optional GitHub token (no scopes needed for public repositories)",),
    limits="30 searches/minute with a token, 10 without; at most 1,000 results per query",
    sample="""\
- name: github-acme
  type: github
  interval: 15m
  query: acme in:title,body     # GitHub search syntax: repo:, org:, is:pr, label:, …
  token: ${GITHUB_TOKEN}        # optional, but triples the search budget
  lookback: 7d                  # first poll only
""",
    # Search allows 30 requests a minute with a token, 10 without (the 5,000/h core budget
    # is not spent by search): three polls a minute of up to 3 pages fit even without one.
    min_interval=timedelta(seconds=20),
)


class Options(ApiOptions):
    query: str = Field(min_length=1)
    token: Secret | None = None
    api_url: BaseUrl = "https://api.github.com"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    since = parse_timestamp(cursor.get("updated")) or first_poll_since(ctx, options.lookback)
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    if options.token is not None:
        headers["Authorization"] = f"Bearer {options.token.get_secret_value()}"
    params = {
        "q": f"{options.query} updated:>={iso_z(since)}",
        "sort": "updated",
        "order": "asc",
        "per_page": PAGE_SIZE,
    }
    items: list[RawItem] = []
    problems: list[str] = []
    newest = since
    etag: str | None = None
    wait: float | None = None
    for page in range(1, min(options.max_pages, MAX_SEARCH_PAGES) + 1):
        response = await get_json(
            ctx,
            f"{options.api_url}/search/issues",
            explain=lambda failed, default: _explain(failed, default, ctx.clock()),
            params={**params, "page": page},
            headers=headers,
            etag=state.etag if page == 1 else None,
        )
        wait = pause_s(response.budget, options.max_pages)
        if response.not_modified:
            # Nothing changed since the last poll (free of rate budget): keep everything.
            return PollResult(
                items=[],
                etag=response.etag,
                cursor=state.cursor,
                not_modified=True,
                min_next_check_s=wait,
            )
        if page == 1:
            etag = response.etag
            problems.extend(_envelope_problems(response.data, options.query, since))
        for found in require(response.data, "items", list, "GitHub search"):
            try:
                item = _raw_item(found)
            except MAPPING_ERRORS as exc:
                problems.append(skipped("GitHub search", exc))
                continue
            if item is None:
                problems.append("GitHub search: skipped an item without id or updated_at")
                continue
            items.append(item)
            newest = max(newest, parse_timestamp(item.extra["updated_at"]) or newest)
        if not _NEXT.search(response.headers.get("Link", "")):
            break
    return PollResult(
        items=items,
        etag=etag,
        cursor=dump_cursor({"updated": iso_z(newest)}),
        min_next_check_s=wait,
        problems=problems,
    )


def _envelope_problems(data: Any, query: str, since: datetime) -> list[str]:
    problems = []
    total = data.get("total_count") if isinstance(data, dict) else None
    if isinstance(total, int) and total > RESULT_CAP:
        problems.append(
            f"GitHub search: {total} results for {query!r} updated since {iso_z(since)}; "
            f"search serves {RESULT_CAP} per query, the rest comes in the next polls — "
            "narrow the query if this lasts"
        )
    if isinstance(data, dict) and data.get("incomplete_results") is True:
        problems.append("GitHub search timed out on its side: some matches may be missing")
    return problems


def _raw_item(found: Any) -> RawItem | None:
    if not isinstance(found, dict):
        return None
    item_id, updated = found.get("id"), found.get("updated_at")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not updated:
        return None
    user = found.get("user") if isinstance(found.get("user"), dict) else None
    reactions = found.get("reactions")
    repo = _REPO.search(str(found.get("repository_url") or ""))
    labels = [
        str(label["name"])
        for label in found.get("labels") or []
        if isinstance(label, dict) and label.get("name")
    ]
    extra = {
        "kind": "pull_request" if "pull_request" in found else "issue",
        "state": found.get("state"),
        "number": found.get("number"),
        "repository": repo.group(1) if repo else None,
        "updated_at": updated,
        "closed_at": found.get("closed_at"),
        "labels": labels or None,
        "author_association": found.get("author_association"),
        "author_type": user.get("type") if user else None,
    }
    title, body = found.get("title"), found.get("body")
    return RawItem(
        native_id=str(item_id),
        url=found.get("html_url") or None,
        # Markdown is plain text as far as HTML goes: escaped, never rendered.
        title=html.escape(str(title), quote=False) if title else None,
        html=html.escape(str(body), quote=False) if body else "",
        author=Author(
            handle=user.get("login") if user else None,
            url=user.get("html_url") if user else None,
        ),
        published_at=parse_timestamp(found.get("created_at")),
        engagement=Engagement(
            likes=as_count(reactions.get("total_count")) if isinstance(reactions, dict) else None,
            replies=as_count(found.get("comments")),
        ),
        thread_id=str(item_id),
        extra={k: v for k, v in extra.items() if v is not None},
    )


def _explain(failed: FailedResponse, default: SourceError, now: datetime) -> SourceError | None:
    """GitHub's error body: ``{"message", "errors"?, "documentation_url"}``."""
    body = failed.body if isinstance(failed.body, dict) else {}
    message = str(body.get("message") or "")
    if "secondary rate limit" in message.lower():
        wait = parse_retry_after(failed.headers.get("Retry-After"), now)
        wait = wait if wait is not None else SECONDARY_LIMIT_WAIT_S
        return RateLimited(
            f"GitHub secondary rate limit: {message} (waiting {wait:g} s)", retry_after_s=wait
        )
    if isinstance(default, RateLimited) or not message:
        return None  # the shared layer already read the primary budget's reset
    details = [str(e.get("message")) for e in body.get("errors") or [] if isinstance(e, dict)]
    said = "; ".join([message, *[d for d in details if d != "None"]])
    if failed.status == 422:
        return PermanentError(f"GitHub could not run the search: {said} — check query")
    if failed.status == 401:
        return PermanentError(f"GitHub refused the token: {said} — check token in settings.yaml")
    if failed.status in (403, 404):
        return PermanentError(f"{default}: GitHub says: {said}")
    return None
