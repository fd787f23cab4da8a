"""The fixed split of ``complaints-dev.csv`` that rules are chosen on, and checked on.

A rule, cue or weight for the default complaint detector is chosen by its figures on the
**tune** part only; the **check** part is read to see whether the change holds on tweets it
was not chosen on, and a change that helps on tune but not on check is not kept. The split is
a fixed hash of the tweet id (never of the text or the label), so it does not move when the
rules change and every session splits the same way.

    python bench/complaint_split.py [--data DIR] [--part tune|check] [--misses N]

prints the detector's figures on both parts, and with ``--misses`` the first N false alarms
and missed complaints of one part (tune by default: read the check part's misses and it
stops being a check).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from listener.models import Judgments

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
PARTS = ("tune", "check")


class Row(NamedTuple):
    tweet_id: str
    text: str
    complaint: bool
    domain: str


def part_of(tweet_id: str) -> str:
    """``tune`` or ``check``, about half each, fixed by the tweet id alone."""
    return PARTS[hashlib.sha256(tweet_id.encode()).digest()[0] & 1]


def read_rows(data: Path) -> list[Row]:
    """The rows of ``complaints-dev.csv`` under ``data`` (empty when it is absent)."""
    path = data / "complaints" / "complaints-dev.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(row[0], row[1], row[2] == "1", row[3] if len(row) > 3 else "")
            for row in csv.reader(handle)
            if len(row) >= 3
        ]


def binary_figures(gold: Sequence[bool], flagged: Sequence[bool]) -> dict[str, float]:
    """precision, recall and F1 of "complaint", and macro-F1 over both classes (the papers')."""
    figures: dict[str, float] = {}
    f1s = []
    for positive in (True, False):
        tp = sum(1 for g, f in zip(gold, flagged, strict=True) if g == positive and f == positive)
        predicted = sum(1 for f in flagged if f == positive)
        actual = sum(1 for g in gold if g == positive)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        if positive:
            figures |= {"precision": precision, "recall": recall, "f1": f1}
    figures["macro_f1"] = sum(f1s) / 2
    return figures


def split_report(rows: Sequence[Row], judged: Sequence[Judgments]) -> dict[str, float]:
    """``complaints_<part>_<figure>`` for both parts, from judgments made in ``rows``' order."""
    report: dict[str, float] = {}
    for part in PARTS:
        pairs = [(r.complaint, j.complaint) for r, j in zip(rows, judged, strict=True)
                 if part_of(r.tweet_id) == part]  # fmt: skip
        figures = binary_figures([g for g, _ in pairs], [f for _, f in pairs])
        report |= {f"complaints_{part}_{key}": value for key, value in figures.items()}
        report[f"complaints_{part}_n"] = len(pairs)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    from listener.judging.judge import Judge

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--part", choices=PARTS, default="tune")
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args(argv)
    rows = read_rows(args.data)
    if not rows:
        print(f"no complaints-dev.csv under {args.data}", file=sys.stderr)
        return 1
    judge: Callable[[str], Judgments] = Judge().judge_text
    judged = [judge(r.text) for r in rows]
    for key, value in split_report(rows, judged).items():
        print(f"  {key:32} {value:8.3f}")
    if args.misses:
        for kind, wanted in (("false alarm", False), ("missed", True)):
            shown = 0
            for row, j in zip(rows, judged, strict=True):
                if part_of(row.tweet_id) != args.part or row.complaint != wanted:
                    continue
                if j.complaint == wanted or shown >= args.misses:
                    continue
                shown += 1
                evidence = "; ".join(j.complaint_evidence)
                print(f"{kind} {j.complaint_score:.2f} [{row.domain}] {row.text!r} <- {evidence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
