"""A search hit's bot and spam badges say why (issue 18, the new-user trial showed only the
words "bot" and "spam"): the badge's title holds the evidence, the hit lists it under "Why",
and the API gives it by flag. A hostile author name in the evidence stays text."""

from __future__ import annotations

from collections.abc import Callable

from listener.models import Finding, Flag, Judgments
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_search_helpers import api

Serve = Callable[..., WebServer]
HOSTILE = "'bot' in name '<img src=x onerror=alert(1)> \"deals\" bot'"


def test_bot_and_spam_badges_carry_their_evidence(web_server: Serve) -> None:
    running = web_server()
    running.store.insert_mentions(
        [
            make_mention(
                1,
                text="acme anvils 90% off, use code ANVIL00",
                judgments=Judgments(
                    flags=(
                        Finding(Flag.SPAM.value, ("phrase 'use code'",)),
                        Finding(
                            Flag.BOT.value,
                            ("numbered handle 'user83749200'", "account 19 hours old", HOSTILE),
                        ),
                    )
                ),
            ),
            make_mention(2, text="acme anvil review, a person's words"),
        ]
    )
    with api(running) as client:
        body = client.get("/api/v1/search", params={"flag": "bot"}).json()
        page = client.get("/search", params={"q": "acme"}).text
    (hit,) = body["items"]
    assert hit["flags"] == ["spam", "bot"]
    assert hit["flag_evidence"] == {
        "spam": ["phrase 'use code'"],
        "bot": ["numbered handle 'user83749200'", "account 19 hours old", HOSTILE],
    }
    # The badge keeps its words; its wrapper's title says why (escaped, quotes included).
    assert (
        '<span class="flag-why" title="spam: phrase &#39;use code&#39;">'
        '<span class="badge badge-tag" data-flag>spam</span></span>'
    ) in page
    assert (
        'title="bot: numbered handle &#39;user83749200&#39;; account 19 hours old; &#39;bot&#39;'
        ' in name &#39;&lt;img src=x onerror=alert(1)&gt; &#34;deals&#34; bot&#39;"'
    ) in page
    # Under the hit, as text: one line per flag.
    assert page.count("data-flag-evidence") == 1  # the other hit has no flags
    assert "<summary>Why spam, bot</summary>" in page
    assert "<li><strong>bot</strong>: numbered handle &#39;user83749200&#39;; account 19" in page
    assert "<img src=x" not in page
