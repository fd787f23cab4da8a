"""Reply drafts from a local model server (``replies.llm``), beside the template drafts.

Where they are made, and why: on demand only — ``listener draft --llm`` and the alert
page's button — never while an alert is raised. Alerts are decided inside the transaction
that stores a batch (``alerts.service``), and a model takes seconds: waiting there would
hold the store's writer and delay every alert behind it (issue 17: alerts within seconds).
A person who opens an alert can wait the few seconds they asked for.

``llm_drafts`` never raises for anything the server does: a timeout (the whole exchange is
bounded by ``replies.llm.timeout``), a refused connection, an HTTP error, an answer that is
not JSON or holds no drafts — each is an ``LlmResult`` with its outcome, logged once and
counted (``listener_llm_requests``). Each draft the model writes is linted like the template
drafts and checked for what a prompt injection would make it say (``llm_checks``); one that
fails is dropped with its reasons logged and counted (``listener_llm_drafts``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from alerts.drafts.facts import Facts, extract_facts
from alerts.drafts.lint import lint_draft
from alerts.drafts.lint_advice import FAILURES
from alerts.drafts.llm_checks import (
    completion_content,
    copied_from_post,
    draft_texts,
    drop_reasons,
    foreign_links,
    off_script,
)
from alerts.drafts.llm_prompt import Prompt, build_prompt
from alerts.drafts.markers import BANNED_PHRASES
from alerts.drafts.platforms import Platform, platform_for
from alerts.drafts.render import templates_for
from alerts.drafts.replies import choose_language
from alerts.message import AuthorHistory
from listener.config.replies import LlmDrafts, RepliesSettings
from listener.logs import fields
from listener.metrics import Metrics
from listener.models import Mention, ReplyDraft

log = logging.getLogger("alerts.drafts.llm")

LLM_APPROACH = "llm"
MAX_ANSWER_BYTES = 1_000_000  # a chat answer of a few drafts is a few kilobytes


@dataclass(frozen=True, slots=True)
class Dropped:
    text: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LlmResult:
    # off | answered | timeout | unreachable | http_error | bad_answer | empty
    outcome: str
    drafts: tuple[ReplyDraft, ...] = ()  # those that passed
    dropped: tuple[Dropped, ...] = ()
    detail: str | None = None  # what went wrong, as the log says it (error names, the URL)
    # What went wrong and what to check, as a manager reads it on the page or the CLI.
    advice: str | None = None

    @property
    def failed(self) -> bool:
        return self.outcome not in ("off", "answered")

    @property
    def message(self) -> str:
        """One line on what happened, as the CLI and the alert page say it."""
        if self.outcome == "off":
            return "the local model is off (replies.llm.enabled)"
        if self.outcome != "answered":
            return self.advice or f"the local model gave no drafts: {self.detail or self.outcome}"
        kept = _count(len(self.drafts), "draft") + " from the local model"
        if not self.dropped:
            return kept
        why = _dropped_because([reason for d in self.dropped for reason in d.reasons])
        dropped = _count(len(self.dropped), "dropped", plural="dropped")
        if not self.drafts:
            return f"No draft from the local model passed the checks: {dropped} ({why})"
        return f"{kept}, {dropped} ({why})"


def _count(n: int, noun: str, *, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _dropped_because(reasons: list[str]) -> str:
    """The checks that dropped drafts, in a person's words, each once with how many it hit:
    "promises the policy forbids; holds markup or control characters ×2"."""
    counts: dict[str, int] = {}
    for reason in reasons:
        words = FAILURES.get(reason, reason)
        counts[words] = counts.get(words, 0) + 1
    return "; ".join(w if n == 1 else f"{w} ×{n}" for w, n in counts.items())


class _Failed(Exception):
    def __init__(self, outcome: str, detail: str, advice: str | None = None) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.advice = advice


async def llm_drafts(
    mention: Mention,
    *,
    settings: RepliesSettings,
    brand: str | None = None,
    history: AuthorHistory | None = None,
    platform: str | None = None,
    language: str | None = None,
    metrics: Metrics | None = None,
) -> LlmResult:
    """Drafts for a judged ``mention`` from the model ``settings.llm`` names."""
    llm = settings.llm
    if not llm.enabled or llm.url is None or llm.model is None:
        return LlmResult("off")
    brand = brand or (mention.brands[0] if mention.brands else None)
    replies = settings.for_brand(brand)
    place = platform_for(platform, mention.source_type)
    detected = language or mention.judgments.language or mention.language
    lang, note = choose_language(
        detected, settings=replies, templates=templates_for(replies.templates_dir)
    )
    facts = extract_facts(mention, language=lang, note=note, history=history, public=place.public)
    prompt = build_prompt(
        mention, facts, replies=replies, platform=place, brand=brand, count=llm.drafts
    )
    try:
        texts = await asyncio.wait_for(_ask(llm, prompt), timeout=llm.timeout)
    except (TimeoutError, _Failed) as error:
        failed = error if isinstance(error, _Failed) else _timed_out(llm)
        log.warning(
            "local model drafts failed",
            extra=fields(mention=mention.id, outcome=failed.outcome, error=failed.detail),
        )
        if metrics is not None:
            metrics.llm_requests.labels(outcome=failed.outcome).inc()
        return LlmResult(failed.outcome, detail=failed.detail, advice=failed.advice)
    if metrics is not None:
        metrics.llm_requests.labels(outcome="answered").inc()
    return _checked(texts[: llm.drafts], mention, facts, prompt, replies, place, llm, metrics)


def llm_drafts_blocking(mention: Mention, **options: Any) -> LlmResult:
    """``llm_drafts`` for code that is not async (the CLI, a sync web route's thread)."""
    return asyncio.run(llm_drafts(mention, **options))


def _timed_out(llm: LlmDrafts) -> _Failed:
    return _Failed(
        "timeout",
        f"no answer within {llm.timeout:g} s (replies.llm.timeout)",
        f"The local model did not answer within {llm.timeout:g} s (replies.llm.timeout):"
        " a large model on a busy machine may need longer.",
    )


def _base(llm: LlmDrafts) -> str:
    return str(llm.url).rstrip("/")


def _refused(llm: LlmDrafts, status: int, url: str) -> _Failed:
    """An HTTP error, with what to check for the usual ones (a key, a model name)."""
    server = f"The model server at {_base(llm)} answered HTTP {status}"
    if status in (401, 403):
        advice = f"{server}: it refused the key; check replies.llm.api_key."
    elif status == 404:
        advice = (
            f"{server}: check replies.llm.model ({llm.model!r}: is that model installed on the"
            " server, e.g. in `ollama list`?) and that replies.llm.url ends in /v1."
        )
    else:
        advice = f"{server}; its own log says why."
    return _Failed("http_error", f"HTTP {status} from {url}", advice)


def _unreadable(llm: LlmDrafts, detail: str) -> _Failed:
    return _Failed(
        "bad_answer",
        detail,
        f"The local model's answer could not be read ({detail}): try again, or check that"
        f" {_base(llm)} is an OpenAI-compatible /v1 endpoint (replies.llm.url).",
    )


async def _ask(llm: LlmDrafts, prompt: Prompt) -> list[str]:
    url = f"{str(llm.url).rstrip('/')}/chat/completions"
    headers = {"Accept": "application/json"}
    if llm.api_key is not None:
        headers["Authorization"] = f"Bearer {llm.api_key.get_secret_value()}"
    body = {
        "model": llm.model,
        "messages": prompt.messages,
        "temperature": llm.temperature,
        "max_tokens": llm.max_tokens,
        "stream": False,
    }
    try:
        async with (
            httpx.AsyncClient(timeout=llm.timeout, trust_env=False) as client,
            client.stream("POST", url, json=body, headers=headers) as response,
        ):
            if response.status_code != 200:
                raise _refused(llm, response.status_code, url)
            raw = bytearray()
            async for chunk in response.aiter_bytes():
                raw += chunk
                if len(raw) > MAX_ANSWER_BYTES:
                    raise _unreadable(llm, "the answer is larger than 1 MB")
    except httpx.TimeoutException:
        raise _timed_out(llm) from None
    except httpx.ConnectError as error:
        raise _Failed(
            "unreachable",
            f"{type(error).__name__} for {url}",
            f"Nothing answered at {_base(llm)} — is the model server (Ollama, llama.cpp…)"
            " running? (replies.llm.url)",
        ) from None
    except httpx.HTTPError as error:
        raise _Failed(
            "unreachable",
            f"{type(error).__name__} for {url}",
            f"The model server at {_base(llm)} broke off its answer; its own log says why.",
        ) from None
    try:
        parsed = json.loads(bytes(raw))
    except ValueError:
        raise _unreadable(llm, "the answer is not JSON") from None
    content = completion_content(parsed)
    if content is None:
        raise _unreadable(llm, "the answer has no choices[0].message.content")
    texts = draft_texts(content)
    if texts is None:
        raise _Failed(
            "bad_answer",
            'the model did not answer {"drafts": [...]}',
            "The local model answered, but not with drafts in the form asked for: try again,"
            " or a model that follows instructions more closely (replies.llm.model).",
        )
    if not texts:
        raise _Failed(
            "empty",
            "the model's answer holds no draft text",
            "The local model answered with no draft text: try again.",
        )
    return texts


def _checked(
    texts: list[str],
    mention: Mention,
    facts: Facts,
    prompt: Prompt,
    replies: RepliesSettings,
    place: Platform,
    llm: LlmDrafts,
    metrics: Metrics | None,
) -> LlmResult:
    banned = (*BANNED_PHRASES, *replies.banned_phrases)
    kept: list[ReplyDraft] = []
    dropped: list[Dropped] = []
    for text in texts:
        lint = lint_draft(text, facts=facts, platform=place, banned=banned, policy=replies.policy)
        lint["foreign_links"] = foreign_links(text, prompt.allowed_links, facts.name)
        lint["copied_from_post"] = copied_from_post(text, prompt.post)
        lint["off_script"] = off_script(text)
        reasons = drop_reasons(lint)
        if reasons:
            dropped.append(Dropped(text, tuple(reasons)))
            log.info(
                "local model draft dropped",
                extra=fields(mention=mention.id, reasons=",".join(reasons)),
            )
            if metrics is not None:
                metrics.llm_drafts.labels(outcome=f"dropped_{reasons[0]}").inc()
            continue
        note = f"written by the local model ({llm.model}): read it before sending"
        if facts.note:
            note = f"{note}; {facts.note}"
        kept.append(ReplyDraft(LLM_APPROACH, text, facts.language, note, lint))
        if metrics is not None:
            metrics.llm_drafts.labels(outcome="kept").inc()
    return LlmResult("answered", tuple(kept), tuple(dropped))
