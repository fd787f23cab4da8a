"""Which drafts to offer: acknowledge always, solve now when a fix is known, take it private
when there is a real channel to take it to.

"Please DM us" with DMs closed, or on a review site that has no DMs, sends a person round
in circles: a private channel is offered only when the settings name one and the platform
can reach it. When fewer than two approaches apply, the acknowledgement comes twice, in
two phrasings, so a person still has a choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.drafts.facts import Facts
from alerts.drafts.kinds import COMPLAINT, NEUTRAL, PRAISE
from alerts.drafts.platforms import Platform
from listener.config.replies import RepliesSettings

ACKNOWLEDGE = "acknowledge"
SOLVE_NOW = "solve_now"
TAKE_PRIVATE = "take_private"


@dataclass(frozen=True, slots=True)
class Channel:
    kind: str  # dm | email | phone | url
    value: str | None  # the address, number or link; None for a DM


@dataclass(frozen=True, slots=True)
class Plan:
    approach: str
    variant: int = 0  # 1: the second phrasing of the same approach
    fix_text: str | None = None  # in the draft's language
    fix_url: str | None = None
    channel: Channel | None = None


def private_channel(settings: RepliesSettings, platform: Platform) -> Channel | None:
    """The first configured channel this platform can reach: DM, email, phone, web form."""
    channels = settings.private_channels
    if channels.dm and platform.dm:
        return Channel("dm", None)
    if channels.email and platform.public:  # an email thread is private already
        return Channel("email", channels.email)
    if channels.phone:
        return Channel("phone", channels.phone)
    if channels.url:
        return Channel("url", channels.url)
    return None


def plan_drafts(facts: Facts, settings: RepliesSettings, platform: Platform) -> list[Plan]:
    """The drafts to write, in the order a person should see them (2 or 3).

    Praise and a plain mention get two acknowledgements (thanks, or a neutral word): a fix
    or "DM us your order number" answers a problem nobody raised. A question gets a
    private channel; only a complaint gets the known fix for its topic."""
    plans = [Plan(ACKNOWLEDGE)]
    if facts.kind in (PRAISE, NEUTRAL) or facts.threat:
        # A threat gets one calm line in two phrasings: no fix, no "DM us" to bargain over.
        return [*plans, Plan(ACKNOWLEDGE, variant=1)][: settings.drafts]
    # A fix answers a problem of its own topic: not a question ("does it work on Android?"
    # is not answered by the crash fix), and not a thing of another topic (the refund that
    # was asked about on the website does not get the app-crash fix).
    fix = settings.fixes.get(facts.topic) if facts.topic and facts.kind == COMPLAINT else None
    if fix is not None:
        translations: dict[str, str] = {str(k): v for k, v in fix.translations.items()}
        text = fix.text if facts.language == "en" else translations.get(facts.language)
        if text or fix.url:
            plans.append(Plan(SOLVE_NOW, fix_text=_sentence(text), fix_url=fix.url))
    channel = private_channel(settings, platform)
    if channel is not None:
        plans.append(Plan(TAKE_PRIVATE, channel=channel))
    if len(plans) < 2:
        plans.append(Plan(ACKNOWLEDGE, variant=1))
    return plans[: settings.drafts]


def _sentence(text: str | None) -> str | None:
    """The fix as a sentence: it is followed by others, so it needs its full stop."""
    if not text:
        return None
    text = " ".join(text.split())
    return text if text[-1] in ".!?।" else text + "."
