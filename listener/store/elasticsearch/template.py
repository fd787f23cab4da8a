"""The index templates and the two indices: put in place at every store open
(``ensure_indices``), and described for ``listener check`` and the web (``template_state``).

The template carries ``_meta.version`` (``mapping.TEMPLATE_VERSION``) and ``_meta.icu``: a
cluster holding an older version, or one whose ICU plugin came or went, gets the template
again. A template only shapes indices created after it, so an existing mentions index that
lacks fields of this version is given them with a mapping update (fields can be added to an
index, never changed): when the cluster refuses that, the store does not open, and the
message says how to move to a fresh index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from elasticsearch import ApiError, NotFoundError

from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.elasticsearch.mapping import (
    TEMPLATE_VERSION,
    index_names,
    keys_properties,
    mention_properties,
    mentions_template,
)

# Raised when keys_properties changes: the store puts the keys template again at start.
KEYS_TEMPLATE_VERSION = 1

TemplateStatus = Literal["missing", "current", "outdated", "newer"]


@dataclass(frozen=True, slots=True)
class IndexState:
    name: str
    docs: int | None  # None: the index does not exist
    missing_fields: tuple[str, ...] = ()  # fields of this version's mapping it lacks


@dataclass(frozen=True, slots=True)
class TemplateState:
    """What ``listener check`` says about the cluster's side of the engine."""

    template: TemplateStatus  # newer: put by a later listener; left as it is
    version: int | None  # the cluster's template's _meta.version
    wanted: int  # this listener's TEMPLATE_VERSION
    icu: bool  # the cluster has the analysis-icu plugin
    mentions: IndexState
    keys: IndexState


def icu_installed(cluster: Cluster) -> bool:
    """Whether a node lists the analysis-icu plugin (Elasticsearch's ``analysis-icu``,
    OpenSearch's ``opensearch-analysis-icu``). A user without the monitor privilege cannot
    list plugins: the template is then made without the ICU sub-field."""
    try:
        rows = cluster.call(lambda es: es.cat.plugins(format="json")).body
    except ApiError:
        return False
    if not isinstance(rows, list):
        return False
    return any(
        isinstance(row, Mapping) and "analysis-icu" in str(row.get("component", "")) for row in rows
    )


def ensure_indices(cluster: Cluster) -> bool:
    """Put the mentions template where it is missing or older, create the mentions and keys
    indices where missing, and add this version's fields to an existing mentions index.
    True when the mentions index was made here (a new cluster, or one emptied): no document
    the store sent before is in it."""
    s = cluster.settings
    mentions, keys = index_names(s.index_prefix)
    icu = icu_installed(cluster)
    held = _template_meta(cluster, mentions)
    version = _version(held)
    if (
        version is None
        or version < TEMPLATE_VERSION
        or (version == TEMPLATE_VERSION and (held or {}).get("icu") is not icu)
    ):
        body = mentions_template(s.index_prefix, shards=s.shards, replicas=s.replicas, icu=icu)
        body["_meta"] = {**body["_meta"], "icu": icu}
        cluster.call(lambda es: es.indices.put_index_template(name=mentions, **body))
    created = not cluster.call(lambda es: es.indices.exists(index=mentions))
    if created:
        cluster.call(lambda es: es.indices.create(index=mentions))
    elif version is None or version <= TEMPLATE_VERSION:
        _add_missing_fields(cluster, mentions, icu)
    keys_body = keys_template(s.index_prefix, shards=s.shards, replicas=s.replicas)
    if _version(_template_meta(cluster, keys)) != KEYS_TEMPLATE_VERSION:
        cluster.call(lambda es: es.indices.put_index_template(name=keys, **keys_body))
    if not cluster.call(lambda es: es.indices.exists(index=keys)):
        settings, mappings = keys_body["template"]["settings"], keys_body["template"]["mappings"]
        cluster.call(lambda es: es.indices.create(index=keys, settings=settings, mappings=mappings))
    return created


def keys_template(prefix: str, *, shards: int, replicas: int) -> dict[str, Any]:
    """The body of ``PUT _index_template/<prefix>-keys``: a keys index the cluster makes by
    itself (a claim written after the cluster restarted empty) is strict too, its
    ``mention_id`` a keyword that erasure and retention can match exactly."""
    _, keys = index_names(prefix)
    return {
        "index_patterns": [keys],
        "priority": 200,
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": replicas},
            "mappings": {"dynamic": "strict", "properties": keys_properties()},
        },
        "_meta": {"managed_by": "listener", "version": KEYS_TEMPLATE_VERSION},
    }


def template_state(cluster: Cluster) -> TemplateState:
    """The template's version against this listener's, and both indices' document counts."""
    mentions, keys = index_names(cluster.settings.index_prefix)
    icu = icu_installed(cluster)
    held = _template_meta(cluster, mentions)
    version = _version(held)
    status: TemplateStatus
    if version is None:
        status = "missing"
    elif version < TEMPLATE_VERSION:
        status = "outdated"
    elif version > TEMPLATE_VERSION:
        status = "newer"
    else:
        status = "current"
    mentions_docs = _docs(cluster, mentions)
    missing = _missing_fields(cluster, mentions, icu) if mentions_docs is not None else ()
    return TemplateState(
        template=status,
        version=version,
        wanted=TEMPLATE_VERSION,
        icu=icu,
        mentions=IndexState(mentions, mentions_docs, missing),
        keys=IndexState(keys, _docs(cluster, keys)),
    )


def cluster_health(cluster: Cluster) -> str:
    """``_cluster/health``'s status: green, yellow (a replica unassigned: one node) or red."""
    return str(cluster.call(lambda es: es.cluster.health()).body.get("status", "unknown"))


# -- reading the cluster's side -------------------------------------------------------------


def _template_meta(cluster: Cluster, name: str) -> dict[str, Any] | None:
    try:
        body = cluster.call(lambda es: es.indices.get_index_template(name=name)).body
    except NotFoundError:
        return None
    for entry in body.get("index_templates", []):
        if entry.get("name") == name:
            meta = entry.get("index_template", {}).get("_meta")
            return dict(meta) if isinstance(meta, Mapping) else {}
    return None


def _version(meta: Mapping[str, Any] | None) -> int | None:
    if meta is None:
        return None
    try:
        return int(meta.get("version", 0))
    except (TypeError, ValueError):
        return 0  # a template of that name listener did not put: older than any of ours


def _docs(cluster: Cluster, index: str) -> int | None:
    try:
        return int(cluster.call(lambda es: es.count(index=index)).body["count"])
    except NotFoundError:
        return None


def _missing_fields(cluster: Cluster, index: str, icu: bool) -> tuple[str, ...]:
    body = cluster.call(lambda es: es.indices.get_mapping(index=index)).body
    held: set[str] = set()
    for entry in body.values():
        held |= _field_paths(entry.get("mappings", {}).get("properties", {}))
    wanted = _field_paths(mention_properties(icu=icu))
    return tuple(sorted(wanted - held))


def _field_paths(properties: Mapping[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        paths.add(path)
        if isinstance(spec, Mapping):
            paths |= _field_paths(spec.get("properties", {}), f"{path}.")
            paths |= _field_paths(spec.get("fields", {}), f"{path}.")
    return paths


def _add_missing_fields(cluster: Cluster, index: str, icu: bool) -> None:
    if not _missing_fields(cluster, index, icu):
        return
    properties = mention_properties(icu=icu)
    try:
        cluster.call(lambda es: es.indices.put_mapping(index=index, properties=properties))
    except ApiError as exc:
        raise ClusterError(
            f"the index {index} was made by an older listener and the cluster refuses this"
            f" version's fields ({_reason(exc)}): set storage.elasticsearch.index_prefix to a"
            " new name and run `listener reindex --to elasticsearch`"
        ) from None


def _reason(exc: ApiError) -> str:
    error = exc.body.get("error") if isinstance(exc.body, Mapping) else None
    reason = error.get("reason") if isinstance(error, Mapping) else None
    return str(reason or exc.message)[:300]
