"""Shared by the tests/test_drafts_*.py modules: judged mentions, settings, our own complaints."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from listener.config.replies import RepliesSettings
from listener.judging.judge import Judge
from listener.models import Author, Mention, text_mention

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
COMPLAINTS_CSV = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "datasets"
    / "complaints"
    / "complaints-dev.csv"
)

# Written for these tests: complaints as people post them, with the thing they name.
OWN_COMPLAINTS: tuple[tuple[str, str | None, str | None], ...] = (
    ("@AcmeHelp my order still hasn't arrived and it's been two weeks", "Priya Shah", None),
    ("You charged my card twice for one subscription. Sort it out.", None, "mike_t"),
    ("The app crashes every time I open the checkout since the update. Fed up!", "Jon", None),
    ("Been on hold for 45 minutes and your agent hung up on me. Unacceptable.", None, "lgreen"),
    ("Parcel marked delivered but it's not here. Where's my parcel??", "Ana María", None),
    ("I can't log in, the verification code never comes. Confused and annoyed.", None, "t0m"),
    ("The blender arrived cracked and the lid doesn't fit. Really disappointed.", "Chloe", None),
    ("Your prices went up again and the quality went down. Not worth it any more.", None, "kai"),
    ("Need my refund ASAP, it's urgent — rent is due tomorrow", "Sam", None),
    ("Third time writing about the same broken charger. How many times?!", None, "ravi_k"),
    ("website keeps throwing an error at payment, lost my basket twice", "Beth", None),
    ("Why is my account suspended?? I don't understand what I did", None, "dee"),
    ("Courier left my package in the rain, everything is soaked", "Oluwaseun", None),
    ("My bill is wrong AGAIN. This is RIDICULOUS!!", None, "angry_andy"),
    ("ordered a size M, got an XS, and the return page won't load", "Mei", None),
)
OWN_BENGALI = (
    "আমার অর্ডার তিন সপ্তাহেও আসেনি, খুব বিরক্ত লাগছে। কেউ কিছু বলছে না।",
    "কার্ড থেকে দুবার টাকা কেটে নিয়েছে, এখনো ফেরত পাইনি। খুব হতাশ।",
    "অ্যাপ খুললেই বন্ধ হয়ে যায়, জরুরি একটা পেমেন্ট করতে পারছি না",
)
OWN_TELUGU = (
    "నా ఆర్డర్ ఇంకా రాలేదు, వారం అయింది. చాలా విసుగ్గా ఉంది.",
    "నా కార్డ్ నుంచి రెండుసార్లు డబ్బు కట్ అయింది, ఎవరూ స్పందించడం లేదు",
    "యాప్ పని చేయడం లేదు, అత్యవసరంగా బిల్లు కట్టాలి",
)
OWN_HINDI = (
    "मेरा ऑर्डर दस दिन से नहीं आया, बहुत परेशान हूँ",
    "कार्ड से दो बार पैसे कट गए, अभी तक रिफंड नहीं मिला",
)

SETTINGS = RepliesSettings.model_validate(
    {
        "sign_off": "— Dana, Acme support",
        "private_channels": {"dm": True, "email": "help@acme.example", "phone": "+44 20 7946 0000"},
        "fixes": {
            "website_app": {
                "text": "Updating to version 4.2 and restarting the app fixes most crashes",
                "url": "https://help.acme.example/apps/crashes-after-the-latest-update",
            }
        },
    }
)


@lru_cache(maxsize=1)
def judge() -> Judge:
    return Judge()


def mention(
    text: str,
    *,
    id: str = "x:1",
    name: str | None = None,
    handle: str | None = None,
    source_type: str = "x",
    language: str | None = None,
    brands: tuple[str, ...] = ("Acme",),
) -> Mention:
    """A mention as the pipeline stores it, judged by the real judge."""
    plain = text_mention(
        text,
        source=id.partition(":")[0] if ":" in id else "test",
        source_type=source_type,
        native_id=id.partition(":")[2] or id,
        at=NOW,
        author=Author(handle=handle, name=name),
        language=language,
        brands=brands,
    )
    return replace(plain, judgments=judge().judge(plain))


def real_complaints(limit: int | None = None) -> list[tuple[str, str]]:
    """(tweet id, text) of the tweets labelled complaints, in file order; [] when absent."""
    if not COMPLAINTS_CSV.exists():
        return []
    with COMPLAINTS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(r[0], r[1]) for r in csv.reader(handle) if len(r) >= 3 and r[2] == "1"]
    return rows[:limit] if limit else rows
