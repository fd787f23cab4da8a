"""A person of the settings' people list is read-only on the web, the API and the CLI
(issue 18 review, finding 11): the sync at each start rewrote their tags and note, and a
rename parted them from their entry (new id, links lost). The page says to edit
settings.yaml; a change is refused (422 on the web and API, a usage error on the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.store import open_store
from listener.store.people import Account, PersonEntry
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import browser_client

ENTRY = PersonEntry(
    name="Jane Doe", accounts=(Account("x", "jane"), Account("reddit", "jr")), tags=("vip",)
)


def test_the_web_and_api_refuse_to_edit_a_settings_person(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    running.store.sync_people([ENTRY])
    (person,) = running.store.list_people()
    client = browser_client(running)
    page = client.get(f"/people/{person.id}").text
    assert "change their name, tags and note there" in page and "settings.yaml" in page
    assert f'action="/people/{person.id}/edit"' not in page
    token = client.headers["X-CSRF-Token"]
    form = {"csrf_token": token, "name": "Jane R", "note": "x", "tags": ["press"]}
    assert client.post(f"/people/{person.id}/edit", data=form).status_code == 422
    api = client.post(f"/api/v1/people/{person.id}/tags", json={"tags": ["press"]})
    assert api.status_code == 422 and "settings.yaml" in api.text
    after = running.store.get_person(person.id)
    assert after is not None and (after.name, after.tags) == ("Jane Doe", ("vip",))
    # A person made by hand is still edited on the web.
    hand = running.store.link_accounts([Account("bluesky", "jb")], by="ops")
    ok = client.post(f"/api/v1/people/{hand.id}/tags", json={"tags": ["press"]})
    assert ok.status_code == 200 and ok.json()["tags"] == ["press"]


SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def test_the_cli_refuses_to_tag_a_settings_person(
    write_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        store.sync_people([ENTRY])
        (person,) = store.list_people()
    config = str(tmp_path / "settings.yaml")
    answer = CliRunner().invoke(
        main, ["people", "tag", str(person.id), "--name", "Other", "--config", config]
    )
    assert answer.exit_code == 2 and "settings.yaml" in answer.output
    with open_store(settings.storage.sqlite) as store:
        kept = store.get_person(person.id)
        assert kept is not None and kept.name == "Jane Doe"
