"""How good the reply drafts are for real complaint tweets, and how fast they are written.

    python bench/drafts.py [--data PATH] [--platform x] [--json]

Reads the tweets labelled complaints in ``complaints-dev.csv`` (``../shared/datasets/
complaints``; ``--data`` names that folder, the datasets folder above it, or the CSV), judges
each with the default judges, and drafts replies with example reply settings (a sign-off, DMs
open, a support address, a known fix for app problems). Without the data it says so and
exits 0.

Figures, for the first 100 complaints and for all of them:
- ``lint_ok``: share of drafts the draft linter passes;
- ``topic_named``: of the complaints with a topic detected, the share whose every draft
  names the thing they complained about ("your order", "the charge on your card");
- ``distinct``: distinct draft texts / drafts (the issue asks ≥ 95% over 100 complaints);
- ``drafts_per_s`` and ``ms_per_mention``: drafting only (judging is measured by
  ``bench/judgments.py``), one core.

The tweets carry no author, so names are not measured here (the tests cover them).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts.drafts.replies import draft_replies
from listener.config.replies import RepliesSettings
from listener.judging.judge import Judge
from listener.models import Mention, ReplyDraft, text_mention

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "complaints"
FILE_NAME = "complaints-dev.csv"
SETTINGS = RepliesSettings.model_validate(
    {
        "sign_off": "— Dana, Acme support",
        "private_channels": {"dm": True, "email": "help@acme.example"},
        "fixes": {
            "website_app": {
                "text": "Updating to the latest version and restarting the app fixes most crashes",
                "url": "https://help.acme.example/apps/crashes",
            }
        },
    }
)
_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def find_csv(data: Path) -> Path | None:
    for candidate in (data, data / FILE_NAME, data / "complaints" / FILE_NAME):
        if candidate.is_file():
            return candidate
    return None


def read_complaints(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r[0], r[1]) for r in csv.reader(handle) if len(r) >= 3 and r[2] == "1"]


def judged(judge: Judge, tweet_id: str, text: str) -> Mention:
    mention = text_mention(
        text, source="x", source_type="x", native_id=tweet_id, at=_WHEN, brands=("Acme",)
    )
    return replace(mention, judgments=judge.judge(mention))


def figures(mentions: list[Mention], platform: str) -> dict[str, Any]:
    start = time.perf_counter()
    drafted: list[tuple[ReplyDraft, ...]] = [
        draft_replies(m, settings=SETTINGS, platform=platform) for m in mentions
    ]
    seconds = time.perf_counter() - start
    drafts = [d for ds in drafted for d in ds]
    with_topic = [ds for ds in drafted if ds and ds[0].lint["topic_present"] is not None]
    return {
        "complaints": len(mentions),
        "drafts": len(drafts),
        "lint_ok": round(sum(bool(d.lint["ok"]) for d in drafts) / len(drafts), 4),
        "topic_detected": len(with_topic),
        "topic_named": round(
            sum(all(d.lint["topic_present"] for d in ds) for ds in with_topic)
            / max(1, len(with_topic)),
            4,
        ),
        "distinct": round(len({d.text for d in drafts}) / len(drafts), 4),
        "drafts_per_s": round(len(drafts) / seconds),
        "ms_per_mention": round(1000 * seconds / len(mentions), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder or CSV")
    parser.add_argument("--platform", default="x", help="x, bluesky, mastodon, reddit, review…")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    path = find_csv(args.data)
    if path is None:
        message = f"no complaints data at {args.data}: nothing measured"
        print(json.dumps({"skipped": message}) if args.json else f"skipped: {message}")
        return 0
    judge = Judge()
    mentions = [judged(judge, tweet_id, text) for tweet_id, text in read_complaints(path)]
    if not mentions:
        print(f"skipped: {path} has no complaints labelled 1")
        return 0
    result = {"first_100": figures(mentions[:100], args.platform)}
    result["all"] = figures(mentions, args.platform)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"reply drafts for the complaints in {path} (platform {args.platform})")
    print(f"  {'figure':<18}{'first 100':>12}{'all':>12}")
    for key in result["all"]:
        print(f"  {key:<18}{result['first_100'][key]!s:>12}{result['all'][key]!s:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
