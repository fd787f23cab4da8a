"""The stages copy a mention with ``with_changes``: it must be ``dataclasses.replace``, field
for field, whichever fields change."""

from __future__ import annotations

import dataclasses

import pytest

from listener.models import Engagement, Judgments, Mention
from listener.pipeline.types import with_changes
from tests.store_helpers import T0, make_mention

# A value of the right kind for each field, different from make_mention's.
_OTHER = {
    f.name: getattr(make_mention(2, source="forum"), f.name) for f in dataclasses.fields(Mention)
}
_OTHER |= {
    "source_type": "reddit",
    "language": "bn",
    "engagement": Engagement(likes=3),
    "rating": 2.0,
    "parent_id": "p1",
    "thread_id": "t1",
    "brands": ("b", "c"),
    "matched_terms": ("late", "refund"),
    "judgments": Judgments(complaint=True, sentiment=-0.5),
    "edited_at": T0,
    "deleted_at": T0,
    "copy_of": "feed:head",
}


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Mention)])
def test_changing_one_field_is_replace(name: str) -> None:
    mention = make_mention(1)
    copied = with_changes(mention, **{name: _OTHER[name]})
    assert copied == dataclasses.replace(mention, **{name: _OTHER[name]})
    assert getattr(copied, name) == _OTHER[name] != getattr(mention, name)


def test_the_stages_changes_together_and_none_at_all() -> None:
    mention = make_mention(1)
    changes = {"brands": ("x",), "matched_terms": ("y",), "judgments": _OTHER["judgments"]}
    assert with_changes(mention, **changes) == dataclasses.replace(mention, **changes)
    assert with_changes(mention) == mention


def test_an_unknown_field_is_an_error() -> None:
    with pytest.raises(KeyError):
        with_changes(make_mention(1), colour="red")
