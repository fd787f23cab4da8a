"""What a bench store's mentions look like beyond their count: the span of days, the brands,
the sources and, for the dashboard's store, a varied shape (several languages, complaints,
a daily and weekly rhythm with a trend and a few spikes, skewed reach and engagement).

``Shape()`` is the search and ingest benches' store (``bench/stores.py``): 60 days, four
brands, three sources in turn, every mention one hour of a straight line. Its file name
carries no tag, so a shape parameter leaves their cached stores (and their figures) as they
were; any other shape names itself in the file name (``Shape.tag``).
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from listener.judging.signals import reach
from listener.models import Author, Engagement

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
# (source name, source type): source filters select a third of the default store each.
SOURCES = (("x-search", "x"), ("news-feeds", "rss"), ("reddit-brand", "reddit"))
BRAND_BY_TENTH = ("Acme",) * 5 + ("Globex",) * 3 + ("Initech", "Umbrella")
# Sources whose items carry no counts of likes or shares: a feed says nothing of them.
_NO_ENGAGEMENT = frozenset({"rss"})


@dataclass(frozen=True)
class Shape:
    days: int = 60
    # The first brand of mention i is brand_by_tenth[i % 10]; every 20th names a second.
    brand_by_tenth: tuple[str, ...] = BRAND_BY_TENTH
    second_brand: str = "Umbrella"
    sources: tuple[tuple[str, str], ...] = SOURCES
    # Relative weights of ``sources`` in the varied shape (the default takes them in turn).
    source_weights: tuple[int, ...] = field(default=(1, 1, 1))
    varied: bool = False

    @property
    def span(self) -> timedelta:
        return timedelta(days=self.days)

    @property
    def brands(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.brand_by_tenth))

    @property
    def tag(self) -> str:
        """``""`` for the default shape, else ``-180d-5b-<hash of the shape>``."""
        if self == Shape():
            return ""
        digest = hashlib.sha256(repr(self).encode()).hexdigest()[:6]
        return f"-{self.days}d-{len(self.brands)}b-{digest}"

    def mention_brands(self, i: int) -> tuple[str, ...]:
        first = self.brand_by_tenth[i % 10]
        if i % 20 == 7:
            return (first, self.second_brand if first != self.second_brand else self.brands[0])
        return (first,)


def varied_texts(tweets: list[str], folder: Path = DATASETS) -> list[str]:
    """The tweets, plus eight languages of tweets (XLM-T), Bengali texts and tweets to
    brands with their complaints, shuffled so that every day of the store holds a mix."""
    texts = list(tweets)
    texts += _lines(folder / "xlmt_sentiment" / "all" / "test_text.txt")
    for name in ("bn_all_test.tsv", "sentiment_test.tsv"):
        with (folder / "bangla_sentiment" / name).open(encoding="utf-8", newline="") as file:
            texts += [row[1] for row in csv.reader(file, delimiter="\t") if len(row) > 2][1:]
    with (folder / "complaints" / "complaints-dev.csv").open(encoding="utf-8", newline="") as file:
        texts += [row[1] for row in csv.reader(file) if len(row) > 1]
    texts = [t.strip() for t in texts if t.strip()]
    random.Random(0).shuffle(texts)
    return texts


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Timeline:
    """When mention ``i`` of ``size`` was published: more by day than by night, less at
    weekends, a rising trend and a few hours-long spikes; ``at`` is monotone in ``i``, so
    store order stays close to date order, as when feeds are polled as they publish."""

    start: datetime
    weights: list[float]  # per hour from ``start``
    cumulative: list[float]
    spikes: list[tuple[datetime, datetime]]

    def at(self, i: int, size: int) -> datetime:
        target = (i + 0.5) / size * self.cumulative[-1]
        hour = min(bisect.bisect_left(self.cumulative, target), len(self.weights) - 1)
        before = self.cumulative[hour - 1] if hour else 0.0
        within = min(1.0, max(0.0, (target - before) / self.weights[hour]))
        return self.start + timedelta(hours=hour + within)


def timeline(shape: Shape, end: datetime) -> Timeline:
    hours = shape.days * 24
    start = end - shape.span
    rng = random.Random(shape.days)
    boost: dict[int, float] = {}
    spikes = []
    for _ in range(max(1, shape.days // 15)):
        first, length, factor = rng.randrange(hours - 6), rng.randint(2, 6), rng.uniform(4, 10)
        boost.update({h: factor for h in range(first, first + length)})
        spikes.append((start + timedelta(hours=first), start + timedelta(hours=first + length)))
    weights = []
    for h in range(hours):
        moment = start + timedelta(hours=h)
        daily = 1 + 0.6 * math.sin(2 * math.pi * (moment.hour - 9) / 24)  # most at 15:00 UTC
        weekly = 0.75 if moment.weekday() >= 5 else 1.0
        trend = 0.7 + 0.6 * h / hours
        weights.append(daily * weekly * trend * boost.get(h, 1.0))
    return Timeline(start, weights, list(itertools.accumulate(weights)), sorted(spikes))


def pick_source(shape: Shape, rng: random.Random) -> tuple[str, str]:
    return rng.choices(shape.sources, weights=shape.source_weights)[0]


def followers(author_no: int) -> int:
    """An author's audience, the same on each of their mentions: most have a few hundred
    followers, a few have hundreds of thousands."""
    u = (author_no * 2654435761 % 2**32) / 2**32
    return min(2_000_000, int(40 * (1 / (1 - u)) ** 1.4))


def engagement(source_type: str, rng: random.Random) -> Engagement:
    if source_type in _NO_ENGAGEMENT:
        return Engagement()
    likes = int((rng.paretovariate(1.1) - 1) * 4)
    return Engagement(
        likes=likes,
        shares=likes // rng.randint(3, 30),
        replies=likes // rng.randint(2, 12) + (rng.random() < 0.3),
    )


def varied_fields(
    source_type: str, author: Author, author_no: int, rng: random.Random
) -> tuple[Author, Engagement, int, tuple[str, ...]]:
    """The author with their audience, the mention's engagement and its reach."""
    author = Author(handle=author.handle, name=author.name, followers=followers(author_no))
    counts = engagement(source_type, rng)
    audience, evidence = reach(author, counts)
    return author, counts, audience, evidence
