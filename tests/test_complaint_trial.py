"""What a new user's trial found in complaints: discrimination read as mild frustration,
"still shaking" read as "still waiting", questions to the brand read as complaints, and
"where is my order?" read as confusion. The trial's cases, and hand-written variants.

Each case is judged by the real judge (cue lists, VADER, the rules), as a manager reads it.
"""

from __future__ import annotations

import pytest

from listener.config.settings import BrandSettings
from listener.judging.judge import Judge
from listener.models import Judgments, Urgency

JUDGE = Judge(brands=[BrandSettings(name="Acme", query='"acme" OR @acme')])


def judged(text: str) -> Judgments:
    return JUDGE.judge_text(text, brands=["Acme"])


# -- discrimination is a grave complaint ----------------------------------------------------

RACIAL_SLUR = (
    "The cashier at the Acme store called me a racial slur at the till. I'm still shaking. "
    "This is racism and I want answers."
)


def test_a_racial_slur_at_the_till_is_an_urgent_complaint_about_discrimination() -> None:
    j = judged(RACIAL_SLUR)
    assert j.complaint is True
    assert any(line.startswith("discrimination: ") for line in j.complaint_evidence)
    assert not any(line.startswith("repeat: ") for line in j.complaint_evidence)
    assert j.topics[0].name == "discrimination"
    assert "angry" in j.feeling_names() and "frustrated" not in j.feeling_names()
    assert j.urgency is Urgency.HIGH
    assert j.urgency_evidence[0].startswith("discrimination ")


@pytest.mark.parametrize(
    "text",
    [
        "Your security guard followed me round the shop because I'm black. Racial profiling.",
        "The manager at Acme made sexist comments to my daughter at the counter.",
        "Staff at the Acme branch made homophobic jokes about us while we waited to pay.",
        "I was harassed by one of your delivery drivers outside my flat.",
        "Acme refused to serve my friend because of her wheelchair. That is discrimination.",
    ],
)
def test_discrimination_and_harassment_are_urgent_complaints(text: str) -> None:
    j = judged(text)
    assert j.complaint is True, j.complaint_evidence
    assert j.topics[0].name == "discrimination"
    assert j.urgency is Urgency.HIGH
    assert "frustrated" not in j.feeling_names()


def test_still_alone_is_no_repeat_but_still_waiting_is() -> None:
    calm = judged("Still shaking after that concert, the Acme speakers were incredible")
    assert calm.complaint is False
    assert "frustrated" not in calm.feeling_names()
    waiting = judged("@acme still waiting for my refund, and still no reply to my emails")
    assert waiting.complaint is True
    assert any(line.startswith("repeat: ") for line in waiting.complaint_evidence)
    assert "frustrated" in waiting.feeling_names()


# -- questions to the brand that name no problem -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@acme does the Acme anvil come in a 10kg size?",
        "@acme do you ship the Acme anvil to Canada?",
        "How do I reset the timer on my Acme oven?",
        "Hi @acme, is there a student discount on the rocket skates?",
        "@acme can I pay for the anvil in three instalments?",
    ],
)
def test_a_pre_sales_or_how_to_question_is_not_a_complaint(text: str) -> None:
    j = judged(text)
    assert j.complaint is False, j.complaint_evidence
    assert any(line.startswith("a question, no problem named") for line in j.complaint_evidence)


@pytest.mark.parametrize(
    "text",
    [
        "@acme do you ever answer your phone? I've called four times and no reply",
        "@acme does the anvil always arrive broken? Mine is cracked",
        "@acme can I get a refund for the rocket that never arrived?",
        "How do I get my money back, @acme? Your app keeps crashing at checkout",
    ],
)
def test_a_question_that_names_a_problem_stays_a_complaint(text: str) -> None:
    j = judged(text)
    assert j.complaint is True, j.complaint_evidence
    assert not any(line.startswith("a question, no problem") for line in j.complaint_evidence)


# -- whereabouts are not confusion; rudeness is not worry ------------------------------------


def test_where_is_my_order_is_a_complaint_not_confusion() -> None:
    j = judged("@acme where is my order? It was due on Monday.")
    assert j.complaint is True
    assert any(line.startswith("whereabouts: ") for line in j.complaint_evidence)
    assert "confused" not in j.feeling_names()


def test_rude_staff_is_not_anxious() -> None:
    j = judged("The rude staff at the Acme store ignored me for twenty minutes.")
    assert j.complaint is True
    assert "anxious" not in j.feeling_names()
