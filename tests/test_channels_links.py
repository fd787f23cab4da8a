"""Links in messages are ones every receiver accepts: a link Slack or Discord cannot parse
gets the whole message refused, and a refused message holds its channel's queue."""

from __future__ import annotations

import pytest

from alerts.escaping import LINK_MAX, link_url


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("https://ok.example/path?x=1&y=2", "https://ok.example/path?x=1&y=2"),
        # International domain → punycode; non-ASCII path → UTF-8 percent-encoding.
        (
            "https://bücher.de/খবর?q=a b",
            "https://xn--bcher-kva.de/%E0%A6%96%E0%A6%AC%E0%A6%B0?q=a%20b",
        ),
        # Markup delimiters after the host are encoded; an IPv6 host keeps its brackets.
        ("https://a.example/<b>|x", "https://a.example/%3Cb%3E%7Cx"),
        ("http://[::1]:8080/x(y)", "http://[::1]:8080/x%28y%29"),
        # No link rather than one a receiver refuses.
        ("https://exa mple.org/", ""),
        ("javascript:alert(1)", ""),
        ("https://x.example/" + "a" * LINK_MAX, ""),
    ],
)
def test_links_are_made_safe_for_every_receiver_or_left_out(given: str, shown: str) -> None:
    assert link_url(given) == shown
