"""A feed author's handle is a byline, not an account (slice C's ``feed_handle``:
``jane-doe@example.com``, the name as a slug and the site). Shown as "@jane-doe@example.com"
it reads as a fediverse account or an email, and mail clients and Slack link it (trial
finding 11). The type's registry info says its handles are bylines (rss), so alerts say
"Jane Doe (example.com)" and the web "Jane Doe · example.com"; an account keeps "@handle".
Real alert rule on a real SQLite store, the real channel templates, the real web app."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx

from alerts.channels.render import render_text
from alerts.compose import compose
from listener.models import Author, Mention
from listener.sources.registry import byline_parts
from listener.store.people import Account
from tests.alert_rules_helpers import Harness, judged, make_settings
from tests.channel_messages import context
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer

BYLINE = "jane-doe@example.com"
ADDRESS_LIKE = "@" + BYLINE
TEMPLATES = (
    "alerts/console.txt.j2",
    "alerts/email.txt.j2",
    "alerts/email.html",
    "alerts/slack.json.j2",
    "alerts/discord.json.j2",
    "alerts/teams.json.j2",
)


def _rendered(tmp_path: Path, mention: Mention) -> dict[str, str]:
    h = Harness(tmp_path, make_settings())
    h.feed([mention])
    [alert] = h.alerts()
    [delivery, *_] = h.deliveries(alert)
    message = compose(h.store, h.settings, alert, delivery)
    ctx = context(httpx.AsyncClient())
    out = {name: render_text(ctx, name, message) for name in TEMPLATES}
    for name in TEMPLATES:  # as the reader sees them: JSON parsed, HTML without its tags
        if name.endswith(".json.j2"):
            out[name] = json.dumps(json.loads(out[name]), ensure_ascii=False)
        elif name.endswith(".html"):
            out[name] = re.sub(r"<[^>]*>", "", out[name])
    return out


def _feed_complaint() -> Mention:
    m = judged("acme my order never came")
    author = Author(handle=BYLINE, name="Jane Doe", url="https://example.com/author/jane")
    return replace(m, source_type="rss", author=author)


def test_the_registry_knows_feed_bylines_from_accounts() -> None:
    assert byline_parts("rss", BYLINE) == ("jane-doe", "example.com")
    # The same shape on an account network is an account (a fediverse handle).
    assert byline_parts("mastodon", BYLINE) is None
    assert byline_parts("rss", "no-site") is None and byline_parts("rss", None) is None


def test_alert_messages_name_a_feed_byline_by_its_site(tmp_path: Path) -> None:
    for name, text in _rendered(tmp_path / "feed", _feed_complaint()).items():
        # The "Who" line. (The alert's stored title still says "from @jane-doe@…": erasure
        # finds a person in other alerts' digests by that @handle.)
        assert "Jane Doe (example.com)" in text, name
        assert f"Jane Doe ({ADDRESS_LIKE})" not in text, name


def test_an_account_keeps_its_at_handle(tmp_path: Path) -> None:
    m = replace(judged("acme my order never came"), source_type="x",
                author=Author(handle="dana", name="Dana"))  # fmt: skip
    for name, text in _rendered(tmp_path / "x", m).items():
        assert "Dana (@dana)" in text, name


def test_the_web_shows_a_byline_as_name_and_site(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    running.store.insert_mentions(
        [
            make_mention(1, source="news", source_type="rss",
                         author=Author(handle=BYLINE, name="Jane Doe")),
            make_mention(2, source="x", source_type="x", author=Author(handle="dana", name="D")),
        ]
    )  # fmt: skip
    person = running.store.link_accounts([Account("rss", BYLINE), Account("x", "dana")], by="t")
    mention = httpx.get(f"{running.url}/mentions/news:1").text
    author = httpx.get(f"{running.url}/authors/rss/{BYLINE}").text
    people = httpx.get(f"{running.url}/people").text
    person_page = httpx.get(f"{running.url}/people/{person.id}").text
    for page in (mention, author, people, person_page):
        assert ADDRESS_LIKE not in page
    assert 'class="muted handle">· example.com</span>' in mention
    assert 'class="handle">· example.com</span>' in author
    for page in (people, person_page):
        assert "jane-doe · example.com</a>" in page and "@dana</a>" in page
