"""How urgently a person should look at a mention: a severity and the short reasons for it.

The table (points add up; the total picks the severity, capped at HIGH; CRITICAL is kept for
the two cases that must reach someone even at night)::

    what                                                   points  reason shown
    ------------------------------------------------------ ------  --------------------------
    a complaint about safety or discrimination               +2    "safety complaint 'caught
                                                                   fire'"
    strongly negative: sentiment <= -0.5 or complaint        +1    what fired: "sentiment
      score >= 0.75 (one point if both)                            -0.72", "complaint score
                                                                   0.86", or both
    reach >= 10k (followers + weighted engagement)           +1    "reach 12k"
    reach >= 100k                                            +2    "reach 120k"
    urgency HIGH for a reason other than reach or the        +1    "urgent: <first cue>"
      safety or discrimination above
    abuse flag (insults at people)                           +1    "abusive"
    author tagged vip or press                               +2    "tagged vip" / "tagged press"
    author tagged loyal                                      +1    "tagged loyal"
    an earlier contact by the author within 7 days           +1    "2nd contact in 7 days"

    0 points: LOW · 1: NORMAL · 2 or more: HIGH
    threat flag: CRITICAL ("threat")
    tagged press with reach >= 10k: CRITICAL (the post is already in front of an audience)

A reason names the figure or words that fired, never a summary the figures may contradict (a
post with sentiment +0.00 was shown as "strongly negative" when its complaint score fired).
Harm reported and racism or harassment reported are never below HIGH: the judge makes their
urgency HIGH too, and that cue is not counted again.

Reach thresholds: 10k is where the urgency judge calls an audience big (``BIG_AUDIENCE``);
100k is a post a journalist or a large community can pick up without us. Urgency that comes
only from reach is not counted twice. Tags count once each however many entries name them.
The function is pure: the same mention, tags and contacts give the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from listener.models import Flag, Judgments, Mention, Severity, Urgency

BIG_REACH = 10_000
HUGE_REACH = 100_000
STRONG_SENTIMENT = -0.5
STRONG_COMPLAINT = 0.75
# Earlier contacts counted as "repeat" when published within this time before the mention.
REPEAT_WINDOW = timedelta(days=7)
_TAG_POINTS = {"vip": 2, "press": 2, "loyal": 1}
_BY_POINTS = (Severity.LOW, Severity.NORMAL, Severity.HIGH)
# The urgency judge's own reason for a big audience; reach already scores that.
_REACH_URGENCY_PREFIX = "complaint with "
# Topics the judge gives harm reported (judging.danger) and racism or harassment reported:
# such a complaint is at least HIGH whatever else is known.
GRAVE_TOPICS = ("safety", "discrimination")
_GRAVE_POINTS = 2
# The urgency judge's reasons for those same matters; the grave reason already scores them.
_GRAVE_URGENCY_PREFIXES = ("safety '", "discrimination '")


def complaint_severity(
    mention: Mention, *, tags: Sequence[str], prior_contacts: int, note: str | None
) -> tuple[Severity, tuple[str, ...]]:
    """The severity of ``mention`` and why, by the table in this module's docstring.

    ``tags`` are the author's tags from the settings (vip, loyal, press); ``prior_contacts``
    is how many earlier mentions by the same author fall within ``REPEAT_WINDOW``; ``note``
    (the settings' note on the author) is shown beside the first tag.
    """
    j = mention.judgments
    if j.flagged(Flag.THREAT):
        return Severity.CRITICAL, ("threat",)
    points = 0
    reasons: list[str] = []
    grave = grave_matter(j)
    if grave is not None:
        points += _GRAVE_POINTS
        reasons.append(grave)
    if strong := strongly_negative(j):
        points += 1
        reasons.append(strong)
    audience = reach_of(mention)
    if audience >= HUGE_REACH:
        points += 2
        reasons.append(f"reach {format_count(audience)}")
    elif audience >= BIG_REACH:
        points += 1
        reasons.append(f"reach {format_count(audience)}")
    cues = [
        e
        for e in j.urgency_evidence
        if not e.startswith(_REACH_URGENCY_PREFIX)
        and not (grave is not None and e.startswith(_GRAVE_URGENCY_PREFIXES))
    ]
    if j.urgency is Urgency.HIGH and (cues or not j.urgency_evidence):
        points += 1
        reasons.append(f"urgent: {cues[0]}" if cues else "urgent")
    if j.flagged(Flag.ABUSE):
        points += 1
        reasons.append("abusive")
    seen: list[str] = []
    for tag in tags:
        if tag in _TAG_POINTS and tag not in seen:
            seen.append(tag)
            points += _TAG_POINTS[tag]
            reasons.append(f"tagged {tag}" + (f" ({note[:80]})" if note and len(seen) == 1 else ""))
    if prior_contacts >= 1:
        points += 1
        days = REPEAT_WINDOW.days
        reasons.append(f"{ordinal(prior_contacts + 1)} contact in {days} days")
    if "press" in seen and audience >= BIG_REACH:
        return Severity.CRITICAL, tuple(reasons)
    return _BY_POINTS[min(points, len(_BY_POINTS) - 1)], tuple(reasons)


def strongly_negative(j: Judgments) -> str:
    """What made ``j`` strongly negative ("sentiment -0.72", "complaint score 0.86", or both
    joined), or "" when neither did."""
    fired = []
    if j.sentiment is not None and j.sentiment <= STRONG_SENTIMENT:
        fired.append(f"sentiment {j.sentiment:+.2f}")
    if j.complaint_score is not None and j.complaint_score >= STRONG_COMPLAINT:
        fired.append(f"complaint score {j.complaint_score:.2f}")
    return ", ".join(fired)


def grave_matter(j: Judgments) -> str | None:
    """Why ``j`` is a grave complaint ("safety complaint 'caught fire'"): one about harm or
    about discrimination (the judge's topics ``safety`` and ``discrimination``); else None."""
    if not j.complaint:
        return None  # a news item about a fire is press: its urgency still counts
    for topic in j.topics:
        if topic.name in GRAVE_TOPICS:
            said = f" '{topic.evidence[0]}'" if topic.evidence else ""
            return f"{topic.name} complaint{said}"
    return None


def reach_of(mention: Mention) -> int:
    """The judged reach, or the author's followers when the judges left reach at 0."""
    return mention.judgments.reach or (mention.author.followers or 0)


def format_count(n: int) -> str:
    """12_345 -> "12k", 120_000 -> "120k", 1_500_000 -> "1.5M": short enough for a title."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".removesuffix(".0") + "M"
    if n >= 1_000:
        return f"{n // 1_000}k"
    return str(n)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
