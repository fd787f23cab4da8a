"""``listener search`` filters, ``show`` and ``label``, on a settings file and a store on disk."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Author, Finding, Flag, Judgments, SentimentLabel, Urgency
from listener.store import open_store
from tests.store_helpers import make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
"""

ANGRY = Judgments(
    sentiment=-0.62,
    sentiment_label=SentimentLabel.NEGATIVE,
    model="judges-1",
    sentiment_evidence=("😡",),
    language="hi-Latn",
    script="Latin",
    complaint=True,
    complaint_score=0.81,
    complaint_evidence=("'still waiting'", "learned model: 0.77"),
    complaint_by="rules+learned",
    feelings=(Finding("frustrated", ("still waiting",)), Finding("angry", ("😡",))),
    topics=(Finding("delivery", ("parcel",)), Finding("billing", ("refund",))),
    urgency=Urgency.HIGH,
    urgency_evidence=("'lawyer'",),
    flags=(Finding(Flag.THREAT, ("'you will regret'",)),),
    reach=1234,
    reach_evidence=("1,200 followers", "34 likes"),
)
HAPPY = Judgments(
    sentiment=0.7,
    sentiment_label=SentimentLabel.POSITIVE,
    language="en",
    complaint_score=0.05,
    complaint_by="rules",
    feelings=(Finding("delighted", ("love",)),),
    urgency=Urgency.LOW,
    flags=(Finding(Flag.SPAM, ("giveaway",)),),
)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions(
            [
                make_mention(
                    1,
                    source="acme-news",
                    brands=("Acme",),
                    judgments=ANGRY,
                    language="hi",
                    title="Parcel \x1b[31mstill\x1b[0m missing",
                    text="Acme parcel still missing after two weeks \u202eevil\u202c, lawyer next",
                    author=Author(handle="ravi", name="Ravi", followers=1200),
                ),
                make_mention(2, source="acme-news", brands=("Acme",), judgments=HAPPY),
                make_mention(3, source="acme-news", brands=("Acme",), language="en-GB"),
            ]
        )
    return settings


def invoke(settings: Settings, *args: str, env: dict[str, str | None] | None = None) -> Any:
    return CliRunner(env=env).invoke(main, [*args, "--config", str(settings.config_path)])


def found_ids(settings: Settings, *args: str) -> list[str]:
    result = invoke(settings, "search", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


# -- search ------------------------------------------------------------------------------


def test_search_filters_on_judgments(settings: Settings) -> None:
    assert found_ids(settings, "--complaint") == ["acme-news:1"]
    assert found_ids(settings, "--not-complaint") == ["acme-news:3", "acme-news:2"]
    assert found_ids(settings) == ["acme-news:3", "acme-news:2", "acme-news:1"]
    assert found_ids(settings, "--feeling", "Angry") == ["acme-news:1"]
    assert found_ids(settings, "--topic", "billing") == ["acme-news:1"]
    assert found_ids(settings, "--lang", "en") == ["acme-news:3", "acme-news:2"]
    assert found_ids(settings, "--lang", "hi") == ["acme-news:1"]
    assert found_ids(settings, "--urgency", "low") == ["acme-news:2"]
    assert found_ids(settings, "--flag", "spam") == ["acme-news:2"]
    assert found_ids(settings, "parcel", "--flag", "threat", "--complaint") == ["acme-news:1"]
    assert found_ids(settings, "parcel", "--not-complaint") == []


def test_search_text_shows_a_compact_judgments_line(settings: Settings) -> None:
    result = invoke(settings, "search", "--complaint")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2024-05-01 12:01 UTC acme-news:1 · Acme · ravi")
    assert lines[1] == (
        "  negative −0.62 · COMPLAINT 0.81 · frustrated, angry · delivery, billing"
        " · urgency high · flagged threat · hi-Latn"
    )
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout

    plain = invoke(settings, "search", "--urgency", "normal").stdout.splitlines()
    assert plain[1] == "  unknown · en-GB"  # nothing judged: only what is there
    happy = invoke(settings, "search", "--flag", "spam").stdout.splitlines()
    assert happy[1] == "  positive +0.70 · delighted · urgency low · flagged spam · en"


def test_search_json_carries_the_full_judgments(settings: Settings) -> None:
    [line] = invoke(settings, "search", "--complaint", "--json").stdout.splitlines()
    hit = json.loads(line)
    assert hit["sentiment_label"] == "negative" and hit["sentiment"] == -0.62
    j = hit["judgments"]
    assert j["complaint"] is True and j["complaint_score"] == 0.81
    assert j["complaint_evidence"] == ["'still waiting'", "learned model: 0.77"]
    assert j["feelings"] == [
        {"name": "frustrated", "evidence": ["still waiting"]},
        {"name": "angry", "evidence": ["😡"]},
    ]
    assert j["flags"] == [{"name": "threat", "evidence": ["'you will regret'"]}]
    assert (j["urgency"], j["reach"], j["language"]) == ("high", 1234, "hi-Latn")
    assert j["reach_evidence"] == ["1,200 followers", "34 likes"]


def test_search_rejects_bad_judgment_filters(settings: Settings) -> None:
    result = invoke(settings, "search", "--urgency", "urgent")
    assert result.exit_code == 2 and "'urgent' is not one of 'low', 'normal', 'high'" in (
        result.stderr
    )
    result = invoke(settings, "search", "--flag", "rude")
    assert result.exit_code == 2 and "spam" in result.stderr
    result = invoke(settings, "search", "--topic", " ")
    assert result.exit_code == 2 and "topic must not be empty" in result.stderr


# -- show --------------------------------------------------------------------------------


def test_show_prints_the_mention_and_every_judgment_with_evidence(settings: Settings) -> None:
    result = invoke(settings, "show", "acme-news:1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out and "\u202e" not in out  # internet text made terminal-safe
    for expected in [
        "acme-news:1",
        "  source     acme-news (rss)",
        "  author     ravi · Ravi · 1,200 followers",
        "  url        https://example.com/a/1?utm_source=x",
        "  published  2024-05-01 12:01:00 UTC",
        "  brands     Acme (matched acme)",
        "Parcel [31mstill[0m missing",  # the escape character gone, so harmless
        "Acme parcel still missing after two weeks evil, lawyer next",
        "judgments (by judges-1)",
        "  sentiment  negative −0.62",
        "      · 😡",
        "  language   hi-Latn (Latin script)",
        "  complaint  yes 0.81 (by rules+learned)",
        "      · 'still waiting'",
        "      · learned model: 0.77",
        "  feelings   frustrated: still waiting",
        "             angry: 😡",
        "  topics     delivery: parcel",
        "             billing: refund",
        "  urgency    high",
        "      · 'lawyer'",
        "  flags      threat: 'you will regret'",
        "  reach      1,234",
        "      · 1,200 followers",
    ]:
        assert expected in out.splitlines(), expected


def test_show_of_an_unjudged_mention_says_so(settings: Settings) -> None:
    out = invoke(settings, "show", "acme-news:3").stdout.splitlines()
    for expected in [
        "  sentiment  unknown (not scored)",
        "  complaint  not judged",
        "  feelings   none",
        "  flags      none",
        "  urgency    normal",
        "  reach      0",
    ]:
        assert expected in out, expected


def test_show_json_is_the_mention_with_its_judgments(settings: Settings) -> None:
    result = invoke(settings, "show", "acme-news:1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "acme-news:1" and data["brands"] == ["Acme"]
    assert data["author"] == {"handle": "ravi", "name": "Ravi", "url": None, "followers": 1200}
    assert data["text"].startswith("Acme parcel still missing")
    assert data["judgments"]["topics"][1] == {"name": "billing", "evidence": ["refund"]}
    assert data["judgments"]["sentiment_label"] == "negative"


def test_show_of_an_unknown_id_fails_clearly(settings: Settings) -> None:
    result = invoke(settings, "show", "acme-news:404")
    assert result.exit_code == 1
    assert "no mention with id 'acme-news:404'" in result.stderr
    assert "listener search" in result.stderr


def test_show_and_label_without_a_database_fail_without_creating_one(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    for args in (("show", "x:1"), ("label", "x:1", "not")):
        result = invoke(settings, *args)
        assert result.exit_code == 1 and "no mentions yet" in result.stderr
    assert not settings.storage.sqlite.exists()


# -- label -------------------------------------------------------------------------------
# The real trainer (listener.judging.training) runs after every label; with the default
# settings a brand's own model starts at 30 labels, so here it reports how many are needed.


def needs_more_labels(labels: int, complaints: int) -> str:
    return (
        f"Acme: {labels} labels ({complaints} complaints); its own model starts at 30 labels"
        " with at least 5 of each kind"
    )


def test_label_stores_the_verdict_and_retrains_the_brand(settings: Settings) -> None:
    result = invoke(settings, "label", "acme-news:2", "complaint", "--by", "ann")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "acme-news:2: a complaint (marked by ann)",
        "  positive +0.70 · COMPLAINT 1.00 (marked) · delighted · urgency low · flagged spam · en",
        needs_more_labels(1, 1),  # the trainer's report, after the label was committed
    ]

    with open_store(settings.storage.sqlite) as store:
        [labelled] = store.labelled_mentions("Acme")
        mention = store.get_mention("acme-news:2")
        assert store.complaint_models() == {}  # too few labels for a model yet
    assert labelled.mention.id == "acme-news:2" and labelled.is_complaint
    assert labelled.labeled_by == "ann"
    assert mention is not None and mention.judgments.complaint_by == "person"
    assert found_ids(settings, "--complaint") == ["acme-news:2", "acme-news:1"]


def test_label_not_overrides_the_judges_and_defaults_to_the_user(settings: Settings) -> None:
    result = invoke(settings, "label", "acme-news:1", "not", env={"USER": "zoe"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "acme-news:1: not a complaint (marked by zoe)"
    assert "not a complaint (marked)" in result.stdout.splitlines()[1]
    assert result.stdout.splitlines()[2] == needs_more_labels(1, 0)
    assert found_ids(settings, "--complaint") == []
    show = invoke(settings, "show", "acme-news:1").stdout.splitlines()
    assert "  complaint  no 0.00 (by person)" in show
    assert show[show.index("  complaint  no 0.00 (by person)") + 1] == (
        "      · marked not a complaint by zoe"
    )

    result = invoke(settings, "label", "acme-news:3", "complaint", env={"USER": None})
    assert result.exit_code == 0 and "(marked by cli)" in result.stdout
    assert result.stdout.splitlines()[-1] == needs_more_labels(2, 1)


def test_relabelling_a_mention_replaces_its_label(settings: Settings) -> None:
    assert invoke(settings, "label", "acme-news:1", "complaint").exit_code == 0
    result = invoke(settings, "label", "acme-news:1", "not", "--by", "ann")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == needs_more_labels(1, 0)


def test_label_of_an_unknown_id_fails_clearly(settings: Settings) -> None:
    result = invoke(settings, "label", "acme-news:404", "complaint")
    assert result.exit_code == 1
    assert result.stderr.startswith("no mention with id 'acme-news:404' (find ids with")
    assert result.stdout == ""  # no verdict, and the trainer did not run
    result = invoke(settings, "label", "acme-news:1", "maybe")
    assert result.exit_code == 2 and "'maybe' is not one of 'complaint', 'not'" in result.stderr
    with open_store(settings.storage.sqlite) as store:
        assert store.labelled_mentions() == []


def test_a_failing_trainer_keeps_the_label_and_says_so(settings: Settings) -> None:
    # The trainer reads every labelled mention of the brand; one whose stored row is damaged
    # makes it fail after the new label is committed.
    assert invoke(settings, "label", "acme-news:2", "not", "--by", "ann").exit_code == 0
    raw = sqlite3.connect(settings.storage.sqlite)
    with raw:
        raw.execute("UPDATE mentions SET published_at = 'not a time' WHERE id = 'acme-news:2'")
    raw.close()

    result = invoke(settings, "label", "acme-news:1", "not", "--by", "ann")
    assert result.exit_code == 1
    assert result.stderr == (
        "label saved, but retraining failed: Invalid isoformat string: 'not a time'\n"
    )
    raw = sqlite3.connect(settings.storage.sqlite)
    labels = raw.execute(
        "SELECT mention_id, is_complaint, labeled_by FROM complaint_labels ORDER BY mention_id"
    ).fetchall()
    raw.close()
    assert labels == [("acme-news:1", 0, "ann"), ("acme-news:2", 0, "ann")]


def test_a_settings_value_from_the_environment_is_not_blanked_in_mention_text(
    tmp_path: Any,
) -> None:
    """Secrets are blanked in errors and logs; a post's own words stay whole even when they
    contain a ${VAR} value (a brand kept in the environment), or the reader sees 'REDACTED'."""
    config = tmp_path / "settings.yaml"
    config.write_text(
        "brands:\n  - name: Initrode\n    query: ${BRAND_QUERY}\nsources: []\n"
        f"storage:\n  sqlite: {tmp_path / 'listener.db'}\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "listener.db") as store:
        store.insert_mentions(
            [make_mention(1, brands=("Initrode",), text="Initrode support never answers")]
        )
    env = {"BRAND_QUERY": "Initrode"}
    result = CliRunner(env=env).invoke(main, ["search", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == "Initrode support never answers"
    shown = CliRunner(env=env).invoke(main, ["search", "--config", str(config)])
    assert "Initrode support never answers" in shown.stdout and "REDACTED" not in shown.stdout
