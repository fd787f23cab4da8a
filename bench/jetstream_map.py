"""Frames per second through the jetstream source's per-frame path, on one core.

    python bench/jetstream_map.py [--loops N] [--runs N] [--json]

Jetstream's public firehose carries every Bluesky post (hundreds of events a second, more
in a replay after a reconnect), and the source does this for each frame before the daemon's
brand screen: read the JSON, map a post to a ``RawItem``, keep the highest ``time_us`` and
build the ``StreamEvent``. The frames are the real 152-event capture of
``../shared/fixtures/streams/jetstream/`` (18 of them post commits, the rest likes, follows,
reposts…, as on the wire with ``wantedCollections`` unset), looped ``--loops`` times; the
same with its posts alone (the heavier mapping, and what ``wantedCollections=
app.bsky.feed.post`` sends); and the capture as zstd frames (``compress: true``) inflated
with Jetstream's dictionary first. CPU time of this process (``time.process_time``), best
of ``--runs``. With ``--json`` the last line is one JSON object with ``frames_per_s``,
``posts_per_s`` and ``compressed_frames_per_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zstandard

from listener.sources import jetstream
from listener.sources.jetstream_map import at_time, read_frame
from listener.sources.streaming import StreamEvent

ROOT = Path(__file__).resolve().parent.parent
CAPTURES = (
    ROOT.parent / "shared" / "fixtures" / "streams" / "jetstream",
    ROOT / "tests" / "fixtures" / "jetstream",
)
CAPTURE = "capture_v1_contiguous_152_events.jsonl"
CAP = 10 * 1024 * 1024  # the daemon's default frame cap


def frame_path(frames: list[str | bytes], inflate: Callable[[bytes], bytes] | None) -> None:
    """What ``jetstream._events`` does per frame, without the socket."""
    highest = 0
    for message in frames:
        if inflate is not None and isinstance(message, bytes):
            message = inflate(message)
        frame = read_frame(message)
        if frame.time_us > highest:
            highest = frame.time_us
        StreamEvent(
            items=(frame.item,) if frame.item is not None else (),
            position=str(highest),
            at=at_time(frame.time_us),
        )


def best_rate(frames: list[str | bytes], loops: int, runs: int, inflate: Any = None) -> float:
    best = 0.0
    for _ in range(runs):
        started = time.process_time()
        for _ in range(loops):
            frame_path(frames, inflate)
        spent = time.process_time() - started
        best = max(best, loops * len(frames) / spent)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    folder = next(f for f in CAPTURES if (f / CAPTURE).exists())
    lines = [line for line in (folder / CAPTURE).read_text("utf-8").splitlines() if line]
    posts = [line for line in lines if read_frame(line).item is not None]
    compressor = zstandard.ZstdCompressor(
        dict_data=zstandard.ZstdCompressionDict(jetstream.DICTIONARY.read_bytes())
    )
    packed: list[str | bytes] = [compressor.compress(line.encode()) for line in lines]

    def inflate(data: bytes) -> bytes:
        return jetstream._inflate(data, CAP)

    figures = {
        "frames_per_s": round(best_rate(list(lines), args.loops, args.runs)),
        "posts_per_s": round(best_rate(list(posts), args.loops * 8, args.runs)),
        "compressed_frames_per_s": round(best_rate(packed, args.loops, args.runs, inflate)),
    }
    print(f"capture: {folder / CAPTURE} ({len(lines)} frames, {len(posts)} post commits)")
    print(f"every frame of the capture  {figures['frames_per_s']:>10,} frames/s")
    print(f"its posts alone             {figures['posts_per_s']:>10,} posts/s")
    print(f"the capture, zstd frames    {figures['compressed_frames_per_s']:>10,} frames/s")
    print("(one core, CPU time, best of", args.runs, "runs)")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
