"""Review of X's count: twitter-text links a bare domain ("Booking.com", "acme.com/help")
as it links a URL with a scheme, and weighs it 23 — a brand named like a domain in the
sign-off made a draft that fitted our count run over 280 on X."""

from __future__ import annotations

import pytest

from alerts.drafts.platforms import x_length
from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import mention


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("— the Booking.com team", 6 + 23 + 5),
        ("see acme.com/help/reset now", 4 + 23 + 4),
        ("ask at help.acme.co.uk", 7 + 23),
        ("write to help@acme.com", len("write to help@acme.com")),  # an email is no link
        ("version 4.2 fixes it", len("version 4.2 fixes it")),
    ],
)
def test_x_counts_a_bare_domain_as_a_23_unit_link(text: str, expected: int) -> None:
    assert x_length(text) == expected


def test_an_x_draft_signed_by_a_brand_named_like_a_domain_fits_280_as_x_counts() -> None:
    settings = RepliesSettings.model_validate({"private_channels": {"dm": True}})
    for i in range(20):
        post = mention(
            "Third time asking: my refund for the cancelled booking still hasn't arrived and "
            "nobody answers. I'm fed up, this is urgent, rent is due",
            id=f"x:b{i}",
            name="Alexandria",
            brands=("Booking.com",),
        )
        for d in draft_replies(post, settings=settings, platform="x"):
            assert "Booking.com" in d.text
            as_x_counts = x_length(d.text.replace("Booking.com", "https://t.co/abcdefghij"))
            assert d.lint["length"] == as_x_counts
            assert as_x_counts <= 280, d.text
