"""'Maybe the same person' says plainly that profiles are written by their owners (recheck
finding 2): a hostile account that copied a customer's site into its profile is offered like
the real match, one click from Link. Wherever suggestions are shown the caution stands above
them and each account of the pair links to its own author page to open first."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from listener.models import Author
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer

CUSTOMER_SITE = "https://quillfox.example/"
CAUTION = "Profiles are written by their owners"


def _store_customer_and_copycat(running: WebServer) -> None:
    running.store.insert_mentions(
        [
            make_mention(
                1, source="x", source_type="x",
                author=Author(handle="quill_fox", name="Quill Fox", links=(CUSTOMER_SITE,)),
            ),
            # Anyone can put the customer's site in their own profile.
            make_mention(
                2, source="reddit", source_type="reddit",
                author=Author(handle="qu1ll_f0x", name="Quill Fox", links=(CUSTOMER_SITE,)),
            ),
        ]
    )  # fmt: skip


def _suggestions_section(page: str) -> str:
    found = re.search(r'<section class="suggestions".*?</section>', page, re.S)
    assert found, "no suggestions shown"
    return found.group(0)


def test_suggestions_carry_the_caution_and_link_both_author_pages(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    _store_customer_and_copycat(running)
    for path in ("/authors/x/quill_fox", "/authors/reddit/qu1ll_f0x", "/people"):
        section = _suggestions_section(httpx.get(f"{running.url}{path}").text)
        assert CAUTION in section and "Open both accounts before linking" in section
        # The caution comes before the pair and its Link button.
        assert section.index(CAUTION) < section.index("quillfox.example")
        assert 'href="/authors/x/quill_fox"' in section
        assert 'href="/authors/reddit/qu1ll_f0x"' in section
        # Both pages open (they are where the reader checks who is who).
        for href in ("/authors/x/quill_fox", "/authors/reddit/qu1ll_f0x"):
            assert httpx.get(f"{running.url}{href}").status_code == 200


def test_no_caution_without_suggestions(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    running.store.insert_mentions([make_mention(1, source="x", source_type="x")])
    assert CAUTION not in httpx.get(f"{running.url}/authors/x/user1").text
