"""One customer on two networks is one history (issue 18): the same person on X and Reddit,
linked by hand, shows one history in the alert, its message, its reply drafts, its
severity's repeat-contact points and in ``listener show``; the same handle on another
network, not linked, stays a stranger. A real SQLite store on disk, the real complaint rule,
real reply drafts and the real channel rendering."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from alerts.channels.render import render_text
from alerts.channels.webhook import message_payload
from alerts.compose import compose
from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory
from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Mention, ReplyDraft
from listener.store import open_store
from listener.store.people import Account
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings
from tests.channel_messages import context
from tests.drafts_helpers import SETTINGS as REPLIES

DANA = (Account("x", "dana"), Account("reddit", "dana_r"))


def _via(source_type: str, **kw: Any) -> Mention:
    """A judged complaint of acme as the reader of ``source_type`` stores it."""
    return replace(judged(**kw), source_type=source_type)


def _on_x() -> Mention:
    return _via(
        "x", text="acme my order never came", handle="Dana", source="x-brand",
        at=NOW - timedelta(days=2),
    )  # fmt: skip


def _on_reddit(handle: str = "dana_r") -> Mention:
    return _via(
        "reddit", text="acme still no parcel and nobody answers", handle=handle,
        source="r-brand",
    )  # fmt: skip


class Drafted:
    """The reply drafts, and the history each was drafted with."""

    def __init__(self) -> None:
        self.histories: list[AuthorHistory | None] = []

    def __call__(self, mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        self.histories.append(history)
        return draft_replies(mention, settings=REPLIES, brand="acme", history=history)


def _harness(tmp_path: Path, settings: Settings | None = None) -> tuple[Harness, Drafted]:
    drafted = Drafted()
    return Harness(tmp_path, settings or make_settings(), drafts=drafted), drafted


def test_a_reddit_complaint_by_a_person_known_on_x_carries_the_x_history(tmp_path: Path) -> None:
    h, drafted = _harness(tmp_path)
    earlier = _on_x()
    h.history([earlier])
    person = h.store.link_accounts(DANA, by="test", name="Dana")
    complaint = _on_reddit()
    h.feed([complaint])
    [alert] = h.alerts()

    # Severity's repeat-contact point counts the contact on the other network.
    assert alert.details["prior_contacts"] == 1
    assert "2nd contact in 7 days" in alert.severity_reasons
    # The drafts were written knowing the X post, and say they wrote earlier.
    [history] = drafted.histories
    assert history is not None and history.person is not None
    assert history.person.id == person.id
    assert [(i.source, i.network) for i in history.recent] == [("x-brand", "x")]
    assert any("wrote to us 2 days ago" in d.text or "2 days ago" in d.text for d in alert.drafts)

    # The message every channel renders: the person, and the X contact with its network.
    [delivery, *_] = h.deliveries(alert)
    message = compose(h.store, h.settings, alert, delivery)
    assert message.history is not None and message.history.mention_count == 1
    assert [i.excerpt for i in message.history.recent] == ["acme my order never came"]
    text = render_text(context(httpx.AsyncClient()), "alerts/console.txt.j2", message)
    assert "Person: Dana — dana on x, dana_r on reddit" in text
    assert "on x-brand (x) (complaint)" in text
    payload = message_payload(message)["author_history"]
    assert payload["person"]["accounts"][1] == {
        "source_type": "reddit", "handle": "dana_r", "network": "reddit"
    }  # fmt: skip


def test_the_same_handle_on_another_network_unlinked_shares_nothing(tmp_path: Path) -> None:
    h, drafted = _harness(tmp_path)
    h.history([_on_x()])
    h.feed([_on_reddit(handle="dana")])  # "dana" on Reddit: nobody said it is the X "dana"
    [alert] = h.alerts()
    assert alert.details["prior_contacts"] == 0
    assert not any("contact in 7 days" in r for r in alert.severity_reasons)
    [history] = drafted.histories
    assert history is not None and history.recent == () and history.person is None
    [delivery, *_] = h.deliveries(alert)
    message = compose(h.store, h.settings, alert, delivery)
    assert message.history is not None and message.history.recent == ()
    assert message.history.person is None


def test_a_vip_tag_on_the_person_ranks_the_alert_on_every_network(tmp_path: Path) -> None:
    plain, _ = _harness(tmp_path / "plain")
    plain.feed([_on_reddit()])
    [unranked] = plain.alerts()

    h, drafted = _harness(tmp_path / "vip")
    person = h.store.link_accounts(DANA, by="test", name="Dana")
    h.store.update_person(person.id, tags=["vip"], note="since 2019")
    h.feed([_on_reddit()])
    [alert] = h.alerts()
    assert alert.details["tags"] == ["vip"]
    assert "tagged vip (since 2019)" in alert.severity_reasons
    assert alert.severity.rank > unranked.severity.rank
    [history] = drafted.histories
    assert history is not None and history.tags == ("vip",) and history.note == "since 2019"


def test_a_settings_vip_on_one_account_tags_the_persons_other_accounts(tmp_path: Path) -> None:
    authors = [{"handle": "dana", "source_type": "x", "tags": ["vip"]}]
    h, _ = _harness(tmp_path, make_settings(authors=authors))
    h.store.link_accounts(DANA, by="test")
    h.feed([_on_reddit()])
    [alert] = h.alerts()
    assert alert.details["tags"] == ["vip"]


def test_the_history_merges_every_account_newest_first_and_stays_capped(tmp_path: Path) -> None:
    h, drafted = _harness(tmp_path)
    h.history(
        [_via("x", handle="dana", source="x-brand", at=NOW - timedelta(days=d), complaint=False)
         for d in (1, 3, 5, 7)]
        + [_via("reddit", handle="dana_r", source="r-brand", at=NOW - timedelta(days=d),
                complaint=False) for d in (2, 4, 6)]
    )  # fmt: skip
    h.store.link_accounts(DANA, by="test")
    h.feed([_on_reddit()])
    [history] = drafted.histories
    assert history is not None
    assert [i.network for i in history.recent] == ["x", "reddit", "x", "reddit", "x"]
    ages = [(NOW - i.published_at).days for i in history.recent]
    assert ages == [1, 2, 3, 4, 5]
    [alert] = h.alerts()
    assert "6th contact in 7 days" in alert.severity_reasons


SHOW_SETTINGS = """\
brands:
  - name: acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def test_listener_show_prints_the_person_and_one_history(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SHOW_SETTINGS)
    complaint = _on_reddit()
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions([_on_x(), complaint, _via("rss", handle="dana", source="feed")])
        store.link_accounts(DANA, by="test", name="Dana")
    path = str(settings.config_path)
    run = CliRunner().invoke(main, ["show", "--config", path, complaint.id])
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert "  person     Dana (person 1): dana on x, dana_r on reddit" in lines
    assert "  earlier    1 mention(s), newest first" in lines
    [earlier] = [line for line in lines if line.startswith("      · ") and "x-brand" in line]
    assert "on x-brand (x) (complaint)" in earlier and "acme my order never came" in earlier
    assert not [line for line in lines if "(rss)" in line and "· " in line]

    shown = CliRunner().invoke(main, ["show", "--config", path, complaint.id, "--json"])
    history = json.loads(shown.stdout)["author_history"]
    assert history["person"]["name"] == "Dana"
    assert [(e["source"], e["network"]) for e in history["recent"]] == [("x-brand", "x")]


def test_an_open_alert_about_the_persons_other_account_is_counted_in_the_message(
    tmp_path: Path,
) -> None:
    h, _ = _harness(tmp_path)
    h.feed([replace(_on_x(), published_at=NOW - timedelta(hours=3))])
    h.store.link_accounts(DANA, by="test")
    h.feed([_on_reddit()])
    x_alert, reddit_alert = sorted(h.alerts(), key=lambda a: a.id)
    assert x_alert.mention_ids != reddit_alert.mention_ids  # two alerts, one person
    [delivery, *_] = h.deliveries(reddit_alert)
    message = compose(h.store, h.settings, reddit_alert, delivery)
    assert message.history is not None and message.history.open_alerts == 1


def test_a_saved_search_hit_by_the_person_gets_their_repeat_and_tag_points(
    tmp_path: Path,
) -> None:
    rules = [{"type": "saved_search", "name": "refunds", "query": "refund*"}]
    h, _ = _harness(tmp_path, make_settings(rules=rules))
    h.history([_on_x()])
    person = h.store.link_accounts(DANA, by="test")
    h.store.update_person(person.id, tags=["press"])
    hit = _via("reddit", text="acme refund please", handle="dana_r", complaint=False)
    h.feed([hit])
    [alert] = h.alerts("saved_search")
    assert "2nd contact in 7 days" in alert.severity_reasons
    assert "tagged press" in alert.severity_reasons
