"""A Teams card over the 28 KB Teams takes is sent shortened, not refused: a refused row
would hold every later Teams alert behind it. The built-in template clips every value well
under the limit; an operator's edited template may not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from alerts.channels import teams
from alerts.channels.base import SendContext
from alerts.channels.render import TemplateOutputError
from alerts.escaping import channel_filters
from alerts.message import AlertMessage
from alerts.templating import Templates
from listener.models import AlertKind, ReplyDraft
from tests.channel_messages import BENGALI, NOW, mention, message

LONG_BENGALI = (BENGALI + " ") * 100  # three bytes a letter: ~8.5 KB a text
# An edited card that shows the post and every draft whole, unclipped.
UNCLIPPED = """{"type": "message", "attachments": [{"contentType":
 "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard",
 "version": "1.4", "body": [
  {"type": "TextBlock", "text": {{ (mention.text if mention else "")|tojson }}}
  {%- for d in message.drafts %}, {"type": "TextBlock", "text": {{ d.text|tojson }}}{% endfor %}
  {%- for r in message.severity_reasons %}, {"type": "TextBlock", "text": {{ r|tojson }}}
  {%- endfor %}
 ]}}]}"""


def card(folder: Path, msg: AlertMessage) -> bytes:
    (folder / "alerts").mkdir(exist_ok=True)
    (folder / "alerts" / "teams.json.j2").write_text(UNCLIPPED, encoding="utf-8")
    templates = Templates(folder, filters=channel_filters())

    async def run() -> bytes:
        async with httpx.AsyncClient() as http:
            ctx = SendContext(http=http, templates=templates, clock=lambda: NOW)
            return teams.card_body(ctx, msg)

    return asyncio.run(run())


def test_a_card_too_big_for_teams_is_sent_with_the_post_and_drafts_shortened(
    tmp_path: Path,
) -> None:
    drafts = tuple(ReplyDraft("acknowledge", LONG_BENGALI, "bn") for _ in range(3))
    big = message(AlertKind.COMPLAINT, mention=mention(LONG_BENGALI), drafts=drafts)
    assert 4 * len(LONG_BENGALI.encode()) > teams.MAX_BYTES  # whole, it cannot fit

    body = card(tmp_path, big)

    assert len(body) <= teams.MAX_BYTES
    assert BENGALI[:10] in body.decode()  # the post is still there, shortened


def test_a_card_still_too_big_after_shortening_is_refused_naming_the_template(
    tmp_path: Path,
) -> None:
    # Severity reasons are not shortened: nothing left to cut but the operator's template.
    huge = message(AlertKind.COMPLAINT, severity_reasons=tuple([LONG_BENGALI] * 6))
    with pytest.raises(TemplateOutputError, match=r"teams\.json\.j2"):
        card(tmp_path, huge)
