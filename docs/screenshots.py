"""The README's screenshots: the inbox, an alert, a search with highlights, the dashboard.

Seeds a small, realistic store in a temporary folder (two brands, ~30 mentions written for
this script, judged by the real judges, complaints raised as alerts with the real reply
drafts, alerts in several states, one assigned, one past its SLA), serves the web app on a
free local port, and drives Debian's Chromium with Playwright at 1280×800 in the light theme.
The dashboard's week behind those posts comes from ``docs/screenshot_history.py``.

    .venv/bin/python docs/screenshots.py    # writes docs/img/{inbox,alert,search,dashboard}.png
    .venv/bin/python docs/screenshots.py --out /tmp/shots --chromium /usr/bin/chromium

Nothing here reaches the internet: the sources are configured but never polled.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alerts.drafts.replies import draft_replies  # noqa: E402
from docs.screenshot_history import seed_history  # noqa: E402
from listener.config.settings import Settings, load_settings  # noqa: E402
from listener.judging.judge import Judge  # noqa: E402
from listener.metrics import Metrics  # noqa: E402
from listener.models import (  # noqa: E402
    AlertKind,
    AlertState,
    Author,
    Engagement,
    Mention,
    Severity,
)
from listener.store import SQLiteStore, open_store  # noqa: E402
from listener.store.alert_contract import NewAlert  # noqa: E402
from listener.store.saved_searches import SavedSearches  # noqa: E402
from listener.web.app import create_app  # noqa: E402
from listener.web.context import WebContext  # noqa: E402

SETTINGS = """\
brands:
  - name: Northwind Coffee
    query: northwind OR "north wind coffee"
  - name: Brightline Bikes
    query: brightline
sources:
  - {{name: reddit, type: reddit, interval: 5m, query: northwind OR brightline}}
  - {{name: mastodon, type: mastodon, interval: 5m, instance_url: "https://mastodon.social",
      hashtags: [northwind, brightline]}}
  - {{name: hacker-news, type: hackernews, interval: 10m, query: brightline}}
  - {{name: google-alerts, type: rss, interval: 30m,
      url: "https://www.google.com/alerts/feeds/000/111"}}
storage:
  sqlite: {db}
alerts:
  channels:
    - {{name: team-slack, type: webhook, url: "http://127.0.0.1:9/hook"}}
  sla:
    ack_within: 30m
    escalate_to: [team-slack]
  authors:
    - {{handle: priya_codes, tags: [vip], note: "Northwind Rewards gold member since 2021"}}
    - {{handle: cyclewire, tags: [press]}}
"""

# (minutes ago, source, handle, name, followers, brand, text)
POSTS: list[tuple[int, str, str, str, int, str, str]] = [
    (52, "reddit", "marco_b", "Marco Bianchi", 230, "Northwind Coffee",
     "Third time this week the Northwind app charged me twice for one oat latte. Support chat "
     "just loops back to the FAQ. I want my money back, not a coupon."),
    (41, "mastodon", "priya_codes", "Priya Raman", 8200, "Northwind Coffee",
     "@northwind your mobile order said ready 20 minutes ago and the barista says it never "
     "came through. Standing here late for a meeting. Really frustrating."),
    (33, "reddit", "tomh", "Tom Hadley", 95, "Brightline Bikes",
     "My Brightline Commuter 2 battery died after 14 months and the warranty form keeps "
     "erroring out. Anyone actually gotten a replacement?"),
    (26, "hacker-news", "lindqvist", "Anna Lindqvist", 1400, "Brightline Bikes",
     "Brightline's app asks for location 'always' just to unlock the bike. That is not okay, "
     "and there is no way to say no and still ride."),
    (18, "mastodon", "kofi_a", "Kofi Asante", 610, "Northwind Coffee",
     "Is it just me or did Northwind quietly shrink the large cup? Paying the same for less "
     "coffee. Disappointed."),
    (12, "reddit", "dana_rides", "Dana Whitfield", 340, "Brightline Bikes",
     "Ordered a Brightline cargo bike six weeks ago, paid in full, delivery date moved three "
     "times and nobody answers email. Where is my bike?"),
    (8, "google-alerts", "cyclewire", "CycleWire", 52000, "Brightline Bikes",
     "Brightline recalls 2,300 e-bike chargers over overheating reports; owners told to stop "
     "using them until a replacement arrives."),
    (5, "mastodon", "sam.k", "Sam Kowalski", 120, "Northwind Coffee",
     "The Northwind on 5th has been out of oat milk for a week. Do I need to bring my own?"),
    (3, "reddit", "jess_m", "Jess Moreno", 410, "Northwind Coffee",
     "Northwind gift card balance disappeared after the app update. $40 gone. Has anyone "
     "got it back?"),
    (95, "reddit", "evan_p", "Evan Park", 75, "Brightline Bikes",
     "Brightline support replaced my cracked fender in two days, no questions asked. "
     "Honestly impressed."),
    (130, "mastodon", "lea_f", "Léa Fournier", 900, "Northwind Coffee",
     "New Northwind seasonal blend is lovely. Chocolatey, not bitter. Would buy again."),
    (180, "hacker-news", "ozzy", "Osman Yilmaz", 2200, "Brightline Bikes",
     "Brightline's firmware update changelog is refreshingly honest about what broke. "
     "More companies should do this."),
    (220, "reddit", "nina_r", "Nina Rossi", 60, "Northwind Coffee",
     "Northwind app keeps logging me out every time I open it. Rewards points are still "
     "there at least."),
    (260, "google-alerts", "dailybrew", "Daily Brew", 15000, "Northwind Coffee",
     "Northwind Coffee opens its 200th shop with a roastery you can tour on weekends."),
    (300, "mastodon", "ben_t", "Ben Turner", 180, "Brightline Bikes",
     "Brightline's new lock is great but the app pairing took me five tries. Confusing "
     "instructions."),
    (340, "reddit", "amira_h", "Amira Haddad", 520, "Northwind Coffee",
     "Northwind barista on Elm street remembered my order after one visit. Small thing, made "
     "my day."),
    (400, "reddit", "greg_l", "Greg Lawson", 40, "Brightline Bikes",
     "Brightline delivery was late but the courier called ahead and set it up for me. Mixed "
     "feelings, good bike."),
    (460, "mastodon", "yuki_s", "Yuki Sato", 300, "Northwind Coffee",
     "Northwind cold brew is too sweet now. Did the recipe change?"),
    (520, "hacker-news", "raj_p", "Raj Patel", 3100, "Brightline Bikes",
     "Brightline's API for fleet owners is actually documented. Rare in this space."),
    (600, "reddit", "chloe_d", "Chloé Dubois", 210, "Northwind Coffee",
     "Waited 25 minutes at the Northwind drive-through this morning. Staff were lovely but "
     "clearly short-handed."),
    (700, "google-alerts", "bikebiz", "BikeBiz", 8000, "Brightline Bikes",
     "Brightline raises prices on its commuter range by 8%, citing battery costs."),
    (820, "mastodon", "mo_j", "Mo Jensen", 90, "Northwind Coffee",
     "Shoutout to Northwind for the free refill when my cup spilled. Kind staff."),
    (900, "reddit", "pat_q", "Pat Quinn", 150, "Brightline Bikes",
     "Brightline's brake pads wore out in two months of city riding. Is that normal?"),
    (1000, "reddit", "ivy_c", "Ivy Chen", 330, "Northwind Coffee",
     "Northwind's new app design is cleaner but I can't find where to add a tip anymore."),
    (1200, "mastodon", "leo_w", "Leo Wagner", 75, "Brightline Bikes",
     "Took the Brightline out for 60 km today. Battery still at 30%. Love it."),
    (1400, "hacker-news", "sara_v", "Sara Varga", 1900, "Northwind Coffee",
     "Northwind's loyalty program dark patterns: the 'skip' button is grey on grey."),
    (1500, "reddit", "owen_b", "Owen Brooks", 110, "Brightline Bikes",
     "Brightline refund for my cancelled order took 3 weeks. Finally got it, but the "
     "silence was stressful."),
    (1700, "google-alerts", "cafemag", "Café Magazine", 6400, "Northwind Coffee",
     "Northwind switches to fully compostable cups across all shops by spring."),
    (1900, "reddit", "tara_n", "Tara Nolan", 260, "Northwind Coffee",
     "Northwind oat flat white is the best in town, fight me."),
    (2100, "mastodon", "hugo_m", "Hugo Martins", 140, "Brightline Bikes",
     "Brightline's headlight is too dim for unlit country roads. Had to add my own."),
]  # fmt: skip

SOURCE_TYPES = {
    "reddit": "reddit",
    "mastodon": "mastodon",
    "hacker-news": "hackernews",
    "google-alerts": "rss",
}
PLATFORMS = {"reddit": "reddit", "mastodon": "mastodon", "hacker-news": "reddit"}


def mention_of(n: int, post: tuple[int, str, str, str, int, str, str], now: datetime) -> Mention:
    ago, source, handle, name, followers, brand, text = post
    at = now - timedelta(minutes=ago)
    slug = f"{handle}-{n}"
    return Mention(
        id=f"{source}:{slug}",
        source=source,
        source_type=SOURCE_TYPES[source],
        native_id=slug,
        url=f"https://example.com/{source}/{slug}",
        canonical_url=f"https://example.com/{source}/{slug}",
        author=Author(handle=handle, name=name, url=f"https://example.com/u/{handle}",
                      followers=followers),
        title="",
        text=text,
        html="",
        language="en",
        published_at=at,
        fetched_at=at + timedelta(seconds=40),
        engagement=Engagement(likes=followers // 40, replies=followers // 200),
        rating=None,
        parent_id=None,
        thread_id=None,
        brands=(brand,),
        matched_terms=(brand.split()[0].lower(),),
        content_hash=f"shot-{n}",
    )  # fmt: skip


def severity_of(mention: Mention, tags: set[str]) -> Severity:
    reach = mention.judgments.reach
    if "press" in tags or reach >= 20_000:
        return Severity.CRITICAL
    if "vip" in tags or reach >= 1_000:
        return Severity.HIGH
    return Severity.NORMAL


def seed(store: SQLiteStore, settings: Settings, now: datetime) -> dict[str, int]:
    """Judge and store the posts, raise an alert per complaint; returns alert ids by handle."""
    judge = Judge(settings.judgments, settings.brands)
    mentions = []
    for n, post in enumerate(POSTS, 1):
        mention = mention_of(n, post, now)
        mentions.append(replace(mention, judgments=judge.judge(mention)))
    # Oldest first, as a daemon would have stored them (search's "newest stored" order).
    store.insert_mentions(sorted(mentions, key=lambda m: m.published_at))
    authors = settings.alerts.authors
    tags: dict[str, set[str]] = {a.handle: {str(t) for t in a.tags} for a in authors}
    ids: dict[str, int] = {}
    # Complaints of the last hour become alerts, as the complaint rule raises them.
    for mention in sorted(mentions, key=lambda m: m.published_at):
        recent = now - mention.published_at <= timedelta(hours=1)
        if not (recent and mention.judgments.complaint) or mention.author.handle is None:
            continue
        handle = mention.author.handle
        drafts = draft_replies(
            mention, settings=settings.replies, brand=mention.brands[0],
            platform=PLATFORMS.get(mention.source),
        )  # fmt: skip
        words = " ".join(mention.text.split()[:8])
        with store.alert_transaction() as tx:
            alert = tx.add_alert(
                NewAlert(
                    key=f"complaint:{mention.id}",
                    kind=AlertKind.COMPLAINT,
                    rule="complaint",
                    brand=mention.brands[0],
                    severity=severity_of(mention, tags.get(handle, set())),
                    title=f"Complaint from @{handle} on {mention.source}: {words}…",
                    created_at=mention.fetched_at,
                    mention_ids=(mention.id,),
                    drafts=drafts,
                )
            )
        if alert is not None:
            ids[handle] = alert.id
    # The team has been at work: one acknowledged, one assigned with a note, one replied.
    if "tomh" in ids:
        store.set_alert_state(ids["tomh"], AlertState.ACKNOWLEDGED, at=now, by="maya")
    if "lindqvist" in ids:
        store.assign_alert(ids["lindqvist"], "jordan", at=now, by="maya")
    if "kofi_a" in ids:
        store.set_alert_state(ids["kofi_a"], AlertState.REPLIED, at=now, by="maya")
    SavedSearches(store).save(
        "Battery complaints", "battery OR charger", {"brand": "Brightline Bikes"},
        by="maya", at=now,
    )  # fmt: skip
    return ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(context: WebContext, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(context), host="127.0.0.1", port=port, log_level="warning",
        proxy_headers=False,
    )  # fmt: skip
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the web app did not start")
        time.sleep(0.05)
    return server


def shoot(url: str, ids: dict[str, int], out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        page = browser.new_context(
            viewport={"width": 1280, "height": 800}, color_scheme="light"
        ).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        targets = [
            ("inbox.png", "/inbox"),
            ("alert.png", f"/alerts/{ids.get('priya_codes', 1)}"),
            ("search.png", "/search?q=battery+OR+app&sort=newest"),
            ("dashboard.png", "/dashboard?brand=Northwind+Coffee"),
        ]
        for name, path in targets:
            page.goto(url + path, wait_until="networkidle")
            target = out / name
            page.screenshot(path=str(target))
            shots.append(target)
        browser.close()
        if errors:
            raise SystemExit(f"console errors: {errors}")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.yaml"
        path.write_text(SETTINGS.format(db=Path(folder) / "listener.db"), encoding="utf-8")
        settings = load_settings(path, environ={})
        store = open_store(settings.storage.sqlite)
        ids = seed(store, settings, now)
        seed_history(store, [b.name for b in settings.brands], now)
        context = WebContext(settings=settings, store=store, metrics=Metrics())
        port = free_port()
        server = serve(context, port)
        try:
            shots = shoot(f"http://127.0.0.1:{port}", ids, args.out, args.chromium)
        finally:
            server.should_exit = True
            time.sleep(0.3)
            store.close()
    for shot in shots:
        print(f"{shot}  {shot.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
