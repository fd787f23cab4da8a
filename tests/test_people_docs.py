"""docs/people.md states the caps the code applies to profile text (trial finding 8: the
page said 2,000 characters of a bio are parsed while normalize keeps 1,000)."""

from __future__ import annotations

import re
from pathlib import Path

from listener.pipeline.normalize import MAX_BIO_CHARS, MAX_LINK_CHARS, MAX_PROFILE_LINKS

DOC = Path(__file__).resolve().parent.parent / "docs" / "people.md"


def _hostile_paragraph() -> str:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    found = re.search(r"Profile text is hostile\..*?escape it\.", text)
    assert found, "docs/people.md lost its paragraph on profile caps"
    return found.group(0)


def test_the_docs_give_the_bio_cap_normalize_keeps() -> None:
    paragraph = _hostile_paragraph()
    assert f"keeps the first {MAX_BIO_CHARS:,} characters" in paragraph
    assert "before anything parses it" not in paragraph  # the old, wrong 2,000 claim


def test_the_docs_give_the_link_caps_normalize_keeps() -> None:
    paragraph = _hostile_paragraph()
    assert f"at most {MAX_PROFILE_LINKS} http(s) links, each at most {MAX_LINK_CHARS}" in paragraph
