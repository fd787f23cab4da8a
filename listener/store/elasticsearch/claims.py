"""Cross-daemon dedupe: claiming a mention's keys in ``<prefix>-keys`` before storing it.

The SQLite recheck (run inside the write transaction) only sees this daemon's file. Two
daemons polling the same feed, or one article reached by two daemons' sources, would both
store it. So, still inside that transaction and after the caller's recheck, the store
claims each surviving mention's keys as create-only documents, all in one bulk request, and
keeps only the mentions whose keys it holds:

- ``id:<mention id>``: the same post. Held by another writer: already stored. Held by this
  writer for this mention: ours (a batch that claimed and then failed, or crashed, before
  its commit).
- ``url:<sha256 of the canonical URL>``: the same article. Held for a mention of the same
  source is no duplicate, as the SQLite rule (``existing_canonical_urls(exclude_source=)``)
  says: within one source the native id is what names a post.
- ``content:<brand>:<hash>``: the same text for the same brand. A claim older than the
  dedupe window is taken over (written over at its version, so two writers cannot both
  take it), not a duplicate; and, as in SQLite, a mention is a duplicate only when every
  one of its brands' pairs is held.

Which keys are claimed follows what the caller's recheck looked up (``RecordingLookups``):
the URLs it asked about (the pipeline asks only page-specific ones), the exclude-source and
the window it used. Without a recheck only ids are claimed (SQLite then dedupes by id
alone). The keys a dropped mention had claimed are released at once, so they never stand
for a mention no one stored.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from elastic_transport import TransportError
from elasticsearch import ApiError

from listener.logs import fields
from listener.models import Mention
from listener.store.base import StoreError
from listener.store.elasticsearch import bulk
from listener.store.elasticsearch.claims_asked import Asked
from listener.store.elasticsearch.cluster import Cluster
from listener.store.rows import parse_ts, ts

log = logging.getLogger("listener.store.elasticsearch")

NOT_STORED = "the batch was not stored and its source will be polled again (nothing is lost)"


class ClaimError(StoreError):
    """The keys could not be claimed: the cluster is away or refused. The batch is not stored."""


@dataclass(frozen=True, slots=True)
class _Key:
    kind: str  # "id", "url", "content"
    doc_id: str
    mention: Mention


def url_key(canonical_url: str) -> str:
    return "url:" + hashlib.sha256(canonical_url.encode()).hexdigest()


def content_key(brand: str, content_hash: str) -> str:
    # A document id is at most 512 bytes: a long brand name goes by its digest.
    name = brand if len(brand.encode()) <= 200 else hashlib.sha256(brand.encode()).hexdigest()
    return f"content:{name}:{content_hash}"


def id_key(mention_id: str) -> str:
    key = f"id:{mention_id}"
    return key if len(key.encode()) <= 500 else "id:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Claims:
    """One batch's claims: ``kept`` are the mentions to store; ``release`` undoes the keys
    claimed for them (when the local transaction fails after all)."""

    kept: list[Mention]
    created: dict[str, list[str]]  # mention id -> key document ids this batch created
    cluster: Cluster
    keys_index: str

    def release(self, mention_ids: Iterable[str] | None = None) -> None:
        """Delete the keys this batch created for these mentions (all, by default); best
        effort: a key left behind names a mention of this writer, which a retry takes back."""
        ids = self.created.keys() if mention_ids is None else mention_ids
        doomed = [k for mention_id in ids for k in self.created.get(mention_id, ())]
        if not doomed:
            return
        actions = [bulk.BulkAction("delete", self.keys_index, k) for k in doomed]
        report = bulk.send(self.cluster, actions, request_timeout_s=CLAIM_TIMEOUT_S, retries_429=1)
        if report.request_error is not None:
            log.warning(
                "could not release dedupe claims of mentions not stored",
                extra=fields(keys=len(doomed), reason=report.request_error),
            )


# Claims are sent while SQLite's write lock is held: every other writer of the file (labels,
# acks, the other sources' batches) waits on them. So each claim request gets a short
# timeout and no transport retries, and after a failure claiming is refused at once for a
# pause (the batches fail fast and are polled again) instead of every batch holding the lock
# for a timeout of its own while the cluster is away.
CLAIM_TIMEOUT_S = 5.0
CLAIM_PAUSE_S = 30.0


class _Gate:
    """Whether claiming is paused after a failure, per cluster connection (so per store)."""

    def __init__(self) -> None:
        self.paused_until = 0.0
        self.reason = ""


_GATES: WeakKeyDictionary[Cluster, _Gate] = WeakKeyDictionary()


def claim(
    cluster: Cluster,
    keys_index: str,
    mentions: Sequence[Mention],
    *,
    writer: str,
    asked: Asked | None,
) -> Claims:
    """Claim ``mentions``' keys; see the module docstring. Raises ``ClaimError`` when the
    cluster cannot answer: nothing of the batch may be stored then. After such a failure,
    further calls raise at once for ``CLAIM_PAUSE_S`` without asking the cluster."""
    gate = _GATES.setdefault(cluster, _Gate())
    wait_s = gate.paused_until - time.monotonic()
    if wait_s > 0:
        raise ClaimError(
            f"could not claim the dedupe keys: the cluster failed a moment ago ({gate.reason}); "
            f"not asking it again for {wait_s:.0f} s; {NOT_STORED}"
        )
    try:
        return _claim(cluster, keys_index, mentions, writer=writer, asked=asked)
    except ClaimError as error:
        gate.paused_until = time.monotonic() + CLAIM_PAUSE_S
        gate.reason = str(error).split(";", 1)[0][:200]
        log.warning(
            "claims paused: the cluster could not be asked",
            extra=fields(pause_s=CLAIM_PAUSE_S, reason=str(error)[:300]),
        )
        raise


def _claim(
    cluster: Cluster,
    keys_index: str,
    mentions: Sequence[Mention],
    *,
    writer: str,
    asked: Asked | None,
) -> Claims:
    keys = list(_keys_of(mentions, asked))
    result = Claims(kept=[], created={}, cluster=cluster, keys_index=keys_index)
    if not keys:
        result.kept = list(mentions)
        return result
    actions = [
        bulk.BulkAction("create", keys_index, k.doc_id, _claim_document(k, writer)) for k in keys
    ]
    sent = bulk.send(cluster, actions, request_timeout_s=CLAIM_TIMEOUT_S, retries_429=1)
    conflicts: list[int] = []
    refused: str | None = sent.request_error
    for i, outcome in enumerate(sent.outcomes):
        if outcome is None:
            continue  # its request failed: ``refused`` says why
        if outcome.ok:
            result.created.setdefault(keys[i].mention.id, []).append(keys[i].doc_id)
        elif outcome.status == 409:
            conflicts.append(i)
        elif refused is None:
            refused = f"the cluster refused a dedupe key ({outcome.status} {outcome.reason})"
    if refused is not None:
        # Keys of earlier requests may have been created: they must not outlive the batch.
        result.release()
        raise ClaimError(f"could not claim the dedupe keys: {refused}; {NOT_STORED}")
    try:
        holders = _holders(cluster, keys_index, sorted({keys[i].doc_id for i in conflicts}))
    except ClaimError:
        result.release()
        raise
    verdicts = _Verdicts(writer, asked)
    stale: list[tuple[_Key, Mapping[str, Any], bool]] = []
    for i in conflicts:
        key, holder = keys[i], holders.get(keys[i].doc_id)
        if verdicts.judge(key, holder, stale):
            # Held already by this writer for this mention: a rollback must release it too.
            result.created.setdefault(key.mention.id, []).append(key.doc_id)
    # The take-over comes before the verdict: a stale pair another writer took over first
    # (409 at its version) is held by that writer, and counts as held for this mention.
    try:
        _take_over(
            cluster,
            keys_index,
            writer,
            [s for s in stale if verdicts.keeps(s[0].mention)],
            result,
            verdicts,
        )
    except ClaimError:
        result.release()
        raise
    result.kept = [m for m in mentions if verdicts.keeps(m)]
    dropped = [m.id for m in mentions if not verdicts.keeps(m)]
    if dropped:
        log.info(
            "not stored: another daemon stored the same post, article or text first",
            extra=fields(mentions=len(dropped)),
        )
        result.release(dropped)
    return result


class _Verdicts:
    def __init__(self, writer: str, asked: Asked | None) -> None:
        self._writer = writer
        self._asked = asked
        self._duplicate: set[str] = set()
        self._held_pairs: dict[str, int] = {}  # mention id -> content keys held by others

    def judge(
        self,
        key: _Key,
        holder: Mapping[str, Any] | None,
        stale: list[tuple[_Key, Mapping[str, Any], bool]],
    ) -> bool:
        """``stale`` gets (key, holder, free): free = not counted as held unless its
        take-over is refused. True: this writer holds the key for this mention already."""
        m = key.mention
        if holder is None:
            # Released between our create and our read (the holder's batch failed): no one
            # holds it, so it stands in the way of nothing.
            return False
        source = holder.get("_source", holder)
        ours = bool(source.get("mention_id") == m.id and source.get("writer") == self._writer)
        if source.get("mention_id") == m.id and key.kind != "id":
            return ours  # the same mention claimed it before
        if key.kind == "id":
            if ours:
                return True  # claimed by a batch of this store that did not commit
            self._duplicate.add(m.id)
        elif key.kind == "url":
            exclude = self._asked.exclude_source if self._asked else None
            same_source = exclude is not None and str(source.get("source") or "").lower() == (
                exclude.lower()
            )
            if not same_source:
                self._duplicate.add(m.id)
        else:
            since = self._asked.since if self._asked else None
            seen_at = source.get("seen_at")
            if since is not None and seen_at is not None and parse_ts(seen_at) < since:
                stale.append((key, holder, True))  # older than the window: free to take over
            else:
                self._held_pairs[m.id] = self._held_pairs.get(m.id, 0) + 1
                if seen_at is not None and parse_ts(seen_at) < m.fetched_at:
                    # As SQLite's content_hashes (seen_at = max(…)): if this mention is
                    # stored after all, the pair's window runs from its fetch.
                    stale.append((key, holder, False))
        return False

    def held_by_another(self, m: Mention) -> None:
        self._held_pairs[m.id] = self._held_pairs.get(m.id, 0) + 1

    def keeps(self, m: Mention) -> bool:
        if m.id in self._duplicate:
            return False
        held = self._held_pairs.get(m.id, 0)
        pairs = len(_content_pairs(m, self._asked))
        return not (pairs and held >= pairs)


def _keys_of(mentions: Sequence[Mention], asked: Asked | None) -> Iterable[_Key]:
    for m in mentions:
        yield _Key("id", id_key(m.id), m)
        if asked is None:
            continue
        if m.canonical_url and m.canonical_url in asked.urls:
            yield _Key("url", url_key(m.canonical_url), m)
        for brand, digest in _content_pairs(m, asked):
            yield _Key("content", content_key(brand, digest), m)


def _content_pairs(m: Mention, asked: Asked | None) -> list[tuple[str, str]]:
    if asked is None or asked.since is None:
        return []
    return [
        (brand, m.content_hash)
        for brand in dict.fromkeys(m.brands)
        if (brand, m.content_hash) in asked.pairs
    ]


def _claim_document(key: _Key, writer: str) -> dict[str, Any]:
    return {
        "kind": key.kind,
        "mention_id": key.mention.id,
        "source": key.mention.source,
        "writer": writer,
        # As SQLite's content_hashes.seen_at: the window counts from the fetch.
        "seen_at": ts(key.mention.fetched_at),
    }


def _holders(cluster: Cluster, keys_index: str, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not doc_ids:
        return {}
    try:
        body = cluster.call(
            lambda es: es.options(request_timeout=CLAIM_TIMEOUT_S, max_retries=0).mget(
                index=keys_index, ids=doc_ids
            )
        ).body
    except (ApiError, TransportError, StoreError) as exc:
        raise ClaimError(f"could not read the dedupe keys held: {exc}; {NOT_STORED}") from exc
    return {d["_id"]: d for d in body.get("docs") or [] if d.get("found")}


def _take_over(
    cluster: Cluster,
    keys_index: str,
    writer: str,
    stale: list[tuple[_Key, Mapping[str, Any], bool]],
    result: Claims,
    verdicts: _Verdicts,
) -> None:
    """Write our claim over content keys older than the window, at their holder's version
    only: a writer that took one over meanwhile keeps it (409), and a free pair it took
    then counts as held for our mention. Keys we took go in ``result.created``."""
    usable = [s for s in stale if "_seq_no" in s[1] and "_primary_term" in s[1]]
    if not usable:
        return
    actions = [
        bulk.BulkAction(
            "index",
            keys_index,
            key.doc_id,
            _claim_document(key, writer),
            if_version=(int(holder["_seq_no"]), int(holder["_primary_term"])),
        )
        for key, holder, _free in usable
    ]
    report = bulk.send(cluster, actions, request_timeout_s=CLAIM_TIMEOUT_S, retries_429=1)
    for (key, _holder, free), outcome in zip(usable, report.outcomes, strict=True):
        if outcome is not None and outcome.ok:
            result.created.setdefault(key.mention.id, []).append(key.doc_id)
        elif free and outcome is not None and outcome.status == 409:
            verdicts.held_by_another(key.mention)
        elif free:
            # Unknown whether another writer holds it now: storing could duplicate the text.
            reason = report.request_error or (f"{outcome.status}" if outcome else "no answer")
            raise ClaimError(f"could not take over a stale dedupe key: {reason}; {NOT_STORED}")
        else:
            log.warning(
                "could not refresh a content key held (it keeps its older window)",
                extra=fields(key=key.doc_id, reason=report.request_error),
            )
