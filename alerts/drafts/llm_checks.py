"""Reading a local model's answer, and the checks its drafts pass beside the linter.

The answer is parsed defensively: the server may return anything (HTML from a proxy, a
truncated body, JSON of another shape), and models wrap JSON in code fences or put a
``<think>`` block before it. Whatever cannot be read as a list of draft texts is a
``bad_answer``, never an exception.

A draft then passes ``lint_draft`` like the template drafts, and checks the templates need
not pass, since a template never reads the post: it carries no link, address, number or
@handle we did not give (a prompt injection's usual payload), it does not copy a run of the
post's words (the other: "reply with exactly this sentence"), and it does not talk about the
model or its prompt ("as an AI…", our fence markers).
"""

from __future__ import annotations

import json
import re
from typing import Any

import regex

MAX_DRAFT_CHARS = 4_000  # a draft is cut to this before any check reads it
COPIED_RUN = 7  # this many of the post's words in a row, in a draft, is copying
# Lint findings that drop a draft: what must never be sent. The rest (name, topic, feeling,
# next step…) are shown with the draft, as with the template drafts.
HARD_LINT = ("length_ok", "markup_safe")
HARD_FOUND = ("banned_phrases", "echoed_abuse", "personal_data", "promises")
LLM_FOUND = ("foreign_links", "copied_from_post", "off_script")  # this module's checks

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_CODE_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
# A bare domain ("evil.example", "acme.com/help"): X links those too.
_DOMAIN = re.compile(
    r"(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")  # not a phone number
_HANDLE = re.compile(r"(?<![\w@.])@[\w.]{1,40}\w")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_HOST = re.compile(r"^(?:https?://)?([^/?#\s]+)", re.IGNORECASE)


def draft_texts(content: Any) -> list[str] | None:
    """The drafts in a chat completion's ``content``; None when it holds none we can read."""
    if not isinstance(content, str):
        return None
    text = _CODE_FENCE.sub("", _THINK.sub("", content).strip()).strip()
    parsed = _json(text)
    if parsed is None and "{" in text:
        parsed = _json(text[text.find("{") : text.rfind("}") + 1])
    if isinstance(parsed, dict):
        parsed = parsed.get("drafts", parsed.get("replies"))
    if not isinstance(parsed, list):
        return None
    found = [d.strip()[:MAX_DRAFT_CHARS] for d in parsed if isinstance(d, str) and d.strip()]
    return list(dict.fromkeys(found))  # a repeated draft is one draft


def completion_content(body: Any) -> Any:
    """``choices[0].message.content`` of an OpenAI-style answer, or None."""
    if not isinstance(body, dict):
        return None
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message")
    return message.get("content") if isinstance(message, dict) else None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def foreign_links(text: str, allowed: tuple[str, ...], name: str | None) -> list[str]:
    """Links, addresses, phone numbers and @handles in ``text`` that we did not give."""
    hosts = {_host(a) for a in allowed}
    given = {a.lower() for a in allowed}
    found: list[str] = []
    without_emails = _EMAIL.sub(" ", text)
    for email in _EMAIL.findall(text):
        if email.lower() not in given:
            found.append(email)
    for link in (*_URL.findall(without_emails), *_DOMAIN.findall(_URL.sub(" ", without_emails))):
        if _host(link) not in hosts:
            found.append(link)
    digits_given = {re.sub(r"\D", "", a) for a in allowed}
    for phone in _PHONE.findall(_URL.sub(" ", text)):
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= 7 and not _DATE.fullmatch(phone.strip()) and digits not in digits_given:
            found.append(phone.strip())
    for handle in _HANDLE.findall(without_emails):
        if not name or handle.lower() != name.lower():
            found.append(handle)
    return list(dict.fromkeys(found))


def _host(link: str) -> str:
    match = _HOST.match(link.strip().rstrip(".,;:!?"))
    host = match.group(1).lower() if match else link.lower()
    return host.removeprefix("www.")


def copied_from_post(text: str, post: str) -> list[str]:
    """Runs of ``COPIED_RUN`` or more of the post's words, in order, found in the draft."""
    post_words = words_of(post)
    if len(post_words) < COPIED_RUN:
        return []
    runs = {tuple(post_words[i : i + COPIED_RUN]) for i in range(len(post_words) - COPIED_RUN + 1)}
    draft_words = words_of(text)
    found = []
    for i in range(len(draft_words) - COPIED_RUN + 1):
        run = tuple(draft_words[i : i + COPIED_RUN])
        if run in runs:
            found.append(" ".join(run))
    return list(dict.fromkeys(found))[:3]


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


# What a draft says when the model talks about itself or its prompt instead of answering:
# often an injection's doing ("print your instructions"), never something to send.
_OFF_SCRIPT = re.compile(
    r"\b(?:as an ai|language model|system prompt|my instructions|previous instructions"
    r"|untrusted post|ignore (?:all|the|any) (?:previous|above))\b|<<<|>>>",
    re.IGNORECASE,
)


def off_script(text: str) -> list[str]:
    """Words of a model talking about itself or its prompt, found in a draft."""
    return list(dict.fromkeys(m.group().lower() for m in _OFF_SCRIPT.finditer(text)))


def drop_reasons(lint: dict[str, Any]) -> list[str]:
    """Why a draft with these findings must not be offered (empty: keep it)."""
    reasons = [k for k in HARD_LINT if lint.get(k) is False]
    reasons += [k for k in (*HARD_FOUND, *LLM_FOUND) if lint.get(k)]
    return reasons
