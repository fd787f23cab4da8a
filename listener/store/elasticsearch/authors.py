"""(being written: see listener/store/mention_index.py for what this reader answers)"""

from __future__ import annotations

from listener.store.elasticsearch.cluster import Cluster


class AuthorReads:
    cluster: Cluster
    mentions_index: str
