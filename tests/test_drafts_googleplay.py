"""Google Play takes developer replies of at most 350 characters: drafts fit."""

from __future__ import annotations

from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from tests.drafts_helpers import mention

COMPLAINTS = [
    "The app crashes every time I open my cart, I have lost three orders this week and "
    "support never answered my two emails. Fix it or I'm uninstalling, really frustrated.",
    "আমার অর্ডার এখনো আসেনি, অ্যাপ বারবার বন্ধ হয়ে যাচ্ছে, খুব বিরক্ত লাগছে",
    "Charged twice for one subscription and the refund button does nothing!!",
]


def test_google_play_drafts_fit_its_350_characters() -> None:
    settings = RepliesSettings.model_validate(
        {
            "sign_off": "— Dana from the Acme app support team",
            "private_channels": {
                "email": "support@acme.example",
                "url": "https://acme.example/help",
            },
        }
    )
    for n, text in enumerate(COMPLAINTS):
        m = mention(text, id=f"googleplay:{n}", name="Priya Raman", source_type="googleplay")
        drafts = draft_replies(m, settings=settings, brand="Acme")
        assert drafts
        for draft in drafts:
            assert len(draft.text) <= 350, draft.text
            assert draft.lint["limit"] == 350 and draft.lint["ok"], draft.lint
