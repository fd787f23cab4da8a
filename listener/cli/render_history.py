"""``listener show``'s author history: what the team knew of the author before this mention.

An author linked to a person (issue 18) is the person: the history merges the earlier
mentions of every linked account, on every network, newest first, each line naming its
network, as the alerts and reply drafts see it (``alerts.rules.authors``). An unlinked
author's history is their account's on its network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.rules.authors import AuthorReads, earlier_mentions, person_of, person_tags
from listener.cli.render import terminal_safe
from listener.config.alerts import TaggedAuthor
from listener.models import Mention
from listener.sources.registry import network_of
from listener.store.people import Person

SHOWN_ITEMS = 10
EXCERPT_CHARS = 100


@dataclass(frozen=True, slots=True)
class ShownHistory:
    person: Person | None
    tags: tuple[str, ...]
    note: str | None
    earlier: list[Mention]  # newest first, at most SHOWN_ITEMS


def author_history(
    store: AuthorReads, authors: list[TaggedAuthor], m: Mention
) -> ShownHistory | None:
    """The history ``show`` prints; ``None`` when the source names no author."""
    if not m.author.handle:
        return None
    person = person_of(store, m)
    tags, note = person_tags(authors, m, person)
    return ShownHistory(person, tags, note, earlier_mentions(store, m, person, limit=SHOWN_ITEMS))


def _excerpt(m: Mention) -> str:
    words = " ".join((m.text or m.title).split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


def _accounts(person: Person) -> str:
    return ", ".join(f"{a.handle} on {network_of(a.source_type)}" for a in person.accounts)


def render_history(h: ShownHistory) -> str:
    """The history as lines under the mention (internet text made terminal-safe)."""
    lines = ["history"]
    if h.person is not None:
        name = h.person.name or "unnamed"
        shown = f"{name} (person {h.person.id}): {_accounts(h.person)}"
        lines.append(f"  {'person':<10} {terminal_safe(shown)}")
    if h.tags:
        note = f" — {h.note}" if h.note else ""
        lines.append(f"  {'tags':<10} {terminal_safe(', '.join(h.tags) + note)}")
    if not h.earlier:
        lines.append(f"  {'earlier':<10} nothing earlier on record")
        return "\n".join(lines)
    lines.append(f"  {'earlier':<10} {len(h.earlier)} mention(s), newest first")
    for e in h.earlier:
        # A near-copy (a syndicated letter) repeats a post: marked, and not a contact.
        complaint = (" (copy)" if e.copy_of else "") + (
            " (complaint)" if e.judgments.complaint else ""
        )
        line = (
            f"{e.published_at:%Y-%m-%d %H:%M} UTC on {e.source} ({network_of(e.source_type)})"
            f'{complaint} {e.id}: "{_excerpt(e)}"'
        )
        lines.append(f"      · {terminal_safe(line)}")
    return "\n".join(lines)


def history_as_json(h: ShownHistory) -> dict[str, Any]:
    person = h.person
    return {
        "person": None
        if person is None
        else {
            "id": person.id,
            "name": person.name,
            "accounts": [
                {
                    "source_type": a.source_type,
                    "handle": a.handle,
                    "network": network_of(a.source_type),
                }
                for a in person.accounts
            ],
        },
        "tags": list(h.tags),
        "note": h.note,
        "recent": [
            {
                "id": e.id,
                "source": e.source,
                "source_type": e.source_type,
                "network": network_of(e.source_type),
                "published_at": e.published_at.isoformat(),
                "complaint": e.judgments.complaint,
                "copy_of": e.copy_of,
                "excerpt": _excerpt(e),
            }
            for e in h.earlier
        ],
    }
