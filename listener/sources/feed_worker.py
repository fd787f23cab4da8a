"""Parsing large feeds in worker processes that are killed when a parse runs over.

feedparser is pure Python: a thread running it cannot be stopped, so a hostile document
kept parsing after its poll was abandoned — parses piled up (gigabytes), the scheduler
missed ticks and SIGTERM could not stop the daemon. A process can be stopped. Each parse
is sent to a worker (``python -m listener.sources.feed_worker``, reused while it behaves:
starting one costs an interpreter and feedparser's import), which runs
``feed_document.read_document`` under an address-space limit. When the parse is not back
within ``PARSE_TIMEOUT_S``, or the poll waiting for it is cancelled (its own timeout, a
shutdown), that worker is killed and the next parse gets a fresh one.

A document under ``IN_PROCESS_MAX_BYTES`` (nearly every feed) is parsed in a thread here
instead: the nesting check before feedparser bounds it, it takes milliseconds, and a round
trip to a worker would cost more than the parse.

At most ``PARSE_SLOTS`` parses run in workers at once, the others wait their turn (within
their poll's timeout): a worker costs ~40 MB before it reads a byte (an interpreter and
feedparser) and a parse several times its document, so with one slot the daemon's memory
is its own plus one parse however many large feeds fall due together (a 7 MB feed and a
3 MB one parsed side by side took the daemon's process tree to 228 MB).

The protocol is private to this module: length-prefixed pickles over the worker's stdin and
stdout, between two copies of this program, the document itself sent as raw bytes after its
request (pickling it would copy it on both sides).
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from listener.sources.feed_document import FeedDocument, FeedRefused, NotAFeed, read_document
from listener.sources.feed_walk import Walk

# The parse of one capped response (``scheduler.max_response_bytes``) takes seconds; one
# that takes a minute is hostile or pathological, and is stopped whatever the poll allows.
PARSE_TIMEOUT_S = 60.0
# A worker's whole address space: feedparser holds a window of entries and its document
# (at most the response cap); a document that needs more is refused, not swapped for.
WORKER_MEMORY_BYTES = 1024 * 2**20
# A worker that parsed a large document keeps the memory it grew to: let it go instead.
RECYCLE_AFTER_BYTES = 2 * 2**20
PARSE_SLOTS = 1
IDLE_WORKERS_KEPT = PARSE_SLOTS  # more could never be in use at once
IN_PROCESS_MAX_BYTES = 256 * 2**10

_HEADER_BYTES = 8
_PR_SET_PDEATHSIG = 1  # prctl(2)


class ParseFailed(Exception):
    """The worker died or ran over; ``str()`` says which, for the source's error."""


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "listener.sources.feed_worker", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def ask(self, content: bytes, request: tuple[Any, ...]) -> Any:
        """Send one document and its request, and wait for the reply (blocking: run in a
        thread)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        _write(self.process.stdin, request)
        _write_bytes(self.process.stdin, content)
        return _read(self.process.stdout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def retire(self) -> None:
        # Closing stdin ends the worker's loop; waiting reaps it (and counts its resources
        # as this process's children's).
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()


class _Pool:
    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        # Waiting for a worker's reply blocks a thread; these threads are ours, so waits
        # never crowd out the store's and the pipeline's in the default executor.
        self.waiters = ThreadPoolExecutor(thread_name_prefix="feed-parse")

    def take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.poll() is None:
                    return worker
        return _Worker()

    def give_back(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < IDLE_WORKERS_KEPT:
                self._idle.append(worker)
                return
        worker.retire()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.retire()


_POOL = _Pool()
atexit.register(_POOL.close)
# One set of slots per event loop: an asyncio semaphore belongs to the loop it first waits
# in, and a process may run several loops one after another (``listener poll``, tests).
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slots(loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
    return _SLOTS.setdefault(loop, asyncio.Semaphore(PARSE_SLOTS))


async def parse_in_worker(
    content: bytes,
    url: str,
    content_type: str | None,
    *,
    skip: int = 0,
    limit: int,
    walk: Walk | None = None,
    timeout_s: float = PARSE_TIMEOUT_S,
) -> FeedDocument:
    """``read_document`` in a worker process; raises what it raises (``FeedRefused``,
    ``NotAFeed``), or ``ParseFailed`` when the worker died or ran over ``timeout_s``."""
    loop = asyncio.get_running_loop()
    if len(content) <= IN_PROCESS_MAX_BYTES:
        request = (content, url, content_type, skip, limit, walk)
        kind, value = await asyncio.to_thread(_answer, request)
        return _result(kind, value)
    async with _slots(loop):
        kind, value = await _ask_a_worker(
            loop, content, (url, content_type, skip, limit, walk), timeout_s
        )
    return _result(kind, value)


async def _ask_a_worker(
    loop: asyncio.AbstractEventLoop, content: bytes, request: tuple[Any, ...], timeout_s: float
) -> tuple[str, Any]:
    worker = await loop.run_in_executor(_POOL.waiters, _POOL.take)
    healthy = False
    try:
        async with asyncio.timeout(timeout_s):
            kind, value = await loop.run_in_executor(_POOL.waiters, worker.ask, content, request)
        healthy = True
    except TimeoutError:
        raise ParseFailed(f"parsing the feed took longer than {timeout_s:g} s; stopped") from None
    except (EOFError, OSError, pickle.UnpicklingError) as error:
        code = worker.process.poll()
        raise ParseFailed(f"the feed parser stopped (exit status {code}): {error}") from None
    finally:
        # Cancelled or over time: the parse must not outlive its poll.
        if not healthy:
            worker.kill()
        elif len(content) > RECYCLE_AFTER_BYTES:
            await loop.run_in_executor(_POOL.waiters, worker.retire)
        else:
            _POOL.give_back(worker)
    return kind, value


def _result(kind: str, value: Any) -> FeedDocument:
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "refused":
        raise FeedRefused(value)
    if kind == "not_a_feed":
        raise NotAFeed(value)
    raise ParseFailed(value)


def _write(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER_BYTES, "big"))
    stream.write(data)
    stream.flush()


def _write_bytes(stream: IO[bytes], data: bytes) -> None:
    stream.write(len(data).to_bytes(_HEADER_BYTES, "big"))
    stream.write(data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    # Only ever our own child, speaking this module's protocol: never data from elsewhere.
    return pickle.loads(_read_bytes(stream))


def _read_bytes(stream: IO[bytes]) -> bytes:
    header = stream.read(_HEADER_BYTES)
    if len(header) < _HEADER_BYTES:
        raise EOFError("no reply")
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("a reply cut short")
    return data


def _answer(request: tuple[Any, ...]) -> tuple[str, Any]:
    content, url, content_type, skip, limit, walk = request
    try:
        document = read_document(content, url, content_type, skip=skip, limit=limit, walk=walk)
        return "ok", document
    except FeedRefused as refused:
        return "refused", str(refused)
    except NotAFeed as not_a_feed:
        return "not_a_feed", str(not_a_feed)
    except MemoryError:
        return "failed", f"the feed needs more than {WORKER_MEMORY_BYTES // 2**20} MiB to parse"
    except RecursionError:
        return "failed", "the feed nests too deep to parse"
    except Exception as error:  # feedparser on hostile input: one feed's failure, not ours
        return "failed", f"the feed could not be parsed: {type(error).__name__}: {error}"


def _die_with_parent(parent: int) -> None:
    """A daemon killed with SIGKILL cannot kill its workers: the kernel does it for us
    (Linux's parent-death signal), so no orphan goes on parsing a hostile document."""
    # The signal follows the thread that started the worker: the pool's waiter threads,
    # which live as long as the daemon.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        sys.exit(0)


def _cpu_budget(seconds: float) -> None:
    """At most ``seconds`` more CPU time for this parse (SIGXCPU ends the worker): the
    parent's timeout stops a parse it waits for, this one also stops one nobody waits for."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(spent + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def main() -> None:
    """The worker: answer requests on stdin until it closes."""
    _die_with_parent(int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid())
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = _read(requests)
            content = _read_bytes(requests)
        except EOFError:
            return
        _cpu_budget(2 * PARSE_TIMEOUT_S)
        _write(replies, _answer((content, *request)))
        del request, content  # not held while waiting for the next one


if __name__ == "__main__":
    main()
