"""What a draft must and must not say: no stock lines, no echoed abuse or personal data, no
promise the policy forbids, the post never rendered as a template; a real private channel,
the author's history and loyalty; the same drafts every time; no crash on odd input."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.drafts.lint import lint_draft, normalise
from alerts.drafts.markers import BANNED_PHRASES
from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory, HistoryItem
from alerts.templating import Templates
from listener.config.replies import RepliesSettings
from listener.models import Author, Judgments, Mention
from tests.drafts_helpers import NOW, OWN_COMPLAINTS, SETTINGS, mention

PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "review", "email")


def _all_drafts(settings: RepliesSettings = SETTINGS) -> list[str]:
    return [
        d.text
        for i, (text, name, handle) in enumerate(OWN_COMPLAINTS)
        for platform in PLATFORMS
        for d in draft_replies(
            mention(text, id=f"s:{i}", name=name, handle=handle),
            settings=settings,
            platform=platform,
        )
    ]


def test_no_draft_uses_a_banned_stock_phrase() -> None:
    texts = [normalise(t) for t in _all_drafts()]

    assert texts
    assert not [(p, t) for t in texts for p in BANNED_PHRASES if normalise(p) in t]


def test_the_linter_finds_banned_phrases_including_the_settings_own() -> None:
    facts_draft = draft_replies(mention("my order is late", id="x:b"), settings=SETTINGS)[0]
    banned = (*BANNED_PHRASES, "no worries")
    from alerts.drafts.facts import extract_facts

    facts = extract_facts(
        mention("my order is late", id="x:b"), language="en", note=None, history=None, public=True
    )
    lint = lint_draft(
        "We apologise for any inconvenience. No worries, I'll check your order.",
        facts=facts,
        platform="x",
        banned=banned,
    )

    assert lint["banned_phrases"] == ["we apologise for any inconvenience", "no worries"]
    assert lint["ok"] is False
    assert facts_draft.lint["ok"] is True


@pytest.mark.parametrize(
    "text",
    [
        "you fucking idiots charged my card twice",
        "Acme you useless morons, my parcel is lost AGAIN",
        "what a sh!t service, f*ck this app, it crashed again",
    ],
)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_abusive_words_are_never_echoed(text: str, platform: str) -> None:
    post = mention(text, id="x:abuse", name="Pat")
    drafts = draft_replies(post, settings=SETTINGS, platform=platform)

    assert drafts
    for draft in drafts:
        lowered = draft.text.lower()
        for word in ("fucking", "idiots", "morons", "useless", "sh!t", "f*ck"):
            assert word not in lowered
        assert draft.lint["echoed_abuse"] == []
        assert "not repeated" in (draft.note or "")


def test_an_abusive_display_name_or_handle_is_not_used_to_address_them() -> None:
    post = mention("you idiots, my order never came, fuck this", id="x:n", name="Idiots",
                   handle="fuck_acme")  # fmt: skip
    drafts = draft_replies(post, settings=SETTINGS)

    assert drafts
    assert all("idiots" not in d.text.lower() and "fuck" not in d.text.lower() for d in drafts)
    assert all(d.lint["name_present"] is None for d in drafts)


@pytest.mark.parametrize(
    "text", ["{{ 7*7 }} my order never arrived", "{% for x in range(9) %}late again{% endfor %}"]
)
def test_template_syntax_in_a_post_is_never_evaluated(text: str) -> None:
    post = mention(text, id="x:tpl", name="{{ 7*7 }}Dana")
    drafts = draft_replies(post, settings=SETTINGS, platform="reddit")

    assert drafts
    for draft in drafts:
        assert "49" not in draft.text
        assert "{{" not in draft.text and "{%" not in draft.text
        assert draft.lint["markup_safe"] is True


def test_a_placeholder_inside_a_value_stays_those_characters() -> None:
    post = mention("my order never arrived", id="x:ph", name="{thing}")
    drafts = draft_replies(post, settings=SETTINGS, platform="x")

    assert all("your order" in d.text for d in drafts)
    assert all(d.text.count("your order") <= 2 for d in drafts)


@pytest.mark.parametrize("platform", ["x", "mastodon", "review"])
def test_no_personal_data_from_the_post_in_a_public_reply(platform: str) -> None:
    text = "order 88812345 never came, email me at dana.k@example.org or call +44 7700 900123"
    drafts = draft_replies(
        mention(text, id="x:pd", name="Dana"), settings=SETTINGS, platform=platform
    )

    for draft in drafts:
        for secret in ("88812345", "dana.k@example.org", "7700", "900123"):
            assert secret not in draft.text
        assert draft.lint["personal_data"] == []


def test_the_linter_catches_personal_data_echoed_in_public() -> None:
    from alerts.drafts.facts import extract_facts

    post = mention("my order 88812345 is lost", id="x:pd2")
    facts = extract_facts(post, language="en", note=None, history=None, public=True)
    lint = lint_draft("I'll check order 88812345 now.", facts=facts, platform="x", banned=())

    assert lint["personal_data"] == ["88812345"]
    assert lint["ok"] is False


BILLING = "you charged my card twice for one order and I want my money back"


def test_no_refund_is_promised_unless_the_policy_allows_it() -> None:
    refused = [
        d
        for i in range(20)
        for d in draft_replies(mention(BILLING, id=f"x:r{i}"), settings=SETTINGS, platform="reddit")
    ]
    allowed_settings = SETTINGS.model_copy(
        update={"policy": SETTINGS.policy.model_copy(update={"refunds": True})}
    )
    allowed = [
        d
        for i in range(20)
        for d in draft_replies(
            mention(BILLING, id=f"x:r{i}"), settings=allowed_settings, platform="reddit"
        )
    ]

    assert not any("we'll refund" in d.text.lower() for d in refused)
    assert all(d.lint["promises"] == [] for d in refused)
    assert any("we'll refund" in d.text.lower() for d in allowed)
    assert all(d.lint["ok"] for d in allowed)


def test_the_linter_flags_a_refund_promise_the_policy_does_not_allow() -> None:
    from alerts.drafts.facts import extract_facts

    facts = extract_facts(
        mention(BILLING, id="x:p"), language="en", note=None, history=None, public=True
    )
    lint = lint_draft("Sorry! We'll refund the charge on your card today.", facts=facts,
                      platform="x", banned=())  # fmt: skip

    assert lint["promises"] == ["refunds"]


@pytest.mark.parametrize(
    ("channels", "platform", "expected"),
    [
        ({"dm": True}, "x", "DM"),
        ({"email": "care@acme.example"}, "x", "care@acme.example"),
        ({"phone": "+1 555 0100"}, "review", "+1 555 0100"),
        ({"url": "https://acme.example/contact"}, "mastodon", "https://acme.example/contact"),
        ({"dm": True, "email": "care@acme.example"}, "review", "care@acme.example"),  # no DMs
    ],
)
def test_take_private_names_the_configured_channel(
    channels: dict[str, object], platform: str, expected: str
) -> None:
    settings = RepliesSettings.model_validate({"private_channels": channels})
    drafts = draft_replies(mention("my parcel is lost", id="x:tp"), settings=settings,
                           platform=platform)  # fmt: skip
    private = [d for d in drafts if d.approach == "take_private"]

    assert len(private) == 1
    assert expected in private[0].text
    assert private[0].lint["ok"]


def test_without_a_channel_there_is_no_take_private_draft_and_never_a_bare_dm_request() -> None:
    drafts = draft_replies(mention("my parcel is lost", id="x:nc"), settings=RepliesSettings())

    assert [d.approach for d in drafts] == ["acknowledge", "acknowledge"]
    assert drafts[0].text != drafts[1].text
    assert not any("dm" in d.text.lower().split() for d in drafts)


def test_a_dm_is_not_offered_on_review_sites_or_in_email() -> None:
    settings = RepliesSettings.model_validate({"private_channels": {"dm": True}})
    for platform in ("review", "email"):
        drafts = draft_replies(mention("my parcel is lost", id="x:r"), settings=settings,
                               platform=platform)  # fmt: skip
        assert "take_private" not in [d.approach for d in drafts]


def _history(days: int, *, tags: tuple[str, ...] = ()) -> AuthorHistory:
    item = HistoryItem(NOW - timedelta(days=days), "x", None, "my order is late", complaint=True)
    return AuthorHistory(
        mention_count=1, first_seen_at=item.published_at, tags=tags, recent=(item,)
    )


@pytest.mark.parametrize(
    ("days", "when"), [(1, "yesterday"), (9, "last week"), (21, "3 weeks ago")]
)
@pytest.mark.parametrize("platform", ["x", "reddit"])
def test_the_history_line_says_when_they_last_wrote(days: int, when: str, platform: str) -> None:
    for i in range(6):
        post = mention("my order still hasn't arrived", id=f"x:h{i}", name="Dana")
        drafts = draft_replies(post, settings=SETTINGS, platform=platform, history=_history(days))

        assert all(when in d.text for d in drafts), [d.text for d in drafts]
        assert all(d.lint["history_present"] and d.lint["ok"] for d in drafts)


@pytest.mark.parametrize("tag", ["loyal", "vip"])
@pytest.mark.parametrize("language_text", ["my order still hasn't arrived", "আমার অর্ডার আসেনি"])
def test_a_tagged_author_gets_a_loyalty_line(tag: str, language_text: str) -> None:
    for i in range(6):
        post = mention(language_text, id=f"x:l{i}", name="Dana")
        history = _history(9, tags=(tag,))
        drafts = draft_replies(post, settings=SETTINGS, platform="mastodon", history=history)

        assert all(d.lint["loyalty_present"] is True and d.lint["ok"] for d in drafts)
    untagged = draft_replies(mention(language_text, id="x:l0"), settings=SETTINGS,
                             platform="mastodon", history=_history(9))  # fmt: skip
    assert all(d.lint["loyalty_present"] is None for d in untagged)


def test_the_same_mention_gets_the_same_drafts() -> None:
    first = draft_replies(mention(OWN_COMPLAINTS[0][0], id="x:same"), settings=SETTINGS)
    again = draft_replies(mention(OWN_COMPLAINTS[0][0], id="x:same"), settings=SETTINGS)

    assert first == again


def _bare(text: str, language: str | None = None, author: Author | None = None) -> Mention:
    post = mention("x", id="x:odd")
    return replace(post, text=text, language=language, author=author or Author(),
                   judgments=Judgments())  # fmt: skip


@pytest.mark.parametrize(
    "post",
    [
        _bare(""),
        _bare("   "),
        _bare("ну и сервис, заказ не пришёл", language="ru"),
        _bare("zzz", language="xx-Qaaa"),
        _bare("\x1b[31m\u202e evil", author=Author(name="\u202e\x07", handle="@@@")),
        _bare("a" * 200_000),
    ],
)
def test_odd_input_gets_drafts_not_an_exception(post: Mention) -> None:
    drafts = draft_replies(post, settings=SETTINGS, platform="x")

    assert 2 <= len(drafts) <= 3
    assert all(d.lint["markup_safe"] and d.lint["length_ok"] for d in drafts)


def test_a_language_without_templates_is_drafted_in_english_and_says_so() -> None:
    drafts = draft_replies(_bare("ну и сервис", language="ru"), settings=SETTINGS)

    assert {d.language for d in drafts} == {"en"}
    assert all("no 'ru' reply templates: drafted in English" in (d.note or "") for d in drafts)


def test_romanised_hindi_is_answered_in_english_unless_mapped_to_hindi() -> None:
    post = mention("bhai mera order abhi tak nahi aaya, bahut bura service", id="x:hl")
    english = draft_replies(post, settings=SETTINGS)
    hindi = draft_replies(
        post, settings=SETTINGS.model_copy(update={"languages": {"hi-Latn": "hi"}})
    )

    assert post.judgments.language == "hi-Latn"
    assert {d.language for d in english} == {"en"}
    assert all("romanised Hindi" in (d.note or "") for d in english)
    assert {d.language for d in hindi} == {"hi"}


def test_an_operators_template_is_used_first_and_a_broken_one_falls_back(tmp_path: Path) -> None:
    folder = tmp_path / "replies" / "en"
    folder.mkdir(parents=True)
    (folder / "acknowledge.j2").write_text(
        "Sorry about {{ thing }}{{ _name }}. I'll look into it now. {{ brand }} care\n",
        encoding="utf-8",
    )
    (folder / "take_private.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
    templates = Templates(tmp_path)
    post = mention("my parcel is lost", id="x:op", name="Dana")

    drafts = draft_replies(post, settings=SETTINGS, templates=templates)

    assert drafts[0].text == "Sorry about your lost parcel, Dana. I'll look into it now. Acme care"
    assert drafts[0].lint["ok"] is True
    private = drafts[-1]
    assert private.approach == "take_private"
    assert "used the built-in template" in (private.note or "")
    assert "DM" in private.text


def test_settings_override_per_brand_and_merge_fixes() -> None:
    settings = RepliesSettings.model_validate(
        {
            "sign_off": "— the team",
            "fixes": {"delivery": {"text": "Track it at the link", "url": "https://a.example/t"}},
            "brands": {"Globex": {"sign_off": "— Hank, Globex", "policy": {"refunds": True}}},
        }
    )

    globex = settings.for_brand("Globex")

    assert globex.sign_off == "— Hank, Globex" and globex.policy.refunds is True
    assert "delivery" in globex.fixes
    assert settings.for_brand("Acme") is settings
    drafts = draft_replies(mention("parcel lost", id="x:g"), settings=settings, brand="Globex")
    assert all(d.text.endswith("— Hank, Globex") for d in drafts)


def test_disabled_replies_give_no_drafts() -> None:
    off = RepliesSettings(enabled=False)

    assert draft_replies(mention("my parcel is lost", id="x:off"), settings=off) == ()
