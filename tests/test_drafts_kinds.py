"""The right kind of draft for the post, and feeling and urgency lines only where the
judgment has evidence for them: thanks for praise, an answer for a question, grave words
for danger and discrimination, sarcasm met as frustration, and no sentence of the skeleton
in more than one draft in ten."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner

from alerts.drafts.facts import extract_facts
from alerts.drafts.replies import draft_replies
from listener.cli.main import main
from listener.models import SentimentLabel
from tests.drafts_helpers import OWN_COMPLAINTS, SETTINGS, mention

_APOLOGY = ("sorry", "apolog")


@pytest.mark.parametrize(
    "text",
    [
        "We LOVE JetBlue, best airline EVVVVER",
        "Tried it again today and no problems. Thanks!",
        "You rock GP. #greatservicecalls",
    ],
)
def test_praise_gets_thanks_and_no_apology(text: str) -> None:
    drafts = draft_replies(mention(text, id="x:praise", name="Dana"), settings=SETTINGS)

    assert drafts
    for draft in drafts:
        lowered = draft.text.lower()
        assert not any(word in lowered for word in _APOLOGY), draft.text
        assert "thank" in lowered or "glad" in lowered or "cheers" in lowered, draft.text
        assert draft.approach == "acknowledge"
        assert draft.lint["ok"], draft.lint


def test_a_question_gets_an_answer_on_its_way_and_no_apology_or_fix() -> None:
    post = mention("Does the Acme app work on Android tablets?", id="x:q", name="Dana")

    drafts = draft_replies(post, settings=SETTINGS)

    assert "solve_now" not in [d.approach for d in drafts]
    assert any("answer" in d.text for d in drafts)
    assert not any("sorry" in d.text.lower() for d in drafts)
    assert all(d.lint["ok"] for d in drafts)


def test_thanks_sarcasm_is_met_as_frustration_not_confusion() -> None:
    post = mention("Thanks @Acme for charging me twice, really appreciate it", id="x:s")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)
    drafts = draft_replies(post, settings=SETTINGS)

    assert facts.kind == "complaint"
    assert facts.feeling == "frustrated"
    assert facts.thing == "the double charge"
    assert not any("confus" in d.text.lower() for d in drafts)
    assert not any(d.text.lower().startswith(("thank you so", "that's so kind")) for d in drafts)


@pytest.mark.parametrize(
    "text",
    [
        "A member of your staff called me a racist slur at the till. Disgusting.",
        "Your heater exploded and burned my hand, I had to go to hospital",
    ],
)
def test_danger_and_discrimination_are_never_a_hassle(text: str) -> None:
    for k in range(30):  # across many phrasings
        for draft in draft_replies(mention(text, id=f"x:grave{k}"), settings=SETTINGS):
            lowered = draft.text.lower()
            assert "hassle" not in lowered and "bother" not in lowered, draft.text
            assert "headache" not in lowered
            assert draft.lint["ok"], draft.lint


def test_urgent_is_said_only_when_the_judge_found_urgency() -> None:
    calm = mention("my parcel is a day late, no big deal but could you check?", id="x:calm")
    rushed = mention(
        "Need my refund ASAP, it's urgent — rent is due tomorrow", id="x:rush", name="Sam"
    )

    calm_facts = extract_facts(calm, language="en", note=None, history=None, public=True)
    rushed_facts = extract_facts(rushed, language="en", note=None, history=None, public=True)

    assert calm_facts.urgent is (calm.judgments.urgency.value == "high")
    assert not calm_facts.urgent
    assert rushed_facts.urgent and rushed.judgments.urgency_evidence
    assert not any("urgent" in d.text for d in draft_replies(calm, settings=SETTINGS))


def test_not_every_draft_promises_to_look_into_it_and_update_here() -> None:
    drafts = [
        d
        for k in range(20)
        for i, (text, name, handle) in enumerate(OWN_COMPLAINTS)
        for d in draft_replies(
            mention(text, id=f"x:v{k}-{i}", name=name, handle=handle), settings=SETTINGS
        )
    ]
    promising = [d for d in drafts if "update you here" in d.text or "looking into it" in d.text]

    assert len(promising) / len(drafts) < 0.2


@pytest.mark.parametrize("platform", ["x", "review", "reddit"])
def test_no_sentence_is_in_more_than_one_draft_in_ten(platform: str) -> None:
    """Our own complaints, each posted by twenty people: the skeleton must not show."""
    drafts = [
        d.text
        for k in range(20)
        for i, (text, name, handle) in enumerate(OWN_COMPLAINTS)
        for d in draft_replies(
            mention(text, id=f"x:t{k}-{i}", name=name, handle=handle),
            settings=SETTINGS,
            platform=platform,
        )
    ]
    counts: Counter[str] = Counter()
    for text in drafts:
        body = text.replace(SETTINGS.sign_off or "", "")
        counts.update({s.strip() for s in regex.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()})

    sentence, count = counts.most_common(1)[0]
    assert count / len(drafts) <= 0.10, sentence


def test_listener_draft_thanks_praise_instead_of_apologising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: `listener draft` said "I'm really sorry about your delivery" to praise."""
    monkeypatch.chdir(tmp_path)  # no settings file: the defaults
    monkeypatch.delenv("LISTENER_CONFIG", raising=False)

    result = CliRunner().invoke(
        main, ["draft", "--text", "Delivery came a day early, brilliant service, thank you!",
               "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    drafts = json.loads(result.output)["drafts"]
    assert drafts
    for draft in drafts:
        assert "sorry" not in draft["text"].lower()
        assert "delivery" not in draft["text"].lower()
        assert draft["lint"]["ok"] is True


def test_a_browser_named_firefox_is_not_a_fire() -> None:
    post = mention("The checkout page crashes in Firefox every single time", id="x:ff")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert facts.serious is False
    grave = mention("The charger caught fire on my desk last night", id="x:fire")
    assert extract_facts(grave, language="en", note=None, history=None, public=True).serious


@pytest.mark.parametrize(
    "text",
    [
        "Could you please confirm my booking for Friday. Thanks so much!",
        "please send me the new catalogue, thank you so much!",
        "Can you tell me when the sale starts. Thanks a lot",
    ],
)
def test_a_request_with_thanks_is_answered_not_thanked_as_praise(text: str) -> None:
    """Warm words and no question mark: the request still asks for something."""
    post = mention(text, id="x:ask")

    facts = extract_facts(post, language="en", note=None, history=None, public=True)

    assert post.judgments.sentiment_label is SentimentLabel.POSITIVE
    assert facts.kind == "question"


@pytest.mark.parametrize(
    ("score", "sentiment", "kind"),
    [
        (0.35, 0.5, "neutral"),  # a grey complaint score and mild warmth: no thank-you
        (0.35, 0.8, "praise"),  # clearly happy: thanks
        (0.05, 0.5, "praise"),  # the judge sees no complaint at all: thanks
    ],
)
def test_thanks_need_clear_warmth_when_the_complaint_score_is_grey(
    score: float, sentiment: float, kind: str
) -> None:
    post = mention("Lovely to see the new shop open", id="x:grey")
    judged = replace(
        post.judgments,
        complaint=False,
        complaint_score=score,
        sentiment=sentiment,
        sentiment_label=SentimentLabel.POSITIVE,
    )

    facts = extract_facts(
        replace(post, judgments=judged), language="en", note=None, history=None, public=True
    )

    assert facts.kind == kind
