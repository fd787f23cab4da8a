"""The template sandbox keeps its verdicts: what a template may not touch, it never may.

``Templates`` remembers Jinja's verdict on each (type, attribute) it has been asked about;
the same unsafe attribute is refused on the second render as on the first, and a safe one
of the same object is still read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from alerts.templating import Templates


def _templates(tmp_path: Path, **files: str) -> Templates:
    for name, text in files.items():
        (tmp_path / f"{name}.j2").write_text(text, encoding="utf-8")
    return Templates(tmp_path, builtin_dir=tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "{{ values.clear() }}",  # a dict method that mutates it
        "{{ items.append(1) }}",  # a list method that mutates it
        "{{ values.__class__ }}",  # an internal attribute
        "{{ pick.__init__.__globals__ }}",  # a function's globals
    ],
)
def test_an_unsafe_attribute_is_refused_at_every_render(tmp_path: Path, source: str) -> None:
    templates = _templates(tmp_path, unsafe=source)
    values, items = {"a": "1"}, ["x"]
    for _ in range(3):
        with pytest.raises(SecurityError):
            templates.render("unsafe.j2", values=values, items=items, pick=_pick)
    assert values == {"a": "1"} and items == ["x"]


def test_a_safe_attribute_of_the_same_type_is_read_after_an_unsafe_one_was_refused(
    tmp_path: Path,
) -> None:
    templates = _templates(tmp_path, unsafe="{{ values.clear() }}", safe="{{ values.get('a') }}")
    with pytest.raises(SecurityError):
        templates.render("unsafe.j2", values={"a": "1"})
    assert templates.render("safe.j2", values={"a": "1"}) == "1"
    assert templates.render("safe.j2", values={"a": "2"}) == "2"


def _pick(slot: str) -> str:
    return slot
