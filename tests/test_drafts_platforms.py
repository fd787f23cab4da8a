"""Each network's length, counted as it counts: X's weights and 23-unit links, Bluesky's
graphemes, Mastodon's code points — and drafts that fit them."""

from __future__ import annotations

import pytest

from alerts.drafts.platforms import (
    PLATFORMS,
    Platform,
    graphemes,
    mastodon_length,
    platform_for,
    x_length,
)
from alerts.drafts.render import _cut
from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import SETTINGS, mention

LONG_URL = "https://help.acme.example/" + "very-long-path/" * 12


def test_x_counts_any_link_as_23_and_an_emoji_as_2() -> None:
    assert x_length("abc") == 3
    assert x_length(f"see {LONG_URL}") == 4 + 23
    assert x_length("😡") == 2
    assert x_length("👩‍👩‍👧") == 2  # one grapheme of five code points
    assert x_length("日本") == 4  # CJK weighs 2
    assert x_length("তুমি") == len("তুমি")  # Indic code points weigh 1 on X


def test_bluesky_counts_graphemes_so_emoji_sequences_and_conjuncts_count_once() -> None:
    assert graphemes("👩‍👩‍👧") == 1
    assert graphemes("🇮🇳") == 1
    assert graphemes("ক্ষ") == 1  # ka + virama + ssa: one conjunct
    assert len("ক্ষ") == 3


def test_mastodon_counts_code_points_with_links_as_23() -> None:
    assert mastodon_length(f"a {LONG_URL}") == 2 + 23
    assert mastodon_length("ক্ষ") == 3


def test_the_platform_follows_the_source_type_unless_named() -> None:
    assert platform_for(None, "trustpilot").name == "review"
    assert platform_for(None, "bluesky").limit == 300
    assert platform_for("email", "x").public is False
    assert platform_for(None, "hackernews").name == "forum"


def _settings_with_long_fix() -> RepliesSettings:
    return SETTINGS.model_copy(
        update={
            "fixes": {
                "website_app": RepliesSettings.model_validate(
                    {"fixes": {"website_app": {"text": "Updating to version 4.2 and restarting "
                    "the app fixes the crash for almost everyone who has reported it this week",
                    "url": LONG_URL}}}
                ).fixes["website_app"]
            }
        }
    )  # fmt: skip


@pytest.mark.parametrize("i", range(12))
def test_x_drafts_with_a_link_in_the_fix_fit_280(i: int) -> None:
    text = "The app crashes AGAIN every time I pay. Ridiculous, I need it for work today!!"
    drafts = draft_replies(
        mention(text, id=f"x:{i}", name="Siobhán"), settings=_settings_with_long_fix(), platform="x"
    )
    solve = [d for d in drafts if d.approach == "solve_now"]

    assert solve and LONG_URL in solve[0].text  # the link is whole, counted as 23
    assert all(x_length(d.text) <= 280 and d.lint["length_ok"] for d in drafts)
    assert all(d.lint["ok"] for d in drafts), [d.lint for d in drafts]
    assert len(solve[0].text) > 280  # it fits only because X counts the link as 23


@pytest.mark.parametrize(
    "text",
    [
        "😡😡😡 my parcel 📦 never came, third week waiting 🙄 fed up",
        "আমার অর্ডার এখনো আসেনি 😡 তিন সপ্তাহ হয়ে গেল, খুব বিরক্ত লাগছে, কার্ড থেকে টাকা কেটেছে",
        "నా ఆర్డర్ ఇంకా రాలేదు 😤 చాలా విసుగ్గా ఉంది, అత్యవసరంగా కావాలి",
    ],
)
def test_bluesky_drafts_fit_300_graphemes_with_emoji_and_indic_text(text: str) -> None:
    drafts = draft_replies(
        mention(text, id="bsky:1", name="অনিতা", handle="anita.bsky.social", source_type="bluesky"),
        settings=SETTINGS,
    )

    assert drafts and all(graphemes(d.text) <= PLATFORMS["bluesky"].limit for d in drafts)
    assert all(d.lint["ok"] for d in drafts), [d.lint for d in drafts]


def test_a_text_too_long_at_every_level_is_cut_between_words() -> None:
    tiny = Platform("tiny", 14, len)

    assert _cut("alpha beta gamma delta", tiny) == "alpha beta…"
    assert _cut("alpha, beta gamma", Platform("tiny", 8, len)) == "alpha…"


def test_a_long_sign_off_still_fits_x_by_dropping_optional_sentences() -> None:
    wordy = RepliesSettings.model_validate(
        {"sign_off": "— " + "Dana " * 15, "private_channels": {"dm": True}}
    )
    text = "my order never arrived, still waiting, I'm furious and it's urgent"
    drafts = draft_replies(mention(text, id="x:cut", name="Ola"), settings=wordy, platform="x")

    assert all(x_length(d.text) <= 280 for d in drafts)
    assert all(d.text.endswith("Dana") for d in drafts)  # never cut: sentences gave way
    assert all(d.lint["ok"] for d in drafts), [d.lint for d in drafts]
